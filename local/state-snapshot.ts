/**
 * What the services' state says after some runs, in the terms an order's outcome is
 * judged by: the units each product has left, each order's status, and each payment's
 * status (`npm run workflow -- --state`, and the invariant tests).
 */
import { AVAILABLE } from "../functions/shared/catalogue";
import { ledgerKey } from "../functions/shared/ledger";
import { Item, storedText, TableName } from "../functions/shared/store";
import { PAYMENT_LEDGER } from "../functions/payment-service";

/** A store whose tables can be read whole (the in-process store; a Scan on DynamoDB). */
export interface ScannableStore {
  items(table: TableName): Promise<Item[]>;
}

export interface StateSnapshot {
  stock: Record<string, number>;
  orders: Record<string, string>;
  payments: Record<string, "AUTHORIZED" | "REFUNDED">;
}

const PAYMENT_PREFIX = ledgerKey(PAYMENT_LEDGER, "");

export async function stateSnapshot(store: ScannableStore): Promise<StateSnapshot> {
  const byKey = <T>(items: Item[], key: string, value: (item: Item) => T) =>
    Object.fromEntries(
      items.map((item): [string, T] => [storedText(item[key]), value(item)]).sort(([a], [b]) => a.localeCompare(b)),
    );
  const payments = (await store.items("idempotency"))
    .filter((item) => storedText(item.recordKey).startsWith(PAYMENT_PREFIX) && item.status !== "VOID")
    .map((item) => ({
      transactionId: (JSON.parse(item.result as string) as { transactionId: string }).transactionId,
      status: item.status === PAYMENT_LEDGER.undone ? "REFUNDED" : "AUTHORIZED",
    }));
  return {
    stock: byKey(await store.items("stock"), "productId", (item) => item[AVAILABLE] as number),
    orders: byKey(await store.items("orders"), "orderId", (item) => storedText(item.status)),
    payments: byKey(payments as unknown as Item[], "transactionId", (item) => item.status as "AUTHORIZED" | "REFUNDED"),
  };
}
