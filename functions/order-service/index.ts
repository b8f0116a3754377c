/**
 * order-service: validates the items, prices the order in cents, assigns its id and
 * records it (status PENDING) in the orders table: one record per order request, which
 * is also the execution's outcome record (functions/shared/order-record.ts).
 *
 * create: `{ orderData: { items: [...] }, userId (or userData: { userId }), eventId?, idempotencyKey?, executionId? }`.
 *   The request's key is the EventBridge event's id when the workflow was started by the
 *   rule (`eventId`), else the caller's idempotencyKey (the workflow's execution name),
 *   else (a hand-made call) the order's content. The same key gives the same orderId.
 *   - A request already accepted by another execution is a duplicate delivery:
 *     DuplicateOrder, whose message is the first order's id.
 *   - A run of this execution that already ended: OrderClosed, carrying the outcome it
 *     recorded, so that the workflow ends the same way and acts on nothing.
 *   - A refused request is recorded too (FAILED), so that a later run finds its outcome.
 * close: `{ action: "close", request, idempotencyKey, executionId, failure? | order? }`
 *   closes this execution's record when the notice that usually closes it could not be
 *   sent, or records the outcome (a record without items) when no order was made yet.
 * resolve: `{ action: "resolve", orderId, refund, release }` marks a CompensationFailed
 *   order FAILED once an operator has had it refunded and released (npm run compensate).
 */
import {
  COMPENSATION_FAILED,
  CONTRACT_ERROR_NAMES,
  DuplicateOrder,
  InvalidInput,
  OrderClosed,
  ServiceUnavailable,
} from "../shared/errors";
import { defineHandler, ServiceContext } from "../shared/handler";
import { deriveId, fingerprintOf } from "../shared/idempotency";
import { requireItems } from "../shared/items";
import { orderCompleted } from "../shared/metrics";
import { centsToAmount, taxCents } from "../shared/money";
import {
  closingWrite,
  CLOSERS,
  ClosedStatus,
  ORDER_STATUSES,
  OrderStatus,
  outlivedItsRecords,
  recordedOutcome,
} from "../shared/order-record";
import { ConditionFailed, Item, StateStore, storedText } from "../shared/store";
import {
  allowOnlyKeys,
  JsonObject,
  requireArray,
  requireExecutionArn,
  requireExecutionName,
  requireIdentifier,
  requireObject,
  requireOneOf,
  requireString,
  requireUserId,
} from "../shared/validation";

export { ORDER_STATUSES };
export type { OrderStatus };

export interface OrderItem {
  productId: string;
  quantity: number;
  price: number;
}

export interface Order {
  orderId: string;
  userId: string;
  items: OrderItem[];
  subtotal: number;
  tax: number;
  total: number;
  totalCents: number;
  currency: "USD";
  status: "PENDING";
}

/** The longest reason a record keeps: Step Functions' limit on an execution's Cause. */
export const MAX_REASON_LENGTH = 32768;

/** The default of the stack's max_order_total variable, in USD. */
export const DEFAULT_MAX_ORDER_TOTAL = 100000;

/**
 * The largest total accepted, in cents: MAX_ORDER_TOTAL (set by the stack from
 * max_order_total), else the default. Read per call, so a test or a local run can set it.
 */
export function maxOrderTotalCents(env: NodeJS.ProcessEnv = process.env): number {
  const configured = env.MAX_ORDER_TOTAL ?? String(DEFAULT_MAX_ORDER_TOTAL);
  const cents = Math.round(Number(configured) * 100);
  if (!/^[0-9]+(\.[0-9]{1,2})?$/.test(configured) || !(cents > 0)) {
    throw new ServiceUnavailable(`MAX_ORDER_TOTAL must be an amount above 0 with at most 2 decimals, got "${configured}"`);
  }
  return cents;
}

/** Which user placed the order: `userId`, `userData.userId` (the recipe's payload), or both when they agree. */
function requireOrderUser(request: JsonObject): string {
  const fromUserData =
    request.userData === undefined
      ? undefined
      : requireUserId(requireObject(request.userData, "userData").userId, "userData.userId");
  const direct = request.userId === undefined ? undefined : requireUserId(request.userId, "userId");
  if (direct !== undefined && fromUserData !== undefined && direct !== fromUserData) {
    throw new InvalidInput("userId must equal userData.userId");
  }
  const userId = direct ?? fromUserData;
  if (userId === undefined) throw new InvalidInput("userId is required");
  return userId;
}

