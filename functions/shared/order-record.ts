/**
 * The order record (orders table, one per order request): PENDING while the workflow runs,
 * then closed once with how the order ended. It is also the execution's outcome record: a
 * second run of an execution that ended finds it closed and ends the same way
 * (docs/durable-state.md). Who closes it:
 *   - notification-service, with the notice that tells the customer (the usual way);
 *   - order-service's `close`, when the notice could not be sent or no order was made yet;
 *   - order-service's `create`, when it refuses the request (a FAILED record, so that the
 *     refusal is recorded under the request's key too);
 *   - an operator finishing a CompensationFailed order (`resolve`, npm run compensate).
 */
import { COMPENSATION_FAILED, RecordedOutcome } from "./errors";
import { Item, Operation, storedText } from "./store";

export const ORDER_STATUSES = ["PENDING", "COMPLETED", "FAILED", "COMPENSATION_FAILED"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];
export type ClosedStatus = Exclude<OrderStatus, "PENDING">;
export const CLOSED_STATUSES: readonly ClosedStatus[] = ["COMPLETED", "FAILED", "COMPENSATION_FAILED"];

/** Who closed a record (its `closedBy`). */
export const CLOSERS = {
  notice: "notification-service",
  fallback: "order-service",
  refusal: "order-service:create",
  operator: "operator",
} as const;

/** The fields of the order summary the customer is sent and a COMPLETED execution outputs. */
export const ORDER_SUMMARY_FIELDS = [
  "orderId",
  "userId",
  "items",
  "subtotal",
  "tax",
  "total",
  "transactionId",
  "reservations",
] as const;

/**
 * How long an order's idempotency records surely exist: they are written after the order
 * and DynamoDB deletes an expired item only after its time (RECORD_TTL_DAYS), so a day less.
 * A run that finds its own execution's order older than this is a name used again (AWS
 * allows it after 90 days), not a retry: it is refused as a duplicate.
 */
export const ORDER_REPLAY_WINDOW_DAYS = 89;

/** The update that closes a PENDING record with `set` (the status and what goes with it). */
export function closingWrite(orderId: string, set: Item): Operation {
  return {
    type: "update",
    table: "orders",
    key: orderId,
    set: { ...set, updatedAt: new Date().toISOString() },
    ifIn: { attribute: "status", values: ["PENDING"] },
  };
}

/** The outcome a closed record holds, as the workflow ends with it again. */
export function recordedOutcome(record: Item): RecordedOutcome {
  const status = record.status as ClosedStatus;
  const orderId = record.orderId as string;
  if (status === "COMPLETED") {
    const summary: Record<string, unknown> = Object.fromEntries(ORDER_SUMMARY_FIELDS.map((field) => [field, record[field]]));
    summary.notification = {
      type: "ORDER_CONFIRMATION",
      notificationId: record.notificationId ?? null,
      delivered: record.closedBy === CLOSERS.notice,
    };
    return { status, orderId, summary };
  }
  return {
    status,
    orderId,
    error:
      (record.error as string | undefined) ?? (status === "COMPENSATION_FAILED" ? COMPENSATION_FAILED : "ServiceUnavailable"),
    reason: (record.reason as string | undefined) ?? `order ${orderId} ended ${status}`,
  };
}

/** Whether the record is older than the replay window (see ORDER_REPLAY_WINDOW_DAYS). */
export function outlivedItsRecords(record: Item, now = Date.now()): boolean {
  const created = Date.parse(storedText(record.createdAt));
  return Number.isFinite(created) && now - created > ORDER_REPLAY_WINDOW_DAYS * 86_400_000;
}
