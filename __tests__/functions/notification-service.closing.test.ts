/**
 * How notification-service closes the order's record with its notice (docs/durable-state.md,
 * functions/shared/order-record.ts): a notice already recorded there is never sent again; a
 * record closed meanwhile is read again; a record that keeps changing is a transient fault; the
 * OrdersCompleted metric counts each order closed COMPLETED once. Read from the answers, the
 * stored record and the log and metric lines.
 */
import { expect } from "@jest/globals";
import { handlerFor } from "../../functions/notification-service";
import { ServiceUnavailable } from "../../functions/shared/errors";
import { seededMemoryStore } from "../../functions/shared/default-store";
import { deriveId } from "../../functions/shared/idempotency";
import { MemoryStore } from "../../functions/shared/memory-store";
import { closingWrite } from "../../functions/shared/order-record";
import { ConditionFailed } from "../../functions/shared/store";
import { captureLogLines } from "../helpers/logs";
import { failingWrites, refusal } from "../helpers/services";

const recipient = { userId: "test123", email: "test123@example.com" };
const summary = { orderId: "ord-1", userId: "test123", total: 118.77, transactionId: "txn-1" };
const confirmation = (idempotencyKey: string) => ({ action: "confirmation", recipient, order: summary, idempotencyKey });
const failure = (idempotencyKey: string, error = "InvalidInput", rootError?: string) => ({
  action: "failure",
  recipient,
  failure: { error, detail: { errorMessage: "it went wrong" }, orderId: "ord-1", ...(rootError ? { rootError } : {}) },
  idempotencyKey,
});

async function storeWithPendingOrder(): Promise<MemoryStore> {
  const store = seededMemoryStore();
  await store.transact([{ type: "put", table: "orders", item: { orderId: "ord-1", status: "PENDING" } }]);
  return store;
}

/** The log and metric lines of the calls, parsed (LOG_LEVEL=INFO for this file; setup.ts silences the others). */
const lines = captureLogLines();
const logged = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);
const sentLines = () => logged().filter((line) => line.message === "notification sent");
const outcomes = () =>
  logged()
    .filter((line) => line.outcome !== undefined)
    .map((line) => line.outcome);
const completedMetrics = () => logged().filter((line) => line.OrdersCompleted === 1);