interface RequestKey {
  key: string;
  /** Where the key came from, for messages. */
  source: string;
}

/** The key an event or an execution gives the request; undefined for a hand-made call with neither. */
function givenKey(eventId: unknown, idempotencyKey: string | null): RequestKey | undefined {
  if (eventId !== undefined) return { key: `event:${requireIdentifier(eventId, "eventId")}`, source: "eventId" };
  if (idempotencyKey !== null) return { key: `execution:${idempotencyKey}`, source: "idempotencyKey" };
  return undefined;
}

/** The order the request describes, or the InvalidInput that says which rule it breaks. */
function priceOrder(request: JsonObject) {
  const userId = requireOrderUser(request);
  const orderData = requireObject(request.orderData, "orderData");
  allowOnlyKeys(orderData, "orderData", ["items"]);
  // Prices are required here, so both price fields are set.
  const items = requireItems(orderData.items, "orderData.items", "required");
  const lines: OrderItem[] = items.map(({ productId, quantity, price }) => ({ productId, quantity, price: price! }));
  const subtotalCents = items.reduce((sum, item) => sum + item.priceCents! * item.quantity, 0);
  const totalCents = subtotalCents + taxCents(subtotalCents);
  const limitCents = maxOrderTotalCents();
  if (totalCents > limitCents) {
    throw new InvalidInput(
      `order total ${(totalCents / 100).toFixed(2)} is above the limit of ${(limitCents / 100).toFixed(2)} per order (max_order_total)`,
    );
  }
  return { userId, lines, subtotalCents, totalCents };
}

function orderOf(record: Item): Order {
  const { orderId, userId, items, subtotal, tax, total, totalCents } = record as unknown as Order;
  return { orderId, userId, items, subtotal, tax, total, totalCents, currency: "USD", status: "PENDING" };
}

/** What this execution's record tells a run that finds it: go on (PENDING), or end as recorded. */
function whenOwnRecord(existing: Item): void {
  // The same name used again after the first run's records expired: never a second charge under that order.
  if (outlivedItsRecords(existing)) throw new DuplicateOrder(existing.orderId as string);
  if (existing.status !== "PENDING") throw new OrderClosed(recordedOutcome(existing));
}

