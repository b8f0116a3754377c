/**
 * The deployed definition, run locally against the real handlers: the happy path, each
 * failure kind of DESIGN.md section 3 with its compensations, transient faults, and the
 * EventBridge path through the synthesized rule and target.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { applyInputPath, matchesPattern } from "../local/event-rule";
import { PROJECT_ROOT } from "../stacks/bundle";
import { Injection, LocalWorkflow, WorkflowResult } from "../local/runner";
import { synthesizeTrigger } from "../local/synthesized-trigger";
import { SAMPLE_ORDER } from "../stacks/order-workflow-stack";
import { TRANSIENT_ERRORS } from "../stacks/workflow-definition";

const workflow = new LocalWorkflow();

const order = (userId: string, items: object[]) => ({ userId, orderData: { items } });
const run = (input: unknown, inject: Injection[] = []) => workflow.run(input, { inject });
/** The calls made, as "service action", in the order they happened. */
const calls = (result: WorkflowResult) => result.invocations.map((call) => `${call.function} ${call.action}`);
const count = (result: WorkflowResult, call: string) => calls(result).filter((made) => made === call).length;

// Credit scores (600 + FNV-1a mod 251): test123 830, user-1 638, user-2 716.
const EXPENSIVE_ITEM = { productId: "PROD003", quantity: 20, price: 50 }; // 1000.00 + 80.00 tax = 1080.00

describe("happy path", () => {
  test("GIVEN the README's sample order WHEN run THEN COMPLETED with total 118.77 in 7 state transitions", async () => {
    const result = await run(SAMPLE_ORDER);
    expect(result.status).toBe("SUCCEEDED");
    expect(result.output).toEqual({
      status: "COMPLETED",
      orderId: expect.stringMatching(/^ord-/),
      userId: "test123",
      items: SAMPLE_ORDER.orderData.items,
      subtotal: 109.97,
      tax: 8.8,
      total: 118.77,
      transactionId: expect.stringMatching(/^txn-/),
      reservations: [
        { reservationId: expect.stringMatching(/^res-/), productId: "PROD001", quantity: 2 },
        { reservationId: expect.stringMatching(/^res-/), productId: "PROD002", quantity: 1 },
      ],
      notification: expect.objectContaining({ type: "ORDER_CONFIRMATION", delivered: true, recipient: "test123@example.com" }),
    });
    expect(result.transitions).toBe(7);
    expect(calls(result)).toEqual([
      "user-service get",
      "order-service create",
      "payment-service authorize",
      "inventory-service reserve",
      "notification-service confirmation",
    ]);
  });

  test("any valid userId gets its confirmation delivered, even one with several @", async () => {
    const result = await run({ userId: "a@b@c", orderData: SAMPLE_ORDER.orderData });
    expect(result.output).toMatchObject({
      status: "COMPLETED",
      notification: { delivered: true, recipient: "a_b_c@example.com" },
    });
  });

  test("the same execution name (a redriven or repeated execution) gives the same ids and acts once", async () => {
    const first = await workflow.run(SAMPLE_ORDER, { executionName: "exec-idempotent" });
    const again = await workflow.run(SAMPLE_ORDER, { executionName: "exec-idempotent" });
    expect(again.output).toEqual(first.output);
  });
});

