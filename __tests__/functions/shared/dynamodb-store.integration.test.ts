/**
 * One contract, two stores (docs/durable-state.md): the in-process store that the local
 * runner uses behaves as DynamoDB does for every operation the services use. The same
 * cases run against MemoryStore and against DynamoStore on DynamoDB in the moto emulator
 * (when moto_server is installed); then the whole workflow runs on the DynamoDB store.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { catalogueStockItems, AVAILABLE } from "../../../functions/shared/catalogue";
import { DynamoStore } from "../../../functions/shared/dynamodb-store";
import { MemoryStore } from "../../../functions/shared/memory-store";
import { ConditionFailed, Item, Operation, StateStore, TableName } from "../../../functions/shared/store";
import { LocalWorkflow } from "../../../local/runner";
import { SAMPLE_ORDER } from "../../../stacks/order-workflow-stack";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { Emulator, emulatorClientConfig, findMoto, startEmulator } from "../../../emulator/server";
import { describeUnless } from "../../helpers/skip";
import { createTables } from "../../helpers/stores";

jest.setTimeout(120000);

// The project's emulator (moto with its compatibility patches: DynamoDB writes serialized as DynamoDB's are).
const { moto, reason: motoMissing } = findMoto();

let emulator: Emulator | undefined;
let workDir: string | undefined;

/** Fresh, empty tables in the emulator. */
async function dynamoStore(): Promise<StateStore> {
  const config = emulatorClientConfig(emulator!.endpoint);
  const client = new DynamoDBClient(config);
  const names = await createTables(client, "contract");
  client.destroy();
  return new DynamoStore(names, config);
}

const stores: [string, () => Promise<StateStore>][] = [["MemoryStore", async () => new MemoryStore()]];
if (!motoMissing) stores.push(["DynamoStore on DynamoDB in moto", dynamoStore]);

