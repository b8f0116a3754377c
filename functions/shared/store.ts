/**
 * The services' durable state: three tables and the few operations the services need,
 * with the semantics of DynamoDB (conditional writes, all-or-nothing transactions).
 * Two implementations keep the same contract (docs/durable-state.md):
 * - DynamoStore (dynamodb-store.ts), in Lambda, on the tables the stack creates;
 * - MemoryStore (memory-store.ts), in one process: the local runner, `npm run invoke`, tests.
 * One contract test suite runs against both (__tests__/functions/shared/dynamodb-store.integration.test.ts).
 */
export const TABLES = ["orders", "idempotency", "stock"] as const;
export type TableName = (typeof TABLES)[number];

/** The partition key of each table (string); no table has a sort key. */
export const TABLE_KEYS: Record<TableName, string> = { orders: "orderId", idempotency: "recordKey", stock: "productId" };

/** The environment variable that names each table in Lambda (set by the stack). */
export const TABLE_ENVIRONMENT: Record<TableName, string> = {
  orders: "ORDERS_TABLE",
  idempotency: "IDEMPOTENCY_TABLE",
  stock: "STOCK_TABLE",
};

/** The TTL attribute of the idempotency table: epoch seconds after which DynamoDB may delete the record. */
export const EXPIRES_AT = "expiresAt";

export type StoredValue = string | number | boolean | null | StoredValue[] | { [key: string]: StoredValue };
export type Item = { [attribute: string]: StoredValue };

/**
 * A stored value in a message or as a key: a string as it is, anything else as String()
 * writes it, except that a list or map is written as JSON rather than "a,b" or "[object Object]".
 */
export function storedText(value: StoredValue | undefined): string {
  // typeof null is "object" too, and JSON writes null as String() does: "null".
  return typeof value === "object" ? JSON.stringify(value) : String(value);
}

/** One write of a transaction; each names its item by the table's key. */
export type Operation =
  /** Writes the item; with ifAbsent, only if no item has its key. */
  | { type: "put"; table: TableName; item: Item; ifAbsent?: boolean }
  /** Writes nothing: the transaction goes through only if no item has this key. */
  | { type: "absent"; table: TableName; key: string }
  /** Adds `amount` to a number attribute of an existing item; with atLeastZero, only if the result is not negative. */
  | { type: "add"; table: TableName; key: string; attribute: string; amount: number; atLeastZero?: boolean }
  /** Sets attributes of an existing item; with ifIn, only if `attribute` holds one of `values`. */
  | { type: "update"; table: TableName; key: string; set: Item; ifIn?: { attribute: string; values: string[] } };

/** DynamoDB's limit on the operations of one transaction. */
export const MAX_TRANSACTION_OPERATIONS = 100;

/** A condition of the transaction did not hold; nothing was written. `index` is the operation's position. */
export class ConditionFailed extends Error {
  constructor(readonly index: number) {
    super(`condition of operation ${index} did not hold`);
    this.name = "ConditionFailed";
  }
}

export interface StateStore {
  get(table: TableName, key: string): Promise<Item | undefined>;
  /** The items that exist among `keys` (at most 100), by key. */
  getMany(table: TableName, keys: string[]): Promise<Map<string, Item>>;
  /** Applies every operation or none (ConditionFailed names the first condition that failed). */
  transact(operations: Operation[]): Promise<void>;
}

/** The key of an operation's item. */
export function keyOf(operation: Operation): string {
  return operation.type === "put" ? storedText(operation.item[TABLE_KEYS[operation.table]]) : operation.key;
}

/** Refuses what DynamoDB refuses before it looks at any item, so both stores fail alike. */
export function checkTransaction(operations: Operation[]): void {
  if (operations.length === 0 || operations.length > MAX_TRANSACTION_OPERATIONS) {
    throw new Error(`a transaction has 1 to ${MAX_TRANSACTION_OPERATIONS} operations, got ${operations.length}`);
  }
  const seen = new Set<string>();
  for (const operation of operations) {
    const id = `${operation.table}/${keyOf(operation)}`;
    if (seen.has(id)) throw new Error(`a transaction cannot touch one item twice (${id})`);
    seen.add(id);
  }
}
