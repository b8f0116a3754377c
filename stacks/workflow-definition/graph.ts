/**
 * The order workflow in Amazon States Language, built by a pure function of the
 * functions' ARNs and the timeouts. The deployed state machine (with Terraform references
 * as ARNs, and timeouts as Terraform expressions of lambda_timeout) and the local runner
 * (with placeholder ARNs and numbers) both use this one definition.
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
import { COMPENSATION_FAILED, DUPLICATE_ORDER, ORDER_CLOSED } from "../../functions/shared/errors";
import { ORDER_SUMMARY_FIELDS } from "../../functions/shared/order-record";
import { PerService, ServiceName } from "../services";
import { at, Branch, intrinsic, Path, States, TaskOutcome, TaskState, template, TemplateFields, WorkflowDefinition } from "./asl";
import { compensationBranch } from "./compensation";
import { catchFailures, explainFailures, failureWithNote, recordFailure } from "./failures";
import { invoke, LambdaCall, lambdaCall } from "./lambda-task";
import { CHECK_RETRY_POLICY, retryTransientErrors } from "./retry-policies";
import { STATE } from "./state-names";
import { DEFAULT_WORKFLOW_OPTIONS, executionTimeoutSeconds, WorkflowOptions, worstCaseFrom } from "./timing";

/** Every call carries the execution's name: a retry or a redrive of the execution repeats the same keys. */
const IDEMPOTENCY_KEY = at("$$.Execution.Name");

/** One branch of the fulfilment: success gives the service's result, failure gives the explained error. */
function fulfilmentBranch<S>(task: string, service: ServiceName, call: LambdaCall<S>, result: TemplateFields): Branch<S> {
  return {
    StartAt: task,
    States: {
      // Catch after End: the fields in the order the deployed definition has them.
      [task]: call({ ResultSelector: template(result), End: true, Catch: catchFailures(task) }),
      ...explainFailures(task, service, { continuation: { End: true } }),
    },
  };
}

/**
 * The definition for the functions' ARNs, with the timeouts of the options: numbers (for
 * functions of 30 s by default), or Terraform expressions (expressionOptionsFor), which
 * jsonWithExpressions writes for Terraform to compute.
 */
export function buildWorkflowDefinition(functionArns: PerService<string>): WorkflowDefinition;
export function buildWorkflowDefinition<S>(functionArns: PerService<string>, options: WorkflowOptions<S>): WorkflowDefinition<S>;
export function buildWorkflowDefinition<S>(
  functionArns: PerService<string>,
  options?: WorkflowOptions<S>,
): WorkflowDefinition<S> | WorkflowDefinition {
  return options ? definitionWith(functionArns, options) : definitionWith(functionArns, DEFAULT_WORKFLOW_OPTIONS);
}

function definitionWith<S>(functionArns: PerService<string>, options: WorkflowOptions<S>): WorkflowDefinition<S> {
  const states = buildStates(functionArns, options);
  return {
    Comment: "Order workflow: user, order, payment || inventory, notification; compensates and explains every failure",
    StartAt: STATE.getUser,
    TimeoutSeconds: executionTimeoutSeconds(worstCaseFrom(states, STATE.getUser), options),
    States: states,
  };
}

/** The order summary as a payload template that reads each field from `pathOf(field)`. */
function orderSummary(pathOf: (field: string) => Path): TemplateFields {
  return Object.fromEntries(ORDER_SUMMARY_FIELDS.map((field) => [field, at(pathOf(field))]));
}

/** The customer as the notification service needs them: no credit score, no name. */
const RECIPIENT: TemplateFields = { userId: at("$.context.user.userId"), email: at("$.context.user.email") };

/**
 * order-service's `close` (the fallback that records how the order ended when its notice
 * could not do it, or before an order was made): keyed as CreateOrder keyed the order, from
 * the execution's input and name, so that it finds the order even when CreateOrder's answer
 * was lost. `outcome` is `{ failure }` or `{ order: { transactionId, reservations } }`.
 */
function recordOutcome<S>(arn: string, outcome: TemplateFields, options: WorkflowOptions<S>, fields: TaskOutcome): TaskState<S> {
  return invoke(
    arn,
    {
      action: "close",
      request: at("$$.Execution.Input"),
      idempotencyKey: IDEMPOTENCY_KEY,
      executionId: at("$$.Execution.Id"),
      ...outcome,
    },
    options,
    { Retry: retryTransientErrors(CHECK_RETRY_POLICY), ...fields },
  );
}

