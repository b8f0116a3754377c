/**
 * The two stores a test of durable state runs on: the in-process MemoryStore, and
 * DynamoStore on fresh DynamoDB tables in the project's emulator (moto with its patches),
 * when moto is installed. `useStores()` starts the emulator once per test file and stops it
 * after; each call of a factory gives new, empty tables.
 */
import { SKIPPED_PREFIX } from "./skip";
import { CreateTableCommand, DeleteItemCommand, DynamoDBClient, ScanCommand, UpdateItemCommand } from "@aws-sdk/client-dynamodb";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { catalogueStockItems } from "../../functions/shared/catalogue";
import { DynamoStore, marshal, unmarshalItem } from "../../functions/shared/dynamodb-store";
import { MemoryStore } from "../../functions/shared/memory-store";
import { Item, StateStore, TABLE_KEYS, TableName, TABLES } from "../../functions/shared/store";
import { emulatorClientConfig } from "../../emulator/inventory";
import { Emulator, findMoto, startEmulator } from "../../emulator/server";
import { ScannableStore } from "../../local/state-snapshot";

/** A store a test can also read whole, and change behind the services' back (an expired record, an old order). */
export interface TestStore extends StateStore, ScannableStore {
  /** Deletes an item, as DynamoDB's TTL does when a record expires. */
  remove(table: TableName, key: string): Promise<void>;
  /** Overwrites attributes of an item without any condition (a test's time travel). */
  overwrite(table: TableName, key: string, set: Item): Promise<void>;
}

class TestMemoryStore extends MemoryStore implements TestStore {
  async remove(table: TableName, key: string): Promise<void> {
    await this.replace(table, key, undefined);
  }
  async overwrite(table: TableName, key: string, set: Item): Promise<void> {
    const item = await this.get(table, key);
    await this.replace(table, key, { ...item!, ...set });
  }
  private async replace(table: TableName, key: string, item: Item | undefined) {
    // The contract has no delete: go around it, as TTL and a test's clock do.
    const tables = (this as unknown as { tables: Map<TableName, Map<string, string>> }).tables;
    if (item) tables.get(table)!.set(key, JSON.stringify(item));
    else tables.get(table)!.delete(key);
  }
}

class TestDynamoStore extends DynamoStore implements TestStore {
  constructor(
    private readonly names: Record<TableName, string>,
    private readonly admin: DynamoDBClient,
    config: ConstructorParameters<typeof DynamoStore>[1],
  ) {
    super(names, config);
  }
  async items(table: TableName): Promise<Item[]> {
    const found = await this.admin.send(new ScanCommand({ TableName: this.names[table], ConsistentRead: true }));
    return (found.Items ?? []).map(unmarshalItem);
  }
  async remove(table: TableName, key: string): Promise<void> {
    await this.admin.send(new DeleteItemCommand({ TableName: this.names[table], Key: { [TABLE_KEYS[table]]: { S: key } } }));
  }
  async overwrite(table: TableName, key: string, set: Item): Promise<void> {
    const entries = Object.entries(set);
    await this.admin.send(
      new UpdateItemCommand({
        TableName: this.names[table],
        Key: { [TABLE_KEYS[table]]: { S: key } },
        UpdateExpression: `SET ${entries.map((_, index) => `#a${index} = :a${index}`).join(", ")}`,
        ExpressionAttributeNames: Object.fromEntries(entries.map(([name], index) => [`#a${index}`, name])),
        ExpressionAttributeValues: Object.fromEntries(entries.map(([, value], index) => [`:a${index}`, marshal(value)])),
      }),
    );
  }
}

export type StoreFactory = (seed?: { stock?: Item[] }) => Promise<TestStore>;

const { moto, reason } = findMoto();
/** Why the DynamoDB half cannot run here, or undefined. */
export const dynamoSkipReason = reason;

let emulator: Emulator | undefined;
let workDir: string | undefined;
let tableCounter = 0;

/** Fresh, empty tables in the emulator, keyed as the stack keys them, named `<prefix>-<table>-<unique>`. */
export async function createTables(client: DynamoDBClient, prefix: string): Promise<Record<TableName, string>> {
  const suffix = `${process.pid}-${++tableCounter}`;
  const names = Object.fromEntries(TABLES.map((table) => [table, `${prefix}-${table}-${suffix}`])) as Record<TableName, string>;
  for (const table of TABLES) {
    await client.send(
      new CreateTableCommand({
        TableName: names[table],
        BillingMode: "PAY_PER_REQUEST",
        KeySchema: [{ AttributeName: TABLE_KEYS[table], KeyType: "HASH" }],
        AttributeDefinitions: [{ AttributeName: TABLE_KEYS[table], AttributeType: "S" }],
      }),
    );
  }
  return names;
}

async function dynamoStore(seed: { stock?: Item[] } = {}): Promise<TestStore> {
  const config = emulatorClientConfig(emulator!.endpoint);
  const client = new DynamoDBClient(config);
  const names = await createTables(client, "test");
  const store = new TestDynamoStore(names, client, config);
  for (const item of seed.stock ?? catalogueStockItems()) await store.transact([{ type: "put", table: "stock", item }]);
  return store;
}

async function memoryStore(seed: { stock?: Item[] } = {}): Promise<TestStore> {
  return new TestMemoryStore({ stock: seed.stock ?? catalogueStockItems() });
}

/**
 * The stores to run on, seeded with the catalogue's stock (or `seed.stock`), registering
 * the emulator's start and stop with the calling test file. Prints why the DynamoDB half
 * is skipped, when it is.
 */
export function useStores(): [string, StoreFactory][] {
  if (!moto) {
    // A skipped test whose title says why: the run's summary counts it, and the reporter prints it.
    test.skip(`${SKIPPED_PREFIX}cases on the DynamoDB store: ${reason}`, () => undefined);
    return [["MemoryStore", memoryStore]];
  }
  beforeAll(async () => {
    workDir = mkdtempSync(path.join(tmpdir(), "stores-"));
    emulator = await startEmulator({ moto, workDir });
  }, 60000);
  afterAll(async () => {
    await emulator?.stop();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });
  return [
    ["MemoryStore", memoryStore],
    ["DynamoStore on DynamoDB in the emulator", dynamoStore],
  ];
}