describe("notification-service closing the order's record", () => {
  test("the first confirmation sends once, closes the record, counts the order COMPLETED once and logs done", async () => {
    const store = await storeWithPendingOrder();
    await expect(handlerFor(store)(confirmation("exec-1"))).resolves.toMatchObject({ orderStatus: "COMPLETED" });
    expect(sentLines()).toHaveLength(1);
    expect(outcomes()).toEqual(["succeeded"]);
    expect(completedMetrics()).toEqual([
      expect.objectContaining({ service: "notification-service", orderId: "ord-1", OrdersCompleted: 1 }),
    ]);
  });

  test("the same confirmation again (a retry whose answer was lost) is a replay: not sent, not counted again", async () => {
    const store = await storeWithPendingOrder();
    const notify = handlerFor(store);
    const first = await notify(confirmation("exec-1"));
    lines.splice(0);
    expect(await notify(confirmation("exec-1"))).toEqual(first);
    expect(first).toMatchObject({ orderStatus: "COMPLETED" });
    expect(sentLines()).toEqual([]);
    expect(completedMetrics()).toEqual([]);
    expect(outcomes()).toEqual(["replayed"]);
  });

  test("a failure notice closes the record FAILED without counting a completed order", async () => {
    const store = await storeWithPendingOrder();
    await expect(handlerFor(store)(failure("exec-1"))).resolves.toMatchObject({ orderStatus: "FAILED" });
    expect(sentLines()).toHaveLength(1);
    expect(completedMetrics()).toEqual([]);
    expect(outcomes()).toEqual(["succeeded"]);
  });

  test("a record closed COMPLETED by another key's notice: this notice is sent too, as a call of its own", async () => {
    const store = await storeWithPendingOrder();
    const notify = handlerFor(store);
    await notify(confirmation("exec-1"));
    lines.splice(0);
    // A redriven execution under a new name: its customer notice is a new one (another id), not a replay.
    await expect(notify(confirmation("exec-1-redriven"))).resolves.toMatchObject({ orderStatus: "COMPLETED" });
    expect(sentLines()).toEqual([
      expect.objectContaining({
        idempotencyKey: "exec-1-redriven",
        notificationId: deriveId("ntf", "exec-1-redriven", "ORDER_CONFIRMATION"),
      }),
    ]);
    expect(outcomes()).toEqual(["succeeded"]);
    // The record keeps the first notice, and the order is counted once.
    expect(await store.get("orders", "ord-1")).toMatchObject({
      notificationId: deriveId("ntf", "exec-1", "ORDER_CONFIRMATION"),
    });
    expect(completedMetrics()).toEqual([]);
  });

  test("the same key's failure notice cannot turn a FAILED record into COMPENSATION_FAILED (same notice id, other status)", async () => {
    const store = await storeWithPendingOrder();
    const notify = handlerFor(store);
    await notify(failure("exec-1"));
    expect(await refusal(notify(failure("exec-1", "CompensationFailed", "ServiceUnavailable")))).toEqual({
      name: "InvalidInput",
      message: "order ord-1 is FAILED: it cannot become COMPENSATION_FAILED",
    });
    expect(await store.get("orders", "ord-1")).toMatchObject({ status: "FAILED" });
  });

  test("CompensationFailed with its root error: the record keeps rootError, and the operator line is logged once", async () => {
    const store = await storeWithPendingOrder();
    const notify = handlerFor(store);
    const event = failure("exec-cf", "CompensationFailed", "ServiceUnavailable");
    await expect(notify(event)).resolves.toMatchObject({ orderStatus: "COMPENSATION_FAILED" });
    expect(await store.get("orders", "ord-1")).toMatchObject({
      status: "COMPENSATION_FAILED",
      error: "CompensationFailed",
      reason: "it went wrong",
      rootError: "ServiceUnavailable",
    });
    const operatorLine = (line: Record<string, unknown>) =>
      line.level === "ERROR" && /operator must finish/.test(String(line.message));
    expect(logged().filter(operatorLine)).toEqual([
      expect.objectContaining({ orderId: "ord-1", orderStatus: "COMPENSATION_FAILED" }),
    ]);
    // Its retry is a replay: the operator is not told twice.
    await notify(event);
    expect(logged().filter(operatorLine)).toHaveLength(1);
  });

  test("a failure notice without rootError leaves none on the record", async () => {
    const store = await storeWithPendingOrder();
    await handlerFor(store)(failure("exec-1"));
    expect(await store.get("orders", "ord-1")).not.toHaveProperty("rootError");
  });
});

describe("notification-service when the record changes under it", () => {
  test("closed meanwhile by a concurrent run of the same call: read again, answered as a replay", async () => {
    const store = await storeWithPendingOrder();
    const transact = store.transact.bind(store);
    let raced = false;
    store.transact = async (operations) => {
      if (!raced) {
        raced = true;
        // The concurrent run's closing write lands first; this call's write then finds no PENDING record.
        const notificationId = deriveId("ntf", "exec-1", "ORDER_CONFIRMATION");
        await transact([closingWrite("ord-1", { status: "COMPLETED", notificationId, closedBy: "notification-service" })]);
      }
      return transact(operations);
    };
    await expect(handlerFor(store)(confirmation("exec-1"))).resolves.toMatchObject({ orderStatus: "COMPLETED" });
    expect(outcomes()).toEqual(["replayed"]);
    expect(completedMetrics()).toEqual([]);
  });

  test("a fault of the table while closing is the call's error, not a reason to read again", async () => {
    const store = await storeWithPendingOrder();
    const writes = failingWrites(store, new ServiceUnavailable("the orders table is throttled"));
    expect(await refusal(handlerFor(store)(confirmation("exec-1")))).toEqual({
      name: "ServiceUnavailable",
      message: "the orders table is throttled",
    });
    expect(writes.count).toBe(1);
  });

  test("a record that keeps changing: three rounds, then ServiceUnavailable (the workflow retries)", async () => {
    const store = await storeWithPendingOrder();
    const get = store.get.bind(store);
    let orderReads = 0;
    store.get = async (table, key) => {
      if (table === "orders") orderReads++;
      return get(table, key);
    };
    // Each closing write loses to a change the next read no longer sees as closed.
    failingWrites(store, new ConditionFailed(0));
    expect(await refusal(handlerFor(store)(confirmation("exec-1")))).toEqual({
      name: "ServiceUnavailable",
      message: "order ord-1 kept changing while it was being closed; try again",
    });
    expect(orderReads).toBe(3);
  });
});
