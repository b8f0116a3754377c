/**
 * The order's item list, validated the same way wherever a service reads it: 1 to 100
 * objects of `{ productId, quantity, price }`, each field named by its path
 * (`orderData.items[2].price`) when it breaks a rule.
 */
import { priceToCents } from "./money";
import { allowOnlyKeys, fieldOf, LIMITS, requireArray, requireObject, requireProductId, requireWholeNumber } from "./validation";

export interface ValidatedItem {
  productId: string;
  quantity: number;
  /** The price as given, and in cents; undefined only where the price may be left out. */
  price: number | undefined;
  priceCents: number | undefined;
}

export function requireItems(value: unknown, field: string, price: "required" | "optional"): ValidatedItem[] {
  return requireArray(value, field, LIMITS.maxItems).map((entry, index) => {
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
}
