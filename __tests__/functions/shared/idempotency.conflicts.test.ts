/**
 * An idempotency key identifies one request (docs/durable-state.md): a retry with the
 * same key and the same content replays the first answer, the same key with different
 * content is refused with InvalidInput and changes nothing. Every action of every service
 * that keeps records is checked, once per field of its request's content.
 */
import { ServiceName } from "../../../stacks/services";
import { freshServices, refusal } from "../../helpers/services";

const ITEMS = [{ productId: "PROD001", quantity: 2, price: 29.99 }];
const recipient = { userId: "test123", email: "test123@example.com" };
const summary = { orderId: "ord-1", userId: "test123", total: 118.77, transactionId: "txn-1" };

/** `$.failure` as the workflow sends it to the failure notice. */
const failureOf = ({ orderId = null as string | null, error = "InvalidInput", reason = "orderData is required" }) => ({
  orderId,
  error,
  detail: { errorMessage: reason },
});

interface Case {
  service: ServiceName;
  action: string;
  request: Record<string, unknown>;
  /** The same key with one field of the content changed, per field. */
  changes: Record<string, Record<string, unknown>>;
  /** The refusal's message, when it is not "already used for a different <action> request". */
  refusedWith?: string;
}

const CASES: Case[] = [
  {
    service: "payment-service",
    action: "authorize",
    request: { action: "authorize", orderId: "ord-1", userId: "u1", creditScore: 700, amountCents: 100 },
    changes: { orderId: { orderId: "ord-2" }, userId: { userId: "u2" }, amountCents: { amountCents: 101 } },
  },
  {
    service: "payment-service",
    action: "refund",
    request: { action: "refund", orderId: "ord-1" },
    changes: { orderId: { orderId: "ord-2" } },
    // An undo names the order its key belongs to.
    refusedWith: "idempotencyKey exec-reused authorized order ord-1, not ord-2",
  },
  {
    service: "inventory-service",
    action: "reserve",
    request: { action: "reserve", orderId: "ord-1", items: [{ productId: "PROD001", quantity: 2 }] },
    changes: {
      orderId: { orderId: "ord-2" },
      items: { items: [{ productId: "PROD001", quantity: 3 }] },
    },
  },
  {
    service: "inventory-service",
    action: "release",
    request: { action: "release", orderId: "ord-1" },
    changes: { orderId: { orderId: "ord-2" } },
    refusedWith: "idempotencyKey exec-reused reserved stock for order ord-1, not ord-2",
  },
  {
    service: "notification-service",
    action: "confirmation",
    request: { action: "confirmation", recipient, order: summary },
    changes: {
      recipient: { recipient: { ...recipient, email: "other@example.com" } },
      order: { order: { ...summary, total: 118.78 } },
    },
  },
  {
    service: "notification-service",
    action: "failure",
    request: { action: "failure", recipient, failure: failureOf({}) },
    changes: {
      recipient: { recipient: { ...recipient, userId: "test124" } },
      orderId: { failure: failureOf({ orderId: "ord-1" }) },
      error: { failure: failureOf({ error: "ServiceUnavailable" }) },
      reason: { failure: failureOf({ reason: "orderData.items is required" }) },
    },
  },
];

describe.each(CASES)("$service $action", ({ service, action, request, changes, refusedWith }) => {
  test("GIVEN an answered call WHEN retried with the same key and content THEN the same answer", async () => {
    const services = freshServices();
    const first = await services[service]({ ...request, idempotencyKey: "exec-same" });
    await expect(services[service]({ ...request, idempotencyKey: "exec-same" })).resolves.toEqual(first);
  });

  test.each(Object.keys(changes))(
    "GIVEN an answered call WHEN the key is reused with another %s THEN refused, and the first answer stands",
    async (field) => {
      const services = freshServices();
      const first = await services[service]({ ...request, idempotencyKey: "exec-reused" });
      const stockBefore = await services.store.get("stock", "PROD001");
      await expect(refusal(services[service]({ ...request, ...changes[field], idempotencyKey: "exec-reused" }))).resolves.toEqual(
        {
          name: "InvalidInput",
          message: refusedWith ?? `idempotencyKey exec-reused was already used for a different ${action} request`,
        },
      );
      expect(await services.store.get("stock", "PROD001")).toEqual(stockBefore);
      await expect(services[service]({ ...request, idempotencyKey: "exec-reused" })).resolves.toEqual(first);
    },
  );
});

describe("order-service", () => {
  const orderRequest = (fields: object) => ({ orderData: { items: ITEMS }, userId: "test123", ...fields });

  test.each([
    ["idempotencyKey", { idempotencyKey: "exec-o1" }, "idempotencyKey exec-o1"],
    ["eventId", { eventId: "evt-1" }, "eventId evt-1"],
  ])(
    "GIVEN an order made with a %s WHEN the same key comes with other items THEN refused, naming the key and the order",
    async (_source, key, named) => {
      const { "order-service": createOrder } = freshServices();
      const first = (await createOrder(orderRequest(key))) as { orderId: string };
      const otherItems = { orderData: { items: [{ ...ITEMS[0], quantity: 3 }] } };
      await expect(refusal(createOrder(orderRequest({ ...key, ...otherItems })))).resolves.toEqual({
        name: "InvalidInput",
        message: `${named} was already used for a different order (${first.orderId})`,
      });
      await expect(refusal(createOrder(orderRequest({ ...key, userId: "test124" })))).resolves.toEqual({
        name: "InvalidInput",
        message: `${named} was already used for a different order (${first.orderId})`,
      });
    },
  );

  test("GIVEN no key WHEN two users order the same items THEN two orders: the content key includes the user", async () => {
    const { "order-service": createOrder } = freshServices();
    const first = (await createOrder(orderRequest({}))) as { orderId: string };
    const second = (await createOrder(orderRequest({ userId: "test124" }))) as { orderId: string };
    const third = (await createOrder(orderRequest({ orderData: { items: [{ ...ITEMS[0], quantity: 3 }] } }))) as {
      orderId: string;
    };
    expect(new Set([first.orderId, second.orderId, third.orderId]).size).toBe(3);
  });
});
