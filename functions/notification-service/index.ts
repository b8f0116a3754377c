/**
 * notification-service: tells the customer how their order ended, and closes the
 * order's record with that outcome (COMPLETED, FAILED or COMPENSATION_FAILED), in the
 * same transaction as its own record: the notice is the workflow's last step on every
 * path that has a customer, so the record closes without a state of its own.
 *
 * confirmation: `{ action: "confirmation", recipient: { userId, email }, order: { orderId, userId,
 *   items, subtotal, tax, total, transactionId, reservations }, idempotencyKey }`; returns the
 *   notification and the order summary it confirmed, which the workflow makes its output.
 * failure: `{ action: "failure", recipient: { userId, email }, orderId (or null), error, reason,
 *   idempotencyKey }`.
 *
 * Delivery is simulated (one structured log line per message); a real sender (SES, SNS)
 * would replace `deliver` and throw ServiceUnavailable on a transient fault.
 */
import { COMPENSATION_FAILED, CONTRACT_ERROR_NAMES, InvalidInput } from "../shared/errors";
import { defineHandler, ServiceContext } from "../shared/handler";
import { Call, deriveId, once } from "../shared/idempotency";
import { Logger } from "../shared/logger";
import { Operation, StateStore } from "../shared/store";
import {
  allowOnlyKeys,
  JsonObject,
  requireArray,
  requireIdentifier,
  requireObject,
  requireOneOf,
  requirePositiveNumber,
  requireString,
  requireUserId,
} from "../shared/validation";
import type { OrderStatus } from "../order-service";

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

function requireOrderSummary(value: unknown) {
  const order = requireObject(value, "order");
  allowOnlyKeys(order, "order", ["orderId", "userId", "items", "subtotal", "tax", "total", "transactionId", "reservations"]);
  const reservations =
    order.reservations === undefined
      ? []
      : requireArray(order.reservations, "order.reservations", 100).map((entry, index) =>
          requireIdentifier(
            requireObject(entry, `order.reservations[${index}]`).reservationId,
            `order.reservations[${index}].reservationId`,
          ),
        );
  return {
    summary: {
      ...order,
      orderId: requireIdentifier(order.orderId, "order.orderId"),
      userId: requireUserId(order.userId, "order.userId"),
      transactionId: requireIdentifier(order.transactionId, "order.transactionId"),
      total: requirePositiveNumber(order.total, "order.total"),
    },
    reservationIds: reservations,
  };
}

/**
 * The write that closes an order's record, if the order has one (a hand-made call may name
 * none). A record may only move from PENDING, or stay where it is (a replayed notice).
 */
async function closing(
  store: StateStore,
  orderId: string | null,
  status: OrderStatus,
  fields: Record<string, string | string[] | null>,
): Promise<Operation[]> {
  if (orderId === null) return [];
  const record = await store.get("orders", orderId);
  if (!record) return [];
  if (record.status !== "PENDING" && record.status !== status) {
    throw new InvalidInput(`order ${orderId} is ${record.status}: it cannot become ${status}`);
  }
  return [
    {
      type: "update",
      table: "orders",
      key: orderId,
      set: { status, ...fields, updatedAt: new Date().toISOString() },
      ifIn: { attribute: "status", values: ["PENDING", status] },
    },
  ];
}

function deliver(log: Logger, kind: string, recipient: Recipient, subject: string, idempotencyKey: string) {
  const notificationId = deriveId("ntf", idempotencyKey, kind);
  log.info("notification sent", {
    action: kind,
    idempotencyKey,
    notificationId,
    channel: "email",
    to: recipient.userId,
  });
  return { notificationId, type: kind, channel: "email", recipient: recipient.email, subject, delivered: true };
}

async function confirm(request: JsonObject, { store, log }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "recipient", "order", "idempotencyKey"]);
  const recipient = requireRecipient(request.recipient);
  const { summary: order, reservationIds } = requireOrderSummary(request.order);
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const outcome = await once(store, call("confirmation", idempotencyKey), { recipient, order }, async () => {
    const writes = await closing(store, order.orderId, "COMPLETED", { transactionId: order.transactionId, reservationIds });
    const subject = `Order ${order.orderId} confirmed: total ${order.total.toFixed(2)} USD`;
    return {
      result: {
        notification: deliver(log, "ORDER_CONFIRMATION", recipient, subject, idempotencyKey),
        order,
        orderStatus: writes.length > 0 ? "COMPLETED" : null,
      },
      writes,
    };
  });
  return { ...outcome, action: "confirmation", idempotencyKey };
}

async function notifyFailure(request: JsonObject, { store, log }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "recipient", "orderId", "error", "reason", "idempotencyKey"]);
  const recipient = requireRecipient(request.recipient);
  const orderId = request.orderId === null ? null : requireIdentifier(request.orderId, "orderId");
  const error = requireOneOf(request.error, "error", CONTRACT_ERROR_NAMES);
  const reason = requireString(request.reason, "reason", { maxLength: MAX_REASON_LENGTH });
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const compensationFailed = error === COMPENSATION_FAILED;
  const outcome = await once(store, call("failure", idempotencyKey), { recipient, orderId, error, reason }, async () => {
    const status: OrderStatus = compensationFailed ? "COMPENSATION_FAILED" : "FAILED";
    const writes = await closing(store, orderId, status, { error, reason });
    if (compensationFailed) {
      // One line per such order, whatever the log level: the CompensationFailed alarm counts these.
      log.error("compensation failed: an operator must finish this order (README, runbook)", {
        action: "failure",
        idempotencyKey,
        orderId,
        orderStatus: status,
      });
    }
    const subject = compensationFailed
      ? "Your order could not be completed; our team is finishing your refund or release by hand"
      : `Your order could not be completed (${error})`;
    return {
      result: {
        ...deliver(log, "ORDER_FAILED", recipient, subject, idempotencyKey),
        orderId,
        error,
        reason,
        orderStatus: writes.length > 0 ? status : null,
      },
      writes,
    };
  });
  return { ...outcome, action: "failure", idempotencyKey };
}

export async function processNotification(event: unknown, context: ServiceContext) {
  const request = requireObject(event, "input");
  const action = requireOneOf(request.action, "action", ["confirmation", "failure"] as const);
  return action === "confirmation" ? confirm(request, context) : notifyFailure(request, context);
}

export const { handler, handlerFor } = defineHandler(SERVICE, processNotification);
