/**
 * The order's item list, validated the same way wherever a service reads it: 1 to 100
 * objects of `{ productId, quantity, price }`, each field named by its path
 * (`orderData.items[2].price`) when it breaks a rule, naming at most 99 different products.
 */
import { InvalidInput } from "./errors";
import { priceToCents } from "./money";
import { MAX_TRANSACTION_OPERATIONS } from "./store";
import { allowOnlyKeys, fieldOf, LIMITS, requireArray, requireObject, requireProductId, requireWholeNumber } from "./validation";

/**
 * A reservation takes one stock item per product and writes its ledger item in the same
 * DynamoDB transaction (at most 100 operations): so many different products fit one order.
 * order-service checks it before anything is charged, inventory-service again.
 */
export const MAX_PRODUCTS_PER_ORDER = MAX_TRANSACTION_OPERATIONS - 1;

export interface ValidatedItem {
  productId: string;
  quantity: number;
  /** The price as given, and in cents; undefined only where the price may be left out. */
  price: number | undefined;
  priceCents: number | undefined;
}

export function requireItems(value: unknown, field: string, price: "required" | "optional"): ValidatedItem[] {
  const items = requireArray(value, field, LIMITS.maxItems).map((entry, index) => {
    const itemField = `${field}[${index}]`;
    const item = requireObject(entry, itemField);
    allowOnlyKeys(item, itemField, ["productId", "quantity", "price"]);
    const checkPrice = price === "required" || item.price !== undefined;
    return {
      productId: requireProductId(item.productId, fieldOf(itemField, "productId")),
      quantity: requireWholeNumber(item.quantity, fieldOf(itemField, "quantity"), 1, LIMITS.maxQuantity),
      price: checkPrice ? (item.price as number) : undefined,
      priceCents: checkPrice ? priceToCents(item.price, fieldOf(itemField, "price")) : undefined,
    };
  });
  const products = new Set(items.map((item) => item.productId)).size;
  if (products > MAX_PRODUCTS_PER_ORDER) {
    throw new InvalidInput(`${field} must name at most ${MAX_PRODUCTS_PER_ORDER} different products, got ${products}`);
  }
  return items;
}

/** The quantity of each product, in the order in which products first appear. */
export function quantityPerProduct(items: readonly ValidatedItem[]): [string, number][] {
  const requested = new Map<string, number>();
  for (const { productId, quantity } of items) requested.set(productId, (requested.get(productId) ?? 0) + quantity);
  return [...requested];
}
