/**
 * Edges of the store contract (docs/durable-state.md) on the in-process store, as DynamoDB
 * behaves with the conditions DynamoStore writes: an add to an attribute that is no number
 * fails its condition; a failed condition is a ConditionFailed naming the operation; a
 * transaction of exactly 100 operations is allowed.
 */
import { AVAILABLE } from "../../../functions/shared/catalogue";
import { MemoryStore } from "../../../functions/shared/memory-store";
import { ConditionFailed, Operation } from "../../../functions/shared/store";

const add = (key: string, amount: number, atLeastZero = false): Operation => ({
  type: "add",
  table: "stock",
  key,
  attribute: AVAILABLE,
  amount,
  atLeastZero,
});

describe("store contract edges", () => {
  test("GIVEN an attribute that is no number WHEN added to THEN its condition fails and nothing changes", async () => {
    const store = new MemoryStore({ stock: [{ productId: "P", [AVAILABLE]: "ten" }, { productId: "Q" }] });
    for (const operation of [add("P", 1), add("P", -1, true), add("Q", 1)]) {
      await expect(store.transact([operation])).rejects.toEqual(new ConditionFailed(0));
    }
    expect(await store.get("stock", "P")).toEqual({ productId: "P", [AVAILABLE]: "ten" });
    expect(await store.get("stock", "Q")).toEqual({ productId: "Q" });
  });

  test("a failed condition is a ConditionFailed naming the operation by its position", async () => {
    const store = new MemoryStore({ stock: [{ productId: "P", [AVAILABLE]: 1 }] });
    const failure = await store.transact([add("P", 1), add("P2", 1)]).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(ConditionFailed);
    expect(failure).toMatchObject({ name: "ConditionFailed", index: 1, message: "condition of operation 1 did not hold" });
    expect(await store.get("stock", "P")).toEqual({ productId: "P", [AVAILABLE]: 1 });
  });

  test("a transaction of exactly 100 operations commits", async () => {
    const store = new MemoryStore();
    const puts = Array.from({ length: 100 }, (_, n): Operation => ({
      type: "put",
      table: "stock",
      item: { productId: `P${n}` },
    }));
    await store.transact(puts);
    expect(await store.get("stock", "P99")).toEqual({ productId: "P99" });
  });
});

describe("items (a Scan, for npm run workflow -- --state)", () => {
  test("every item of the table, as stored, and none of another table's", async () => {
    const store = new MemoryStore({
      stock: [
        { productId: "P", [AVAILABLE]: 1 },
        { productId: "Q", [AVAILABLE]: 0 },
      ],
    });
    await store.transact([{ type: "put", table: "orders", item: { orderId: "o-1", status: "PENDING" } }]);
    expect(await store.items("stock")).toEqual([
      { productId: "P", [AVAILABLE]: 1 },
      { productId: "Q", [AVAILABLE]: 0 },
    ]);
    expect(await store.items("orders")).toEqual([{ orderId: "o-1", status: "PENDING" }]);
    expect(await store.items("idempotency")).toEqual([]);
  });
});
