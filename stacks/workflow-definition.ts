/**
 * The order workflow in Amazon States Language, built by a pure function of the
 * functions' ARNs. The deployed state machine (with Terraform references as ARNs) and
 * the local runner (with placeholder ARNs) both use this one definition.
 *
 * Happy path, 7 states entered:
 *   GetUser -> CreateOrder -> ProcessPaymentAndInventory (AuthorizePayment || ReserveInventory)
 *   -> CheckFulfilment -> SendConfirmation
 *
 * Failures are normalized to `$.failure = { error, detail: { errorMessage }, orderId }`,
 * compensated (RefundPayment, ReleaseInventory), reported to the customer (NotifyFailure)
 * and end in OrderFailed with Error = the root cause's name and Cause = its message.
 */
import { BUSINESS_ERROR_NAMES, SERVICE_UNAVAILABLE } from "../functions/shared/errors";
import { PerService, ServiceName } from "./services";

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type State = { [key: string]: Json };
export interface WorkflowDefinition {
  Comment: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, State>;
}

export interface WorkflowOptions {
  /** Limit for one Lambda call: above the function's own timeout, so that the function's error wins. */
  taskTimeoutSeconds: number;
}

/** Every state of a States object with its name, the states of Parallel branches included. */
export function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...((state.Branches ?? []) as { States: Record<string, State> }[]).flatMap((branch) => allStates(branch.States)),
  ]);
}

/** A Task waits this much longer than its function may run. */
export const TASK_TIMEOUT_MARGIN_SECONDS = 5;

/** The options for functions with the given timeout (lambda_timeout). */
export function optionsFor(lambdaTimeoutSeconds: number): WorkflowOptions {
  return { taskTimeoutSeconds: lambdaTimeoutSeconds + TASK_TIMEOUT_MARGIN_SECONDS };
}

export const DEFAULT_WORKFLOW_OPTIONS: WorkflowOptions = optionsFor(30);

/** Faults worth retrying: Lambda's own service errors, throttling, timeouts, and a service's own transient fault. */
export const TRANSIENT_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.TooManyRequestsException",
  "States.Timeout",
  SERVICE_UNAVAILABLE,
];

export const RETRY_POLICY = { IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3, MaxDelaySeconds: 8, JitterStrategy: "FULL" };
/** Compensation must not give up easily: an unreleased reservation or unrefunded payment needs a human. */
export const COMPENSATION_RETRY_POLICY = { ...RETRY_POLICY, MaxAttempts: 6, MaxDelaySeconds: 30 };
/** The longest wait between two attempts of any Task. */
export const MAX_RETRY_DELAY_SECONDS = Math.max(RETRY_POLICY.MaxDelaySeconds, COMPENSATION_RETRY_POLICY.MaxDelaySeconds);

/**
 * The most Task attempts one execution can make one after another: along the longest
 * path of the graph, each Task counts its first attempt and all its retries, and a
 * Parallel state its longest branch.
 */
export function longestPathAttempts(states: Record<string, State>, from: string): number {
  const state = states[from];
  const retries = ((state.Retry ?? []) as { MaxAttempts: number }[]).reduce((sum, retrier) => sum + retrier.MaxAttempts, 0);
  const own =
    state.Type === "Task"
      ? 1 + retries
      : state.Type === "Parallel"
        ? Math.max(
            ...(state.Branches as { StartAt: string; States: Record<string, State> }[]).map((b) =>
              longestPathAttempts(b.States, b.StartAt),
            ),
          )
        : 0;
  const next = [
    ...((state.Choices ?? []) as { Next: string }[]).map((choice) => choice.Next),
    ...((state.Catch ?? []) as { Next: string }[]).map((catcher) => catcher.Next),
    ...[state.Next, state.Default].filter((name): name is string => typeof name === "string"),
  ];
  return own + Math.max(0, ...next.map((name) => longestPathAttempts(states, name)));
}

/** An execution limit no legitimate run reaches: every attempt on the longest path timing out, after the longest wait. */
export function executionTimeoutSeconds(attempts: number, taskTimeoutSeconds: number): number {
  return attempts * (taskTimeoutSeconds + MAX_RETRY_DELAY_SECONDS);
}

const IDEMPOTENCY_KEY = "$$.Execution.Name";