function buildStates<S>(arn: PerService<string>, options: WorkflowOptions<S>): States<S> {
  const payment = "$.fulfilment.payment";
  const inventory = "$.fulfilment.inventory";
  /** Where each summary field is in the state once payment and inventory have succeeded. */
  const summaryInState = (field: string): Path =>
    field === "transactionId"
      ? `${payment}.transactionId`
      : field === "reservations"
        ? `${inventory}.reservations`
        : `$.order.${field}`;
  const keyed = { orderId: at("$.order.orderId"), idempotencyKey: IDEMPOTENCY_KEY };

  return {
    // The whole request goes to user-service, so that a malformed one is refused there with
    // InvalidInput instead of failing a path lookup with States.Runtime. For the first state
    // `$$.Execution.Input` is `$`; read from the context, even a bare `false` or `""` arrives
    // (the local runner's JSONPath library answers `$` of a falsy document with nothing).
    [STATE.getUser]: invoke(arn["user-service"], at("$$.Execution.Input"), options, {
      // The customer, and the execution's keys as an object CreateOrder can merge into the request.
      ResultSelector: template({
        user: { userId: at("$.Payload.userId"), email: at("$.Payload.email"), creditScore: at("$.Payload.creditScore") },
        execution: { idempotencyKey: IDEMPOTENCY_KEY, executionId: at("$$.Execution.Id") },
      }),
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
    [STATE.recordUserFailure]: recordOutcome(arn["order-service"], { failure: at("$.failure") }, options, {
      ResultSelector: template({ status: at("$.Payload.status") }),
      ResultPath: "$.orderRecord",
      Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.recordError", Next: STATE.orderFailed }],
      Next: STATE.orderFailed,
    }),

    // The request as submitted (an object: user-service accepted it) with the execution's keys,
    // so that a missing orderData reaches order-service's validation instead of failing a path lookup.
    [STATE.createOrder]: invoke(
      arn["order-service"],
      intrinsic("States.JsonMerge($$.Execution.Input, $.context.execution, false)"),
      options,
      {
        ResultSelector: template({
          orderId: at("$.Payload.orderId"),
          userId: at("$.Payload.userId"),
          items: at("$.Payload.items"),
          subtotal: at("$.Payload.subtotal"),
          tax: at("$.Payload.tax"),
          total: at("$.Payload.total"),
          totalCents: at("$.Payload.totalCents"),
        }),
        ResultPath: "$.order",
        Catch: [
          // This execution already ran to its end: end the same way, acting on nothing.
          { ErrorEquals: [ORDER_CLOSED], ResultPath: "$.closed", Next: STATE.readClosedOrder },
          // The same event delivered again: the order exists, nothing more to do.
          { ErrorEquals: [DUPLICATE_ORDER], ResultPath: "$.duplicate", Next: STATE.readDuplicate },
          ...catchFailures(STATE.createOrder, "$.failure"),
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
    [STATE.recordCreateFailure]: recordOutcome(arn["order-service"], { failure: at("$.failure") }, options, {
      // The failure as it was, with the order's id when the order exists and is this execution's.
      ResultSelector: template({
        error: at("$.Payload.error"),
        detail: { errorMessage: at("$.Payload.reason") },
        orderId: at("$.Payload.orderId"),
      }),
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
      Parameters: template({ detail: intrinsic("States.StringToJson($.duplicate.Cause)") }),
      ResultPath: "$.duplicate",
      Next: STATE.duplicate,
    },
    [STATE.duplicate]: {
      Type: "Pass",
      Comment: "DuplicateOrder's message is the id of the order this request already made.",
      Parameters: template({ status: "DUPLICATE", orderId: at("$.duplicate.detail.errorMessage") }),
      End: true,
    },

    // OrderClosed's message is the outcome the order record holds, as JSON (functions/shared/order-record.ts).
    [STATE.readClosedOrder]: {
      Type: "Pass",
      Parameters: template({ detail: intrinsic("States.StringToJson($.closed.Cause)") }),
      ResultPath: "$.closed",
      Next: STATE.readClosedOutcome,
    },
    [STATE.readClosedOutcome]: {
      Type: "Pass",
      Parameters: template({ outcome: intrinsic("States.StringToJson($.closed.detail.errorMessage)") }),
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
      Parameters: template({
        status: "COMPLETED",
        ...orderSummary((field) => `$.closed.outcome.summary.${field}`),
        notification: at("$.closed.outcome.summary.notification"),
        rerun: true,
      }),
      End: true,
    },
    [STATE.failedBefore]: {
      Type: "Pass",
      Parameters: template({
        error: at("$.closed.outcome.error"),
        detail: { errorMessage: at("$.closed.outcome.reason") },
        orderId: at("$.closed.outcome.orderId"),
      }),
      ResultPath: "$.failure",
      Next: STATE.orderFailed,
    },

    [STATE.processPaymentAndInventory]: {
      Type: "Parallel",
      Branches: [
        fulfilmentBranch(
          STATE.authorizePayment,
          "payment-service",
          lambdaCall(
            arn["payment-service"],
            {
              action: "authorize",
              orderId: at("$.order.orderId"),
              userId: at("$.context.user.userId"),
              creditScore: at("$.context.user.creditScore"),
              amountCents: at("$.order.totalCents"),
              idempotencyKey: IDEMPOTENCY_KEY,
            },
            options,
          ),
          { transactionId: at("$.Payload.transactionId"), amountCents: at("$.Payload.amountCents") },
        ),
        fulfilmentBranch(
          STATE.reserveInventory,
          "inventory-service",
          lambdaCall(
            arn["inventory-service"],
            { action: "reserve", orderId: at("$.order.orderId"), items: at("$.order.items"), idempotencyKey: IDEMPOTENCY_KEY },
            options,
          ),
          { reservations: at("$.Payload.reservations") },
        ),
      ],
      ResultSelector: template({ payment: at("$[0]"), inventory: at("$[1]") }),
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
        idempotencyKey: IDEMPOTENCY_KEY,
      },
      options,
      {
        // The execution's output: the order summary the customer was sent, and the notification.
        ResultSelector: template({
          status: "COMPLETED",
          ...orderSummary((field) => `$.Payload.order.${field}`),
          notification: at("$.Payload.notification"),
        }),
        // A paid and reserved order stays completed when only the e-mail fails.
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.notificationFailure", Next: STATE.recordCompletion }],
        End: true,
      },
    ),
    // The confirmation's answer never came: order-service closes the record COMPLETED, or finds it
    // closed by the confirmation itself, which then was sent (its answer was lost, not the notice).
    [STATE.recordCompletion]: recordOutcome(
      arn["order-service"],
      { order: { transactionId: at(`${payment}.transactionId`), reservations: at(`${inventory}.reservations`) } },
      options,
      {
        ResultSelector: template({
          noticeDelivered: at("$.Payload.noticeDelivered"),
          notificationId: at("$.Payload.notificationId"),
        }),
        ResultPath: "$.orderRecord",
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.recordError", Next: STATE.completionUnrecorded }],
        Next: STATE.confirmationFailed,
      },
    ),
    [STATE.confirmationFailed]: {
      Type: "Pass",
      Parameters: template({
        status: "COMPLETED",
        ...orderSummary(summaryInState),
        notification: {
          type: "ORDER_CONFIRMATION",
          delivered: at("$.orderRecord.noticeDelivered"),
          notificationId: at("$.orderRecord.notificationId"),
          error: at("$.notificationFailure.Error"),
        },
      }),
      End: true,
    },
    [STATE.completionUnrecorded]: {
      Type: "Pass",
      Parameters: template({
        status: "COMPLETED",
        ...orderSummary(summaryInState),
        // Neither service answered: whether the e-mail went out is not known, and the record is PENDING.
        notification: { type: "ORDER_CONFIRMATION", delivered: null, error: at("$.notificationFailure.Error") },
        orderRecord: intrinsic("States.Format('PENDING: order-service did not answer (last error: {})', $.recordError.Error)"),
      }),
      End: true,
    },

    [STATE.recordPaymentAndInventoryFailure]: {
      Type: "Pass",
      Parameters: template({
        error: at(`${payment}.error`),
        detail: {
          errorMessage: intrinsic(
            `States.Format('{} Also: {}', ${payment}.detail.errorMessage, ${inventory}.detail.errorMessage)`,
          ),
        },
        orderId: at("$.order.orderId"),
      }),
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
          lambdaCall(arn["payment-service"], { action: "refund", ...keyed }, options),
          lambdaCall(arn["payment-service"], { action: "status", ...keyed }, options),
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
        ),
        compensationBranch(
          STATE.releaseInventory,
          lambdaCall(arn["inventory-service"], { action: "release", ...keyed }, options),
          lambdaCall(arn["inventory-service"], { action: "status", ...keyed }, options),
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
        ),
      ],
      ResultSelector: template({ refund: at("$[0]"), release: at("$[1]") }),
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
      Parameters: template({
        error: COMPENSATION_FAILED,
        detail: {
          errorMessage: intrinsic(
            "States.Format('Order {} is not fully compensated: {}{}Root cause: {}: {}', $.order.orderId, $.compensation.refund.held, $.compensation.release.held, $.failure.error, $.failure.detail.errorMessage)",
          ),
        },
        orderId: at("$.order.orderId"),
        // What the order failed of: its record keeps it, for when an operator has finished the undo.
        rootError: at("$.failure.error"),
      }),
      ResultPath: "$.failure",
      Next: STATE.notifyFailure,
    },

    [STATE.notifyFailure]: invoke(
      arn["notification-service"],
      { action: "failure", recipient: RECIPIENT, failure: at("$.failure"), idempotencyKey: IDEMPOTENCY_KEY },
      options,
      {
        ResultSelector: template({ notificationId: at("$.Payload.notificationId"), delivered: at("$.Payload.delivered") }),
        ResultPath: "$.failureNotification",
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: "$.failureNotificationError", Next: STATE.recordFailure }],
        Next: STATE.orderFailed,
      },
    ),
    // The customer could not be told: order-service closes the record (or finds the notice closed it).
    [STATE.recordFailure]: recordOutcome(arn["order-service"], { failure: at("$.failure") }, options, {
      ResultSelector: template({ status: at("$.Payload.status"), noticeDelivered: at("$.Payload.noticeDelivered") }),
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
