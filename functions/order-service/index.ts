/**
 * order-service: validates the items, prices the order in cents and assigns its id.
 *
 * Event: `{ orderData: { items: [...] }, userData: { userId, ... }, userId?, idempotencyKey? }`.
 * The workflow adds `idempotencyKey` (the execution name); a hand-made call without one
 * gets a key derived from the order's content, so the same order gets the same id.
 */
import { defineHandler } from "../shared/handler";
import { deriveId, IdempotencyLedger } from "../shared/idempotency";
import { requireItems } from "../shared/items";
import { centsToAmount, taxCents } from "../shared/money";
import { InvalidInput } from "../shared/errors";
import { allowOnlyKeys, requireIdentifier, requireObject, requireUserId } from "../shared/validation";

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
  status: "CREATED";
}

const ledger = new IdempotencyLedger();

export function createOrder(event: unknown) {
  const request = requireObject(event, "input");
  allowOnlyKeys(request, "", ["orderData", "userData", "userId", "idempotencyKey"]);
  const userData = requireObject(request.userData, "userData");
  const userId = requireUserId(userData.userId, "userData.userId");
  if (request.userId !== undefined && request.userId !== userId) {
    throw new InvalidInput("userId must equal userData.userId");
  }
  const orderData = requireObject(request.orderData, "orderData");
  allowOnlyKeys(orderData, "orderData", ["items"]);
  // Prices are required here, so both price fields are set.
  const items = requireItems(orderData.items, "orderData.items", "required") as Array<OrderItem & { priceCents: number }>;
  const idempotencyKey =
    request.idempotencyKey === undefined
      ? deriveId("content", userId, JSON.stringify(items))
      : requireIdentifier(request.idempotencyKey, "idempotencyKey");

  const outcome = ledger.run("create", idempotencyKey, { userId, items }, (): Order => {
    const subtotalCents = items.reduce((sum, item) => sum + item.priceCents * item.quantity, 0);
    const totalCents = subtotalCents + taxCents(subtotalCents);
    return {
      orderId: deriveId("ord", idempotencyKey),
      userId,
      items: items.map(({ productId, quantity, price }) => ({ productId, quantity, price })),
      subtotal: centsToAmount(subtotalCents),
      tax: centsToAmount(totalCents - subtotalCents),
      total: centsToAmount(totalCents),
      totalCents,
      currency: "USD",
      status: "CREATED",
    };
  });
  return { ...outcome, action: "create", idempotencyKey };
}

export const handler = defineHandler("order-service", createOrder);
