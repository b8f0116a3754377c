/**
 * What the stack measures, and from which signal: the metric names, the namespace and the
 * log filter patterns that the metric filters (order-metrics.ts), the alarms (alarms.ts)
 * and the dashboard (dashboard.ts) share, and that tests run outcomes through.
 *
 * The workflow's own execution log is the signal for how orders end: Step Functions writes
 * it, so it is there when the services and the tables are down. At the ERROR level (prod's
 * default) it holds ExecutionFailed, ExecutionTimedOut, ExecutionAborted, TaskFailed and
 * TaskTimedOut events; FATAL keeps only the first three ("Log levels", Step Functions
 * Developer Guide, cloudwatch-log-level.html). An event's `details.error` is the Error
 * (ExecutionFailedEventDetails, TaskFailedEventDetails in the API reference) and is not
 * execution data: `includeExecutionData = false` leaves out inputs and outputs only
 * (LoggingConfiguration in the API reference).
 */
import { BUSINESS_ERROR_NAMES, COMPENSATION_FAILED, DUPLICATE_ORDER, ORDER_CLOSED } from "../functions/shared/errors";
import { ORDERS_COMPLETED_METRIC } from "../functions/shared/metrics";
import { ServiceName } from "./services";

export { ORDERS_COMPLETED_METRIC };

/** Business outcomes: an order refused for what it is. They never put an alarm in ALARM. */
export const REJECTION_REASONS: readonly string[] = BUSINESS_ERROR_NAMES;

/**
 * What a service answers on purpose about the order, not a fault: the business refusals,
 * a duplicate delivery (DuplicateOrder) and a second run of an ended execution (OrderClosed).
 */
export const ANSWERS_ON_PURPOSE: readonly string[] = [...BUSINESS_ERROR_NAMES, DUPLICATE_ORDER, ORDER_CLOSED];

/** The workflow log levels whose events the workflow's metrics need (TaskFailed is not logged at FATAL). */
export const LOG_LEVELS_FOR_METRICS = ["ALL", "ERROR"] as const;

/** The metrics the stack publishes in its own namespace (the project_name). */
export const METRIC = {
  /** An order closed COMPLETED (embedded metric format, written by the service that closes it). */
  ordersCompleted: ORDERS_COMPLETED_METRIC,
  /** An execution that ended in a business refusal; dimension Reason = the Error. */
  ordersRejected: "OrdersRejected",
  /** An execution that failed for a technical reason (ServiceUnavailable, CompensationFailed, any other Error), timed out or was aborted. */
  ordersFailedTechnically: "OrdersFailedTechnically",
  /** An execution that ended CompensationFailed: money or stock is held until an operator finishes it. */
  compensationFailed: "CompensationFailed",
  /** A call of a service that failed technically (crash, timeout, throttle, ServiceUnavailable), whether a retry then worked or not. */
  serviceCallFaults: "ServiceCallFaults",
} as const;

/** The dimension of OrdersRejected. */
export const REASON_DIMENSION = "Reason";

/** `{ $.details.error != "A" && $.details.error != "B" ... }`'s inside, for a list of names. */
function errorIsNone(names: readonly string[]): string {
  return names.map((name) => `$.details.error != ${JSON.stringify(name)}`).join(" && ");
}

function errorIsOneOf(names: readonly string[]): string {
  return names.map((name) => `$.details.error = ${JSON.stringify(name)}`).join(" || ");
}

/** Filter patterns on the workflow's execution log (JSON events, `type` and `details`). */
export const WORKFLOW_LOG_PATTERNS = {
  ordersRejected: `{ $.type = "ExecutionFailed" && (${errorIsOneOf(REJECTION_REASONS)}) }`,
  ordersFailedTechnically: `{ ($.type = "ExecutionFailed" && ${errorIsNone(REJECTION_REASONS)}) || $.type = "ExecutionTimedOut" || $.type = "ExecutionAborted" }`,
  compensationFailed: `{ $.type = "ExecutionFailed" && $.details.error = ${JSON.stringify(COMPENSATION_FAILED)} }`,
  // TaskTimedOut: the Task's own timeout (States.Timeout); the others: Lambda refused, crashed or threw.
  serviceCallFaults: `{ ($.type = "TaskFailed" || $.type = "TaskTimedOut" || $.type = "TaskStartFailed" || $.type = "TaskSubmitFailed") && ${errorIsNone(ANSWERS_ON_PURPOSE)} }`,
} as const;

/** `order-service` -> `OrderServiceFaults`: the metric of one function's faults (no dimensions, see below). */
export function functionFaultsMetric(service: ServiceName): string {
  return `${service.replace(/(^|-)([a-z])/g, (_, __, letter: string) => letter.toUpperCase())}Faults`;
}

/**
 * A function's faults, from its own log group, as two filters publishing to one metric (so
 * it has no dimensions: a text pattern cannot publish one):
 *  - `handled`: the line the handler writes for every error it lets through
 *    (functions/shared/handler.ts: WARN, `outcome` = the error's name) when the error is not
 *    an answer on purpose, that is ServiceUnavailable or an unexpected error (a bug);
 *  - `platform`: the lines Lambda itself writes when the handler never answered: the
 *    invocation timed out ("Task timed out after N seconds"), the runtime process exited
 *    (out of memory, a crash: "Runtime exited with error"), or the module failed to load
 *    ("Uncaught Exception").
 */
export const FUNCTION_LOG_PATTERNS = {
  handled: `{ $.level = "WARN" && $.outcome = * && ${ANSWERS_ON_PURPOSE.map((name) => `$.outcome != ${JSON.stringify(name)}`).join(" && ")} }`,
  platform: '?"Task timed out after" ?"Runtime exited with error" ?"Uncaught Exception"',
} as const;
