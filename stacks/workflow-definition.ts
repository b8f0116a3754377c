/**
 * The order workflow in Amazon States Language, built by a pure function of the
 * functions' ARNs. The deployed state machine (with Terraform references as ARNs) and
 * the local runner (with placeholder ARNs) both use this one definition.
 *
 * Happy path, 7 states entered (Standard workflows are billed per state entered):
 *   GetUser -> CreateOrder -> ProcessPaymentAndInventory (AuthorizePayment || ReserveInventory)
 *   -> CheckFulfilment -> SendConfirmation
 *
 * Failures are normalized to `$.failure = { error, detail: { errorMessage }, orderId }`.
 * Once payment and inventory have been tried, a failure compensates both (Compensate:
 * RefundPayment || ReleaseInventory): the services know what each key really did, so a
 * call whose answer was lost is undone too, and an undo of nothing says so. An undo that
 * still fails makes the order CompensationFailed. Every failure with a known customer is
 * told to them (NotifyFailure) and ends in OrderFailed with Error = the root cause's name.
 * The rules are in docs/errors-and-outcomes.md.
 *
 * Built only from constructs both interpreters this project runs on agree on (AWS's
 * documented behaviour): no `States.Format` with escaped braces, no `ResultPath: "$"`.
 */
import { BUSINESS_ERROR_NAMES, COMPENSATION_FAILED, DUPLICATE_ORDER, SERVICE_UNAVAILABLE } from "../functions/shared/errors";
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

interface Branch {
  StartAt: string;
  States: Record<string, State>;
}

/** Every state of a States object with its name, the states of Parallel branches included. */
export function allStates(states: Record<string, State>): [string, State][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, State],
    ...((state.Branches ?? []) as unknown as Branch[]).flatMap((branch) => allStates(branch.States)),
  ]);
}

/** A Task waits this much longer than its function may run, so the function has surely stopped when it times out. */
export const TASK_TIMEOUT_MARGIN_SECONDS = 5;

/** The options for functions with the given timeout (lambda_timeout). */
export function optionsFor(lambdaTimeoutSeconds: number): WorkflowOptions {
  return { taskTimeoutSeconds: lambdaTimeoutSeconds + TASK_TIMEOUT_MARGIN_SECONDS };
}

export const DEFAULT_WORKFLOW_OPTIONS: WorkflowOptions = optionsFor(30);

/**
 * Faults worth retrying, because every call is idempotent: Lambda's own service errors
 * and throttling, a function that timed out, crashed or ran out of memory (Lambda.Unknown,
 * Sandbox.Timedout, Runtime.ExitError), a Task timeout, and a service's own transient fault.
 */
export const TRANSIENT_ERRORS = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.TooManyRequestsException",
  "Lambda.Unknown",
  "Sandbox.Timedout",
  "Runtime.ExitError",
  "States.Timeout",
  SERVICE_UNAVAILABLE,
];

export const RETRY_POLICY = { IntervalSeconds: 1, BackoffRate: 2, MaxAttempts: 3, MaxDelaySeconds: 8, JitterStrategy: "FULL" };
/** Compensation must not give up easily: an unrefunded payment or unreleased stock needs a human. */
export const COMPENSATION_RETRY_POLICY = { ...RETRY_POLICY, MaxAttempts: 6, MaxDelaySeconds: 10 };

interface Retrier {
  MaxAttempts: number;
  IntervalSeconds: number;
  BackoffRate: number;
  MaxDelaySeconds: number;
}

/** The longest a retrier waits in all: each wait at most min(MaxDelaySeconds, IntervalSeconds x BackoffRate^n). */
export function longestRetryWaitSeconds(retrier: Retrier): number {
  return Array.from({ length: retrier.MaxAttempts }, (_, n) =>
    Math.min(retrier.MaxDelaySeconds, retrier.IntervalSeconds * retrier.BackoffRate ** n),
  ).reduce((sum, wait) => sum + wait, 0);
}

/** The worst case of a path: how many Task attempts may time out one after another, and the retry waits between them. */
export interface WorstCase {
  attempts: number;
  waitSeconds: number;
}

/**
 * The worst case from a state to the end: along every path of the graph, each Task
 * counts its first attempt and all its retries (and their waits), a Parallel state its
 * worst branch. Attempts and waits are maximized separately, so that
 * `attempts x task timeout + waits` bounds every path for any task timeout.
 */
