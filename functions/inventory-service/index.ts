/**
 * inventory-service: reserves stock for the order's items and releases it when the
 * order is compensated. Stock lives in the stock table; a reservation takes every
 * product's units in one transaction (never below zero, so concurrent orders cannot
 * oversell) together with its ledger item (functions/shared/ledger.ts): RESERVED, then
 * RELEASED; or VOID when a release came first, so that a late reservation never holds stock.
 *
 * reserve: `{ action: "reserve", orderId, items: [{ productId, quantity, price? }], idempotencyKey }`
 * release: `{ action: "release", orderId, idempotencyKey }` puts back what the reservation
 *   made with that key took, or nothing (NOTHING_TO_RELEASE) when it made none.
 * status:  `{ action: "status", orderId, idempotencyKey }` says what the key did, without acting:
 *   RESERVED, RELEASED, NOTHING_TO_RELEASE or NONE (the workflow asks when a release's answer was lost).
 * seed:    `{ action: "seed", stock: [{ productId, available }] }` adds the products the stock
 *   table does not have yet and leaves every other figure alone (Terraform calls it on each
 *   apply that changes the catalogue: docs/durable-state.md).
 */
import { AVAILABLE } from "../shared/catalogue";
import { InsufficientInventory, ProductNotFound } from "../shared/errors";
import { defineHandler, ServiceContext } from "../shared/handler";
import { deriveId } from "../shared/idempotency";
import { quantityPerProduct, requireItems } from "../shared/items";
import { doOnce, LedgerSpec, readLedger, undoOnce } from "../shared/ledger";
import { ConditionFailed, Operation, StateStore, storedText } from "../shared/store";
import {
  allowOnlyKeys,
  JsonObject,
  requireArray,
  requireExecutionName,
  requireIdentifier,
  requireObject,
  requireOneOf,
  requireProductId,
  requireWholeNumber,
} from "../shared/validation";

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

export interface InventoryStatus {
  orderId: string;
  status: "RESERVED" | "RELEASED" | "NOTHING_TO_RELEASE" | "NONE";
  reservations: Reservation[];
}

const SERVICE = "inventory-service";
export const INVENTORY_LEDGER: LedgerSpec = {
  service: SERVICE,
  doAction: "reserve",
  undoAction: "release",
  done: "RESERVED",
  undone: "RELEASED",
  doNoun: "reservation",
  didToOrder: "reserved stock for order",
};

/** The most products one seed call adds (a catalogue is small; Lambda's payload limit is the real bound). */
export const MAX_SEED_PRODUCTS = 1000;

/** The refusal for one product, from the stock as it is now. */
async function refusal(store: StateStore, productId: string, quantity: number): Promise<Error> {
  const item = await store.get("stock", productId);
  if (!item) return new ProductNotFound(`Product ${productId} is not in the catalogue`);
  return new InsufficientInventory(
    `Insufficient inventory for product ${productId}: requested ${quantity}, available ${storedText(item[AVAILABLE])}`,
  );
}

// Every stock write keeps the figure at zero or above: a reservation's take is refused
// below it, and a release (which adds) always meets the condition.
const stockChange = (productId: string, amount: number): Operation => ({
  type: "add",
  table: "stock",
  key: productId,
  attribute: AVAILABLE,
  amount,
  atLeastZero: true,
});

async function reserve(request: JsonObject, { store }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "orderId", "items", "idempotencyKey"]);
  const orderId = requireIdentifier(request.orderId, "orderId");
  const items = requireItems(
    request.items,
    "items",
    // Stryker disable next-line StringLiteral: equivalent, requireItems only asks whether this is "required".
    "optional",
  );
  const requested = quantityPerProduct(items);
  const idempotencyKey = requireExecutionName(request.idempotencyKey, "idempotencyKey");

  const outcome = await doOnce<ReserveResult>(
    store,
    INVENTORY_LEDGER,
    { idempotencyKey, orderId, request: { orderId, requested } },
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
      const reservations = requested.map(([productId, quantity]) => ({
        reservationId: deriveId("res", idempotencyKey, productId),
        productId,
        quantity,
      }));
      return {
        result: { orderId, reservations, status: "RESERVED" },
        writes: requested.map(([productId, quantity]) => stockChange(productId, -quantity)),
      };
    },
    // A product sold out (or removed) since it was read: its refusal. Otherwise read again.
    async (index) => refusal(store, ...requested[index]),
  );
  return { ...outcome, action: "reserve", idempotencyKey };
}

/** The order and key of a release or status call. */
function requireKeyedOrder(request: JsonObject) {
  allowOnlyKeys(request, "", ["action", "orderId", "idempotencyKey"]);
  return {
    orderId: requireIdentifier(request.orderId, "orderId"),
    idempotencyKey: requireExecutionName(request.idempotencyKey, "idempotencyKey"),
  };
}

async function release(request: JsonObject, { store }: ServiceContext) {
  const { orderId, idempotencyKey } = requireKeyedOrder(request);
  const outcome = await undoOnce<ReserveResult, Release>(
    store,
    INVENTORY_LEDGER,
    { idempotencyKey, orderId },
    () => ({ orderId, released: [], status: "NOTHING_TO_RELEASE" }),
    (reserved) => ({
      result: { orderId, released: reserved.reservations, status: "RELEASED" },
      writes: reserved.reservations.map(({ productId, quantity }) => stockChange(productId, quantity)),
    }),
  );
  return { ...outcome, action: "release", idempotencyKey };
}

async function status(request: JsonObject, { store }: ServiceContext) {
  const { orderId, idempotencyKey } = requireKeyedOrder(request);
  const entry = await readLedger<ReserveResult, Release>(store, INVENTORY_LEDGER, idempotencyKey);
  const result: InventoryStatus = !entry
    ? { orderId, status: "NONE", reservations: [] }
    : {
        orderId: entry.orderId,
        status: entry.state === "DONE" ? "RESERVED" : entry.state === "UNDONE" ? "RELEASED" : "NOTHING_TO_RELEASE",
        reservations: entry.done?.reservations ?? [],
      };
  return { result, action: "status", idempotencyKey };
}

/** Adds the catalogue's products that the stock table lacks; a product already there keeps its figure, whatever it is. */
async function seed(request: JsonObject, { store }: ServiceContext) {
  allowOnlyKeys(request, "", ["action", "stock"]);
  const products = requireArray(request.stock, "stock", MAX_SEED_PRODUCTS).map((entry, index) => {
    const product = requireObject(entry, `stock[${index}]`);
    allowOnlyKeys(product, `stock[${index}]`, ["productId", "available"]);
    return {
      productId: requireProductId(product.productId, `stock[${index}].productId`),
      available: requireWholeNumber(product.available, `stock[${index}].available`, 0, 1_000_000_000),
    };
  });
  const seeded: string[] = [];
  const kept: string[] = [];
  for (const { productId, available } of products) {
    try {
      await store.transact([{ type: "put", table: "stock", item: { productId, [AVAILABLE]: available }, ifAbsent: true }]);
      seeded.push(productId);
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      kept.push(productId);
    }
  }
  return { result: { seeded, kept }, action: "seed" };
}

export async function processInventory(event: unknown, context: ServiceContext) {
  const request = requireObject(event, "input");
  const action = requireOneOf(request.action, "action", ["reserve", "release", "status", "seed"] as const);
  const act = { reserve, release, status, seed }[action];
  return act(request, context);
}

export const { handler, handlerFor } = defineHandler(SERVICE, processInventory);
