/**
 * Counts the DynamoDB request units a run would consume on on-demand tables, as DynamoDB
 * bills them: a strongly consistent read 1 unit per 4 KB of the item (a missing item
 * still 1), a write 1 unit per 1 KB (an update: of the larger of the item before and
 * after), and each operation of a transaction twice that. A write whose condition fails is
 * billed as well, as DynamoDB bills it (by the item's size before). Item size is the length
 * of its attribute names and values as JSON, close to DynamoDB's own measure for these small items.
 */
import { ConditionFailed, Item, keyOf, Operation, StateStore, TableName } from "../functions/shared/store";

export interface RequestUnits {
  read: number;
  write: number;
}

const KB = 1024;
const sizeOf = (item: Item | undefined) => (item ? Buffer.byteLength(JSON.stringify(item)) : 0);

export class MeteredStore implements StateStore {
  readonly units: RequestUnits = { read: 0, write: 0 };

  constructor(private readonly store: StateStore) {}

  async get(table: TableName, key: string): Promise<Item | undefined> {
    const item = await this.store.get(table, key);
    this.units.read += Math.max(1, Math.ceil(sizeOf(item) / (4 * KB)));
    return item;
  }

  async getMany(table: TableName, keys: string[]): Promise<Map<string, Item>> {
    const found = await this.store.getMany(table, keys);
    for (const key of new Set(keys)) this.units.read += Math.max(1, Math.ceil(sizeOf(found.get(key)) / (4 * KB)));
    return found;
  }

  async transact(operations: Operation[]): Promise<void> {
    // Sizes before the write (for updates and condition checks), read without billing them.
    const before = await Promise.all(operations.map((operation) => this.store.get(operation.table, keyOf(operation))));
    const perOperation = operations.length > 1 ? 2 : 1;
    const bill = (after: (Item | undefined)[]) =>
      operations.forEach((_, index) => {
        this.units.write += perOperation * Math.max(1, Math.ceil(Math.max(sizeOf(before[index]), sizeOf(after[index])) / KB));
      });
    try {
      await this.store.transact(operations);
    } catch (error) {
      // A failed condition is billed too; nothing changed, so the sizes are the items' before.
      if (error instanceof ConditionFailed) bill(before);
      throw error;
    }
    bill(await Promise.all(operations.map((operation) => this.store.get(operation.table, keyOf(operation)))));
  }
}