export function worstCaseFrom(states: Record<string, State>, from: string): WorstCase {
  const state = states[from];
  const retriers = (state.Retry ?? []) as unknown as Retrier[];
  let own: WorstCase = { attempts: 0, waitSeconds: 0 };
  if (state.Type === "Task") {
    own = {
      attempts: 1 + retriers.reduce((sum, retrier) => sum + retrier.MaxAttempts, 0),
      waitSeconds: retriers.reduce((sum, retrier) => sum + longestRetryWaitSeconds(retrier), 0),
    };
  } else if (state.Type === "Parallel") {
    const branches = (state.Branches as unknown as Branch[]).map((branch) => worstCaseFrom(branch.States, branch.StartAt));
    own = {
      attempts: Math.max(...branches.map((branch) => branch.attempts)),
      waitSeconds: Math.max(...branches.map((branch) => branch.waitSeconds)),
    };
  }
  const next = [
    ...((state.Choices ?? []) as { Next: string }[]).map((choice) => choice.Next),
    ...((state.Catch ?? []) as { Next: string }[]).map((catcher) => catcher.Next),
    ...[state.Next, state.Default].filter((name): name is string => typeof name === "string"),
  ].map((name) => worstCaseFrom(states, name));
  return {
    attempts: own.attempts + Math.max(0, ...next.map((rest) => rest.attempts)),
    waitSeconds: own.waitSeconds + Math.max(0, ...next.map((rest) => rest.waitSeconds)),
  };
}

/** Time for the states between the Tasks, beyond the worst case of the Tasks themselves. */
export const EXECUTION_MARGIN_SECONDS = 10;

/** An execution limit no legitimate run reaches: every attempt on the worst path timing out, after the longest waits. */
export function executionTimeoutSeconds(worst: WorstCase, taskTimeoutSeconds: number): number {
  return worst.attempts * taskTimeoutSeconds + worst.waitSeconds + EXECUTION_MARGIN_SECONDS;
}

/** Every call carries the execution's name: a retry or a redrive of the execution repeats the same keys. */
const IDEMPOTENCY_KEY = "$$.Execution.Name";

/** Every state the workflow has; the tests and the runner refer to them by these names. */
export const STATE = {
  getUser: "GetUser",
  createOrder: "CreateOrder",
  readDuplicate: "ReadDuplicate",
  duplicate: "Duplicate",
  processPaymentAndInventory: "ProcessPaymentAndInventory",
  authorizePayment: "AuthorizePayment",
  reserveInventory: "ReserveInventory",
  checkFulfilment: "CheckFulfilment",
  sendConfirmation: "SendConfirmation",
  confirmationNotDelivered: "ConfirmationNotDelivered",
  recordPaymentFailure: "RecordPaymentFailure",
  recordInventoryFailure: "RecordInventoryFailure",
  recordPaymentAndInventoryFailure: "RecordPaymentAndInventoryFailure",
  compensate: "Compensate",
  refundPayment: "RefundPayment",
  refundNotDone: "RefundNotDone",
  transactionNotRefunded: "TransactionNotRefunded",
  authorizationNotRefunded: "AuthorizationNotRefunded",
  releaseInventory: "ReleaseInventory",
  releaseNotDone: "ReleaseNotDone",
  reservationsNotReleased: "ReservationsNotReleased",
  reservationsMayBeHeld: "ReservationsMayBeHeld",
  checkCompensation: "CheckCompensation",
  recordCompensationFailure: "RecordCompensationFailure",
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

/** One branch of the fulfilment: success gives the service's result, failure gives the explained error. */
function fulfilmentBranch(task: string, service: ServiceName, state: State): Branch {
  return {
    StartAt: task,
    States: {
      [task]: { ...state, Catch: catchFailures(task) },
      ...explainFailures(task, service, { continuation: { End: true } }),
    },
  };
}

function recordFailure(sourcePath: string): State {
  return {
    Type: "Pass",
    Parameters: { "error.$": `${sourcePath}.error`, "detail.$": `${sourcePath}.detail`, "orderId.$": "$.order.orderId" },
    ResultPath: "$.failure",
    Next: STATE.compensate,
  };
}

/** How one undo reports what it leaves held, when the ids are known and when they are not. */
interface Holdings {
  /** A path that exists only when the original call answered (its ids are known). */
  knownWhen: string;
  known: [string, string];
  unknown: [string, string];
}

/**
 * One branch of Compensate: the undo, retried longer than other calls. Its result always
 * has `held`: "" when done, else a sentence naming what is still held, which
 * CheckCompensation and the CompensationFailed Cause read.
 */
function compensationBranch(
  task: string,
  undo: State,
  errorAt: string,
  holdings: Holdings,
  names: [string, string, string],
): Branch {
  const [notDone, knownState, unknownState] = names;
  const held = ([template, args]: [string, string]): State => ({
    Type: "Pass",
    Parameters: { status: "NOT_DONE", "held.$": `States.Format('${template} (last error: {}). ', ${args}, ${errorAt}.Error)` },
    End: true,
  });
  return {
    StartAt: task,
    States: {
      [task]: {
        ...undo,
        Retry: [{ ErrorEquals: TRANSIENT_ERRORS, ...COMPENSATION_RETRY_POLICY }],
        ResultSelector: { "status.$": "$.Payload.status", held: "" },
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: errorAt, Next: notDone }],
        End: true,
      },
      [notDone]: {
        Type: "Choice",
        Choices: [{ Variable: holdings.knownWhen, IsPresent: true, Next: knownState }],
        Default: unknownState,
      },
      [knownState]: held(holdings.known),
      [unknownState]: held(holdings.unknown),
    },
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
    TimeoutSeconds: executionTimeoutSeconds(worstCaseFrom(states, STATE.getUser), options.taskTimeoutSeconds),
    States: states,
  };
}

