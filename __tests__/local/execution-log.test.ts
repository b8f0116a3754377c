/**
 * The workflow's execution log as the local runner renders it: the events each log level
 * keeps ("Log levels", Step Functions Developer Guide), execution data left out unless
 * included, and each failed call as Step Functions reports it.
 */
import { seededMemoryStore } from "../../functions/shared/default-store";
import { endedByStepFunctions, executionLogEvents } from "../../local/execution-log";
import { LocalWorkflow } from "../../local/runner";
import { SAMPLE_ORDER } from "../../stacks/order-workflow-stack";

const executionArn = "arn:aws:states:us-east-1:123456789012:execution:p-workflow:e1";
const workflow = new LocalWorkflow();
const run = (options: Parameters<LocalWorkflow["run"]>[1] = {}) =>
  workflow.run(SAMPLE_ORDER, { store: seededMemoryStore(), ...options });

/** The fields of an execution log event the tests read. */
type LogEvent = { type: string; details: { input?: string; error?: string; cause?: string } } & Record<string, unknown>;
const parseEvent = (line: string) => JSON.parse(line) as LogEvent;

const types = (lines: string[]) => lines.map((line) => parseEvent(line).type);

test("a completed order logs its start and end at ALL, nothing at ERROR, FATAL or OFF", async () => {
  const result = await run();
  expect(types(executionLogEvents(result, SAMPLE_ORDER, { level: "ALL", includeExecutionData: true, executionArn }))).toEqual([
    "ExecutionStarted",
    "ExecutionSucceeded",
  ]);
  for (const level of ["ERROR", "FATAL", "OFF"] as const)
    expect(executionLogEvents(result, SAMPLE_ORDER, { level, includeExecutionData: false, executionArn })).toEqual([]);
});

test("a failed call is a TaskFailed at ERROR, with its error and cause; the end is ExecutionFailed, the only event at FATAL", async () => {
  const result = await run({ inject: [{ service: "payment-service", action: "authorize", error: "ServiceUnavailable" }] });
  const lines = executionLogEvents(result, SAMPLE_ORDER, { level: "ERROR", includeExecutionData: false, executionArn });
  // 4 attempts (3 retries), then the Fail state and the execution's end.
  expect(types(lines)).toEqual(["TaskFailed", "TaskFailed", "TaskFailed", "TaskFailed", "FailStateEntered", "ExecutionFailed"]);
  const [first] = lines.map(parseEvent);
  expect(first).toMatchObject({
    id: "2",
    previous_event_id: "1",
    execution_arn: executionArn,
    redrive_count: "0",
    details: { resourceType: "lambda", resource: "invoke", error: "ServiceUnavailable" },
  });
  expect(JSON.parse(first.details.cause!)).toMatchObject({ errorType: "ServiceUnavailable" });
  const end = parseEvent(lines.at(-1)!);
  expect(end.details).toEqual({ error: "ServiceUnavailable", cause: result.cause });
  expect(types(executionLogEvents(result, SAMPLE_ORDER, { level: "FATAL", includeExecutionData: false, executionArn }))).toEqual([
    "ExecutionFailed",
  ]);
});

test("execution data (inputs, outputs) is left out unless included; errors and causes are kept either way", async () => {
  const result = await run({ inject: [{ service: "inventory-service", action: "reserve", error: "States.Timeout", times: 1 }] });
  const without = executionLogEvents(result, SAMPLE_ORDER, { level: "ALL", includeExecutionData: false, executionArn });
  const withData = executionLogEvents(result, SAMPLE_ORDER, { level: "ALL", includeExecutionData: true, executionArn });
  expect(without.join("\n")).not.toContain("PROD001");
  expect(parseEvent(withData[0]).details.input).toBe(JSON.stringify(SAMPLE_ORDER));
  // A Task's own timeout is a TaskTimedOut event.
  expect(types(without)).toEqual(["ExecutionStarted", "TaskTimedOut", "ExecutionSucceeded"]);
  expect(parseEvent(without[1]).details.error).toBe("States.Timeout");
});

test.each([
  ["ExecutionTimedOut", "States.Timeout"],
  ["ExecutionAborted", "Stopped"],
] as const)("an execution Step Functions ended (%s) is logged at every level but OFF", (type, error) => {
  for (const level of ["ALL", "ERROR", "FATAL"] as const) {
    const lines = endedByStepFunctions(type, { level, includeExecutionData: false, executionArn });
    expect(JSON.parse(lines.at(-1)!)).toMatchObject({ type, details: { error } });
  }
  expect(endedByStepFunctions(type, { level: "OFF", includeExecutionData: true, executionArn })).toEqual([]);
});

test("the runner records every failed call: whether the handler ran, and the error Step Functions saw", async () => {
  const result = await run({
    inject: [
      { service: "payment-service", action: "authorize", error: "Lambda.Unknown", after: true, times: 1 },
      { service: "inventory-service", action: "reserve", error: "Sandbox.Timedout", times: 1 },
      { service: "order-service", action: "create", error: "ServiceUnavailable", times: 1 },
    ],
  });
  expect(result.status).toBe("SUCCEEDED");
  expect(result.taskFailures.map(({ service, action, error, handlerRan }) => [service, action, error, handlerRan])).toEqual(
    expect.arrayContaining([
      ["order-service", "create", "ServiceUnavailable", true],
      ["payment-service", "authorize", "Lambda.Unknown", true],
      ["inventory-service", "reserve", "Sandbox.Timedout", false],
    ]),
  );
  expect(result.taskFailures).toHaveLength(3);
});
