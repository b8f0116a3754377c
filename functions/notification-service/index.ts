/**
 * notification-service: tells the customer how their order ended.
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
import { defineHandler } from "../shared/handler";
import { deriveId, IdempotencyLedger } from "../shared/idempotency";
import { Logger } from "../shared/logger";
import {
  allowOnlyKeys,
  JsonObject,
  requireIdentifier,
  requireObject,
  requireOneOf,
  requirePositiveNumber,
  requireString,
  requireUserId,
} from "../shared/validation";
import { CONTRACT_ERROR_NAMES } from "../shared/errors";

interface Recipient {
  userId: string;
  email: string;
}

function requireRecipient(value: unknown): Recipient {
  const recipient = requireObject(value, "recipient");
  allowOnlyKeys(recipient, "recipient", ["userId", "email", "name", "creditScore"]);
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
  return {
    ...order,
    orderId: requireIdentifier(order.orderId, "order.orderId"),
    userId: requireUserId(order.userId, "order.userId"),
    transactionId: requireIdentifier(order.transactionId, "order.transactionId"),
    total: requirePositiveNumber(order.total, "order.total"),
  };
}

const ledger = new IdempotencyLedger();

function deliver(log: Logger, kind: string, recipient: Recipient, subject: string, idempotencyKey: string) {
  const notificationId = deriveId("ntf", idempotencyKey, kind);
  log.info("notification sent", {
    action: kind,
    idempotencyKey,
    notificationId,
    channel: "email",
    to: recipient.userId,
    subject,
  });
  return { notificationId, type: kind, channel: "email", recipient: recipient.email, subject, delivered: true };
}

function confirm(request: JsonObject, log: Logger) {
  allowOnlyKeys(request, "", ["action", "recipient", "order", "idempotencyKey"]);
  const recipient = requireRecipient(request.recipient);
  const order = requireOrderSummary(request.order);
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const outcome = ledger.run("confirmation", idempotencyKey, { recipient, order }, () => ({
    notification: deliver(
      log,
      "ORDER_CONFIRMATION",
      recipient,
      `Order ${order.orderId} confirmed: total ${order.total.toFixed(2)} USD`,
      idempotencyKey,
    ),
    order,
  }));
  return { ...outcome, action: "confirmation", idempotencyKey };
}

function notifyFailure(request: JsonObject, log: Logger) {
  allowOnlyKeys(request, "", ["action", "recipient", "orderId", "error", "reason", "idempotencyKey"]);
  const recipient = requireRecipient(request.recipient);
  const orderId = request.orderId === null ? null : requireIdentifier(request.orderId, "orderId");
  const error = requireOneOf(request.error, "error", CONTRACT_ERROR_NAMES);
  const reason = requireString(request.reason, "reason", { maxLength: 4096 });
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const outcome = ledger.run("failure", idempotencyKey, { recipient, orderId, error, reason }, () => ({
    ...deliver(log, "ORDER_FAILED", recipient, `Your order could not be completed (${error})`, idempotencyKey),
    orderId,
    error,
    reason,
  }));
  return { ...outcome, action: "failure", idempotencyKey };
}

export function processNotification(event: unknown, log: Logger) {
  const request = requireObject(event, "input");
  const action = requireOneOf(request.action, "action", ["confirmation", "failure"] as const);
  return action === "confirmation" ? confirm(request, log) : notifyFailure(request, log);
}

export const handler = defineHandler("notification-service", processNotification);