describe("failure kinds: Error, Cause and compensations", () => {
  test("InvalidInput in the user: nothing to compensate, nobody to notify", async () => {
    const result = await run({ userId: "not valid!", orderData: SAMPLE_ORDER.orderData });
    expect(result).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      cause: "userId may contain only letters, digits and _ . @ -",
    });
    expect(calls(result)).toEqual(["user-service get"]);
  });

  test("InvalidInput in the order: the user is told, nothing else happened", async () => {
    const result = await run(order("test123", [{ productId: "PROD001", quantity: 1, price: 9.999 }]));
    expect(result).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      cause: "orderData.items[0].price must have at most 2 decimals, got 9.999",
    });
    expect(calls(result)).toEqual(["user-service get", "order-service create", "notification-service failure"]);
  });

  test("PaymentDeclined: the reservation is released and the user told", async () => {
    const result = await run(order("user-1", [EXPENSIVE_ITEM]));
    expect(result).toMatchObject({
      status: "FAILED",
      error: "PaymentDeclined",
      cause: expect.stringMatching(
        /declined: total 1080\.00 is above 1000\.00 and requires a credit score of at least 650 \(score 638\)$/,
      ),
    });
    expect(calls(result)).toEqual([
      "user-service get",
      "order-service create",
      "payment-service authorize",
      "inventory-service reserve",
      "inventory-service release",
      "notification-service failure",
    ]);
  });

  test("PaymentDeclined above 5000 for a score under 750", async () => {
    const result = await run(order("user-2", [{ productId: "PROD003", quantity: 100, price: 50.01 }]));
    expect(result.error).toBe("PaymentDeclined");
    expect(result.cause).toContain("requires a credit score of at least 750 (score 716)");
  });

  test("ProductNotFound: the payment is refunded and the user told", async () => {
    const result = await run(order("test123", [{ productId: "PROD999", quantity: 1, price: 5 }]));
    expect(result).toMatchObject({
      status: "FAILED",
      error: "ProductNotFound",
      cause: "Product PROD999 is not in the catalogue",
    });
    expect(calls(result)).toEqual([
      "user-service get",
      "order-service create",
      "payment-service authorize",
      "inventory-service reserve",
      "payment-service refund",
      "notification-service failure",
    ]);
  });

  test("InsufficientInventory: the Cause names product, requested and available; the payment is refunded", async () => {
    const result = await run(order("test123", [{ productId: "PROD004", quantity: 11, price: 5 }]));
    expect(result).toMatchObject({
      status: "FAILED",
      error: "InsufficientInventory",
      cause: "Insufficient inventory for product PROD004: requested 11, available 10",
    });
    expect(count(result, "payment-service refund")).toBe(1);
    expect(count(result, "inventory-service release")).toBe(0);
  });

  test("payment declined AND product missing: nothing to compensate, both reasons in the Cause", async () => {
    const result = await run(order("user-1", [EXPENSIVE_ITEM, { productId: "PROD999", quantity: 1, price: 1 }]));
    expect(result.error).toBe("PaymentDeclined");
    expect(result.cause).toMatch(/declined: .* Also: Product PROD999 is not in the catalogue$/);
    expect(calls(result).slice(4)).toEqual(["notification-service failure"]);
  });

  test("ServiceUnavailable after retries: 4 attempts, then compensation, notification and the contract's error", async () => {
    const result = await run(SAMPLE_ORDER, [{ service: "payment-service", error: "ServiceUnavailable" }]);
    expect(result).toMatchObject({
      status: "FAILED",
      error: "ServiceUnavailable",
      cause: "payment-service did not answer after retries (last error: ServiceUnavailable)",
    });
    expect(count(result, "payment-service authorize")).toBe(4);
    expect(count(result, "inventory-service release")).toBe(1);
    expect(count(result, "notification-service failure")).toBe(1);
  });

  test("Lambda.ServiceException exhausted in user-service ends as ServiceUnavailable, with no one to notify", async () => {
    const result = await run(SAMPLE_ORDER, [{ service: "user-service", error: "Lambda.ServiceException" }]);
    expect(result).toMatchObject({ status: "FAILED", error: "ServiceUnavailable" });
    expect(result.cause).toContain("user-service did not answer after retries (last error: Lambda.ServiceException)");
    expect(calls(result)).toEqual(Array(4).fill("user-service get"));
  });

  test("order-service unavailable: the user is told", async () => {
    const result = await run(SAMPLE_ORDER, [{ service: "order-service", error: "States.Timeout" }]);
    expect(result.error).toBe("ServiceUnavailable");
    expect(count(result, "order-service create")).toBe(4);
    expect(calls(result).at(-1)).toBe("notification-service failure");
  });

  test("a handler that crashes (a bug, not a contract error) is not retried and ends as ServiceUnavailable", async () => {
    const result = await workflow.run(SAMPLE_ORDER, {
      handlers: {
        "inventory-service": async () => {
          throw new TypeError("Cannot read properties of undefined");
        },
      },
    });
    expect(result).toMatchObject({ status: "FAILED", error: "ServiceUnavailable" });
    expect(result.cause).toContain("inventory-service did not answer after retries (last error: TypeError)");
    expect(count(result, "inventory-service reserve")).toBe(1);
    expect(count(result, "payment-service refund")).toBe(1);
  });

  test("a payment that never went through is not refunded, and both failures are explained", async () => {
    const result = await run(order("test123", [{ productId: "PROD999", quantity: 1, price: 5 }]), [
      { service: "payment-service", error: "Lambda.ServiceException", times: 100 },
    ]);
    // The authorization never succeeded, so there is nothing to refund.
    expect(count(result, "payment-service refund")).toBe(0);
    expect(result.error).toBe("ServiceUnavailable");
    expect(result.cause).toContain("Also: Product PROD999 is not in the catalogue");
  });

  test("a refund that keeps failing is attempted 7 times and does not hide the root cause", async () => {
    const failingRefund = async (event: unknown) => {
      if ((event as { action: string }).action === "refund")
        throw Object.assign(new Error("bank down"), { name: "ServiceUnavailable" });
      const { handler } = await import("../functions/payment-service");
      return handler(event);
    };
    const result = await workflow.run(order("test123", [{ productId: "PROD999", quantity: 1, price: 5 }]), {
      handlers: { "payment-service": failingRefund },
    });
    expect(count(result, "payment-service refund")).toBe(7);
    expect(result).toMatchObject({ status: "FAILED", error: "ProductNotFound" });
    expect(calls(result).at(-1)).toBe("notification-service failure");
  });

  test("the failure notice failing does not change the order's outcome", async () => {
    const result = await run(order("test123", [{ productId: "PROD999", quantity: 1, price: 5 }]), [
      { service: "notification-service", error: "ServiceUnavailable" },
    ]);
    expect(result).toMatchObject({ status: "FAILED", error: "ProductNotFound" });
    expect(count(result, "notification-service failure")).toBe(4);
  });
});