export async function createOrder(event: unknown, { store }: ServiceContext) {
  const request = requireObject(event, "input");
  allowOnlyKeys(request, "", ["orderData", "userData", "userId", "eventId", "idempotencyKey", "executionId"]);
  const executionId = request.executionId === undefined ? null : requireExecutionArn(request.executionId, "executionId");
  const idempotencyKey =
    request.idempotencyKey === undefined ? null : requireExecutionName(request.idempotencyKey, "idempotencyKey");
  const given = givenKey(request.eventId, idempotencyKey);
  let priced: ReturnType<typeof priceOrder>;
  try {
    priced = priceOrder(request);
  } catch (error) {
    if (given && error instanceof InvalidInput) await recordRefusal(store, given, executionId, idempotencyKey, error);
    throw error;
  }
  const { userId, lines, subtotalCents, totalCents } = priced;
  const fingerprint = fingerprintOf({ userId, items: lines });
  // Stryker disable next-line StringLiteral: equivalent, a content key is the fingerprint of the content, so it is never "already used for a different order" (the one message that names the source).
  const { key, source } = given ?? { key: `content:${fingerprint}`, source: "content" };
  const order: Order = {
    orderId: deriveId("ord", key),
    userId,
    items: lines,
    subtotal: centsToAmount(subtotalCents),
    tax: centsToAmount(totalCents - subtotalCents),
    total: centsToAmount(totalCents),
    totalCents,
    currency: "USD",
    status: "PENDING",
  };
  const now = new Date().toISOString();
  const { currency: _currency, ...stored } = order;
  const record = { ...stored, requestKey: key, fingerprint, executionId, idempotencyKey, createdAt: now, updatedAt: now };
  try {
    await store.transact([{ type: "put", table: "orders", item: record as unknown as Item, ifAbsent: true }]);
    return { result: order, action: "create", idempotencyKey: key, replayed: false };
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
  // The order exists: this call's own retry, a run of this execution again, a duplicate delivery, or a reused key.
  const existing = (await store.get("orders", order.orderId))!;
  if (existing.executionId !== executionId) {
    // A record without a fingerprint records an outcome reached before an order was made (close).
    if (existing.fingerprint !== fingerprint && existing.fingerprint !== undefined) {
      throw new InvalidInput(
        `${source} ${key.slice(key.indexOf(":") + 1)} was already used for a different order (${order.orderId})`,
      );
    }
    throw new DuplicateOrder(order.orderId);
  }
  whenOwnRecord(existing);
  if (existing.fingerprint !== fingerprint) {
    throw new InvalidInput(
      `${source} ${key.slice(key.indexOf(":") + 1)} was already used for a different order (${order.orderId})`,
    );
  }
  return { result: orderOf(existing), action: "create", idempotencyKey: key, replayed: true };
}

/**
 * A refused request is recorded under its key (FAILED, with the refusal as its reason): a
 * later run of the execution then ends the same way even if the rules changed meanwhile,
 * and a duplicate delivery of it is a duplicate, not a second refusal with a second notice.
 */
async function recordRefusal(
  store: StateStore,
  given: RequestKey,
  executionId: string | null,
  idempotencyKey: string | null,
  refusal: InvalidInput,
): Promise<void> {
  const orderId = deriveId("ord", given.key);
  const now = new Date().toISOString();
  const record: Item = {
    orderId,
    status: "FAILED",
    error: refusal.name,
    reason: refusal.message,
    requestKey: given.key,
    executionId,
    idempotencyKey,
    closedBy: CLOSERS.refusal,
    createdAt: now,
    updatedAt: now,
  };
  try {
    await store.transact([{ type: "put", table: "orders", item: record, ifAbsent: true }]);
    return;
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
  const existing = (await store.get("orders", orderId))!;
  if (existing.executionId !== executionId) throw new DuplicateOrder(orderId);
  // This call's own retry keeps its refusal; a record another step closed is the outcome to end with.
  if (existing.closedBy !== CLOSERS.refusal) whenOwnRecord(existing);
}

/** The failure an execution ends with, as the workflow keeps it in `$.failure`. */
interface Failure {
  error: string;
  reason: string;
  rootError: string | null;
}

function requireFailure(value: unknown): Failure {
  const failure = requireObject(value, "failure");
  allowOnlyKeys(failure, "failure", ["error", "detail", "orderId", "rootError"]);
  const detail = requireObject(failure.detail, "failure.detail");
  // A refusal's detail is the Lambda runtime's error as the workflow parsed it from the Cause.
  allowOnlyKeys(detail, "failure.detail", ["errorMessage", "errorType", "trace"]);
  return {
    error: requireOneOf(failure.error, "failure.error", CONTRACT_ERROR_NAMES),
    reason: requireString(detail.errorMessage, "failure.detail.errorMessage", { maxLength: MAX_REASON_LENGTH }),
    rootError:
      failure.rootError === undefined ? null : requireOneOf(failure.rootError, "failure.rootError", CONTRACT_ERROR_NAMES),
  };
}

/** What a COMPLETED record keeps of the order's fulfilment. */
function requireFulfilment(value: unknown): Item {
  const order = requireObject(value, "order");
  allowOnlyKeys(order, "order", ["transactionId", "reservations"]);
  return {
    transactionId: requireIdentifier(order.transactionId, "order.transactionId"),
    reservations: requireArray(order.reservations, "order.reservations", 100) as Item[],
  };
}

/** The key the order of an execution has, as create derived it from the execution's input. */
function keyOfExecution(input: unknown, idempotencyKey: string): string {
  const eventId = (input as { eventId?: unknown } | null)?.eventId;
  // An eventId create refused left no order under it; the execution's own key is the one to record under.
  if (typeof eventId === "string" && /^[A-Za-z0-9_:.-]{1,128}$/.test(eventId)) return `event:${eventId}`;
  return `execution:${idempotencyKey}`;
}

export async function closeOrder(request: JsonObject, { store }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "request", "idempotencyKey", "executionId", "failure", "order"]);
  const idempotencyKey = requireExecutionName(request.idempotencyKey, "idempotencyKey");
  const executionId = requireExecutionArn(request.executionId, "executionId");
  // With a failure, the order failed (CompensationFailed: it needs an operator); else it completed.
  const failure = request.failure === undefined ? undefined : requireFailure(request.failure);
  const status: ClosedStatus = !failure ? "COMPLETED" : failure.error === COMPENSATION_FAILED ? "COMPENSATION_FAILED" : "FAILED";
  const fulfilment = failure ? {} : requireFulfilment(request.order);
  const key = keyOfExecution(request.request, idempotencyKey);
  const orderId = deriveId("ord", key);
  const outcome: Item = {
    status,
    ...(failure
      ? { error: failure.error, reason: failure.reason, ...(failure.rootError ? { rootError: failure.rootError } : {}) }
      : {}),
    ...fulfilment,
    closedBy: CLOSERS.fallback,
  };
  const answer = (record: Item, closedNow: boolean) => ({
    // null: the record under this key is another execution's, which this one must not touch.
    orderId: record.executionId !== executionId ? null : orderId,
    status: record.status as OrderStatus,
    closedNow,
    // The notice closes the record in the same write that records it: a record it closed had its notice sent.
    noticeDelivered: record.closedBy === CLOSERS.notice,
    notificationId: (record.notificationId as string | undefined) ?? null,
    error: failure?.error ?? null,
    reason: failure?.reason ?? null,
  });
  for (let attempt = 0; attempt < 3; attempt++) {
    const existing = await store.get("orders", orderId);
    if (existing && (existing.executionId !== executionId || existing.status !== "PENDING")) return answer(existing, false);
    const now = new Date().toISOString();
    try {
      await store.transact([
        existing
          ? closingWrite(orderId, outcome)
          : {
              type: "put",
              table: "orders",
              item: { orderId, ...outcome, requestKey: key, executionId, idempotencyKey, createdAt: now, updatedAt: now },
              ifAbsent: true,
            },
      ]);
      if (status === "COMPLETED") orderCompleted("order-service", orderId);
      return answer({ ...existing, ...outcome, executionId }, true);
    } catch (error) {
      // The notice (or a concurrent call) closed or made it meanwhile: read it again.
      if (!(error instanceof ConditionFailed)) throw error;
    }
  }
  throw new ServiceUnavailable(`the order record ${orderId} kept changing while it was being closed; try again`);
}

