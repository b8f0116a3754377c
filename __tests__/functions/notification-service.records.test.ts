/**
 * notification-service and the order's record (docs/durable-state.md): a notice closes a
 * PENDING record, or finds it already closed the same way (a redriven execution under a
 * new name); a hand-made notice without an order reads no record; each notice has its own
 * id; the log names the customer by userId, never by address.
 */
import { expect } from "@jest/globals";
import { handlerFor } from "../../functions/notification-service";
import { seededMemoryStore } from "../../functions/shared/default-store";
import { MemoryStore } from "../../functions/shared/memory-store";
import { TableName } from "../../functions/shared/store";
import { logLinesDuring } from "../helpers/logs";

const recipient = { userId: "test123", email: "test123@example.com" };
const summary = { orderId: "ord-1", userId: "test123", total: 118.77, transactionId: "txn-1" };
const confirmation = (idempotencyKey: string) => ({ action: "confirmation", recipient, order: summary, idempotencyKey });
const failure = (idempotencyKey: string, orderId: string | null) => ({
  action: "failure",
  recipient,
  failure: { error: "InvalidInput", detail: { errorMessage: "orderData is required" }, orderId },
  idempotencyKey,
});

async function storeWithPendingOrder(): Promise<MemoryStore> {
  const store = seededMemoryStore();
  await store.transact([{ type: "put", table: "orders", item: { orderId: "ord-1", status: "PENDING" } }]);
  return store;
}

describe("notification-service and the order's record", () => {
  test("GIVEN an order already COMPLETED WHEN confirmed again under another key THEN confirmed, still COMPLETED", async () => {
    const store = await storeWithPendingOrder();
    const notify = handlerFor(store);
    await expect(notify(confirmation("exec-1"))).resolves.toMatchObject({ orderStatus: "COMPLETED" });
    await expect(notify(confirmation("exec-1-redriven"))).resolves.toMatchObject({ orderStatus: "COMPLETED" });
    expect(await store.get("orders", "ord-1")).toMatchObject({ status: "COMPLETED" });
  });

  test("an order already FAILED told again under another key stays FAILED", async () => {
    const store = await storeWithPendingOrder();
    const notify = handlerFor(store);
    await notify(failure("exec-1", "ord-1"));
    await expect(notify(failure("exec-2", "ord-1"))).resolves.toMatchObject({ orderStatus: "FAILED" });
  });

  test("a failure notice for no order reads no order record", async () => {
    const reads: [TableName, string][] = [];
    const store = seededMemoryStore();
    const get = store.get.bind(store);
    store.get = async (table, key) => {
      reads.push([table, key]);
      return get(table, key);
    };
    await expect(handlerFor(store)(failure("exec-1", null))).resolves.toMatchObject({ orderId: null, orderStatus: null });
    expect(reads.filter(([table]) => table === "orders")).toEqual([]);
  });

  test("a confirmation and a failure notice under one key are two notices with two ids", async () => {
    const notify = handlerFor(seededMemoryStore());
    const confirmed = (await notify(confirmation("exec-1"))) as { notification: { notificationId: string } };
    const failed = (await notify(failure("exec-1", null))) as { notificationId: string };
    expect(confirmed.notification.notificationId).toMatch(/^ntf-[0-9a-f]{20}$/);
    expect(failed.notificationId).toMatch(/^ntf-[0-9a-f]{20}$/);
    expect(failed.notificationId).not.toBe(confirmed.notification.notificationId);
  });

  test("the 'notification sent' line names the customer by userId and the channel, not the address", async () => {
    const lines = await logLinesDuring(() => handlerFor(seededMemoryStore())(confirmation("exec-log")));
    expect(lines).toContainEqual({
      timestamp: expect.any(String),
      level: "INFO",
      service: "notification-service",
      message: "notification sent",
      action: "ORDER_CONFIRMATION",
      idempotencyKey: "exec-log",
      notificationId: expect.stringMatching(/^ntf-/),
      channel: "email",
      to: "test123",
    });
    expect(JSON.stringify(lines)).not.toContain("test123@example.com");
  });
});
