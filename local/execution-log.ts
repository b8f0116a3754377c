/**
 * The workflow's execution log as Step Functions would write it to CloudWatch Logs for a
 * local run: one JSON event per history event (`id`, `type`, `details`, `previous_event_id`,
 * `event_timestamp`, `execution_arn`, `redrive_count`), only the types the log level keeps
 * ("Log levels", Step Functions Developer Guide), and without inputs and outputs when
 * execution data is excluded. It holds the events the stack's metric filters read (the
 * execution's end, and each failed call), not every state's entry and exit.
 */
import { TaskFailure, WorkflowResult } from "./runner";

export type WorkflowLogLevel = "ALL" | "ERROR" | "FATAL" | "OFF";

export interface ExecutionLogSettings {
  level: WorkflowLogLevel;
  includeExecutionData: boolean;
  executionArn: string;
  /** The time of the first event; later events follow a millisecond apart. */
  startedAt?: Date;
}

/** The event types each level logs, of those written here (cloudwatch-log-level.html). */
const LOGGED_AT: Record<string, readonly WorkflowLogLevel[]> = {
  ExecutionStarted: ["ALL"],
  ExecutionSucceeded: ["ALL"],
  TaskFailed: ["ALL", "ERROR"],
  TaskTimedOut: ["ALL", "ERROR"],
  FailStateEntered: ["ALL", "ERROR"],
  ExecutionFailed: ["ALL", "ERROR", "FATAL"],
  ExecutionTimedOut: ["ALL", "ERROR", "FATAL"],
  ExecutionAborted: ["ALL", "ERROR", "FATAL"],
};

interface HistoryEvent {
  type: string;
  details: Record<string, unknown>;
  /** The parts of `details` that are execution data (left out unless included). */
  data?: Record<string, unknown>;
}

/** A Task's own timeout is a TaskTimedOut event; any other failed call a TaskFailed one. */
function taskEvent(failure: TaskFailure): HistoryEvent {
  return {
    type: failure.error === "States.Timeout" ? "TaskTimedOut" : "TaskFailed",
    details: { resourceType: "lambda", resource: "invoke", error: failure.error, cause: failure.cause },
  };
}

function historyOf(result: WorkflowResult, input: unknown): HistoryEvent[] {
  const started: HistoryEvent = { type: "ExecutionStarted", details: {}, data: { input: JSON.stringify(input ?? {}) } };
  const tasks = result.taskFailures.map(taskEvent);
  if (result.status === "SUCCEEDED") {
    return [started, ...tasks, { type: "ExecutionSucceeded", details: {}, data: { output: JSON.stringify(result.output) } }];
  }
  return [
    started,
    ...tasks,
    { type: "FailStateEntered", details: { name: result.states.at(-1) ?? "" }, data: { input: "{}" } },
    { type: "ExecutionFailed", details: { error: result.error, cause: result.cause } },
  ];
}

function render(events: HistoryEvent[], settings: ExecutionLogSettings): string[] {
  const start = (settings.startedAt ?? new Date()).getTime();
  return events.flatMap((event, index) => {
    if (!LOGGED_AT[event.type]?.includes(settings.level)) return [];
    const details = settings.includeExecutionData ? { ...event.details, ...event.data } : event.details;
    return [
      JSON.stringify({
        id: String(index + 1),
        type: event.type,
        details,
        previous_event_id: String(index),
        event_timestamp: String(start + index),
        execution_arn: settings.executionArn,
        redrive_count: "0",
      }),
    ];
  });
}

/** The log events of a local run, as the state machine's log group would receive them. */
export function executionLogEvents(result: WorkflowResult, input: unknown, settings: ExecutionLogSettings): string[] {
  return render(historyOf(result, input), settings);
}

/**
 * The log events of an execution that Step Functions ended itself, which the local runner
 * cannot: it timed out (TimeoutSeconds) or was stopped (StopExecution). A cause is given as
 * Step Functions gives one.
 */
export function endedByStepFunctions(type: "ExecutionTimedOut" | "ExecutionAborted", settings: ExecutionLogSettings): string[] {
  const ended: HistoryEvent =
    type === "ExecutionTimedOut"
      ? { type, details: { error: "States.Timeout", cause: "The execution timed out" } }
      : { type, details: { error: "Stopped", cause: "stopped by an operator" } };
  return render([{ type: "ExecutionStarted", details: {}, data: { input: "{}" } }, ended], settings);
}
