/**
 * order-service: validates the items, prices the order in cents, assigns its id and
 * records it (status PENDING) in the orders table: one record per order request.
 *
 * Event: `{ orderData: { items: [...] }, userId (or userData: { userId }), eventId?, idempotencyKey?, executionId? }`.
 * The request's key is the EventBridge event's id when the workflow was started by the
 * rule (`eventId`), else the caller's idempotencyKey (the workflow's execution name), else
 * (a hand-made call) the order's content. The same key gives the same orderId. A request
 * already accepted by another execution is a duplicate delivery: DuplicateOrder, whose
 * message is the first order's id.
 */
import { DuplicateOrder, InvalidInput, ServiceUnavailable } from "../shared/errors";
import { defineHandler, ServiceContext } from "../shared/handler";
import { deriveId, fingerprintOf } from "../shared/idempotency";
import { requireItems } from "../shared/items";
import { centsToAmount, taxCents } from "../shared/money";
import { ConditionFailed, Item } from "../shared/store";
import { allowOnlyKeys, requireIdentifier, requireObject, requireString, requireUserId } from "../shared/validation";

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

/** The order record's statuses (docs/durable-state.md). */
export const ORDER_STATUSES = ["PENDING", "COMPLETED", "FAILED", "COMPENSATION_FAILED"] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

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
function requireOrderUser(request: Record<string, unknown>): string {
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

/** The request's key, and where it came from (for messages). */
function requestKey(request: Record<string, unknown>, userId: string, items: unknown): { key: string; source: string } {
  if (request.eventId !== undefined) return { key: `event:${requireIdentifier(request.eventId, "eventId")}`, source: "eventId" };
  if (request.idempotencyKey !== undefined) {
    return { key: `execution:${requireIdentifier(request.idempotencyKey, "idempotencyKey")}`, source: "idempotencyKey" };
  }
  return {
    key: `content:${fingerprintOf({ userId, items })}`,
    // Stryker disable next-line StringLiteral: equivalent, a content key is the fingerprint of the content, so it is never "already used for a different order" (the one message that names the source).
    source: "content",
  };
}

function orderOf(record: Item): Order {
  const { orderId, userId, items, subtotal, tax, total, totalCents } = record as unknown as Order;
  return { orderId, userId, items, subtotal, tax, total, totalCents, currency: "USD", status: "PENDING" };
}

export async function createOrder(event: unknown, { store }: ServiceContext) {
  const request = requireObject(event, "input");
  allowOnlyKeys(request, "", ["orderData", "userData", "userId", "eventId", "idempotencyKey", "executionId"]);
  const userId = requireOrderUser(request);
  const orderData = requireObject(request.orderData, "orderData");
  allowOnlyKeys(orderData, "orderData", ["items"]);
  // Prices are required here, so both price fields are set.
  const items = requireItems(orderData.items, "orderData.items", "required").map(
    ({ productId, quantity, price, priceCents }) => ({
      productId,
      quantity,
      price: price!,
      priceCents: priceCents!,
    }),
  );
  const executionId =
    request.executionId === undefined
      ? null
      : requireString(request.executionId, "executionId", {
          maxLength: 512,
          pattern: /^[A-Za-z0-9_:.\/-]+$/,
          patternText: "letters, digits and _ : . / -",
        });
  const lines = items.map(({ productId, quantity, price }) => ({ productId, quantity, price }));
  const { key, source } = requestKey(request, userId, lines);
  const fingerprint = fingerprintOf({ userId, items: lines });

  const subtotalCents = items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0);
  const totalCents = subtotalCents + taxCents(subtotalCents);
  const limitCents = maxOrderTotalCents();
  if (totalCents > limitCents) {
    throw new InvalidInput(
      `order total ${(totalCents / 100).toFixed(2)} is above the limit of ${(limitCents / 100).toFixed(2)} per order (max_order_total)`,
    );
  }
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
  const record = { ...order, requestKey: key, fingerprint, executionId, createdAt: now, updatedAt: now };
  try {
    await store.transact([{ type: "put", table: "orders", item: record as unknown as Item, ifAbsent: true }]);
    return { result: order, action: "create", idempotencyKey: key, replayed: false };
  } catch (error) {
    if (!(error instanceof ConditionFailed)) throw error;
  }
  // The order exists: this call's own retry (or a redrive), another request reusing the key, or a duplicate delivery.
  const existing = (await store.get("orders", order.orderId))!;
  if (existing.fingerprint !== fingerprint) {
    throw new InvalidInput(
      `${source} ${key.slice(key.indexOf(":") + 1)} was already used for a different order (${order.orderId})`,
    );
  }
  if (existing.executionId !== executionId) throw new DuplicateOrder(order.orderId);
  return { result: orderOf(existing), action: "create", idempotencyKey: key, replayed: true };
}

export const { handler, handlerFor } = defineHandler("order-service", createOrder);
