/**
 * payment-service: authorizes the order's total and refunds it when the order is
 * compensated. Each authorization and refund is a record in the idempotency table:
 * the payment ledger of this simulated payment system.
 *
 * authorize: `{ action: "authorize", orderId, userId, creditScore, amountCents, idempotencyKey }`
 * refund:    `{ action: "refund", orderId, idempotencyKey }` refunds what the authorization made
 *   with that key took, or nothing (NOTHING_TO_REFUND) when it made none.
 */
import { InvalidInput, PaymentDeclined } from "../shared/errors";
import { defineHandler, ServiceContext } from "../shared/handler";
import { Call, deriveId, once, recordedResult, recordKey } from "../shared/idempotency";
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
const call = (action: string, idempotencyKey: string): Call => ({ service: SERVICE, action, idempotencyKey });

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
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const reason = declineReason(amountCents, creditScore);
  if (reason) throw new PaymentDeclined(`Payment for order ${orderId} declined: ${reason}`);
  const outcome = await once<Authorization>(
    store,
    call("authorize", idempotencyKey),
    { orderId, userId, amountCents },
    async () => ({
      result: {
        transactionId: deriveId("txn", idempotencyKey),
        orderId,
        amountCents,
        amount: centsToAmount(amountCents),
        status: "AUTHORIZED",
      },
      // An authorization arriving after its refund (a very late call) must not take money that nobody refunds.
      writes: [{ type: "absent", table: "idempotency", key: recordKey(call("refund", idempotencyKey)) }],
    }),
    async () => {
      throw new InvalidInput(`idempotencyKey ${idempotencyKey} was already refunded: a new authorization needs a new key`);
    },
  );
  return { ...outcome, action: "authorize", idempotencyKey };
}

async function refund(request: JsonObject, { store }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "orderId", "idempotencyKey"]);
  const orderId = requireIdentifier(request.orderId, "orderId");
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const outcome = await once<Refund>(store, call("refund", idempotencyKey), { orderId }, async () => {
    const authorized = await recordedResult<Authorization>(store, call("authorize", idempotencyKey));
    if (!authorized) {
      // Nothing was authorized with this key; the condition keeps an authorization from slipping in meanwhile.
      return {
        result: { orderId, refundId: null, transactionId: null, amountCents: 0, amount: 0, status: "NOTHING_TO_REFUND" },
        writes: [{ type: "absent", table: "idempotency", key: recordKey(call("authorize", idempotencyKey)) }],
      };
    }
    if (authorized.orderId !== orderId) {
      throw new InvalidInput(`idempotencyKey ${idempotencyKey} authorized order ${authorized.orderId}, not ${orderId}`);
    }
    return {
      result: {
        orderId,
        refundId: deriveId("rfd", idempotencyKey, authorized.transactionId),
        transactionId: authorized.transactionId,
        amountCents: authorized.amountCents,
        amount: authorized.amount,
        status: "REFUNDED",
      },
    };
  });
  return { ...outcome, action: "refund", idempotencyKey };
}

export async function processPayment(event: unknown, context: ServiceContext) {
  const request = requireObject(event, "input");
  const action = requireOneOf(request.action, "action", ["authorize", "refund"] as const);
  return action === "authorize" ? authorize(request, context) : refund(request, context);
}

export const { handler, handlerFor } = defineHandler(SERVICE, processPayment);