beforeAll(async () => {
  if (!moto) return;
  workDir = mkdtempSync(path.join(tmpdir(), "store-contract-"));
  // DynamoDB only: no function runs, so no Node.js 22 is needed.
  emulator = await startEmulator({ moto, workDir, runsFunctions: false });
});
afterAll(async () => {
  await emulator?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

const put = (table: TableName, item: Item, ifAbsent = false): Operation => ({ type: "put", table, item, ifAbsent });
const stock = (productId: string, available: number) => put("stock", { productId, [AVAILABLE]: available });
const take = (productId: string, amount: number): Operation => ({
  type: "add",
  table: "stock",
  key: productId,
  attribute: AVAILABLE,
  amount: -amount,
  atLeastZero: true,
});
const failedAt = async (write: Promise<void>) =>
  write.then(
    () => "committed",
    (error) =>
      error instanceof ConditionFailed ? `condition ${error.index}` : `${(error as Error).name}: ${(error as Error).message}`,
  );

describe.each(stores)("%s", (_name, makeStore) => {
  let store: StateStore;
  beforeEach(async () => {
    store = await makeStore();
  });

  test("an item reads back as written, every kind of value included; a missing one reads as undefined", async () => {
    const item = {
      recordKey: "k1",
      text: "ünïcode ✓",
      whole: 108_000_000_000_000,
      fraction: 118.77,
      negative: -3,
      yes: true,
      nothing: null,
      list: ["a", 1, false, null, { nested: ["x"] }],
      map: { a: { b: [1, 2] } },
      empty: "",
    };
    await store.transact([put("idempotency", item)]);
    expect(await store.get("idempotency", "k1")).toEqual(item);
    expect(await store.get("idempotency", "k2")).toBeUndefined();
  });

  test("put ifAbsent refuses an existing key and changes nothing", async () => {
    await store.transact([put("orders", { orderId: "o1", status: "PENDING" })]);
    expect(await failedAt(store.transact([put("orders", { orderId: "o1", status: "OTHER" }, true)]))).toBe("condition 0");
    expect(await store.get("orders", "o1")).toEqual({ orderId: "o1", status: "PENDING" });
    expect(await failedAt(store.transact([put("orders", { orderId: "o2", status: "NEW" }, true)]))).toBe("committed");
  });

  test("a transaction is all or nothing, and names the first condition that failed", async () => {
    await store.transact([stock("P1", 5), stock("P2", 1)]);
    const write = store.transact([take("P1", 2), take("P2", 2), put("idempotency", { recordKey: "r" }, true)]);
    expect(await failedAt(write)).toBe("condition 1");
    expect(await store.get("stock", "P1")).toEqual({ productId: "P1", [AVAILABLE]: 5 });
    expect(await store.get("idempotency", "r")).toBeUndefined();
  });

  test("absent is a condition only: it blocks the transaction when the item exists, and writes nothing", async () => {
    await store.transact([put("idempotency", { recordKey: "release:k" })]);
    const blocked = store.transact([
      { type: "absent", table: "idempotency", key: "release:k" },
      put("idempotency", { recordKey: "reserve:k" }),
    ]);
    expect(await failedAt(blocked)).toBe("condition 0");
    await store.transact([
      { type: "absent", table: "idempotency", key: "release:other" },
      put("idempotency", { recordKey: "reserve:other" }),
    ]);
    expect(await store.get("idempotency", "release:other")).toBeUndefined();
    expect(await store.get("idempotency", "reserve:other")).toEqual({ recordKey: "reserve:other" });
  });

  test("add: never below zero with atLeastZero, back up without it, and only on an existing item", async () => {
    await store.transact([stock("P", 10)]);
    await store.transact([take("P", 10)]);
    expect(await failedAt(store.transact([take("P", 1)]))).toBe("condition 0");
    await store.transact([{ type: "add", table: "stock", key: "P", attribute: AVAILABLE, amount: 3 }]);
    expect(await store.get("stock", "P")).toEqual({ productId: "P", [AVAILABLE]: 3 });
    expect(await failedAt(store.transact([take("MISSING", 1)]))).toBe("condition 0");
    expect(
      await failedAt(store.transact([{ type: "add", table: "stock", key: "MISSING", attribute: AVAILABLE, amount: 1 }])),
    ).toBe("condition 0");
    expect(await store.get("stock", "MISSING")).toBeUndefined();
  });

  test("update: sets attributes of an existing item, only from the allowed values", async () => {
    await store.transact([put("orders", { orderId: "o1", status: "PENDING", total: 5 })]);
    const close = (status: string, from: string[]): Operation => ({
      type: "update",
      table: "orders",
      key: "o1",
      set: { status, reason: `now ${status}` },
      ifIn: { attribute: "status", values: from },
    });
    await store.transact([close("FAILED", ["PENDING", "FAILED"])]);
    expect(await store.get("orders", "o1")).toEqual({ orderId: "o1", status: "FAILED", total: 5, reason: "now FAILED" });
    expect(await failedAt(store.transact([close("COMPLETED", ["PENDING", "COMPLETED"])]))).toBe("condition 0");
    expect(await failedAt(store.transact([{ type: "update", table: "orders", key: "o9", set: { status: "X" } }]))).toBe(
      "condition 0",
    );
    expect(await store.get("orders", "o9")).toBeUndefined();
  });

  test("getMany returns the items that exist, by key", async () => {
    await store.transact([stock("A", 1), stock("B", 2)]);
    const found = await store.getMany("stock", ["A", "B", "C"]);
    expect([...found.entries()]).toEqual(
      expect.arrayContaining([
        ["A", { productId: "A", [AVAILABLE]: 1 }],
        ["B", { productId: "B", [AVAILABLE]: 2 }],
      ]),
    );
    expect(found.size).toBe(2);
  });

  test("five concurrent orders for the last 10 units: exactly one commits, the stock ends at 0", async () => {
    await store.transact([stock("PROD004", 10)]);
    const outcomes = await Promise.all(
      Array.from({ length: 5 }, (_, n) =>
        failedAt(store.transact([take("PROD004", 10), put("idempotency", { recordKey: `r${n}` }, true)])),
      ),
    );
    expect(outcomes.filter((outcome) => outcome === "committed")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome === "condition 0")).toHaveLength(4);
    expect(await store.get("stock", "PROD004")).toEqual({ productId: "PROD004", [AVAILABLE]: 0 });
  });

  test("what DynamoDB refuses before looking at any item: two writes to one item, no writes, more than 100", async () => {
    expect(await failedAt(store.transact([stock("P", 1), take("P", 1)]))).toBe(
      "Error: a transaction cannot touch one item twice (stock/P)",
    );
    expect(await failedAt(store.transact([]))).toBe("Error: a transaction has 1 to 100 operations, got 0");
    const many = Array.from({ length: 101 }, (_, n) => stock(`P${n}`, 1));
    expect(await failedAt(store.transact(many))).toBe("Error: a transaction has 1 to 100 operations, got 101");
  });
});

// The DynamoStore cases of the contract above are left out too: one line says why for both.
describeUnless(motoMissing, "DynamoDB store contract tests")("the workflow on the DynamoDB store", () => {
  test("the sample order completes and its stock, payment and order record are in DynamoDB; a failure leaves nothing held", async () => {
    const store = await dynamoStore();
    await store.transact(catalogueStockItems().map((item) => put("stock", item)));
    const workflow = new LocalWorkflow({ store });
    const happy = await workflow.run(SAMPLE_ORDER, { executionName: "exec-dynamo" });
    expect(happy).toMatchObject({ status: "SUCCEEDED", output: { status: "COMPLETED", total: 118.77 }, transitions: 7 });
    expect((await store.get("stock", "PROD001"))?.[AVAILABLE]).toBe(48);
    const orderId = (happy.output as { orderId: string }).orderId;
    expect(await store.get("orders", orderId)).toMatchObject({ status: "COMPLETED", total: 118.77 });

    const lost = await workflow.run(SAMPLE_ORDER, {
      executionName: "exec-dynamo-lost",
      inject: [{ service: "inventory-service", action: "reserve", error: "Lambda.Unknown", after: true }],
    });
    expect(lost).toMatchObject({
      status: "FAILED",
      error: "ServiceUnavailable",
      compensation: { refund: "REFUNDED", release: "RELEASED" },
    });
    expect((await store.get("stock", "PROD001"))?.[AVAILABLE]).toBe(48);
  });
});
