/**
 * order-service's create when the request's key already has a record (docs/durable-state.md):
 * a refused request is recorded under its key (FAILED, closed by order-service:create), a
 * duplicate delivery is DuplicateOrder, a key reused for other content is InvalidInput, and a
 * run of an execution that already ended ends as it recorded (OrderClosed).
 */
import { expect } from "@jest/globals";
import { handlerFor, Order } from "../../functions/order-service";
import { deriveId } from "../../functions/shared/idempotency";
import { MemoryStore } from "../../functions/shared/memory-store";
import { CLOSERS } from "../../functions/shared/order-record";
import { executionArn as arn, freshServices, refusal } from "../helpers/services";

const DAY = 86_400_000;
const valid = { orderData: { items: [{ productId: "PROD001", quantity: 1, price: 1 }] }, userId: "test123" };
const other = { orderData: { items: [{ productId: "PROD001", quantity: 2, price: 1 }] }, userId: "test123" };
/** Refused by create: a quantity above 10000. */
const invalid = { orderData: { items: [{ productId: "PROD001", quantity: 10001, price: 1 }] }, userId: "test123" };
const INVALID_MESSAGE = "orderData.items[0].quantity must be a whole number from 1 to 10000, got 10001";
const run = (name: string, extra: object = {}) => ({ idempotencyKey: name, executionId: arn(name), ...extra });

describe("order-service create: the key of another execution", () => {
  test("an event whose id another execution used for other content is refused, naming the event and the order", async () => {
    const { "order-service": orders } = freshServices();
    await orders({ ...valid, eventId: "evt-9", ...run("exec-a") });
    expect(await refusal(orders({ ...other, eventId: "evt-9", ...run("exec-b") }))).toEqual({
      name: "InvalidInput",
      message: `eventId evt-9 was already used for a different order (${deriveId("ord", "event:evt-9")})`,
    });
  });

  test("a duplicate delivery of a refused event is a duplicate, even when its order is valid now", async () => {
    // The refusal recorded no order (no fingerprint): nothing to compare, the key alone makes it a duplicate.
    const { "order-service": orders } = freshServices();
    await refusal(orders({ ...invalid, eventId: "evt-r", ...run("exec-c") }));
    expect(await refusal(orders({ ...valid, eventId: "evt-r", ...run("exec-d") }))).toEqual({
      name: "DuplicateOrder",
      message: deriveId("ord", "event:evt-r"),
    });
  });

  test("a duplicate delivery refused by the rules does not overwrite the first delivery's order", async () => {
    const { store, "order-service": orders } = freshServices();
    const first = (await orders({ ...valid, eventId: "evt-d", ...run("exec-e") })) as Order;
    const before = await store.get("orders", first.orderId);
    expect(await refusal(orders({ ...invalid, eventId: "evt-d", ...run("exec-f") }))).toEqual({
      name: "DuplicateOrder",
      message: first.orderId,
    });
    expect(await store.get("orders", first.orderId)).toEqual(before);
  });
});

describe("order-service create: a refusal of this execution", () => {
  test("is recorded FAILED under the execution's key, and a retry of the call is refused the same way", async () => {
    const { store, "order-service": orders } = freshServices();
    const orderId = deriveId("ord", "execution:exec-g");
    expect(await refusal(orders({ ...invalid, ...run("exec-g") }))).toEqual({ name: "InvalidInput", message: INVALID_MESSAGE });
    const recorded = await store.get("orders", orderId);
    expect(recorded).toEqual({
      orderId,
      status: "FAILED",
      error: "InvalidInput",
      reason: INVALID_MESSAGE,
      requestKey: "execution:exec-g",
      executionId: arn("exec-g"),
      idempotencyKey: "exec-g",
      closedBy: CLOSERS.refusal,
      createdAt: expect.stringMatching(/^\d{4}-/),
      updatedAt: expect.stringMatching(/^\d{4}-/),
    });
    // The call's own retry keeps its refusal: InvalidInput again, not OrderClosed.
    expect(await refusal(orders({ ...invalid, ...run("exec-g") }))).toEqual({ name: "InvalidInput", message: INVALID_MESSAGE });
    expect(await store.get("orders", orderId)).toEqual(recorded);
  });

  test("after close recorded how the execution ended, a refused run ends that way (OrderClosed)", async () => {
    const { store, "order-service": orders } = freshServices();
    const orderId = deriveId("ord", "execution:exec-h");
    await orders({
      action: "close",
      request: { ...invalid, idempotencyKey: "exec-h" },
      ...run("exec-h"),
      failure: { error: "ServiceUnavailable", detail: { errorMessage: "order-service timed out" } },
    });
    const closed = await store.get("orders", orderId);
    expect(await refusal(orders({ ...invalid, ...run("exec-h") }))).toEqual({
      name: "OrderClosed",
      message: JSON.stringify({ status: "FAILED", orderId, error: "ServiceUnavailable", reason: "order-service timed out" }),
    });
    expect(await store.get("orders", orderId)).toEqual(closed);
  });

  test("a hand-made call (no key) is refused without recording anything", async () => {
    const { store, "order-service": orders } = freshServices();
    await refusal(orders(invalid));
    expect(await store.items("orders")).toEqual([]);
  });

  test("a store fault while recording the refusal is passed on, not taken for an existing record", async () => {
    const store = new (class extends MemoryStore {
      override async transact(): Promise<void> {
        throw new Error("store unreachable");
      }
    })();
    expect(await refusal(handlerFor(store)({ ...invalid, ...run("exec-i") }))).toEqual({
      name: "Error",
      message: "store unreachable",
    });
  });
});

describe("order-service create: this execution's own record after the replay window", () => {
  test("an order older than the window is a name used again, not a retry: DuplicateOrder, no second charge", async () => {
    const { store, "order-service": orders } = freshServices();
    const first = (await orders({ ...valid, ...run("exec-j") })) as Order;
    const createdAt = new Date(Date.now() - 100 * DAY).toISOString();
    await store.transact([{ type: "update", table: "orders", key: first.orderId, set: { createdAt } }]);
    expect(await refusal(orders({ ...valid, ...run("exec-j") }))).toEqual({ name: "DuplicateOrder", message: first.orderId });
  });

  test("within the window the same run is this execution's retry and gets its order again", async () => {
    const { store, "order-service": orders } = freshServices();
    const first = (await orders({ ...valid, ...run("exec-k") })) as Order;
    const createdAt = new Date(Date.now() - 80 * DAY).toISOString();
    await store.transact([{ type: "update", table: "orders", key: first.orderId, set: { createdAt } }]);
    expect(await orders({ ...valid, ...run("exec-k") })).toEqual(first);
  });
});
