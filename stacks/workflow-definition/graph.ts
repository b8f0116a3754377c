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
 * still fails is checked (what did the key do?), and only what is still held, or not
 * known to be undone, makes the order CompensationFailed. Every failure with a known
 * customer is told to them (NotifyFailure) and ends in OrderFailed with Error = the root
 * cause's name.
 *
 * The order record is the execution's outcome record: the notice closes it; when the
 * notice cannot be sent, order-service closes it (Record* states); a run of an execution
 * that already ended finds it closed and ends the same way (EndedBefore), acting on nothing.
 * The rules are in docs/errors-and-outcomes.md and docs/durable-state.md.
 *
 * Built only from constructs both interpreters this project runs on agree on (AWS's
 * documented behaviour): no `States.Format` with escaped braces, no `ResultPath: "$"`.
 */
import {
  BUSINESS_ERROR_NAMES,
  COMPENSATION_FAILED,
  DUPLICATE_ORDER,
  ORDER_CLOSED,
  SERVICE_UNAVAILABLE,
} from "../../functions/shared/errors";
import { ORDER_SUMMARY_FIELDS } from "../../functions/shared/order-record";
import { PerService, ServiceName } from "../services";

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
/**
 * Compensation must not give up easily: an unrefunded payment or unreleased stock needs a
 * human. Four retries of the undo, then the check (CHECK_RETRY_POLICY) asks what the key
 * did: seven attempts in all, as many as an Express execution's five minutes allow.
 */
export const COMPENSATION_RETRY_POLICY = { ...RETRY_POLICY, MaxAttempts: 4 };
/** The last resorts (the undo checks and closing the order record when its notice failed): one retry. */
export const CHECK_RETRY_POLICY = { ...RETRY_POLICY, MaxAttempts: 1 };

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
  recordUserFailure: "RecordUserFailure",
  createOrder: "CreateOrder",
  recordCreateFailure: "RecordCreateFailure",
  createRecordUnknown: "CreateRecordUnknown",
  readDuplicate: "ReadDuplicate",
  duplicate: "Duplicate",
  readClosedOrder: "ReadClosedOrder",
  readClosedOutcome: "ReadClosedOutcome",
  endedBefore: "EndedBefore",
  completedBefore: "CompletedBefore",
  failedBefore: "FailedBefore",
  processPaymentAndInventory: "ProcessPaymentAndInventory",
  authorizePayment: "AuthorizePayment",
  reserveInventory: "ReserveInventory",
  checkFulfilment: "CheckFulfilment",
  sendConfirmation: "SendConfirmation",
  recordCompletion: "RecordCompletion",
  confirmationFailed: "ConfirmationFailed",
  completionUnrecorded: "CompletionUnrecorded",
  recordPaymentFailure: "RecordPaymentFailure",
  recordInventoryFailure: "RecordInventoryFailure",
  recordPaymentAndInventoryFailure: "RecordPaymentAndInventoryFailure",
  compensate: "Compensate",
  refundPayment: "RefundPayment",
  checkRefund: "CheckRefund",
  refundChecked: "RefundChecked",
  refundConfirmed: "RefundConfirmed",
  transactionNotRefunded: "TransactionNotRefunded",
  refundNotConfirmed: "RefundNotConfirmed",
  transactionNotConfirmed: "TransactionNotConfirmed",
  authorizationNotConfirmed: "AuthorizationNotConfirmed",
  releaseInventory: "ReleaseInventory",
  checkRelease: "CheckRelease",
  releaseChecked: "ReleaseChecked",
  releaseConfirmed: "ReleaseConfirmed",
  reservationsNotReleased: "ReservationsNotReleased",
  releaseNotConfirmed: "ReleaseNotConfirmed",
  reservationsNotConfirmed: "ReservationsNotConfirmed",
  reservationsMayBeHeld: "ReservationsMayBeHeld",
  checkCompensation: "CheckCompensation",
  recordCompensationFailure: "RecordCompensationFailure",
  notifyFailure: "NotifyFailure",
  recordFailure: "RecordFailure",
  failureUnrecorded: "FailureUnrecorded",
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
type Continuation = { Next: string } | { End: true };

interface FailureHandling {
  /** The catcher's ResultPath; undefined replaces the state (needed when the input may not be an object). */
  caughtAt?: string;
  /** The explanation's ResultPath; undefined makes the explanation the state's whole output. */
  explainedAt?: string;
  /** Adds `orderId: null`, for failures before an order exists. */
  noOrderYet?: boolean;
  /** Where a business refusal goes on, and where a service that did not answer does (the same when one is given). */
  continuation: Continuation | { rejected: Continuation; unavailable: Continuation };
}

