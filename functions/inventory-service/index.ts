/**
 * inventory-service: reserves stock for the order's items and releases it when the
 * order is compensated. Stock lives in the stock table; a reservation takes every
 * product's units in one transaction (never below zero, so concurrent orders cannot
 * oversell) and records itself in the same transaction.
 *
 * reserve: `{ action: "reserve", orderId, items: [{ productId, quantity, price? }], idempotencyKey }`
 * release: `{ action: "release", orderId, idempotencyKey }` puts back what the reservation
 *   made with that key took, or nothing (NOTHING_TO_RELEASE) when it made none.
 */
import { AVAILABLE } from "../shared/catalogue";
import { InsufficientInventory, InvalidInput, ProductNotFound } from "../shared/errors";
import { defineHandler, ServiceContext } from "../shared/handler";
import { Call, deriveId, once, recordedResult, recordKey } from "../shared/idempotency";
import { requireItems } from "../shared/items";
import { MAX_TRANSACTION_OPERATIONS, Operation, StateStore } from "../shared/store";
import { allowOnlyKeys, JsonObject, requireIdentifier, requireObject, requireOneOf } from "../shared/validation";

export interface Reservation {
  reservationId: string;
  productId: string;
  quantity: number;
}

export interface ReserveResult {
  orderId: string;
  reservations: Reservation[];
  status: "RESERVED";
}

export interface Release {
  orderId: string;
  released: Reservation[];
  status: "RELEASED" | "NOTHING_TO_RELEASE";
}

/** A reservation writes one stock item per product, plus two records: so many products fit one transaction. */
export const MAX_PRODUCTS_PER_ORDER = MAX_TRANSACTION_OPERATIONS - 2;

const SERVICE = "inventory-service";
const call = (action: string, idempotencyKey: string): Call => ({ service: SERVICE, action, idempotencyKey });

/** Sums the requested quantity per product, keeping the order in which products first appear. */
function requestedPerProduct(items: unknown, field: string): Map<string, number> {
  const requested = new Map<string, number>();
  // Stryker disable next-line StringLiteral: equivalent, requireItems checks prices only when told "required"; any other word means optional.
  for (const { productId, quantity } of requireItems(items, field, "optional")) {
    requested.set(productId, (requested.get(productId) ?? 0) + quantity);
  }
  if (requested.size > MAX_PRODUCTS_PER_ORDER) {
    throw new InvalidInput(`${field} must name at most ${MAX_PRODUCTS_PER_ORDER} different products, got ${requested.size}`);
  }
  return requested;
}

/** The refusal for one product, from the stock as it is now. */
async function refusal(store: StateStore, productId: string, quantity: number): Promise<Error> {
  const item = await store.get("stock", productId);
  if (!item) return new ProductNotFound(`Product ${productId} is not in the catalogue`);
  return new InsufficientInventory(
    `Insufficient inventory for product ${productId}: requested ${quantity}, available ${item[AVAILABLE]}`,
  );
}

async function reserve(request: JsonObject, { store }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "orderId", "items", "idempotencyKey"]);
  const orderId = requireIdentifier(request.orderId, "orderId");
  const requested = [...requestedPerProduct(request.items, "items")];
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");

  const outcome = await once<ReserveResult>(
    store,
    call("reserve", idempotencyKey),
    { orderId, requested },
    async () => {
      // Refused with the first product (in the order's order) that is missing or short.
      const stock = await store.getMany(
        "stock",
        requested.map(([productId]) => productId),
      );
      for (const [productId, quantity] of requested) {
        const available = stock.get(productId)?.[AVAILABLE];
        if (available === undefined || (available as number) < quantity) throw await refusal(store, productId, quantity);
      }
      const writes: Operation[] = [
        ...requested.map(([productId, quantity]): Operation => ({
          type: "add",
          table: "stock",
          key: productId,
          attribute: AVAILABLE,
          amount: -quantity,
          atLeastZero: true,
        })),
        // A reservation made after its release (a call that arrived very late) must not hold stock forever.
        { type: "absent", table: "idempotency", key: recordKey(call("release", idempotencyKey)) },
      ];
      const reservations = requested.map(([productId, quantity]) => ({
        reservationId: deriveId("res", idempotencyKey, productId),
        productId,
        quantity,
      }));
      return { result: { orderId, reservations, status: "RESERVED" }, writes };
    },
    async (index) => {
      if (index < requested.length) throw await refusal(store, ...requested[index]);
      throw new InvalidInput(`idempotencyKey ${idempotencyKey} was already released: a new reservation needs a new key`);
    },
  );
  return { ...outcome, action: "reserve", idempotencyKey };
}

async function release(request: JsonObject, { store }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "orderId", "idempotencyKey"]);
  const orderId = requireIdentifier(request.orderId, "orderId");
  const idempotencyKey = requireIdentifier(request.idempotencyKey, "idempotencyKey");
  const reservationKey = recordKey(call("reserve", idempotencyKey));

  const outcome = await once<Release>(store, call("release", idempotencyKey), { orderId }, async () => {
    const reserved = await recordedResult<ReserveResult>(store, call("reserve", idempotencyKey));
    if (!reserved) {
      // Nothing was reserved with this key; the condition keeps a reservation from slipping in meanwhile.
      return {
        result: { orderId, released: [], status: "NOTHING_TO_RELEASE" },
        writes: [{ type: "absent", table: "idempotency", key: reservationKey }],
      };
    }
    if (reserved.orderId !== orderId) {
      throw new InvalidInput(`idempotencyKey ${idempotencyKey} reserved stock for order ${reserved.orderId}, not ${orderId}`);
    }
    return {
      result: { orderId, released: reserved.reservations, status: "RELEASED" },
      writes: reserved.reservations.map(({ productId, quantity }): Operation => ({
        type: "add",
        table: "stock",
        key: productId,
        attribute: AVAILABLE,
        amount: quantity,
      })),
    };
  });
  return { ...outcome, action: "release", idempotencyKey };
}

export async function processInventory(event: unknown, context: ServiceContext) {
  const request = requireObject(event, "input");
  const action = requireOneOf(request.action, "action", ["reserve", "release"] as const);
  return action === "reserve" ? reserve(request, context) : release(request, context);
}

export const { handler, handlerFor } = defineHandler(SERVICE, processInventory);