/** The undo answers that leave nothing held: what `resolve` needs to hear from both services. */
const REFUND_DONE = ["REFUNDED", "NOTHING_TO_REFUND"] as const;
const RELEASE_DONE = ["RELEASED", "NOTHING_TO_RELEASE"] as const;

export async function resolveOrder(request: JsonObject, { store }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "orderId", "refund", "release"]);
  const orderId = requireIdentifier(request.orderId, "orderId");
  const refund = requireOneOf(request.refund, "refund", REFUND_DONE);
  const release = requireOneOf(request.release, "release", RELEASE_DONE);
  const record = await store.get("orders", orderId);
  if (!record) throw new InvalidInput(`order ${orderId} does not exist`);
  // Only resolve closes a record by the operator, and it closes it FAILED.
  if (record.closedBy === CLOSERS.operator) {
    return { result: { orderId, status: "FAILED" as ClosedStatus, resolvedNow: false }, action: "resolve", replayed: true };
  }
  if (record.status !== "COMPENSATION_FAILED") {
    throw new InvalidInput(
      `order ${orderId} is ${storedText(record.status)}, not COMPENSATION_FAILED: there is nothing to resolve`,
    );
  }
  const now = new Date().toISOString();
  const reason = `${storedText(record.reason)} Finished by an operator at ${now}: refund ${refund}, release ${release}.`;
  try {
    await store.transact([
      {
        type: "update",
        table: "orders",
        key: orderId,
        // The order failed for its root cause; CompensationFailed was only that it needed a hand.
        set: {
          status: "FAILED",
          error: record.rootError ?? "ServiceUnavailable",
          reason,
          closedBy: CLOSERS.operator,
          updatedAt: now,
        },
        ifIn: { attribute: "status", values: ["COMPENSATION_FAILED"] },
      },
    ]);
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
    throw new ServiceUnavailable(`order ${orderId} changed while it was being resolved; try again`);
  }
  return { result: { orderId, status: "FAILED" as ClosedStatus, resolvedNow: true }, action: "resolve", replayed: false };
}

export async function processOrder(event: unknown, context: ServiceContext) {
  // The workflow's create call carries no action (it is the order request itself). Only a JSON
  // object can have one (an array, a string or null never do), and create refuses the others.
  const action = (event as { action?: unknown } | null)?.action;
  if (action === undefined) return createOrder(event, context);
  const request = event as JsonObject;
  const chosen = requireOneOf(action, "action", ["close", "resolve"] as const);
  if (chosen === "resolve") return resolveOrder(request, context);
  return { result: await closeOrder(request, context), action: "close", idempotencyKey: String(request.idempotencyKey) };
}

export const { handler, handlerFor } = defineHandler("order-service", processOrder);
