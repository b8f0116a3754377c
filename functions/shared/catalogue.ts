/**
 * The products and the stock each starts with (docs/business-rules.md). The stack seeds
 * the stock table from this list once; the in-process store starts from it too.
 */
export const CATALOGUE: ReadonlyMap<string, number> = new Map([
  ["PROD001", 50],
  ["PROD002", 25],
  ["PROD003", 100],
  ["PROD004", 10],
  ["PROD005", 0],
]);

/** The attribute of a stock item that holds the units still available. */
export const AVAILABLE = "available";

/** The stock table's items as the catalogue seeds them. */
export function catalogueStockItems(): { [attribute: string]: string | number }[] {
  return [...CATALOGUE].map(([productId, available]) => ({ productId, [AVAILABLE]: available }));
}