/** Every state the workflow has; the tests and the runner refer to them by these names. */
export const STATE = {
  getUser: "GetUser",
  createOrder: "CreateOrder",
  processPaymentAndInventory: "ProcessPaymentAndInventory",
  authorizePayment: "AuthorizePayment",
  reserveInventory: "ReserveInventory",
  checkFulfilment: "CheckFulfilment",
  sendConfirmation: "SendConfirmation",
  confirmationNotDelivered: "ConfirmationNotDelivered",
  recordPaymentFailure: "RecordPaymentFailure",
  recordInventoryFailure: "RecordInventoryFailure",
  recordPaymentAndInventoryFailure: "RecordPaymentAndInventoryFailure",
  refundPayment: "RefundPayment",
  releaseInventory: "ReleaseInventory",
  notifyFailure: "NotifyFailure",
  orderFailed: "OrderFailed",
} as const;

/** A Task using the optimized Lambda integration; `payload` is a template, or a path when it is a string. */
function invoke(
  functionArn: string,
  payload: State | string,
  options: WorkflowOptions,
  fields: State & { Retry?: Json; Catch?: Json },
): State {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Parameters:
      typeof payload === "string"
        ? { FunctionName: functionArn, "Payload.$": payload }
        : { FunctionName: functionArn, Payload: payload },
    TimeoutSeconds: options.taskTimeoutSeconds,
    Retry: [{ ErrorEquals: TRANSIENT_ERRORS, ...RETRY_POLICY }],
    ...fields,
  };
}

/** Where a catcher leaves the error and where the explained failure goes. */
interface FailureHandling {
  /** The catcher's ResultPath; undefined replaces the state (needed when the input may not be an object). */
  caughtAt?: string;
  /** The explanation's ResultPath; undefined makes the explanation the state's whole output. */
  explainedAt?: string;
  /** Adds `orderId: null`, for failures before an order exists. */
  noOrderYet?: boolean;
  continuation: { Next: string } | { End: true };
}

/**
 * The two Pass states that turn a caught error into `{ error, detail: { errorMessage } }`:
 * a business error's Cause is the Lambda runtime's JSON (`{"errorType","errorMessage","trace"}`);
 * anything else that survived the retries becomes ServiceUnavailable.
 *
 * ResultPath "$" is never written out (it is the default): aws-local-stepfunctions 3.0.0
 * reads it as a field named "$".
 */
function explainFailures(task: string, service: ServiceName, handling: FailureHandling): Record<string, State> {
  const caught = handling.caughtAt ?? "$";
  const orderId: State = handling.noOrderYet ? { orderId: null } : {};
  const placement: State = handling.explainedAt ? { ResultPath: handling.explainedAt } : {};
  return {
    [`${task}Rejected`]: {
      Type: "Pass",
      Parameters: { "error.$": `${caught}.Error`, "detail.$": `States.StringToJson(${caught}.Cause)`, ...orderId },
      ...placement,
      ...handling.continuation,
    },
    [`${task}Unavailable`]: {
      Type: "Pass",
      Parameters: {
        error: SERVICE_UNAVAILABLE,
        detail: {
          "errorMessage.$": `States.Format('${service} did not answer after retries (last error: {})', ${caught}.Error)`,
        },
        ...orderId,
      },
      ...placement,
      ...handling.continuation,
    },
  };
}

function catchFailures(task: string, caughtAt?: string): Json {
  const placement: State = caughtAt ? { ResultPath: caughtAt } : {};
  return [
    { ErrorEquals: [...BUSINESS_ERROR_NAMES], ...placement, Next: `${task}Rejected` },
    { ErrorEquals: ["States.ALL"], ...placement, Next: `${task}Unavailable` },
  ];
}

/** One branch of the Parallel state: success gives the service's result, failure gives the explained error. */
function branch(task: string, service: ServiceName, state: State): { StartAt: string; States: Record<string, State> } {
  return {
    StartAt: task,
    States: {
      [task]: { ...state, Catch: catchFailures(task) },
      ...explainFailures(task, service, { continuation: { End: true } }),
    },
  };
}

/**
 * A compensating Task: retried longer than the others, its result kept at
 * `$.compensation.<name>`; when it still fails, the order is still reported and ends
 * with its root cause, and the failed compensation stays in the history and the logs.
 */
function compensation(functionArn: string, name: string, payload: State, resultSelector: State, options: WorkflowOptions): State {
  return invoke(functionArn, payload, options, {
    Retry: [{ ErrorEquals: TRANSIENT_ERRORS, ...COMPENSATION_RETRY_POLICY }],
    ResultSelector: resultSelector,
    ResultPath: `$.compensation.${name}`,
    Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: `$.compensation.${name}Failure`, Next: STATE.notifyFailure }],
    Next: STATE.notifyFailure,
  });
}