/**
 * The two Pass states that turn a caught error into `{ error, detail: { errorMessage } }`:
 * a business error's Cause is the Lambda runtime's JSON (`{"errorType","errorMessage","trace"}`);
 * anything else that survived the retries becomes ServiceUnavailable.
 */
function explainFailures(task: string, service: ServiceName, handling: FailureHandling): Record<string, State> {
  const caught = handling.caughtAt ?? "$";
  const { rejected, unavailable } =
    "rejected" in handling.continuation
      ? handling.continuation
      : { rejected: handling.continuation, unavailable: handling.continuation };
  const orderId: State = handling.noOrderYet ? { orderId: null } : {};
  const placement: State = handling.explainedAt ? { ResultPath: handling.explainedAt } : {};
  return {
    [`${task}Rejected`]: {
      Type: "Pass",
      Parameters: { "error.$": `${caught}.Error`, "detail.$": `States.StringToJson(${caught}.Cause)`, ...orderId },
      ...placement,
      ...rejected,
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
      ...unavailable,
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

/** How one undo's check reports what is still held, or what is not known to be undone. */
interface UndoCheck {
  /** The ledger's status that means the undo has not happened (AUTHORIZED, RESERVED). */
  stillHeld: string;
  /** A path that exists only when the original call answered (its ids are known). */
  knownWhen: string;
  /** What the check found held: a template and its arguments, before "(last error: {})". */
  held: [string, string];
  /** The check itself failed: what is not confirmed undone, with the ids known and without. */
  knownNotConfirmed: [string, string];
  unknownNotConfirmed: [string, string];
}

interface UndoNames {
  check: string;
  checked: string;
  confirmed: string;
  held: string;
  notConfirmed: string;
  knownNotConfirmed: string;
  unknownNotConfirmed: string;
}

/**
 * One branch of Compensate: the undo, retried longer than other calls, then, if it still
 * failed, a check of what the key did (the undo's answer may have been lost after it acted).
 * Its result always has `held`: "" when nothing is held, else a sentence naming what is held
 * or not confirmed undone, which CheckCompensation and the CompensationFailed Cause read.
 */
function compensationBranch(task: string, undo: State, check: State, errorAt: string, spec: UndoCheck, names: UndoNames): Branch {
  const checkAt = `${errorAt}Check`;
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
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: errorAt, Next: names.check }],
        End: true,
      },
      [names.check]: {
        ...check,
        Retry: [{ ErrorEquals: TRANSIENT_ERRORS, ...CHECK_RETRY_POLICY }],
        ResultSelector: { "status.$": "$.Payload.status", "found.$": "$.Payload" },
        ResultPath: checkAt,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: `${checkAt}Error`, Next: names.notConfirmed }],
        Next: names.checked,
      },
      [names.checked]: {
        Type: "Choice",
        Choices: [{ Variable: `${checkAt}.status`, StringEquals: spec.stillHeld, Next: names.held }],
        Default: names.confirmed,
      },
      // The key's undo did happen (its answer was lost), or the key never acted: nothing is held.
      [names.confirmed]: { Type: "Pass", Parameters: { "status.$": `${checkAt}.status`, held: "" }, End: true },
      [names.held]: held(spec.held),
      [names.notConfirmed]: {
        Type: "Choice",
        Choices: [{ Variable: spec.knownWhen, IsPresent: true, Next: names.knownNotConfirmed }],
        Default: names.unknownNotConfirmed,
      },
      [names.knownNotConfirmed]: held(spec.knownNotConfirmed),
      [names.unknownNotConfirmed]: held(spec.unknownNotConfirmed),
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

/** The order summary as a payload template that reads each field from `pathOf(field)`. */
function orderSummary(pathOf: (field: string) => string): State {
  return Object.fromEntries(ORDER_SUMMARY_FIELDS.map((field) => [`${field}.$`, pathOf(field)]));
}

/** The customer as the notification service needs them: no credit score, no name. */
const RECIPIENT: State = { "userId.$": "$.context.user.userId", "email.$": "$.context.user.email" };

/**
 * order-service's `close` (the fallback that records how the order ended when its notice
 * could not do it, or before an order was made): keyed as CreateOrder keyed the order, from
 * the execution's input and name, so that it finds the order even when CreateOrder's answer
 * was lost. `outcome` is `{ failure }` or `{ order: { transactionId, reservations } }`.
 */
function recordOutcome(arn: string, outcome: State, options: WorkflowOptions, fields: State): State {
  return invoke(
    arn,
    {
      action: "close",
      "request.$": "$$.Execution.Input",
      "idempotencyKey.$": IDEMPOTENCY_KEY,
      "executionId.$": "$$.Execution.Id",
      ...outcome,
    },
    options,
    { Retry: [{ ErrorEquals: TRANSIENT_ERRORS, ...CHECK_RETRY_POLICY }], ...fields },
  );
}

