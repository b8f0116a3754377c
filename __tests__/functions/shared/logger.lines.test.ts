/**
 * Each service's line for each of its actions, as an operator queries them in Logs
 * Insights (service, action, outcome), and the records and attributes the services keep
 * under the names docs/durable-state.md gives them.
 */
import { seededMemoryStore } from "../../../functions/shared/default-store";
import {
  DuplicateOrder,
  InsufficientInventory,
  InvalidInput,
  OrderClosed,
  PaymentDeclined,
  ProductNotFound,
  SERVICE_ERROR_NAMES,
  ServiceUnavailable,
} from "../../../functions/shared/errors";
import { handlersFor } from "../../../local/handlers";
import { ServiceName } from "../../../stacks/services";
import { captureLogLines } from "../../helpers/logs";

const recipient = { userId: "test123", email: "test123@example.com" };
const CALLS: [ServiceName, string, Record<string, unknown>][] = [
  ["user-service", "get", { userId: "test123" }],
  ["order-service", "create", { orderData: { items: [{ productId: "PROD001", quantity: 1, price: 1 }] }, userId: "u1" }],
  [
    "payment-service",
    "authorize",
    { action: "authorize", orderId: "o", userId: "u", creditScore: 700, amountCents: 1, idempotencyKey: "k" },
  ],
  ["payment-service", "refund", { action: "refund", orderId: "o", idempotencyKey: "k" }],
  [
    "inventory-service",
    "reserve",
    { action: "reserve", orderId: "o", items: [{ productId: "PROD001", quantity: 1 }], idempotencyKey: "k" },
  ],
  ["inventory-service", "release", { action: "release", orderId: "o", idempotencyKey: "k" }],
  [
    "notification-service",
    "confirmation",
    {
      action: "confirmation",
      recipient,
      order: { orderId: "o", userId: "u", total: 1, transactionId: "t" },
      idempotencyKey: "k",
    },
  ],
  [
    "notification-service",
    "failure",
    {
      action: "failure",
      recipient,
      failure: { orderId: null, error: "InvalidInput", detail: { errorMessage: "r" } },
      idempotencyKey: "k",
    },
  ],
];

const lines = captureLogLines();

describe("log lines per service and action", () => {
  test.each(CALLS)(
    "GIVEN %s %s WHEN called twice THEN 'done' then 'replayed', each naming the service and action",
    async (service, action, event) => {
      const handler = handlersFor(seededMemoryStore())[service];
      await handler(event);
      await handler(event);
      const own = lines
        .map((line) => JSON.parse(line) as Record<string, unknown>)
        .filter((line) => line.message === "done" || line.message === "replayed");
      const replays = service === "user-service" ? "done" : "replayed";
      expect(own.map(({ service, action, message, outcome }) => ({ service, action, message, outcome }))).toEqual([
        { service, action, message: "done", outcome: "succeeded" },
        { service, action, message: replays, outcome: replays === "done" ? "succeeded" : "replayed" },
      ]);
    },
  );

  test("each key's ledger item is kept under <service>:<do action>:<key>, with the status its undo left; a notice without an order under <service>:<action>:<key>", async () => {
    const store = seededMemoryStore();
    const handlers = handlersFor(store);
    for (const [service, , event] of CALLS.filter(([service]) => service !== "user-service" && service !== "order-service")) {
      await handlers[service](event);
    }
    for (const [key, status] of [
      ["payment-service:authorize:k", "REFUNDED"],
      ["inventory-service:reserve:k", "RELEASED"],
      ["notification-service:confirmation:k", undefined],
      ["notification-service:failure:k", undefined],
    ] as [string, string | undefined][]) {
      expect([key, await store.get("idempotency", key)]).toEqual([
        key,
        expect.objectContaining({ recordKey: key, ...(status ? { status } : {}) }),
      ]);
    }
    // An undo writes no record of its own: it moves its key's ledger item.
    expect(await store.get("idempotency", "payment-service:refund:k")).toBeUndefined();
    expect(await store.get("idempotency", "inventory-service:release:k")).toBeUndefined();
  });

  test("stock items keep the units left in `available`", async () => {
    const store = seededMemoryStore();
    await handlersFor(store)["inventory-service"](CALLS[4][2]);
    expect(await store.get("stock", "PROD001")).toEqual({ productId: "PROD001", available: 49 });
  });

  test("every error a service throws on purpose is one the workflow's rules know by name", () => {
    const thrown = [
      new InvalidInput("x"),
      new PaymentDeclined("x"),
      new ProductNotFound("x"),
      new InsufficientInventory("x"),
      new ServiceUnavailable("x"),
      new DuplicateOrder("ord-1"),
      new OrderClosed({ status: "FAILED", orderId: "ord-1", error: "InvalidInput", reason: "x" }),
    ].map((error) => error.name);
    expect([...SERVICE_ERROR_NAMES].sort()).toEqual([...thrown].sort());
  });
});