describe("transient faults", () => {
  test.each(TRANSIENT_ERRORS)(
    "%s twice, then success: the order completes with the same ids as without faults",
    async (error) => {
      const faulty = await workflow.run(SAMPLE_ORDER, {
        executionName: `exec-transient-${error}`,
        inject: [{ service: "payment-service", error, times: 2 }],
      });
      expect(faulty.status).toBe("SUCCEEDED");
      expect(count(faulty, "payment-service authorize")).toBe(3);
      expect((faulty.output as { total: number }).total).toBe(118.77);
    },
  );

  test("business errors are never retried", async () => {
    const result = await run(SAMPLE_ORDER, [{ service: "payment-service", error: "PaymentDeclined", times: 1 }]);
    expect(result.error).toBe("PaymentDeclined");
    expect(count(result, "payment-service authorize")).toBe(1);
  });

  test("a confirmation that cannot be sent leaves a paid, reserved order COMPLETED, marked not delivered", async () => {
    const result = await run(SAMPLE_ORDER, [{ service: "notification-service", error: "Lambda.TooManyRequestsException" }]);
    expect(result.status).toBe("SUCCEEDED");
    expect(result.output).toMatchObject({
      status: "COMPLETED",
      total: 118.77,
      notification: { type: "ORDER_CONFIRMATION", delivered: false, error: "Lambda.TooManyRequestsException" },
    });
    expect(count(result, "payment-service refund")).toBe(0);
  });
});

