/**
 * inventory-service: reserves stock for the order's items and releases it when the
 * order is compensated.
 *
 * reserve: `{ action: "reserve", orderId, items: [{ productId, quantity, price? }], idempotencyKey }`
 * release: `{ action: "release", orderId, reservations: [{ reservationId, productId, quantity }], idempotencyKey }`
 */
import { InsufficientInventory, ProductNotFound } from "../shared/errors";
import { defineHandler } from "../shared/handler";
import { deriveId, IdempotencyLedger } from "../shared/idempotency";
import { requireItems } from "../shared/items";
import {
  allowOnlyKeys,
  fieldOf,
  JsonObject,
  LIMITS,
  requireArray,
  requireIdentifier,
  requireObject,
  requireOneOf,
  requireProductId,
  requireWholeNumber,
} from "../shared/validation";

/** Units in stock per product (DESIGN.md section 3). */
export const STOCK: ReadonlyMap<string, number> = new Map([
  ["PROD001", 50],
  ["PROD002", 25],
  ["PROD003", 100],
  ["PROD004", 10],
  ["PROD005", 0],
]);

export interface Reservation {
  reservationId: string;
  productId: string;
  quantity: number;
}

/** Sums the requested quantity per product, keeping the order in which products first appear. */
function requestedPerProduct(items: unknown, field: string): Map<string, number> {
  const requested = new Map<string, number>();
  for (const { productId, quantity } of requireItems(items, field, "optional")) {
    requested.set(productId, (requested.get(productId) ?? 0) + quantity);
  }
  return requested;
}

const ledger = new IdempotencyLedger();

function reserve(request: JsonObject) {
  allowOnlyKeys(request, "", ["action", "orderId", "items", "idempotencyKey"]);
  const orderId = requireIdentifier(request.orderId, "orderId");
  const requested = requestedPerProduct(request.items, "items");
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  for (const [productId, quantity] of requested) {
    const available = STOCK.get(productId);
    if (available === undefined) {
      throw new ProductNotFound(`Product ${productId} is not in the catalogue`);
    }
    if (quantity > available) {
      throw new InsufficientInventory(
        `Insufficient inventory for product ${productId}: requested ${quantity}, available ${available}`,
      );
    }
  }
  const outcome = ledger.run("reserve", idempotencyKey, { orderId, requested: [...requested] }, () => ({
    orderId,
    reservations: [...requested].map(([productId, quantity]): Reservation => ({
      reservationId: deriveId("res", idempotencyKey, productId),
      productId,
      quantity,
    })),
    status: "RESERVED" as const,
  }));
  return { ...outcome, action: "reserve", idempotencyKey };
}

function release(request: JsonObject) {
  allowOnlyKeys(request, "", ["action", "orderId", "reservations", "idempotencyKey"]);
  const orderId = requireIdentifier(request.orderId, "orderId");
  const reservations = requireArray(request.reservations, "reservations", LIMITS.maxItems).map((entry, index): Reservation => {
    const field = `reservations[${index}]`;
    const reservation = requireObject(entry, field);
    allowOnlyKeys(reservation, field, ["reservationId", "productId", "quantity"]);
    return {
      reservationId: requireIdentifier(reservation.reservationId, fieldOf(field, "reservationId")),
      productId: requireProductId(reservation.productId, fieldOf(field, "productId")),
      quantity: requireWholeNumber(reservation.quantity, fieldOf(field, "quantity"), 1, LIMITS.maxQuantity * LIMITS.maxItems),
    };
  });
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const outcome = ledger.run("release", idempotencyKey, { orderId, reservations }, () => ({
    orderId,
    released: reservations,
    status: "RELEASED" as const,
  }));
  return { ...outcome, action: "release", idempotencyKey };
}

export function processInventory(event: unknown) {
  const request = requireObject(event, "input");
  const action = requireOneOf(request.action, "action", ["reserve", "release"] as const);
  return action === "reserve" ? reserve(request) : release(request);
}

export const handler = defineHandler("inventory-service", processInventory);
