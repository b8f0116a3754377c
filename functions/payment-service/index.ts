/**
 * payment-service: authorizes the order's total and refunds it when the order is
 * compensated. The payment ledger of this simulated payment system is one item per
 * idempotency key (functions/shared/ledger.ts): AUTHORIZED, then REFUNDED; or VOID when a
 * refund came before any authorization, so that a late authorization can never take money.
 *
 * authorize: `{ action: "authorize", orderId, userId, creditScore, amountCents, idempotencyKey }`
 * refund:    `{ action: "refund", orderId, idempotencyKey }` refunds what the authorization made
 *   with that key took, or nothing (NOTHING_TO_REFUND) when it made none.
 * status:    `{ action: "status", orderId, idempotencyKey }` says what the key did, without acting:
 *   AUTHORIZED, REFUNDED, NOTHING_TO_REFUND or NONE (the workflow asks when a refund's answer was lost).
 */
import { PaymentDeclined } from "../shared/errors";
import { defineHandler, ServiceContext } from "../shared/handler";
import { deriveId } from "../shared/idempotency";
import { doOnce, LedgerSpec, readLedger, undoOnce } from "../shared/ledger";
import { centsToAmount } from "../shared/money";
import {
  allowOnlyKeys,
  JsonObject,
  requireExecutionName,
  requireIdentifier,
  requireObject,
  requireOneOf,
  requireUserId,
  requireWholeNumber,
} from "../shared/validation";

/** The largest order total the input limits allow, in cents (100 x 10000 x 1000000.00 plus tax). */
export const MAX_AMOUNT_CENTS = 108_000_000_000_000;

export interface Authorization {
  transactionId: string;
  orderId: string;
  amountCents: number;
  amount: number;
  status: "AUTHORIZED";
}

export interface Refund {
  orderId: string;
  refundId: string | null;
  transactionId: string | null;
  amountCents: number;
  amount: number;
  status: "REFUNDED" | "NOTHING_TO_REFUND";
}

const SERVICE = "payment-service";
export const PAYMENT_LEDGER: LedgerSpec = {
  service: SERVICE,
  doAction: "authorize",
  undoAction: "refund",
  done: "AUTHORIZED",
  undone: "REFUNDED",
  doNoun: "authorization",
  didToOrder: "authorized order",
};

export interface PaymentStatus {
  orderId: string;
  status: "AUTHORIZED" | "REFUNDED" | "NOTHING_TO_REFUND" | "NONE";
  transactionId: string | null;
  amount: number;
}

/** docs/business-rules.md: declined above 1000 with a score under 650, or above 5000 under 750. */
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

async function authorize(request: JsonObject, { store }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "orderId", "userId", "creditScore", "amountCents", "idempotencyKey"]);
  const orderId = requireIdentifier(request.orderId, "orderId");
  const userId = requireUserId(request.userId, "userId");
  const creditScore = requireWholeNumber(request.creditScore, "creditScore", 600, 850);
  const amountCents = requireWholeNumber(request.amountCents, "amountCents", 1, MAX_AMOUNT_CENTS);
  const idempotencyKey = requireExecutionName(request.idempotencyKey, "idempotencyKey");
  const reason = declineReason(amountCents, creditScore);
  if (reason) throw new PaymentDeclined(`Payment for order ${orderId} declined: ${reason}`);
  const outcome = await doOnce<Authorization>(
    store,
    PAYMENT_LEDGER,
    { idempotencyKey, orderId, request: { orderId, userId, amountCents } },
    async () => ({
      result: {
        transactionId: deriveId("txn", idempotencyKey),
        orderId,
        amountCents,
        amount: centsToAmount(amountCents),
        status: "AUTHORIZED",
      },
    }),
  );
  return { ...outcome, action: "authorize", idempotencyKey };
}

/** The order and key of a refund or status call. */
function requireKeyedOrder(request: JsonObject) {
  allowOnlyKeys(request, "", ["action", "orderId", "idempotencyKey"]);
  return {
    orderId: requireIdentifier(request.orderId, "orderId"),
    idempotencyKey: requireExecutionName(request.idempotencyKey, "idempotencyKey"),
  };
}

async function refund(request: JsonObject, { store }: ServiceContext) {
  const { orderId, idempotencyKey } = requireKeyedOrder(request);
  const outcome = await undoOnce<Authorization, Refund>(
    store,
    PAYMENT_LEDGER,
    { idempotencyKey, orderId },
    () => ({ orderId, refundId: null, transactionId: null, amountCents: 0, amount: 0, status: "NOTHING_TO_REFUND" }),
    (authorized) => ({
      result: {
        orderId,
        refundId: deriveId("rfd", idempotencyKey, authorized.transactionId),
        transactionId: authorized.transactionId,
        amountCents: authorized.amountCents,
        amount: authorized.amount,
        status: "REFUNDED",
      },
    }),
  );
  return { ...outcome, action: "refund", idempotencyKey };
}

async function status(request: JsonObject, { store }: ServiceContext) {
  const { orderId, idempotencyKey } = requireKeyedOrder(request);
  const entry = await readLedger<Authorization, Refund>(store, PAYMENT_LEDGER, idempotencyKey);
  const result: PaymentStatus = !entry
    ? { orderId, status: "NONE", transactionId: null, amount: 0 }
    : {
        orderId: entry.orderId,
        status: entry.state === "DONE" ? "AUTHORIZED" : entry.state === "UNDONE" ? "REFUNDED" : "NOTHING_TO_REFUND",
        transactionId: entry.done?.transactionId ?? null,
        amount: entry.done?.amount ?? 0,
      };
  return { result, action: "status", idempotencyKey };
}

export async function processPayment(event: unknown, context: ServiceContext) {
  const request = requireObject(event, "input");
  const action = requireOneOf(request.action, "action", ["authorize", "refund", "status"] as const);
  const act = { authorize, refund, status }[action];
  return act(request, context);
}

export const { handler, handlerFor } = defineHandler(SERVICE, processPayment);