describe("EventBridge path, through the synthesized rule and target", () => {
  const trigger = synthesizeTrigger();
  const event = (detailType: string, detail: unknown) => ({
    version: "0",
    id: "0d1a3c5e-0000-4000-8000-000000000000",
    source: "microservices.orders",
    "detail-type": detailType,
    account: "123456789012",
    time: "2026-11-27T10:00:00Z",
    region: "us-east-1",
    resources: [],
    detail,
  });

  test("an Order Submitted event starts the workflow with its detail", async () => {
    const submitted = event("Order Submitted", order("test123", [{ productId: "PROD001", quantity: 1, price: 99.99 }]));
    expect(matchesPattern(trigger.eventPattern, submitted)).toBe(true);
    const result = await run(applyInputPath(trigger.inputPath, submitted));
    expect(result.status).toBe("SUCCEEDED");
    expect((result.output as { total: number }).total).toBe(107.99); // 99.99 + 8.00 (7.9992 rounded)
  });

  test("other events do not match", () => {
    expect(matchesPattern(trigger.eventPattern, event("Order Cancelled", {}))).toBe(false);
    expect(matchesPattern(trigger.eventPattern, { ...event("Order Submitted", {}), source: "someone.else" })).toBe(false);
    expect(matchesPattern(trigger.eventPattern, "not an event")).toBe(false);
  });
});

describe("payload size: the input limits keep every state far below Step Functions' 256 KB", () => {
  const STEP_FUNCTIONS_LIMIT = 256 * 1024;
  const longest = (prefix: string, index: number) => `${prefix}${String(index).padStart(3, "0")}`.padEnd(64, "X");
  const largestOrder = (productId: (index: number) => string) =>
    order(
      "u".repeat(64),
      Array.from({ length: 100 }, (_, index) => ({ productId: productId(index), quantity: 10000, price: 999999.99 })),
    );

  test("the largest valid order, failing late (after payment and reservation), stays under a quarter of the limit", async () => {
    // 100 distinct 64-character products: every service sees the biggest payload it can get.
    const result = await workflow.run(
      largestOrder((index) => longest("P", index)),
      { measurePayloads: true },
    );
    expect(result.error).toBe("PaymentDeclined");
    expect(calls(result)).toContain("inventory-service reserve");
    expect(result.largestStateBytes).toBeGreaterThan(10000);
    expect(result.largestStateBytes).toBeLessThan(STEP_FUNCTIONS_LIMIT / 4);
  });

  test("an order past any limit is refused at the first service that reads the field, before it grows the state", async () => {
    const tooLong = await workflow.run(
      largestOrder((index) => longest("P", index).padEnd(3000, "X")),
      { measurePayloads: true },
    );
    expect(tooLong).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      cause: "orderData.items[0].productId must be at most 64 characters, got 3000",
    });
    const tooMany = await workflow.run(order("test123", Array(101).fill({ productId: "PROD001", quantity: 1, price: 1 })));
    expect(tooMany).toMatchObject({ error: "InvalidInput", cause: "orderData.items must have at most 100 entries, got 101" });
  });
});

describe("examples/failures/", () => {
  test.each([
    ["invalid-input.json", "InvalidInput", ["notification-service failure"]],
    ["payment-declined.json", "PaymentDeclined", ["inventory-service release", "notification-service failure"]],
    ["product-not-found.json", "ProductNotFound", ["payment-service refund", "notification-service failure"]],
    ["insufficient-inventory.json", "InsufficientInventory", ["payment-service refund", "notification-service failure"]],
  ])("%s ends FAILED with %s after %j", async (file, error, lastCalls) => {
    const input = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", "failures", file), "utf8"));
    const result = await run(input);
    expect([result.status, result.error]).toEqual(["FAILED", error]);
    expect(calls(result).slice(-lastCalls.length)).toEqual(lastCalls);
  });
});
