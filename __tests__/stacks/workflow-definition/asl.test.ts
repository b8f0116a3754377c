/**
 * The typed ASL the definition is built from (stacks/workflow-definition/asl.ts): payload
 * templates write the `.$` fields themselves, a misspelled or misplaced field does not
 * compile (the @ts-expect-error lines fail `tsc -p .` the day they compile), and the walks
 * over the states find every state and every next state.
 */
import {
  allStates,
  at,
  intrinsic,
  nextStates,
  PayloadTemplate,
  State,
  States,
  TaskOutcome,
  TaskState,
  template,
} from "../../../stacks/workflow-definition";

const task = (outcome: TaskOutcome): TaskState => ({
  Type: "Task",
  Resource: "arn:aws:states:::lambda:invoke",
  Parameters: template({ FunctionName: "f" }),
  TimeoutSeconds: 1,
  ...outcome,
});

describe("payload templates", () => {
  test("GIVEN fields read at run time WHEN templated THEN their names end in .$ and their values are the paths or intrinsic functions", () => {
    expect(
      template({
        orderId: at("$.order.orderId"),
        key: at("$$.Execution.Name"),
        detail: intrinsic("States.StringToJson($.Cause)"),
      }),
    ).toEqual({ "orderId.$": "$.order.orderId", "key.$": "$$.Execution.Name", "detail.$": "States.StringToJson($.Cause)" });
  });

  test("fixed values stay as they are, nested fields are templated too, and the fields keep their order", () => {
    const templated = template({
      status: "COMPLETED",
      delivered: null,
      rerun: true,
      count: 0,
      held: "",
      list: [1, "two", { three: 3 }],
      notification: { type: "ORDER_CONFIRMATION", error: at("$.failure.Error"), deeper: { id: at("$.id") } },
      last: at("$.last"),
    });
    expect(JSON.stringify(templated)).toBe(
      '{"status":"COMPLETED","delivered":null,"rerun":true,"count":0,"held":"","list":[1,"two",{"three":3}],' +
        '"notification":{"type":"ORDER_CONFIRMATION","error.$":"$.failure.Error","deeper":{"id.$":"$.id"}},"last.$":"$.last"}',
    );
  });

  test("a template is a PayloadTemplate, with no field of its own", () => {
    const templated = template({});
    expect(templated).toBeInstanceOf(PayloadTemplate);
    expect(Object.keys(templated)).toEqual([]);
    expect(JSON.stringify(templated)).toBe("{}");
  });

  test("a field named like one read at run time is refused, at any depth: the value says that it is read at run time", () => {
    const message = /template field orderId\.\$ is named like a field read at run time: write at\(path\) or intrinsic\(call\)/;
    expect(() => template({ "orderId.$": "$.order.orderId" })).toThrow(message);
    expect(() => template({ order: { "orderId.$": "$.order.orderId" } })).toThrow(message);
    expect(() => template({ "orderId.": "x", $: "y", orderId$: "z" })).not.toThrow();
  });

  test("the types refuse a hand-written .$ field, a path without $, a misspelled or misplaced field", () => {
    // Compile-time checks: each line below that compiled would fail `tsc -p .` (unused @ts-expect-error).
    // @ts-expect-error -- Parameters are a PayloadTemplate, which only template() makes.
    const handWritten: State = { Type: "Pass", Parameters: { "orderId.$": "$.order.orderId" }, End: true };
    // @ts-expect-error -- a path starts with $.
    const noDollar = at("order.orderId");
    // @ts-expect-error -- an intrinsic function is one of States.
    const notIntrinsic = intrinsic("Format('{}', $.x)");
    // @ts-expect-error -- ResultSelector, misspelled.
    const misspelled = task({ ResultSelecter: template({}), End: true });
    // @ts-expect-error -- a Pass state has no Catch.
    const misplaced: State = { Type: "Pass", Catch: [], End: true };
    // @ts-expect-error -- a state either goes on or ends.
    const both = task({ Next: "A", End: true });
    // @ts-expect-error -- a Choice names its Default.
    const noDefault: State = { Type: "Choice", Choices: [{ Variable: "$.x", IsPresent: true, Next: "A" }] };
    // @ts-expect-error -- a retrier states all of its timing.
    const vagueRetry = task({ Retry: [{ ErrorEquals: ["States.ALL"], MaxAttempts: 1 }], End: true });
    expect([handWritten, noDollar, notIntrinsic, misspelled, misplaced, both, noDefault, vagueRetry]).toHaveLength(8);
  });
});

describe("walks over the states", () => {
  const states: States = {
    A: task({ Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.error", Next: "F" }], Next: "P" }),
    P: {
      Type: "Parallel",
      Branches: [
        { StartAt: "B1", States: { B1: task({ End: true }) } },
        {
          StartAt: "B2",
          States: {
            B2: {
              Type: "Parallel",
              Branches: [{ StartAt: "N", States: { N: { Type: "Pass", End: true } } }],
              End: true,
            },
          },
        },
      ],
      Next: "C",
    },
    C: {
      Type: "Choice",
      Choices: [
        { Variable: "$.x", IsPresent: true, Next: "D" },
        { And: [{ Variable: "$.y", StringEquals: "" }], Next: "E" },
      ],
      Default: "E",
    },
    D: task({
      Catch: [
        { ErrorEquals: ["A"], Next: "E" },
        { ErrorEquals: ["States.ALL"], Next: "F" },
      ],
      End: true,
    }),
    E: { Type: "Pass", Next: "F" },
    F: { Type: "Fail", ErrorPath: "$.error", CausePath: "$.cause" },
  };

  test("allStates: every state with its name, each Parallel state's branches after it, nested ones included", () => {
    expect(allStates(states).map(([name, state]) => [name, state.Type])).toEqual([
      ["A", "Task"],
      ["P", "Parallel"],
      ["B1", "Task"],
      ["B2", "Parallel"],
      ["N", "Pass"],
      ["C", "Choice"],
      ["D", "Task"],
      ["E", "Pass"],
      ["F", "Fail"],
    ]);
    expect(allStates(states).find(([name]) => name === "N")?.[1]).toBe(
      states.P.Type === "Parallel" && states.P.Branches[1].States.B2.Type === "Parallel"
        ? states.P.Branches[1].States.B2.Branches[0].States.N
        : undefined,
    );
  });

  test("nextStates: a Task's catchers and Next, a Choice's rules and Default, a Parallel's or a Pass state's Next; nothing after an end", () => {
    expect(Object.fromEntries(Object.entries(states).map(([name, state]) => [name, nextStates(state)]))).toEqual({
      A: ["F", "P"],
      P: ["C"],
      C: ["D", "E", "E"],
      D: ["E", "F"],
      E: ["F"],
      F: [],
    });
    expect(nextStates(task({ End: true }))).toEqual([]);
    expect(nextStates({ Type: "Pass", End: true })).toEqual([]);
    expect(nextStates({ Type: "Parallel", Branches: [], End: true })).toEqual([]);
  });
});