/** `$.failure` with a sentence added to its Cause (the order record could not be closed). */
function failureWithNote(note: string, errorAt: string, next: string): State {
  return {
    Type: "Pass",
    Parameters: {
      "error.$": "$.failure.error",
      detail: {
        "errorMessage.$": `States.Format('{}; ${note} (last error: {})', $.failure.detail.errorMessage, ${errorAt}.Error)`,
      },
      "orderId.$": "$.failure.orderId",
    },
    ResultPath: "$.failure",
    Next: next,
  };
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
  const keyed = { "orderId.$": "$.order.orderId", "idempotencyKey.$": IDEMPOTENCY_KEY };

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
      continuation: { rejected: { Next: STATE.orderFailed }, unavailable: { Next: STATE.recordUserFailure } },
    }),
    // Recorded under the request's key, so that a later run of this execution ends the same way
    // (an unknown customer gets no notice, and a refusal by user-service is the same in every run).
    [STATE.recordUserFailure]: recordOutcome(arn["order-service"], { "failure.$": "$.failure" }, options, {
      ResultSelector: { "status.$": "$.Payload.status" },
      ResultPath: "$.orderRecord",
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.recordError", Next: STATE.orderFailed }],
      Next: STATE.orderFailed,
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
          // This execution already ran to its end: end the same way, acting on nothing.
          { ErrorEquals: [ORDER_CLOSED], ResultPath: "$.closed", Next: STATE.readClosedOrder },
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
      // order-service did not answer: its order, if it made one before its answer was lost, is
      // found by its key and closed FAILED, or the failure is recorded under that key.
      continuation: { rejected: { Next: STATE.notifyFailure }, unavailable: { Next: STATE.recordCreateFailure } },
    }),
    [STATE.recordCreateFailure]: recordOutcome(arn["order-service"], { "failure.$": "$.failure" }, options, {
      // The failure as it was, with the order's id when the order exists and is this execution's.
      ResultSelector: {
        "error.$": "$.Payload.error",
        detail: { "errorMessage.$": "$.Payload.reason" },
        "orderId.$": "$.Payload.orderId",
      },
      ResultPath: "$.failure",
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.recordError", Next: STATE.createRecordUnknown }],
      Next: STATE.notifyFailure,
    }),
    [STATE.createRecordUnknown]: failureWithNote(
      "the order record, if one was made, may be left PENDING: order-service did not answer",
      "$.recordError",
      STATE.notifyFailure,
    ),
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

    // OrderClosed's message is the outcome the order record holds, as JSON (functions/shared/order-record.ts).
    [STATE.readClosedOrder]: {
      Type: "Pass",
      Parameters: { "detail.$": "States.StringToJson($.closed.Cause)" },
      ResultPath: "$.closed",
      Next: STATE.readClosedOutcome,
    },
    [STATE.readClosedOutcome]: {
      Type: "Pass",
      Parameters: { "outcome.$": "States.StringToJson($.closed.detail.errorMessage)" },
      ResultPath: "$.closed",
      Next: STATE.endedBefore,
    },
    [STATE.endedBefore]: {
      Type: "Choice",
      Choices: [{ Variable: "$.closed.outcome.status", StringEquals: "COMPLETED", Next: STATE.completedBefore }],
      Default: STATE.failedBefore,
    },
    [STATE.completedBefore]: {
      Type: "Pass",
      Parameters: {
        status: "COMPLETED",
        ...orderSummary((field) => `$.closed.outcome.summary.${field}`),
        "notification.$": "$.closed.outcome.summary.notification",
        rerun: true,
      },
      End: true,
    },
    [STATE.failedBefore]: {
      Type: "Pass",
      Parameters: {
        "error.$": "$.closed.outcome.error",
        detail: { "errorMessage.$": "$.closed.outcome.reason" },
        "orderId.$": "$.closed.outcome.orderId",
      },
      ResultPath: "$.failure",
      Next: STATE.orderFailed,
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
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notificationFailure", Next: STATE.recordCompletion }],
        End: true,
      },
    ),
    // The confirmation's answer never came: order-service closes the record COMPLETED, or finds it
    // closed by the confirmation itself, which then was sent (its answer was lost, not the notice).
    [STATE.recordCompletion]: recordOutcome(
      arn["order-service"],
      { order: { "transactionId.$": `${payment}.transactionId`, "reservations.$": `${inventory}.reservations` } },
      options,
      {
        ResultSelector: { "noticeDelivered.$": "$.Payload.noticeDelivered", "notificationId.$": "$.Payload.notificationId" },
        ResultPath: "$.orderRecord",
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.recordError", Next: STATE.completionUnrecorded }],
        Next: STATE.confirmationFailed,
      },
    ),
    [STATE.confirmationFailed]: {
      Type: "Pass",
      Parameters: {
        status: "COMPLETED",
        ...orderSummary(summaryInState),
        notification: {
          type: "ORDER_CONFIRMATION",
          "delivered.$": "$.orderRecord.noticeDelivered",
          "notificationId.$": "$.orderRecord.notificationId",
          "error.$": "$.notificationFailure.Error",
        },
      },
      End: true,
    },
    [STATE.completionUnrecorded]: {
      Type: "Pass",
      Parameters: {
        status: "COMPLETED",
        ...orderSummary(summaryInState),
        // Neither service answered: whether the e-mail went out is not known, and the record is PENDING.
        notification: { type: "ORDER_CONFIRMATION", delivered: null, "error.$": "$.notificationFailure.Error" },
        "orderRecord.$": "States.Format('PENDING: order-service did not answer (last error: {})', $.recordError.Error)",
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
          invoke(arn["payment-service"], { action: "refund", ...keyed }, options, {}),
          invoke(arn["payment-service"], { action: "status", ...keyed }, options, {}),
          "$.refundError",
          {
            stillHeld: "AUTHORIZED",
            knownWhen: `${payment}.transactionId`,
            held: ["transaction {} of {} USD is not refunded", "$.refundErrorCheck.found.transactionId, $.order.total"],
            knownNotConfirmed: [
              "the refund of transaction {} ({} USD) is not confirmed",
              `${payment}.transactionId, $.order.total`,
            ],
            unknownNotConfirmed: ["the payment of {} USD, if it was authorized, is not confirmed refunded", "$.order.total"],
          },
          {
            check: STATE.checkRefund,
            checked: STATE.refundChecked,
            confirmed: STATE.refundConfirmed,
            held: STATE.transactionNotRefunded,
            notConfirmed: STATE.refundNotConfirmed,
            knownNotConfirmed: STATE.transactionNotConfirmed,
            unknownNotConfirmed: STATE.authorizationNotConfirmed,
          },
        ) as unknown as Json,
        compensationBranch(
          STATE.releaseInventory,
          invoke(arn["inventory-service"], { action: "release", ...keyed }, options, {}),
          invoke(arn["inventory-service"], { action: "status", ...keyed }, options, {}),
          "$.releaseError",
          {
            stillHeld: "RESERVED",
            knownWhen: `${inventory}.reservations`,
            held: ["reservations {} are not released", "States.JsonToString($.releaseErrorCheck.found.reservations)"],
            knownNotConfirmed: [
              "the release of reservations {} is not confirmed",
              `States.JsonToString(${inventory}.reservations)`,
            ],
            unknownNotConfirmed: [
              "the reservations of order {}, if any were made, are not confirmed released",
              "$.order.orderId",
            ],
          },
          {
            check: STATE.checkRelease,
            checked: STATE.releaseChecked,
            confirmed: STATE.releaseConfirmed,
            held: STATE.reservationsNotReleased,
            notConfirmed: STATE.releaseNotConfirmed,
            knownNotConfirmed: STATE.reservationsNotConfirmed,
            unknownNotConfirmed: STATE.reservationsMayBeHeld,
          },
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
        // What the order failed of: its record keeps it, for when an operator has finished the undo.
        "rootError.$": "$.failure.error",
      },
      ResultPath: "$.failure",
      Next: STATE.notifyFailure,
    },

    [STATE.notifyFailure]: invoke(
      arn["notification-service"],
      { action: "failure", recipient: RECIPIENT, "failure.$": "$.failure", "idempotencyKey.$": IDEMPOTENCY_KEY },
      options,
      {
        ResultSelector: { "notificationId.$": "$.Payload.notificationId", "delivered.$": "$.Payload.delivered" },
        ResultPath: "$.failureNotification",
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failureNotificationError", Next: STATE.recordFailure }],
        Next: STATE.orderFailed,
      },
    ),
    // The customer could not be told: order-service closes the record (or finds the notice closed it).
    [STATE.recordFailure]: recordOutcome(arn["order-service"], { "failure.$": "$.failure" }, options, {
      ResultSelector: { "status.$": "$.Payload.status", "noticeDelivered.$": "$.Payload.noticeDelivered" },
      ResultPath: "$.orderRecord",
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.recordError", Next: STATE.failureUnrecorded }],
      Next: STATE.orderFailed,
    }),
    [STATE.failureUnrecorded]: failureWithNote(
      "the order record is left PENDING: order-service did not answer",
      "$.recordError",
      STATE.orderFailed,
    ),

    [STATE.orderFailed]: {
      Type: "Fail",
      Comment: "Error is the root cause's name (docs/errors-and-outcomes.md); Cause is its message.",
      ErrorPath: "$.failure.error",
      CausePath: "$.failure.detail.errorMessage",
    },
  };
}
