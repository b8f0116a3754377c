/**
 * Whatever JSON arrives as the execution input, the workflow ends SUCCEEDED with a
 * COMPLETED order or FAILED with one of the contract's error names: never a
 * States.Runtime error, never an unexplained crash.
 */
import fc from "fast-check";
import { CONTRACT_ERROR_NAMES } from "../functions/shared/errors";
import { HANDLERS } from "../local/handlers";
import { LocalWorkflow, WorkflowResult } from "../local/runner";

const workflow = new LocalWorkflow();

function expectExplained(result: WorkflowResult): void {
  if (result.status === "SUCCEEDED") {
    expect(result.output).toMatchObject({ status: "COMPLETED", total: expect.any(Number) });
  } else {
    expect(CONTRACT_ERROR_NAMES).toContain(result.error);
    expect(typeof result.cause).toBe("string");
    expect(result.cause!.length).toBeGreaterThan(0);
  }
}

/** Values near the contract's edges, so that random orders reach every service. */
const productId = fc.oneof(fc.constantFrom("PROD001", "PROD002", "PROD003", "PROD004", "PROD005", "PROD999", ""), fc.string());
const quantity = fc.oneof(fc.integer({ min: -2, max: 60 }), fc.constantFrom(10000, 10001, 1.5, -0), fc.double(), fc.string());
const price = fc.oneof(
  fc.integer({ min: 1, max: 100000 }).map((cents) => cents / 100),
  fc.constantFrom(0, -1, 1000000, 1000000.01, 9.999, Number.MAX_VALUE),
  fc.double(),
  fc.string(),
);
const item = fc.oneof(
  fc.record({ productId, quantity, price }),
  fc.record({ productId, quantity, price }, { requiredKeys: [] }),
  fc.jsonValue(),
);
const userId = fc.oneof(fc.constantFrom("test123", "user-1", "user-2", "a@b.c", ""), fc.string(), fc.jsonValue());
const orderRequest = fc.oneof(
  fc.record({ userId, orderData: fc.record({ items: fc.array(item, { maxLength: 6 }) }) }),
  fc.record({ userId, orderData: fc.oneof(fc.jsonValue(), fc.record({ items: fc.jsonValue() })) }, { requiredKeys: [] }),
  fc.dictionary(fc.string(), fc.jsonValue()),
  fc.jsonValue(),
);

describe("any input ends in an explained state", () => {
  test("random JSON values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (input) => expectExplained(await workflow.run(input))),
      { numRuns: 300 },
    );
  });

  test("random order requests near the contract's limits, with random transient faults", async () => {
    const fault = fc.option(
      fc.record({
        service: fc.constantFrom(
          "user-service",
          "order-service",
          "payment-service",
          "inventory-service",
          "notification-service" as const,
        ),
        error: fc.constantFrom("ServiceUnavailable", "Lambda.ServiceException", "States.Timeout"),
        times: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
      }),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(orderRequest, fault, async (input, injected) => {
        expectExplained(await workflow.run(input, { inject: injected ? [injected] : [] }));
      }),
      { numRuns: 400 },
    );
  });

  test("compensation is exact: nothing undone on success, at most one refund or one release, and one notice per failure", async () => {
    await fc.assert(
      fc.asyncProperty(orderRequest, async (input) => {
        const result = await workflow.run(input);
        const count = (action: string) => result.invocations.filter((call) => call.action === action).length;
        if (result.status === "SUCCEEDED") {
          expect([count("refund"), count("release"), count("failure"), count("confirmation")]).toEqual([0, 0, 0, 1]);
        } else {
          // A refund only for an authorized payment, a release only for a made reservation: never both.
          expect(count("refund") + count("release")).toBeLessThanOrEqual(1);
          expect(count("refund")).toBeLessThanOrEqual(count("authorize"));
          expect(count("release")).toBeLessThanOrEqual(count("reserve"));
          // The customer hears once, when there is a customer (user-service answered).
          expect(count("failure")).toBe(result.invocations.length > 1 ? 1 : 0);
        }
      }),
      { numRuns: 400 },
    );
  });

  test("valid orders from any valid userId either complete with the contract's total or fail with a business reason", async () => {
    const validItem = fc.record({
      productId: fc.constantFrom("PROD001", "PROD002", "PROD003", "PROD004"),
      quantity: fc.integer({ min: 1, max: 5 }),
      price: fc.integer({ min: 1, max: 50000 }).map((cents) => cents / 100),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.constantFrom("test123", "user-1", "user-2"), fc.stringMatching(/^[A-Za-z0-9_.@-]{1,64}$/)),
        fc.array(validItem, { minLength: 1, maxLength: 5 }),
        async (user, items) => {
          const result = await workflow.run({ userId: user, orderData: { items } });
          const subtotal = items.reduce((sum, line) => sum + Math.round(line.price * 100) * line.quantity, 0);
          const total = (subtotal + Math.floor((subtotal * 8 + 50) / 100)) / 100;
          // A valid order completes, with its confirmation delivered, unless the business rules refuse it.
          if (result.status === "SUCCEEDED") expect(result.output).toMatchObject({ total, notification: { delivered: true } });
          else expect(["PaymentDeclined", "InsufficientInventory"]).toContain(result.error);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe("any event reaching a handler", () => {
  test.each(Object.entries(HANDLERS))(
    "%s answers or refuses with a named contract error, never a TypeError",
    async (_service, handler) => {
      const action = fc.constantFrom("get", "create", "authorize", "refund", "reserve", "release", "confirmation", "failure");
      const event = fc.oneof(
        fc.jsonValue(),
        fc.dictionary(
          fc.constantFrom(
            "action",
            "userId",
            "orderId",
            "items",
            "reservations",
            "recipient",
            "order",
            "idempotencyKey",
            "amountCents",
            "creditScore",
            "transactionId",
            "orderData",
            "userData",
            "error",
            "reason",
          ),
          fc.jsonValue(),
        ),
        fc.record({ action, idempotencyKey: fc.string() }, { requiredKeys: [] }),
      );
      await fc.assert(
        fc.asyncProperty(event, async (input) => {
          try {
            await handler(input);
          } catch (error) {
            expect(CONTRACT_ERROR_NAMES).toContain((error as Error).name);
            expect((error as Error).message.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 300 },
      );
    },
  );
});
