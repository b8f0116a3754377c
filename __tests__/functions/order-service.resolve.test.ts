/**
 * order-service's `resolve` (docs/recovery.md, npm run compensate): once an operator has had
 * a CompensationFailed order refunded and released, the order is marked FAILED for its root
 * cause, closed by the operator. Only a COMPENSATION_FAILED order can be resolved, once.
 */
import { expect } from "@jest/globals";
import { processOrder } from "../../functions/order-service";
import { createLogger } from "../../functions/shared/logger";
import { MemoryStore } from "../../functions/shared/memory-store";
import { CLOSERS } from "../../functions/shared/order-record";
import { Item, Operation } from "../../functions/shared/store";
import { refusal } from "../helpers/services";

const log = createLogger("order-service");
const stuck = (extra: Item = {}): Item => ({
  orderId: "ord-1",
  status: "COMPENSATION_FAILED",
  error: "CompensationFailed",
  reason: "refund failed.",
  rootError: "PaymentDeclined",
  closedBy: CLOSERS.fallback,
  createdAt: "2026-01-01T00:00:00.000Z",
  updatedAt: "2026-01-01T00:00:00.000Z",
  ...extra,
});
const storeWith = (record?: Item) => new MemoryStore(record ? { orders: [record] } : {});
const resolve = (store: MemoryStore, extra: object = {}) =>
  processOrder({ action: "resolve", orderId: "ord-1", refund: "REFUNDED", release: "RELEASED", ...extra }, { store, log });

describe("order-service resolve", () => {
  test("a COMPENSATION_FAILED order becomes FAILED for its root cause, with what the operator did in its reason", async () => {
    const store = storeWith(stuck());
    expect(await resolve(store)).toEqual({
      result: { orderId: "ord-1", status: "FAILED", resolvedNow: true },
      action: "resolve",
      replayed: false,
    });
    const record = await store.get("orders", "ord-1");
    expect(record).toEqual({
      ...stuck(),
      status: "FAILED",
      error: "PaymentDeclined",
      reason: expect.stringMatching(
        /^refund failed\. Finished by an operator at \d{4}-\d\d-\d\dT[\d:.]+Z: refund REFUNDED, release RELEASED\.$/,
      ),
      closedBy: CLOSERS.operator,
      updatedAt: expect.not.stringMatching(/^2026-01-01/),
    });
    // The time in the reason is the time of the write.
    expect(record!.reason).toContain(`at ${record!.updatedAt as string}:`);
  });

  test("the other undo answers that leave nothing held are accepted too", async () => {
    const store = storeWith(stuck());
    await resolve(store, { refund: "NOTHING_TO_REFUND", release: "NOTHING_TO_RELEASE" });
    expect((await store.get("orders", "ord-1"))!.reason).toMatch(/: refund NOTHING_TO_REFUND, release NOTHING_TO_RELEASE\.$/);
  });

  test("without a recorded root cause the order failed as ServiceUnavailable", async () => {
    const { rootError: _rootError, ...withoutRoot } = stuck();
    const store = storeWith(withoutRoot);
    await resolve(store);
    expect(await store.get("orders", "ord-1")).toMatchObject({ status: "FAILED", error: "ServiceUnavailable" });
  });

  test("resolving again (npm run compensate re-run) changes nothing and says it was already resolved", async () => {
    const store = storeWith(stuck());
    await resolve(store);
    const resolved = await store.get("orders", "ord-1");
    expect(await resolve(store)).toEqual({
      result: { orderId: "ord-1", status: "FAILED", resolvedNow: false },
      action: "resolve",
      replayed: true,
    });
    expect(await store.get("orders", "ord-1")).toEqual(resolved);
  });

  test("an unknown order is refused", async () => {
    expect(await refusal(resolve(storeWith()))).toEqual({ name: "InvalidInput", message: "order ord-1 does not exist" });
  });

  test.each([
    ["FAILED", CLOSERS.notice],
    ["COMPLETED", CLOSERS.notice],
    ["PENDING", undefined],
  ])("a %s order (closed by %p) has nothing to resolve and is left alone", async (status, closedBy) => {
    // Only the operator's own FAILED is a resolve already done; another FAILED was never stuck.
    const record = stuck({ status });
    if (closedBy === undefined) delete record.closedBy;
    else record.closedBy = closedBy;
    const store = storeWith(record);
    const before = await store.get("orders", "ord-1");
    expect(await refusal(resolve(store))).toEqual({
      name: "InvalidInput",
      message: `order ord-1 is ${status}, not COMPENSATION_FAILED: there is nothing to resolve`,
    });
    expect(await store.get("orders", "ord-1")).toEqual(before);
  });

  test("a record that changes between the read and the write is not overwritten: ServiceUnavailable, try again", async () => {
    const store = new (class extends MemoryStore {
      override async transact(operations: Operation[]): Promise<void> {
        // The record is no longer COMPENSATION_FAILED by the time of the write (another resolve won).
        await super.transact([{ type: "put", table: "orders", item: stuck({ status: "FAILED", closedBy: CLOSERS.operator }) }]);
        return super.transact(operations);
      }
    })({ orders: [stuck()] });
    expect(await refusal(resolve(store))).toEqual({
      name: "ServiceUnavailable",
      message: "order ord-1 changed while it was being resolved; try again",
    });
  });

  test("a store fault is passed on as it is, not taken for a change", async () => {
    const store = new (class extends MemoryStore {
      override async transact(): Promise<void> {
        throw new Error("store unreachable");
      }
    })({ orders: [stuck()] });
    expect(await refusal(resolve(store))).toEqual({ name: "Error", message: "store unreachable" });
  });

  test("the write is conditional on the record still being COMPENSATION_FAILED", async () => {
    const writes: Operation[][] = [];
    const store = new (class extends MemoryStore {
      override async transact(operations: Operation[]): Promise<void> {
        writes.push(operations);
        return super.transact(operations);
      }
    })({ orders: [stuck()] });
    await resolve(store);
    expect(writes).toEqual([
      [
        expect.objectContaining({
          type: "update",
          table: "orders",
          key: "ord-1",
          ifIn: { attribute: "status", values: ["COMPENSATION_FAILED"] },
        }),
      ],
    ]);
  });

  test.each([
    [{ refund: "FAILED" }, "refund must be one of: REFUNDED, NOTHING_TO_REFUND"],
    [{ release: "FAILED" }, "release must be one of: RELEASED, NOTHING_TO_RELEASE"],
    [{ orderId: undefined }, "orderId is required"],
    [{ note: "done" }, "note is not an accepted field (accepted: action, orderId, refund, release)"],
  ])("GIVEN %j THEN refused: %s", async (change, message) => {
    const store = storeWith(stuck());
    expect(await refusal(resolve(store, change))).toEqual({ name: "InvalidInput", message });
    expect(await store.get("orders", "ord-1")).toEqual(stuck());
  });
});