function recordFailure(sourcePath: string, next: string): State {
  return {
    Type: "Pass",
    Parameters: { "error.$": `${sourcePath}.error`, "detail.$": `${sourcePath}.detail`, "orderId.$": "$.order.orderId" },
    ResultPath: "$.failure",
    Next: next,
  };
}

export function buildWorkflowDefinition(
  functionArns: PerService<string>,
  options: WorkflowOptions = DEFAULT_WORKFLOW_OPTIONS,
): WorkflowDefinition {
  const states = buildStates(functionArns, options);
  return {
    Comment: "Order workflow: user, order, payment || inventory, notification; compensates and explains every failure",
    StartAt: STATE.getUser,
    TimeoutSeconds: executionTimeoutSeconds(longestPathAttempts(states, STATE.getUser), options.taskTimeoutSeconds),
    States: states,
  };
}

/** The fields of the order summary the customer is sent and the execution outputs. */
const ORDER_SUMMARY_FIELDS = ["orderId", "userId", "items", "subtotal", "tax", "total", "transactionId", "reservations"];

/** The order summary as a payload template that reads each field from `pathOf(field)`. */
function orderSummary(pathOf: (field: string) => string): State {
  return Object.fromEntries(ORDER_SUMMARY_FIELDS.map((field) => [`${field}.$`, pathOf(field)]));
}

