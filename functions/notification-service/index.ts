/**
 * notification-service: tells the customer how their order ended, and closes the
 * order's record with that outcome (COMPLETED, FAILED or COMPENSATION_FAILED) in the same
 * write: the notice is the workflow's last step on every path that has a customer, so the
 * record closes without a state of its own, and a record this service closed is a notice
 * sent (functions/shared/order-record.ts).
 *
 * confirmation: `{ action: "confirmation", recipient: { userId, email }, order: { orderId, userId,
 *   items, subtotal, tax, total, transactionId, reservations }, idempotencyKey }`; returns the
 *   notification and the order summary it confirmed, which the workflow makes its output.
 * failure: `{ action: "failure", recipient: { userId, email }, failure: { error, detail: { errorMessage },
 *   orderId (or null), rootError? }, idempotencyKey }` (the workflow's `$.failure` as it is).
 *
 * Delivery is simulated (one structured log line per message); a real sender (SES, SNS)
 * would replace `deliver` and throw ServiceUnavailable on a transient fault.
 */
import { COMPENSATION_FAILED, CONTRACT_ERROR_NAMES, InvalidInput, ServiceUnavailable } from "../shared/errors";
import { defineHandler, ServiceContext } from "../shared/handler";
import { Call, deriveId, once } from "../shared/idempotency";
import { Logger } from "../shared/logger";
import { orderCompleted } from "../shared/metrics";
import { closingWrite, CLOSERS, ClosedStatus } from "../shared/order-record";
import { ConditionFailed, Item, StateStore, storedText } from "../shared/store";
import {
  allowOnlyKeys,
  JsonObject,
  requireArray,
  requireExecutionName,
  requireIdentifier,
  requireObject,
  requireOneOf,
  requirePositiveNumber,
  requireString,
  requireUserId,
  requireWholeNumber,
} from "../shared/validation";

interface Recipient {
  userId: string;
  email: string;
}

/** The longest reason accepted: Step Functions' limit on an execution's Cause. */
export const MAX_REASON_LENGTH = 32768;

const SERVICE = "notification-service";
const call = (action: string, idempotencyKey: string): Call => ({ service: SERVICE, action, idempotencyKey });

function requireRecipient(value: unknown): Recipient {
  const recipient = requireObject(value, "recipient");
  allowOnlyKeys(recipient, "recipient", ["userId", "email"]);
  return {
    userId: requireUserId(recipient.userId, "recipient.userId"),
    email: requireString(recipient.email, "recipient.email", {
      maxLength: 254,
      pattern: /^[^\s@"]+@[^\s@"]+$/,
      patternText: "one address of the form name@domain",
    }),
  };
}

function requireReservations(value: unknown) {
  if (value === undefined) return [];
  return requireArray(value, "order.reservations", 100).map((entry, index) => {
    const field = `order.reservations[${index}]`;
    const reservation = requireObject(entry, field);
    allowOnlyKeys(reservation, field, ["reservationId", "productId", "quantity"]);
    return {
      reservationId: requireIdentifier(reservation.reservationId, `${field}.reservationId`),
      ...(reservation.productId === undefined
        ? {}
        : { productId: requireIdentifier(reservation.productId, `${field}.productId`) }),
      ...(reservation.quantity === undefined
        ? {}
        : { quantity: requireWholeNumber(reservation.quantity, `${field}.quantity`, 1, 1_000_000) }),
    };
  });
}

function requireOrderSummary(value: unknown) {
  const order = requireObject(value, "order");
  allowOnlyKeys(order, "order", ["orderId", "userId", "items", "subtotal", "tax", "total", "transactionId", "reservations"]);
  return {
    ...order,
    orderId: requireIdentifier(order.orderId, "order.orderId"),
    userId: requireUserId(order.userId, "order.userId"),
    transactionId: requireIdentifier(order.transactionId, "order.transactionId"),
    total: requirePositiveNumber(order.total, "order.total"),
    reservations: requireReservations(order.reservations),
  };
}

function requireFailure(value: unknown) {
  const failure = requireObject(value, "failure");
  allowOnlyKeys(failure, "failure", ["error", "detail", "orderId", "rootError"]);
  const detail = requireObject(failure.detail, "failure.detail");
  // A refusal's detail is the Lambda runtime's error as the workflow parsed it from the Cause.
  allowOnlyKeys(detail, "failure.detail", ["errorMessage", "errorType", "trace"]);
  return {
    orderId: failure.orderId === null ? null : requireIdentifier(failure.orderId, "failure.orderId"),
    error: requireOneOf(failure.error, "failure.error", CONTRACT_ERROR_NAMES),
    reason: requireString(detail.errorMessage, "failure.detail.errorMessage", { maxLength: MAX_REASON_LENGTH }),
    rootError:
      failure.rootError === undefined ? undefined : requireOneOf(failure.rootError, "failure.rootError", CONTRACT_ERROR_NAMES),
  };
}

/** One notice: its id derives from the key and its kind, so a retry or a replay names the same notice. */
function notice(kind: string, recipient: Recipient, subject: string, idempotencyKey: string) {
  const notificationId = deriveId("ntf", idempotencyKey, kind);
  return { notificationId, type: kind, channel: "email", recipient: recipient.email, subject, delivered: true };
}

