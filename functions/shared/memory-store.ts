/**
 * The in-process store: DynamoDB's behaviour for the operations the services use, held
 * in one process's memory. Items are stored as JSON text, so nobody shares an object
 * with the store, as with a real table. A transaction checks every condition before it
 * writes anything, with no await in between, so concurrent calls in one process are
 * serialized as DynamoDB serializes them.
 */
import {
  checkTransaction,
  ConditionFailed,
  Item,
  keyOf,
  Operation,
  StateStore,
  storedText,
  TABLE_KEYS,
  TableName,
  TABLES,
} from "./store";

export class MemoryStore implements StateStore {
  private readonly tables = new Map<TableName, Map<string, string>>(TABLES.map((table) => [table, new Map()]));

  /** `initial`: items the tables start with, as a stack's seed items would be. */
  constructor(initial: Partial<Record<TableName, Item[]>> = {}) {
    for (const [table, items] of Object.entries(initial) as [TableName, Item[]][]) {
      for (const item of items) this.tables.get(table)!.set(storedText(item[TABLE_KEYS[table]]), JSON.stringify(item));
    }
  }

  /** Every item of a table (what a Scan would return), for `npm run workflow -- --state` and tests. */
  async items(table: TableName): Promise<Item[]> {
    return [...this.tables.get(table)!.values()].map((text) => JSON.parse(text) as Item);
  }

  async get(table: TableName, key: string): Promise<Item | undefined> {
    const text = this.tables.get(table)!.get(key);
    return text === undefined ? undefined : (JSON.parse(text) as Item);
  }

  async getMany(table: TableName, keys: string[]): Promise<Map<string, Item>> {
    const found = new Map<string, Item>();
    for (const key of keys) {
      const item = await this.get(table, key);
      if (item) found.set(key, item);
    }
    return found;
  }

  async transact(operations: Operation[]): Promise<void> {
    checkTransaction(operations);
    const writes = operations.map((operation, index) => this.prepare(operation, index));
    for (const write of writes) write();
  }

  /** Checks one operation's condition now and returns the write to make once all conditions hold. */
  private prepare(operation: Operation, index: number): () => void {
    const table = this.tables.get(operation.table)!;
    const key = keyOf(operation);
    const current = table.get(key);
    const item = current === undefined ? undefined : (JSON.parse(current) as Item);
    const store = (next: Item) => () => table.set(key, JSON.stringify(next));
    switch (operation.type) {
      case "put":
        if (operation.ifAbsent && item) throw new ConditionFailed(index);
        return store(operation.item);
      case "absent":
        if (item) throw new ConditionFailed(index);
        return () => undefined;
      case "add": {
        const value = item?.[operation.attribute];
        if (!item || typeof value !== "number") throw new ConditionFailed(index);
        const next = value + operation.amount;
        if (operation.atLeastZero && next < 0) throw new ConditionFailed(index);
        return store({ ...item, [operation.attribute]: next });
      }
      case "update": {
        if (!item) throw new ConditionFailed(index);
        const { ifIn } = operation;
        if (ifIn && !ifIn.values.includes(item[ifIn.attribute] as string)) throw new ConditionFailed(index);
        return store({ ...item, ...operation.set });
      }
    }
  }
}