function buildStates(arn: PerService<string>, options: WorkflowOptions): Record<string, State> {
  const payment = "$.fulfilment.payment";
  const inventory = "$.fulfilment.inventory";
  /** Where each summary field is in the state once payment and inventory have succeeded. */
  const summaryInState = (field: string) =>
    field === "transactionId"
      ? `${payment}.transactionId`
      : field === "reservations"
        ? `${inventory}.reservations`
        : `$.order.${field}`;

  return {
    // The whole request goes to user-service, so that a malformed one is refused there with
    // InvalidInput instead of failing a path lookup with States.Runtime. For the first state
    // `$$.Execution.Input` is `$`; read from the context, even a bare `false` or `""` arrives
    // (the local runner's JSONPath library answers `$` of a falsy document with nothing).
    [STATE.getUser]: invoke(arn["user-service"], "$$.Execution.Input", options, {
      ResultSelector: {
        "userId.$": "$.Payload.userId",
        "email.$": "$.Payload.email",
        "creditScore.$": "$.Payload.creditScore",
      },
      ResultPath: "$.userData",
      // The error replaces the state: the input may be no object at all, so no field can be added to it.
      Catch: catchFailures(STATE.getUser),
      Next: STATE.createOrder,
    }),
    ...explainFailures(STATE.getUser, "user-service", {
      explainedAt: "$.failure",
      noOrderYet: true,
      continuation: { Next: STATE.orderFailed },
    }),

    // JsonMerge adds the idempotency key to the request, so that a missing orderData reaches
    // order-service's validation instead of failing a `$.orderData` path lookup.
    [STATE.createOrder]: invoke(
      arn["order-service"],
      `States.JsonMerge($, States.StringToJson(States.Format('\\{"idempotencyKey":"{}"\\}', ${IDEMPOTENCY_KEY})), false)`,
      options,
      {
        ResultSelector: {
          "orderId.$": "$.Payload.orderId",
          "userId.$": "$.Payload.userId",
          "items.$": "$.Payload.items",
          "subtotal.$": "$.Payload.subtotal",
          "tax.$": "$.Payload.tax",
          "total.$": "$.Payload.total",
          "totalCents.$": "$.Payload.totalCents",
        },
        ResultPath: "$.order",
        Catch: catchFailures(STATE.createOrder, "$.failure"),
        Next: STATE.processPaymentAndInventory,
      },
    ),
    ...explainFailures(STATE.createOrder, "order-service", {
      caughtAt: "$.failure",
      explainedAt: "$.failure",
      noOrderYet: true,
      continuation: { Next: STATE.notifyFailure },
    }),

    [STATE.processPaymentAndInventory]: {
      Type: "Parallel",
      Branches: [
        branch(
          STATE.authorizePayment,
          "payment-service",
          invoke(
            arn["payment-service"],
            {
              action: "authorize",
              "orderId.$": "$.order.orderId",
              "userId.$": "$.userData.userId",
              "creditScore.$": "$.userData.creditScore",
              "amountCents.$": "$.order.totalCents",
              "idempotencyKey.$": IDEMPOTENCY_KEY,
            },
            options,
            {
              ResultSelector: { "transactionId.$": "$.Payload.transactionId", "amountCents.$": "$.Payload.amountCents" },
              End: true,
            },
          ),
        ),
        branch(
          STATE.reserveInventory,
          "inventory-service",
          invoke(
            arn["inventory-service"],
            {
              action: "reserve",
              "orderId.$": "$.order.orderId",
              "items.$": "$.order.items",
              "idempotencyKey.$": IDEMPOTENCY_KEY,
            },
            options,
            { ResultSelector: { "reservations.$": "$.Payload.reservations" }, End: true },
          ),
        ),
      ],
      ResultSelector: { "payment.$": "$[0]", "inventory.$": "$[1]" },
      ResultPath: "$.fulfilment",
      Next: STATE.checkFulfilment,
    },

    // Each branch catches its own failure, so both outcomes are known here and only
    // what actually happened is compensated.
    [STATE.checkFulfilment]: {
      Type: "Choice",
      Choices: [
        {
          And: [
            { Variable: `${payment}.error`, IsPresent: true },
            { Variable: `${inventory}.error`, IsPresent: true },
          ],
          Next: STATE.recordPaymentAndInventoryFailure,
        },
        { Variable: `${payment}.error`, IsPresent: true, Next: STATE.recordPaymentFailure },
        { Variable: `${inventory}.error`, IsPresent: true, Next: STATE.recordInventoryFailure },
      ],
      Default: STATE.sendConfirmation,
    },

    [STATE.sendConfirmation]: invoke(
      arn["notification-service"],
      {
        action: "confirmation",
        "recipient.$": "$.userData",
        order: orderSummary(summaryInState),
        "idempotencyKey.$": IDEMPOTENCY_KEY,
      },
      options,
      {
        // The execution's output: the order summary the customer was sent, and the notification.
        ResultSelector: {
          status: "COMPLETED",
          ...orderSummary((field) => `$.Payload.order.${field}`),
          "notification.$": "$.Payload.notification",
        },
        // A paid and reserved order stays completed when only the e-mail fails.
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notificationFailure", Next: STATE.confirmationNotDelivered }],
        End: true,
      },
    ),
    [STATE.confirmationNotDelivered]: {
      Type: "Pass",
      Parameters: {
        status: "COMPLETED",
        ...orderSummary(summaryInState),
        notification: { type: "ORDER_CONFIRMATION", delivered: false, "error.$": "$.notificationFailure.Error" },
      },
      End: true,
    },

    [STATE.recordPaymentAndInventoryFailure]: {
      Type: "Pass",
      Parameters: {
        "error.$": `${payment}.error`,
        detail: {
          "errorMessage.$": `States.Format('{} Also: {}', ${payment}.detail.errorMessage, ${inventory}.detail.errorMessage)`,
        },
        "orderId.$": "$.order.orderId",
      },
      ResultPath: "$.failure",
      Next: STATE.notifyFailure,
    },
    [STATE.recordPaymentFailure]: recordFailure(payment, STATE.releaseInventory),
    [STATE.recordInventoryFailure]: recordFailure(inventory, STATE.refundPayment),

    [STATE.refundPayment]: compensation(
      arn["payment-service"],
      "refund",
      {
        action: "refund",
        "transactionId.$": `${payment}.transactionId`,
        "amountCents.$": `${payment}.amountCents`,
        "idempotencyKey.$": IDEMPOTENCY_KEY,
      },
      { "refundId.$": "$.Payload.refundId", "status.$": "$.Payload.status" },
      options,
    ),
    [STATE.releaseInventory]: compensation(
      arn["inventory-service"],
      "release",
      {
        action: "release",
        "orderId.$": "$.order.orderId",
        "reservations.$": `${inventory}.reservations`,
        "idempotencyKey.$": IDEMPOTENCY_KEY,
      },
      { "status.$": "$.Payload.status" },
      options,
    ),

    [STATE.notifyFailure]: invoke(
      arn["notification-service"],
      {
        action: "failure",
        "recipient.$": "$.userData",
        "orderId.$": "$.failure.orderId",
        "error.$": "$.failure.error",
        "reason.$": "$.failure.detail.errorMessage",
        "idempotencyKey.$": IDEMPOTENCY_KEY,
      },
      options,
      {
        ResultSelector: { "notificationId.$": "$.Payload.notificationId", "delivered.$": "$.Payload.delivered" },
        ResultPath: "$.failureNotification",
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failureNotificationError", Next: STATE.orderFailed }],
        Next: STATE.orderFailed,
      },
    ),

    [STATE.orderFailed]: {
      Type: "Fail",
      Comment: "Error is the root cause's name (DESIGN.md section 3); Cause is its message.",
      ErrorPath: "$.failure.error",
      CausePath: "$.failure.detail.errorMessage",
    },
  };
}
