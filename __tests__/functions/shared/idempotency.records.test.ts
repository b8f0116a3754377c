/**
 * The record of a call (functions/shared/idempotency.ts) is taken only once: a concurrent
 * call with the same key that records first wins, and the later one replays its answer; a
 * store error that is not a failed condition is reported as it is.
 */
import { ServiceUnavailable } from "../../../functions/shared/errors";
import { once } from "../../../functions/shared/idempotency";
import { MemoryStore } from "../../../functions/shared/memory-store";
import { Operation } from "../../../functions/shared/store";
import { beforeWriting, failingWrites, refusal } from "../../helpers/services";

const call = { service: "test-service", action: "act", idempotencyKey: "exec-1" };
const RECORD_KEY = "test-service:act:exec-1";

describe("a concurrent call with the same key", () => {
  test("GIVEN it records first WHEN this call commits THEN its record stands and this call replays its result", async () => {
    const store = new MemoryStore({ stock: [{ productId: "P1", available: 10 }] });
    beforeWriting(store, RECORD_KEY, () => once(store, call, { a: 1 }, async () => ({ result: "first" })));
    const writes: Operation[] = [{ type: "add", table: "stock", key: "P1", attribute: "available", amount: -1 }];
    // The record's own condition failing is no conflict of the writes: onConflict is not asked, the key is read again.
    const onConflict = jest.fn(async (): Promise<"retry"> => {
      throw new Error("not a conflict of the writes");
    });
    await expect(once(store, call, { a: 1 }, async () => ({ result: "second", writes }), onConflict)).resolves.toEqual({
      result: "first",
      replayed: true,
    });
    expect(onConflict).not.toHaveBeenCalled();
    // The second call's writes went nowhere: they commit only with its record.
    expect(await store.get("stock", "P1")).toEqual({ productId: "P1", available: 10 });
    expect(JSON.parse((await store.get("idempotency", RECORD_KEY))!.result as string)).toBe("first");
  });
});

test("a store error other than a failed condition is passed on as it is, after one attempt", async () => {
  const store = new MemoryStore();
  const attempts = failingWrites(
    store,
    new ServiceUnavailable("DynamoDB TransactWriteItems failed: ThrottlingException: slow down"),
  );
  await expect(refusal(once(store, call, {}, async () => ({ result: 1 })))).resolves.toEqual({
    name: "ServiceUnavailable",
    message: "DynamoDB TransactWriteItems failed: ThrottlingException: slow down",
  });
  expect(attempts.count).toBe(1);
});
