/**
 * payment-service: authorizes the order's total and refunds it when the order is
 * compensated.
 *
 * authorize: `{ action: "authorize", orderId, userId, creditScore, amountCents, idempotencyKey }`
 * refund:    `{ action: "refund", transactionId, amountCents, idempotencyKey }`
 */
import { PaymentDeclined } from "../shared/errors";
import { defineHandler } from "../shared/handler";
import { deriveId, IdempotencyLedger } from "../shared/idempotency";
import { centsToAmount } from "../shared/money";
import {
  allowOnlyKeys,
  JsonObject,
  requireIdentifier,
  requireObject,
  requireOneOf,
  requireUserId,
  requireWholeNumber,
} from "../shared/validation";

/** The largest order total the input limits allow, in cents (100 x 10000 x 1000000.00 plus tax). */
export const MAX_AMOUNT_CENTS = 108_000_000_000_000;

/** DESIGN.md section 3: declined above 1000 with a score under 650, or above 5000 under 750. */
export function declineReason(amountCents: number, creditScore: number): string | undefined {
  const amount = centsToAmount(amountCents).toFixed(2);
  if (amountCents > 500_000 && creditScore < 750) {
    return `total ${amount} is above 5000.00 and requires a credit score of at least 750 (score ${creditScore})`;
  }
  if (amountCents > 100_000 && creditScore < 650) {
    return `total ${amount} is above 1000.00 and requires a credit score of at least 650 (score ${creditScore})`;
  }
  return undefined;
}

const ledger = new IdempotencyLedger();

function authorize(request: JsonObject) {
  allowOnlyKeys(request, "", ["action", "orderId", "userId", "creditScore", "amountCents", "idempotencyKey"]);
  const orderId = requireIdentifier(request.orderId, "orderId");
  requireUserId(request.userId, "userId");
  const creditScore = requireWholeNumber(request.creditScore, "creditScore", 600, 850);
  const amountCents = requireWholeNumber(request.amountCents, "amountCents", 1, MAX_AMOUNT_CENTS);
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const reason = declineReason(amountCents, creditScore);
  if (reason) throw new PaymentDeclined(`Payment for order ${orderId} declined: ${reason}`);
  const outcome = ledger.run("authorize", idempotencyKey, { orderId, amountCents }, () => ({
    transactionId: deriveId("txn", idempotencyKey),
    orderId,
    amountCents,
    amount: centsToAmount(amountCents),
    status: "AUTHORIZED" as const,
  }));
  return { ...outcome, action: "authorize", idempotencyKey };
}

function refund(request: JsonObject) {
  allowOnlyKeys(request, "", ["action", "transactionId", "amountCents", "idempotencyKey"]);
  const transactionId = requireIdentifier(request.transactionId, "transactionId");
  const amountCents = requireWholeNumber(request.amountCents, "amountCents", 1, MAX_AMOUNT_CENTS);
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const outcome = ledger.run("refund", idempotencyKey, { transactionId, amountCents }, () => ({
    refundId: deriveId("rfd", idempotencyKey, transactionId),
    transactionId,
    amountCents,
    amount: centsToAmount(amountCents),
    status: "REFUNDED" as const,
  }));
  return { ...outcome, action: "refund", idempotencyKey };
}

export function processPayment(event: unknown) {
  const request = requireObject(event, "input");
  const action = requireOneOf(request.action, "action", ["authorize", "refund"] as const);
  return action === "authorize" ? authorize(request) : refund(request);
}

export const handler = defineHandler("payment-service", processPayment);
