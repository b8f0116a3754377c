/**
 * Whatever JSON arrives as the execution input, and whatever transient faults and lost
 * answers meet it, the workflow ends SUCCEEDED with a COMPLETED order or FAILED with one
 * of the contract's error names (never States.Runtime or States.DataLimitExceeded), and
 * the durable state agrees: a completed order holds its stock and payment, a failed one
 * holds nothing, unless the execution says CompensationFailed.
 */
import { expect } from "@jest/globals";
import fc from "fast-check";
import { AVAILABLE, CATALOGUE } from "../../functions/shared/catalogue";
import { PAYMENT_LEDGER } from "../../functions/payment-service";
import { CONTRACT_ERROR_NAMES, SERVICE_ERROR_NAMES } from "../../functions/shared/errors";
import { readLedger } from "../../functions/shared/ledger";
import { seededMemoryStore } from "../../functions/shared/default-store";
import { MemoryStore } from "../../functions/shared/memory-store";
import { handlersFor } from "../../local/handlers";
import { Injection, LocalWorkflow, WorkflowResult } from "../../local/runner";
import { SERVICE_ACTIONS } from "../../local/workflow-cli";
import { SERVICES } from "../../stacks/services";
import { TRANSIENT_ERRORS } from "../../stacks/workflow-definition";

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

/** Up to three faults, before or after the handler acts (a lost answer), on any service or one of its actions. */
const faults = fc.array(
  fc
    .record({
      service: fc.constantFrom(...SERVICES),
      error: fc.constantFrom(...TRANSIENT_ERRORS),
      times: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
      after: fc.boolean(),
      narrow: fc.boolean(),
      pick: fc.nat(),
    })
    .map(({ service, narrow, pick, after, ...rest }): Injection => {
      const actions = SERVICE_ACTIONS[service];
      return { service, ...rest, ...(narrow ? { action: actions[pick % actions.length] } : {}), ...(after ? { after } : {}) };
    }),
  { maxLength: 3 },
);

const validOrder = fc.record({
  userId: fc.constantFrom("test123", "user-1", "user-2"),
  orderData: fc.record({
    items: fc.array(
      fc.record({
        productId: fc.constantFrom("PROD001", "PROD002", "PROD003", "PROD004", "PROD005", "PROD999"),
        quantity: fc.integer({ min: 1, max: 12 }),
        price: fc.integer({ min: 1, max: 100000 }).map((cents) => cents / 100),
      }),
      { minLength: 1, maxLength: 4 },
    ),
  }),
});

function quantitiesOf(input: { orderData: { items: { productId: string; quantity: number }[] } }): Record<string, number> {
  const taken: Record<string, number> = {};
  for (const { productId, quantity } of input.orderData.items) taken[productId] = (taken[productId] ?? 0) + quantity;
  return taken;
}

/** What the store holds for an execution: the stock taken from the catalogue, and whether a payment is authorized and not refunded. */
async function holdings(store: MemoryStore, key: string) {
  const taken: Record<string, number> = {};
  for (const [productId, seeded] of CATALOGUE) {
    const now = (await store.get("stock", productId))![AVAILABLE] as number;
    if (now !== seeded) taken[productId] = seeded - now;
  }
  const payment = await readLedger(store, PAYMENT_LEDGER, key);
  return { taken, paid: payment?.state === "DONE" };
}

describe("any input ends in an explained state", () => {
  test("random JSON values", async () => {
    await fc.assert(
      fc.asyncProperty(fc.jsonValue(), async (input) => expectExplained(await workflow.run(input))),
      { numRuns: 300 },
    );
  });

  test("random order requests near the contract's limits, with random transient faults", async () => {
    await fc.assert(
      fc.asyncProperty(orderRequest, faults, async (input, inject) => {
        expectExplained(await workflow.run(input, { inject, store: seededMemoryStore() }));
      }),
      { numRuns: 400 },
    );
  });

  test("nothing is lost: a completed order holds its stock and payment, a failed one holds nothing, or says CompensationFailed", async () => {
    await fc.assert(
      fc.asyncProperty(validOrder, faults, async (input, inject) => {
        const store = seededMemoryStore();
        const executionName = "exec-property";
        const result = await workflow.run(input, { inject, store, executionName });
        expectExplained(result);
        const held = await holdings(store, executionName);
        const count = (action: string) => result.invocations.filter((call) => call.action === action).length;
        if (result.status === "SUCCEEDED") {
          expect(held).toEqual({ taken: quantitiesOf(input), paid: true });
          expect([count("refund"), count("release"), count("failure")]).toEqual([0, 0, 0]);
        } else if (result.error !== "CompensationFailed") {
          expect(held).toEqual({ taken: {}, paid: false });
        } else {
          // Held, but said so: the Cause names what is held and the root cause.
          expect(result.cause).toMatch(/^Order ord-[0-9a-f]{20} is not fully compensated: .* Root cause: \w+: /);
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
          const result = await workflow.run({ userId: user, orderData: { items } }, { store: seededMemoryStore() });
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
  test.each(Object.entries(handlersFor(seededMemoryStore())))(
    "%s answers or refuses with a named contract error, never a TypeError",
    async (_service, handler) => {
      const action = fc.constantFrom(
        "get",
        "create",
        "close",
        "resolve",
        "authorize",
        "refund",
        "status",
        "reserve",
        "release",
        "seed",
        "confirmation",
        "failure",
      );
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
            "failure",
            "stock",
            "request",
            "executionId",
            "refund",
            "release",
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
            expect(SERVICE_ERROR_NAMES).toContain((error as Error).name);
            expect((error as Error).message.length).toBeGreaterThan(0);
          }
        }),
        { numRuns: 300 },
      );
    },
  );
});