/** The fields of the order summary the customer is sent and the execution outputs. */
const ORDER_SUMMARY_FIELDS = ["orderId", "userId", "items", "subtotal", "tax", "total", "transactionId", "reservations"];

/** The order summary as a payload template that reads each field from `pathOf(field)`. */
function orderSummary(pathOf: (field: string) => string): State {
  return Object.fromEntries(ORDER_SUMMARY_FIELDS.map((field) => [`${field}.$`, pathOf(field)]));
}

/** The customer as the notification service needs them: no credit score, no name. */
const RECIPIENT: State = { "userId.$": "$.context.user.userId", "email.$": "$.context.user.email" };

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
      // The customer, and the execution's keys as an object CreateOrder can merge into the request.
      ResultSelector: {
        user: { "userId.$": "$.Payload.userId", "email.$": "$.Payload.email", "creditScore.$": "$.Payload.creditScore" },
        execution: { "idempotencyKey.$": IDEMPOTENCY_KEY, "executionId.$": "$$.Execution.Id" },
      },
      ResultPath: "$.context",
      // The error replaces the state: the input may be no object at all, so no field can be added to it.
      Catch: catchFailures(STATE.getUser),
      Next: STATE.createOrder,
    }),
    ...explainFailures(STATE.getUser, "user-service", {
      explainedAt: "$.failure",
      noOrderYet: true,
      continuation: { Next: STATE.orderFailed },
    }),

    // The request as submitted (an object: user-service accepted it) with the execution's keys,
    // so that a missing orderData reaches order-service's validation instead of failing a path lookup.
    [STATE.createOrder]: invoke(
      arn["order-service"],
      "States.JsonMerge($$.Execution.Input, $.context.execution, false)",
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
        Catch: [
          // The same event delivered again: the order exists, nothing more to do.
          { ErrorEquals: [DUPLICATE_ORDER], ResultPath: "$.duplicate", Next: STATE.readDuplicate },
          ...(catchFailures(STATE.createOrder, "$.failure") as Json[]),
        ],
        Next: STATE.processPaymentAndInventory,
      },
    ),
    ...explainFailures(STATE.createOrder, "order-service", {
      caughtAt: "$.failure",
      explainedAt: "$.failure",
      noOrderYet: true,
      continuation: { Next: STATE.notifyFailure },
    }),
    [STATE.readDuplicate]: {
      Type: "Pass",
      Parameters: { "detail.$": "States.StringToJson($.duplicate.Cause)" },
      ResultPath: "$.duplicate",
      Next: STATE.duplicate,
    },
    [STATE.duplicate]: {
      Type: "Pass",
      Comment: "DuplicateOrder's message is the id of the order this request already made.",
      Parameters: { status: "DUPLICATE", "orderId.$": "$.duplicate.detail.errorMessage" },
      End: true,
    },

    [STATE.processPaymentAndInventory]: {
      Type: "Parallel",
      Branches: [
        fulfilmentBranch(
          STATE.authorizePayment,
          "payment-service",
          invoke(
            arn["payment-service"],
            {
              action: "authorize",
              "orderId.$": "$.order.orderId",
              "userId.$": "$.context.user.userId",
              "creditScore.$": "$.context.user.creditScore",
              "amountCents.$": "$.order.totalCents",
              "idempotencyKey.$": IDEMPOTENCY_KEY,
            },
            options,
            {
              ResultSelector: { "transactionId.$": "$.Payload.transactionId", "amountCents.$": "$.Payload.amountCents" },
              End: true,
            },
          ),
        ) as unknown as Json,
        fulfilmentBranch(
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
        ) as unknown as Json,
      ],
      ResultSelector: { "payment.$": "$[0]", "inventory.$": "$[1]" },
      ResultPath: "$.fulfilment",
      Next: STATE.checkFulfilment,
    },

    // Each branch catches its own failure, so the Parallel state ends only when both calls
    // have ended: no call is still running when the compensation starts.
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
        recipient: RECIPIENT,
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
      Next: STATE.compensate,
    },
    [STATE.recordPaymentFailure]: recordFailure(payment),
    [STATE.recordInventoryFailure]: recordFailure(inventory),

    // Both undos, whatever the failure: a declined payment or a refused reservation made
    // nothing, and its undo says NOTHING_TO_REFUND / NOTHING_TO_RELEASE; a call whose answer
    // was lost may have acted, and its undo finds and reverses what it did.
    [STATE.compensate]: {
      Type: "Parallel",
      Branches: [
        compensationBranch(
          STATE.refundPayment,
          invoke(
            arn["payment-service"],
            { action: "refund", "orderId.$": "$.order.orderId", "idempotencyKey.$": IDEMPOTENCY_KEY },
            options,
            {},
          ),
          "$.refundError",
          {
            knownWhen: `${payment}.transactionId`,
            known: ["transaction {} of {} USD is not refunded", `${payment}.transactionId, $.order.total`],
            unknown: ["the payment of {} USD, if it was authorized, is not refunded", "$.order.total"],
          },
          [STATE.refundNotDone, STATE.transactionNotRefunded, STATE.authorizationNotRefunded],
        ) as unknown as Json,
        compensationBranch(
          STATE.releaseInventory,
          invoke(
            arn["inventory-service"],
            { action: "release", "orderId.$": "$.order.orderId", "idempotencyKey.$": IDEMPOTENCY_KEY },
            options,
            {},
          ),
          "$.releaseError",
          {
            knownWhen: `${inventory}.reservations`,
            known: ["reservations {} are not released", `States.JsonToString(${inventory}.reservations)`],
            unknown: ["the reservations of order {}, if any were made, are not released", "$.order.orderId"],
          },
          [STATE.releaseNotDone, STATE.reservationsNotReleased, STATE.reservationsMayBeHeld],
        ) as unknown as Json,
      ],
      ResultSelector: { "refund.$": "$[0]", "release.$": "$[1]" },
      ResultPath: "$.compensation",
      Next: STATE.checkCompensation,
    },
    [STATE.checkCompensation]: {
      Type: "Choice",
      Choices: [
        {
          And: [
            { Variable: "$.compensation.refund.held", StringEquals: "" },
            { Variable: "$.compensation.release.held", StringEquals: "" },
          ],
          Next: STATE.notifyFailure,
        },
      ],
      Default: STATE.recordCompensationFailure,
    },
    // Never hidden: the order fails as CompensationFailed, naming what is held and the root cause.
    [STATE.recordCompensationFailure]: {
      Type: "Pass",
      Parameters: {
        error: COMPENSATION_FAILED,
        detail: {
          "errorMessage.$":
            "States.Format('Order {} is not fully compensated: {}{}Root cause: {}: {}', $.order.orderId, $.compensation.refund.held, $.compensation.release.held, $.failure.error, $.failure.detail.errorMessage)",
        },
        "orderId.$": "$.order.orderId",
      },
      ResultPath: "$.failure",
      Next: STATE.notifyFailure,
    },

    [STATE.notifyFailure]: invoke(
      arn["notification-service"],
      {
        action: "failure",
        recipient: RECIPIENT,
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
      Comment: "Error is the root cause's name (docs/errors-and-outcomes.md); Cause is its message.",
      ErrorPath: "$.failure.error",
      CausePath: "$.failure.detail.errorMessage",
    },
  };
}
