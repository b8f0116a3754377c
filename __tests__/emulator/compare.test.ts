/**
 * How the lifecycle compares the two interpreters and recognises a known emulator defect,
 * on made-up runs and histories (no emulator needed), and which orders it runs.
 */
import { expect } from "@jest/globals";
import { HistoryEvent } from "@aws-sdk/client-sfn";
import { disagreement, exampleOrders, firstDifferentState, InterpreterRun, knownDefectIn } from "../../emulator/compare";
import { KNOWN_DEFECTS, RECORDED_DEFECTS, stateOfEvent, statesByName } from "../../emulator/known-defects";
import { LocalWorkflow } from "../../local/runner";

const run = (states: string[], fields: Partial<InterpreterRun> = {}): InterpreterRun => ({
  status: "SUCCEEDED",
  output: { total: 1 },
  states,
  ...fields,
});

describe("comparing two runs", () => {
  test("the same states in another order (concurrent Parallel branches) agree", () => {
    const local = run(["A", "P", "Pay", "Reserve", "B"]);
    const emulator = run(["A", "P", "Reserve", "Pay", "B"]);
    expect(firstDifferentState(local.states, emulator.states)).toBeUndefined();
    expect(disagreement(local, emulator)).toBeUndefined();
  });

  test("a state entered by one run only is named", () => {
    expect(disagreement(run(["A", "B", "C"]), run(["A", "X", "C"]))).toBe(
      "state B entered 1x by aws-local-stepfunctions, 0x by the emulator",
    );
  });

  test("a state entered more often by one run (a retry) is named", () => {
    expect(disagreement(run(["A", "B"]), run(["A", "B", "B"]))).toBe(
      "state B entered 1x by aws-local-stepfunctions, 2x by the emulator",
    );
  });

  test("status, error, cause and output are compared, naming the last state", () => {
    const failed = { status: "FAILED", error: "PaymentDeclined", cause: "declined", output: undefined };
    expect(disagreement(run(["A", "Fail"], failed), run(["A", "Fail"]))).toBe(
      "status FAILED locally, SUCCEEDED on the emulator (last state Fail)",
    );
    expect(disagreement(run(["A", "Fail"], failed), run(["A", "Fail"], { ...failed, error: "Other" }))).toBe(
      "error PaymentDeclined locally, Other on the emulator (state Fail)",
    );
    expect(disagreement(run(["A", "Fail"], failed), run(["A", "Fail"], { ...failed, cause: "other" }))).toMatch(
      /^cause differs at state Fail/,
    );
    expect(disagreement(run(["A"]), run(["A"], { output: { total: 2 } }))).toMatch(/^output differs at state A/);
  });
});

describe("known emulator defects", () => {
  // CreateOrder's Payload as the current definition writes it: States.Format with escaped braces.
  const definition = {
    StartAt: "GetUser",
    States: {
      GetUser: { Type: "Task", Next: "CreateOrder" },
      CreateOrder: {
        Type: "Task",
        Parameters: { "Payload.$": `States.StringToJson(States.Format('\\{"idempotencyKey":"{}"\\}', $$.Execution.Name))` },
        Next: "Done",
      },
      Done: { Type: "Succeed" },
    },
  };
  const history = (error: string): HistoryEvent[] => [
    { id: 1, previousEventId: 0, type: "ExecutionStarted", timestamp: new Date() },
    { id: 2, previousEventId: 1, type: "TaskStateEntered", stateEnteredEventDetails: { name: "GetUser" }, timestamp: new Date() },
    { id: 3, previousEventId: 2, type: "TaskStateExited", stateExitedEventDetails: { name: "GetUser" }, timestamp: new Date() },
    {
      id: 4,
      previousEventId: 3,
      type: "TaskStateEntered",
      stateEnteredEventDetails: { name: "CreateOrder" },
      timestamp: new Date(),
    },
    {
      id: 5,
      previousEventId: 4,
      type: "TaskFailed",
      taskFailedEventDetails: { resourceType: "lambda", resource: "invoke", error, cause: "KeyError" },
      timestamp: new Date(),
    },
  ];

  test("a States.Runtime failure in a state whose States.Format escapes a brace is the escaped-braces defect, at that state", () => {
    const hit = knownDefectIn(definition, history("States.Runtime"));
    expect(hit?.defect.id).toBe("moto-format-escaped-braces");
    expect(hit?.state).toBe("CreateOrder");
  });

  test("any other failure there is no known defect: it fails the comparison", () => {
    expect(knownDefectIn(definition, history("InvalidInput"))).toBeUndefined();
    const plain = { ...definition, States: { ...definition.States, CreateOrder: { Type: "Task", Next: "Done" } } };
    expect(knownDefectIn(plain, history("States.Runtime"))).toBeUndefined();
  });

  test("each history event belongs to the state entered before it; states are found inside Parallel branches", () => {
    const events = history("States.Runtime");
    expect(stateOfEvent(events, events[4])).toBe("CreateOrder");
    const nested = { States: { P: { Type: "Parallel", Branches: [{ States: { Inner: { Type: "Pass" } } }] } } };
    expect([...statesByName(nested).keys()]).toEqual(["P", "Inner"]);
  });

  test("every recorded defect says what each interpreter does, what AWS documents, and where", () => {
    for (const defect of RECORDED_DEFECTS) {
      expect(defect).toMatchObject({
        emulator: expect.any(String),
        local: expect.any(String),
        aws: expect.any(String),
        source: expect.stringMatching(/^https:\/\/docs\.aws\.amazon\.com\//),
      });
    }
    expect(KNOWN_DEFECTS.length).toBeGreaterThan(0);
  });
});

describe("the orders compared", () => {
  test("the sample order and every examples/failures/*.json", () => {
    const files = exampleOrders().map((order) => order.file);
    expect(files[0]).toBe("examples/sample-order.json");
    expect(files).toEqual(
      expect.arrayContaining(["examples/failures/payment-declined.json", "examples/failures/invalid-input.json"]),
    );
  });

  test("LocalWorkflow's trace names every state entered, which the comparison reads", async () => {
    const entered: string[] = [];
    const result = await new LocalWorkflow().run(exampleOrders()[0].input, {
      trace: (line) => /^entered (.+) \([A-Za-z]+\)$/.test(line) && entered.push(line),
    });
    expect(entered).toHaveLength(result.transitions);
  });
});