function deliver(log: Logger, sent: ReturnType<typeof notice>, recipient: Recipient, idempotencyKey: string) {
  log.info("notification sent", {
    action: sent.type,
    idempotencyKey,
    notificationId: sent.notificationId,
    channel: sent.channel,
    to: recipient.userId,
  });
}

interface Closing {
  store: StateStore;
  log: Logger;
  action: string;
  idempotencyKey: string;
  orderId: string | null;
  status: ClosedStatus;
  /** What the record keeps with its status. */
  set: Item;
  sent: ReturnType<typeof notice>;
  recipient: Recipient;
  /** The request, for the record of a notice about an order this call does not close. */
  request: unknown;
}

/**
 * Sends the notice and closes the order's PENDING record with it, in that order, after
 * reading the record: a notice already recorded there is never sent again. A notice about
 * an order without a record (a hand-made call), or one already closed the same way by
 * something else, gets a record of its own in the idempotency table instead.
 */
async function notifyAndClose(closing: Closing): Promise<{ orderStatus: ClosedStatus | null; replayed: boolean }> {
  const { store, log, orderId, status, sent, recipient, idempotencyKey } = closing;
  for (let attempt = 0; attempt < 3; attempt++) {
    const record = orderId === null ? undefined : await store.get("orders", orderId);
    if (record && record.notificationId === sent.notificationId && record.status === status) {
      return { orderStatus: status, replayed: true };
    }
    if (!record || record.status === status) {
      const outcome = await once(store, call(closing.action, idempotencyKey), closing.request, async () => {
        deliver(log, sent, recipient, idempotencyKey);
        return { result: record ? status : null };
      });
      return { orderStatus: outcome.result, replayed: outcome.replayed };
    }
    if (record.status !== "PENDING") {
      throw new InvalidInput(`order ${orderId} is ${storedText(record.status)}: it cannot become ${status}`);
    }
    deliver(log, sent, recipient, idempotencyKey);
    try {
      await store.transact([
        closingWrite(orderId!, { status, ...closing.set, notificationId: sent.notificationId, closedBy: CLOSERS.notice }),
      ]);
      if (status === "COMPLETED") orderCompleted(SERVICE, orderId!);
      return { orderStatus: status, replayed: false };
    } catch (error) {
      // Closed meanwhile (a concurrent run of this execution, or the fallback): read it again.
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }
  throw new ServiceUnavailable(`order ${orderId} kept changing while it was being closed; try again`);
}

async function confirm(request: JsonObject, { store, log }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "recipient", "order", "idempotencyKey"]);
  const recipient = requireRecipient(request.recipient);
  const order = requireOrderSummary(request.order);
  const idempotencyKey = requireExecutionName(request.idempotencyKey, "idempotencyKey");
  const sent = notice(
    "ORDER_CONFIRMATION",
    recipient,
    `Order ${order.orderId} confirmed: total ${order.total.toFixed(2)} USD`,
    idempotencyKey,
  );
  const { orderStatus, replayed } = await notifyAndClose({
    store,
    log,
    action: "confirmation",
    idempotencyKey,
    orderId: order.orderId,
    status: "COMPLETED",
    set: { transactionId: order.transactionId, reservations: order.reservations },
    sent,
    recipient,
    request: { recipient, order },
  });
  return { result: { notification: sent, order, orderStatus }, replayed, action: "confirmation", idempotencyKey };
}

async function notifyFailure(request: JsonObject, { store, log }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "recipient", "failure", "idempotencyKey"]);
  const recipient = requireRecipient(request.recipient);
  const { orderId, error, reason, rootError } = requireFailure(request.failure);
  const idempotencyKey = requireExecutionName(request.idempotencyKey, "idempotencyKey");
  const compensationFailed = error === COMPENSATION_FAILED;
  const status: ClosedStatus = compensationFailed ? "COMPENSATION_FAILED" : "FAILED";
  const subject = compensationFailed
    ? "Your order could not be completed; our team is finishing your refund or release by hand"
    : `Your order could not be completed (${error})`;
  const sent = notice("ORDER_FAILED", recipient, subject, idempotencyKey);
  const { orderStatus, replayed } = await notifyAndClose({
    store,
    log,
    action: "failure",
    idempotencyKey,
    orderId,
    status,
    set: { error, reason, ...(rootError ? { rootError } : {}) },
    sent,
    recipient,
    request: { recipient, orderId, error, reason },
  });
  if (compensationFailed && !replayed) {
    // One line per such order, whatever the log level: an operator must finish it (docs, runbook).
    log.error("compensation failed: an operator must finish this order (README, runbook)", {
      action: "failure",
      idempotencyKey,
      orderId,
      orderStatus: status,
    });
  }
  return { result: { ...sent, orderId, error, reason, orderStatus }, replayed, action: "failure", idempotencyKey };
}

export async function processNotification(event: unknown, context: ServiceContext) {
  const request = requireObject(event, "input");
  const action = requireOneOf(request.action, "action", ["confirmation", "failure"] as const);
  return action === "confirmation" ? confirm(request, context) : notifyFailure(request, context);
}

export const { handler, handlerFor } = defineHandler(SERVICE, processNotification);
