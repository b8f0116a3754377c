/**
 * A missing field is refused with InvalidInput whose message is exactly
 * `<the field's whole path> is required` (docs/input-rules.md): the execution's Cause
 * tells the caller which field to add, for every field of every service's event.
 */
import { ServiceName } from "../../../stacks/services";
import { freshServices, refusal } from "../../helpers/services";

const ITEM = { productId: "PROD001", quantity: 2, price: 29.99 };
const recipient = { userId: "test123", email: "test123@example.com" };
const summary = { orderId: "ord-1", userId: "test123", total: 118.77, transactionId: "txn-1" };

/** A valid event per service and action. */
const VALID: [ServiceName, Record<string, unknown>][] = [
  ["user-service", { userId: "test123" }],
  ["order-service", { orderData: { items: [ITEM] }, userId: "test123", idempotencyKey: "exec-1" }],
  [
    "payment-service",
    { action: "authorize", orderId: "ord-1", userId: "u1", creditScore: 700, amountCents: 100, idempotencyKey: "exec-1" },
  ],
  ["payment-service", { action: "refund", orderId: "ord-1", idempotencyKey: "exec-1" }],
  ["payment-service", { action: "status", orderId: "ord-1", idempotencyKey: "exec-1" }],
  [
    "inventory-service",
    { action: "reserve", orderId: "ord-1", items: [{ productId: "PROD001", quantity: 1 }], idempotencyKey: "exec-1" },
  ],
  ["inventory-service", { action: "release", orderId: "ord-1", idempotencyKey: "exec-1" }],
  ["inventory-service", { action: "status", orderId: "ord-1", idempotencyKey: "exec-1" }],
  ["inventory-service", { action: "seed", stock: [{ productId: "PROD009", available: 3 }] }],
  [
    "order-service",
    {
      action: "close",
      idempotencyKey: "exec-1",
      executionId: "arn:aws:states:us-east-1:123456789012:execution:wf:exec-1",
      failure: { error: "ServiceUnavailable", detail: { errorMessage: "x" } },
    },
  ],
  [
    "order-service",
    {
      action: "close",
      idempotencyKey: "exec-1",
      executionId: "arn:aws:states:us-east-1:123456789012:execution:wf:exec-1",
      order: { transactionId: "txn-1", reservations: [] },
    },
  ],
  ["order-service", { action: "resolve", orderId: "ord-1", refund: "REFUNDED", release: "RELEASED" }],
  ["notification-service", { action: "confirmation", recipient, order: summary, idempotencyKey: "exec-1" }],
  [
    "notification-service",
    {
      action: "failure",
      recipient,
      failure: { error: "InvalidInput", detail: { errorMessage: "x" }, orderId: null },
      idempotencyKey: "exec-1",
    },
  ],
];

/** Every path to a leaf or object of `value`, with a copy of `root` that lacks it. Arrays: their first entry. */
function withoutEachField(root: Record<string, unknown>): [string, unknown][] {
  const cases: [string, unknown][] = [];
  const walk = (value: Record<string, unknown>, path: string, remove: (key: string) => unknown) => {
    for (const key of Object.keys(value)) {
      const fieldPath = path === "" ? key : `${path}.${key}`;
      cases.push([fieldPath, remove(key)]);
      const child = value[key];
      const nested: unknown = Array.isArray(child) ? (child as unknown[])[0] : child;
      const nestedPath = Array.isArray(child) ? `${fieldPath}[0]` : fieldPath;
      if (typeof nested === "object" && nested !== null) {
        walk(nested as Record<string, unknown>, nestedPath, (inner) => {
          const copy = structuredClone(root);
          // Walk the same path in the copy and delete the key there.
          let target: Record<string, unknown> = copy;
          for (const part of nestedPath.split(".")) {
            const [name, index] = part.split(/\[|\]/);
            target = (index === undefined ? target[name] : (target[name] as unknown[])[Number(index)]) as Record<string, unknown>;
          }
          delete target[inner];
          return copy;
        });
      }
    }
  };
  walk(root, "", (key) => {
    const copy = structuredClone(root);
    delete copy[key];
    return copy;
  });
  return cases;
}

/**
 * Left out of the table: order-service's idempotencyKey is optional for create (without it
 * the order's content is its key); a close without a failure closes COMPLETED (and needs
 * the order); a close reads no orderId from the failure (it finds the order by its key);
 * `action` and the errors are refused with their choices (tested below).
 */
const NOT_REQUIRED = new Set([
  "order-service idempotencyKey",
  "order-service failure",
  "order-service failure.orderId",
  "* action",
  "* failure.error",
  "* refund",
  "* release",
]);

const CASES = VALID.flatMap(([service, event]) =>
  withoutEachField(event)
    .filter(([field]) => !NOT_REQUIRED.has(`${service} ${field}`) && !NOT_REQUIRED.has(`* ${field}`))
    .map(([field, without]) => [service, (event.action as string | undefined) ?? "request", field, without] as const),
);

describe("a missing field is named by its whole path", () => {
  test.each(CASES)("%s %s without %s: '<field> is required'", async (service, _action, field, event) => {
    const services = freshServices();
    expect(await refusal(services[service](event))).toEqual({ name: "InvalidInput", message: `${field} is required` });
  });

  test.each([
    ["payment-service", "authorize, refund, status"],
    ["inventory-service", "reserve, release, status, seed"],
    ["notification-service", "confirmation, failure"],
  ] as const)("%s without an action: the message lists the actions (%s)", async (service, actions) => {
    const services = freshServices();
    expect(await refusal(services[service]({ orderId: "ord-1", idempotencyKey: "exec-1" }))).toEqual({
      name: "InvalidInput",
      message: `action is required (one of: ${actions})`,
    });
  });

  test("a failure notice without an error: the message lists the errors an execution can end with", async () => {
    const { "notification-service": notify } = freshServices();
    const failure = { detail: { errorMessage: "x" }, orderId: null };
    expect(await refusal(notify({ action: "failure", recipient, failure, idempotencyKey: "exec-1" }))).toEqual({
      name: "InvalidInput",
      message:
        "failure.error is required (one of: InvalidInput, PaymentDeclined, ProductNotFound, InsufficientInventory, ServiceUnavailable, CompensationFailed)",
    });
  });

  test.each(["user-service", "order-service", "payment-service", "inventory-service", "notification-service"] as const)(
    "%s called with no event at all: 'input is required'",
    async (service) => {
      const services = freshServices();
      expect(await refusal(services[service](undefined))).toEqual({ name: "InvalidInput", message: "input is required" });
    },
  );

  test("order-service given userData without its userId names userData.userId", async () => {
    const { "order-service": createOrder } = freshServices();
    expect(await refusal(createOrder({ orderData: { items: [ITEM] }, userData: {} }))).toEqual({
      name: "InvalidInput",
      message: "userData.userId is required",
    });
  });
});
