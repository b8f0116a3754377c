/**
 * The deployed definition, run locally against the real handlers and an in-process store
 * with DynamoDB's behaviour: the happy path, each failure kind with its compensations,
 * the faults a real deployment meets (lost answers, crashes, failed compensations,
 * redelivered events, concurrent orders, oversized inputs), and the EventBridge path
 * through the synthesized rule and target. The rules are in docs/errors-and-outcomes.md.
 */
import { expect } from "@jest/globals";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { AVAILABLE } from "../../functions/shared/catalogue";
import { seededMemoryStore } from "../../functions/shared/default-store";
import { deriveId } from "../../functions/shared/idempotency";
import { MemoryStore } from "../../functions/shared/memory-store";
import { executionInputFor } from "../../local/event-rule";
import { handlersFor } from "../../local/handlers";
import { withMaxOrderTotal } from "../helpers/services";
import { Injection, LocalWorkflow, RunOptions, STATE_DATA_LIMIT_BYTES, WorkflowResult } from "../../local/runner";
import { synthesizeTrigger } from "../../local/synthesized-trigger";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { SAMPLE_ORDER } from "../../stacks/order-workflow-stack";
import { TRANSIENT_ERRORS } from "../../stacks/workflow-definition";
import type { JsonObject } from "../helpers/synth";

// Built before the tests rather than at load: a definition the interpreter refuses then fails
// the tests (a killed mutant for `npm run mutation`) instead of the file's loading.
let workflow: LocalWorkflow;
beforeAll(() => {
  workflow = new LocalWorkflow();
});

const order = (userId: string, items: object[]) => ({ userId, orderData: { items } });
/** Each run on its own fresh store unless one is given: tests do not share stock or orders. */
const run = (input: unknown, inject: Injection[] = [], options: RunOptions = {}) =>
  workflow.run(input, { inject, store: seededMemoryStore(), ...options });
/** The calls made, as "service action", in the order they happened. */
const calls = (result: WorkflowResult) => result.invocations.map((call) => `${call.function} ${call.action}`);
const count = (result: WorkflowResult, call: string) => calls(result).filter((made) => made === call).length;
const stockOf = async (store: MemoryStore, productId: string) => (await store.get("stock", productId))?.[AVAILABLE];
const recordOf = async (store: MemoryStore, executionName: string) =>
  store.get("orders", deriveId("ord", `execution:${executionName}`));

// Credit scores (600 + FNV-1a mod 251): test123 830, user-1 638, user-2 716.
const EXPENSIVE_ITEM = { productId: "PROD003", quantity: 20, price: 50 }; // 1000.00 + 80.00 tax = 1080.00
const ONE_UNIT = order("test123", [{ productId: "PROD001", quantity: 1, price: 5 }]); // 5.00 + 0.40 tax

describe("happy path", () => {
  test("GIVEN the README's sample order WHEN run THEN COMPLETED with total 118.77 in 7 state transitions", async () => {
    const store = seededMemoryStore();
    const result = await workflow.run(SAMPLE_ORDER, { store, executionName: "exec-happy" });
    expect(result.status).toBe("SUCCEEDED");
    expect(result.output).toEqual({
      status: "COMPLETED",
      orderId: deriveId("ord", "execution:exec-happy"),
      userId: "test123",
      items: SAMPLE_ORDER.orderData.items,
      subtotal: 109.97,
      tax: 8.8,
      total: 118.77,
      transactionId: deriveId("txn", "exec-happy"),
      reservations: [
        { reservationId: deriveId("res", "exec-happy", "PROD001"), productId: "PROD001", quantity: 2 },
        { reservationId: deriveId("res", "exec-happy", "PROD002"), productId: "PROD002", quantity: 1 },
      ],
      notification: expect.objectContaining({ type: "ORDER_CONFIRMATION", delivered: true, recipient: "test123@example.com" }),
    });
    expect(result.states).toEqual([
      "GetUser",
      "CreateOrder",
      "ProcessPaymentAndInventory",
      "AuthorizePayment",
      "ReserveInventory",
      "CheckFulfilment",
      "SendConfirmation",
    ]);
    expect(result.transitions).toBe(7);
    expect(calls(result)).toEqual([
      "user-service get",
      "order-service create",
      "payment-service authorize",
      "inventory-service reserve",
      "notification-service confirmation",
    ]);
    // The durable state: stock taken, the order recorded as COMPLETED with its transaction and reservations.
    expect([await stockOf(store, "PROD001"), await stockOf(store, "PROD002")]).toEqual([48, 24]);
    expect(await recordOf(store, "exec-happy")).toMatchObject({
      status: "COMPLETED",
      total: 118.77,
      transactionId: deriveId("txn", "exec-happy"),
      reservations: [
        { reservationId: deriveId("res", "exec-happy", "PROD001"), productId: "PROD001", quantity: 2 },
        { reservationId: deriveId("res", "exec-happy", "PROD002"), productId: "PROD002", quantity: 1 },
      ],
      notificationId: (result.output as { notification: { notificationId: string } }).notification.notificationId,
      closedBy: "notification-service",
      executionId: expect.stringMatching(/:execution:microservices-stepfn-workflow:exec-happy$/),
    });
  });

  test("any valid userId gets its confirmation delivered, even one with several @", async () => {
    const result = await run({ userId: "a@b@c", orderData: SAMPLE_ORDER.orderData });
    expect(result.output).toMatchObject({
      status: "COMPLETED",
      notification: { delivered: true, recipient: "a_b_c@example.com" },
    });
  });

  test("a second run of an execution that completed (a repeated execution) ends COMPLETED again, with the same order, acting on nothing", async () => {
    const store = seededMemoryStore();
    const first = await workflow.run(SAMPLE_ORDER, { store, executionName: "exec-idempotent" });
    const again = await workflow.run(SAMPLE_ORDER, { store, executionName: "exec-idempotent" });
    const { notification, ...summary } = first.output as { notification: { notificationId: string } };
    expect(again.output).toEqual({
      ...summary,
      notification: { type: "ORDER_CONFIRMATION", notificationId: notification.notificationId, delivered: true },
      rerun: true,
    });
    expect(calls(again)).toEqual(["user-service get", "order-service create"]);
    expect(again.states).toEqual([
      "GetUser",
      "CreateOrder",
      "ReadClosedOrder",
      "ReadClosedOutcome",
      "EndedBefore",
      "CompletedBefore",
    ]);
    expect(await stockOf(store, "PROD001")).toBe(48);
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
    expect(result.states).toEqual(["GetUser", "GetUserRejected", "OrderFailed"]);
  });

  test("InvalidInput in the order: the user is told, nothing else happened", async () => {
    const result = await run(order("test123", [{ productId: "PROD001", quantity: 1, price: 9.999 }]));
    expect(result).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      cause: "orderData.items[0].price must have at most 2 decimals, got 9.999",
    });
    expect(result.states).toEqual(["GetUser", "CreateOrder", "CreateOrderRejected", "NotifyFailure", "OrderFailed"]);
  });

  test("PaymentDeclined: the reservation is released, the refund finds nothing, the user is told, the record says FAILED", async () => {
    const store = seededMemoryStore();
    const result = await workflow.run(order("user-1", [EXPENSIVE_ITEM]), { store, executionName: "exec-declined" });
    expect(result).toMatchObject({
      status: "FAILED",
      error: "PaymentDeclined",
      cause: expect.stringMatching(
        /declined: total 1080\.00 is above 1000\.00 and requires a credit score of at least 650 \(score 638\)$/,
      ),
      compensation: { refund: "NOTHING_TO_REFUND", release: "RELEASED" },
    });
    expect(calls(result)).toEqual([
      "user-service get",
      "order-service create",
      "payment-service authorize",
      "inventory-service reserve",
      "payment-service refund",
      "inventory-service release",
      "notification-service failure",
    ]);
    expect(await stockOf(store, "PROD003")).toBe(100);
    expect(await recordOf(store, "exec-declined")).toMatchObject({ status: "FAILED", error: "PaymentDeclined" });
  });

  test("PaymentDeclined above 5000 for a score under 750", async () => {
    const result = await run(order("user-2", [{ productId: "PROD003", quantity: 100, price: 50.01 }]));
    expect(result.error).toBe("PaymentDeclined");
    expect(result.cause).toContain("requires a credit score of at least 750 (score 716)");
  });

  test("ProductNotFound: the payment is refunded, the release finds nothing, the user is told", async () => {
    const result = await run(order("test123", [{ productId: "PROD999", quantity: 1, price: 5 }]));
    expect(result).toMatchObject({
      status: "FAILED",
      error: "ProductNotFound",
      cause: "Product PROD999 is not in the catalogue",
      compensation: { refund: "REFUNDED", release: "NOTHING_TO_RELEASE" },
    });
    expect(result.states).toEqual([
      "GetUser",
      "CreateOrder",
      "ProcessPaymentAndInventory",
      "AuthorizePayment",
      "ReserveInventory",
      "ReserveInventoryRejected",
      "CheckFulfilment",
      "RecordInventoryFailure",
      "Compensate",
      "RefundPayment",
      "ReleaseInventory",
      "CheckCompensation",
      "NotifyFailure",
      "OrderFailed",
    ]);
  });

  test("InsufficientInventory: the Cause names product, requested and available; the payment is refunded", async () => {
    const result = await run(order("test123", [{ productId: "PROD004", quantity: 11, price: 5 }]));
    expect(result).toMatchObject({
      status: "FAILED",
      error: "InsufficientInventory",
      cause: "Insufficient inventory for product PROD004: requested 11, available 10",
      compensation: { refund: "REFUNDED", release: "NOTHING_TO_RELEASE" },
    });
  });

  test("payment declined AND product missing: both reasons in the Cause, nothing was held", async () => {
    const result = await run(order("user-1", [EXPENSIVE_ITEM, { productId: "PROD999", quantity: 1, price: 1 }]));
    expect(result.error).toBe("PaymentDeclined");
    expect(result.cause).toMatch(/declined: .* Also: Product PROD999 is not in the catalogue$/);
    expect(result.compensation).toEqual({ refund: "NOTHING_TO_REFUND", release: "NOTHING_TO_RELEASE" });
  });
});

describe("a call whose answer was lost is compensated: it counts as done", () => {
  test("authorize acted, then Lambda.Unknown on every attempt: the payment is refunded, the stock released", async () => {
    const store = seededMemoryStore();
    const result = await workflow.run(ONE_UNIT, {
      store,
      executionName: "exec-lost-authorize",
      inject: [{ service: "payment-service", action: "authorize", error: "Lambda.Unknown", after: true }],
    });
    expect(result).toMatchObject({
      status: "FAILED",
      error: "ServiceUnavailable",
      cause: "payment-service did not answer after retries (last error: Lambda.Unknown)",
      compensation: { refund: "REFUNDED", release: "RELEASED" },
    });
    expect(count(result, "payment-service authorize")).toBe(4);
    expect(await stockOf(store, "PROD001")).toBe(50);
    const payment = await store.get("idempotency", "payment-service:authorize:exec-lost-authorize");
    expect(payment).toMatchObject({ status: "REFUNDED" });
    expect(JSON.parse(payment!.undoResult as string)).toMatchObject({ status: "REFUNDED", amountCents: 540 });
  });

  test("reserve acted, then States.Timeout on every attempt: the stock is put back and the payment refunded", async () => {
    const store = seededMemoryStore();
    const result = await workflow.run(ONE_UNIT, {
      store,
      inject: [{ service: "inventory-service", action: "reserve", error: "States.Timeout", after: true }],
    });
    expect(result).toMatchObject({ error: "ServiceUnavailable", compensation: { refund: "REFUNDED", release: "RELEASED" } });
    expect(await stockOf(store, "PROD001")).toBe(50);
  });

  test("an answer lost once is retried and replayed: the order completes, the stock is taken once", async () => {
    const store = seededMemoryStore();
    const result = await workflow.run(ONE_UNIT, {
      store,
      inject: [{ service: "inventory-service", action: "reserve", error: "Lambda.Unknown", times: 1, after: true }],
    });
    expect(result.status).toBe("SUCCEEDED");
    expect(count(result, "inventory-service reserve")).toBe(2);
    expect(await stockOf(store, "PROD001")).toBe(49);
  });
});

describe("crashes, function timeouts and sandbox timeouts are retried like the other transient faults", () => {
  test.each(TRANSIENT_ERRORS)(
    "%s twice, then success: the order completes with the same ids as without faults",
    async (error) => {
      const faulty = await run(SAMPLE_ORDER, [{ service: "payment-service", error, times: 2 }], { executionName: "exec-t" });
      const clean = await run(SAMPLE_ORDER, [], { executionName: "exec-t" });
      expect(faulty.status).toBe("SUCCEEDED");
      expect(count(faulty, "payment-service authorize")).toBe(3);
      expect(faulty.output).toEqual(clean.output);
    },
  );

  test("the crash names of Lambda (Lambda.Unknown, Sandbox.Timedout, Runtime.ExitError) are among the retried errors", () => {
    expect(TRANSIENT_ERRORS).toEqual(expect.arrayContaining(["Lambda.Unknown", "Sandbox.Timedout", "Runtime.ExitError"]));
  });

  test("ServiceUnavailable after retries: 4 attempts, then both undos, the notice and the contract's error", async () => {
    const result = await run(SAMPLE_ORDER, [{ service: "payment-service", action: "authorize", error: "ServiceUnavailable" }]);
    expect(result).toMatchObject({
      status: "FAILED",
      error: "ServiceUnavailable",
      cause: "payment-service did not answer after retries (last error: ServiceUnavailable)",
      compensation: { refund: "NOTHING_TO_REFUND", release: "RELEASED" },
    });
    expect(count(result, "payment-service authorize")).toBe(4);
    expect(count(result, "notification-service failure")).toBe(1);
  });

  test("Lambda.ServiceException exhausted in user-service ends as ServiceUnavailable, with no one to notify", async () => {
    const result = await run(SAMPLE_ORDER, [{ service: "user-service", error: "Lambda.ServiceException" }]);
    expect(result).toMatchObject({ status: "FAILED", error: "ServiceUnavailable" });
    expect(result.cause).toContain("user-service did not answer after retries (last error: Lambda.ServiceException)");
    // Recorded under the request's key, so that a second run of the execution ends the same way.
    expect(calls(result)).toEqual([...Array<string>(4).fill("user-service get"), "order-service close"]);
  });

  test("order-service unavailable: the user is told", async () => {
    const result = await run(SAMPLE_ORDER, [{ service: "order-service", error: "States.Timeout" }]);
    expect(result.error).toBe("ServiceUnavailable");
    expect(count(result, "order-service create")).toBe(4);
    expect(calls(result).at(-1)).toBe("notification-service failure");
  });

  test("a handler bug (a TypeError, not a contract error) is not retried; what it may have done is undone", async () => {
    const store = seededMemoryStore();
    const inventory = handlersFor(store)["inventory-service"];
    const result = await workflow.run(SAMPLE_ORDER, {
      store,
      handlers: {
        "inventory-service": async (event) => {
          if ((event as { action: string }).action === "reserve") throw new TypeError("Cannot read properties of undefined");
          return inventory(event);
        },
      },
    });
    expect(result).toMatchObject({ status: "FAILED", error: "ServiceUnavailable" });
    expect(result.cause).toContain("inventory-service did not answer after retries (last error: TypeError)");
    expect(count(result, "inventory-service reserve")).toBe(1);
    expect(count(result, "payment-service refund")).toBe(1);
    expect(result.compensation).toEqual({ refund: "REFUNDED", release: "NOTHING_TO_RELEASE" });
  });

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

  test("the failure notice failing does not change the order's outcome", async () => {
    const result = await run(order("test123", [{ productId: "PROD999", quantity: 1, price: 5 }]), [
      { service: "notification-service", error: "ServiceUnavailable" },
    ]);
    expect(result).toMatchObject({ status: "FAILED", error: "ProductNotFound" });
    expect(count(result, "notification-service failure")).toBe(4);
  });
});

describe("a compensation that still fails is never hidden: CompensationFailed", () => {
  test("a refund failing after 5 attempts, and the check saying it is not done: the Cause names the transaction, the amount and the root cause; the record says so", async () => {
    const store = seededMemoryStore();
    const result = await workflow.run(order("test123", [{ productId: "PROD999", quantity: 1, price: 5 }]), {
      store,
      executionName: "exec-refund-fails",
      inject: [{ service: "payment-service", action: "refund", error: "ServiceUnavailable" }],
    });
    expect(count(result, "payment-service refund")).toBe(5);
    expect(count(result, "payment-service status")).toBe(1);
    expect(result).toMatchObject({
      status: "FAILED",
      error: "CompensationFailed",
      cause:
        `Order ${deriveId("ord", "execution:exec-refund-fails")} is not fully compensated: ` +
        `transaction ${deriveId("txn", "exec-refund-fails")} of 5.4 USD is not refunded (last error: ServiceUnavailable). ` +
        "Root cause: ProductNotFound: Product PROD999 is not in the catalogue",
      compensation: { refund: "NOT_DONE", release: "NOTHING_TO_RELEASE" },
    });
    expect(result.states.slice(-7)).toEqual([
      "CheckRefund",
      "RefundChecked",
      "TransactionNotRefunded",
      "CheckCompensation",
      "RecordCompensationFailure",
      "NotifyFailure",
      "OrderFailed",
    ]);
    expect(await recordOf(store, "exec-refund-fails")).toMatchObject({
      status: "COMPENSATION_FAILED",
      error: "CompensationFailed",
      rootError: "ProductNotFound",
      reason: result.cause,
      notificationId: deriveId("ntf", "exec-refund-fails", "ORDER_FAILED"),
      closedBy: "notification-service",
    });
  });

  test("a release failing names the reservations it leaves held", async () => {
    const result = await run(
      order("user-1", [EXPENSIVE_ITEM]),
      [{ service: "inventory-service", action: "release", error: "Lambda.ServiceException" }],
      { executionName: "exec-release-fails" },
    );
    expect(result.error).toBe("CompensationFailed");
    expect(result.cause).toContain(
      `reservations [{"reservationId":"${deriveId("res", "exec-release-fails", "PROD003")}","productId":"PROD003","quantity":20}] are not released (last error: Lambda.ServiceException). `,
    );
    expect(result.cause).toMatch(/Root cause: PaymentDeclined: Payment for order .* declined/);
  });

  test("when the answers were lost and the checks fail too, the Cause says what may be held and still names the root cause", async () => {
    const result = await run(ONE_UNIT, [
      { service: "payment-service", action: "authorize", error: "Lambda.Unknown", after: true },
      { service: "payment-service", action: "refund", error: "Lambda.ServiceException" },
      { service: "payment-service", action: "status", error: "Lambda.ServiceException" },
      { service: "inventory-service", action: "release", error: "Lambda.ServiceException" },
      { service: "inventory-service", action: "status", error: "Lambda.ServiceException" },
    ]);
    expect(result.error).toBe("CompensationFailed");
    expect(result.cause).toContain(
      "the payment of 5.4 USD, if it was authorized, is not confirmed refunded (last error: Lambda.ServiceException)",
    );
    expect(result.cause).toContain(
      `the release of reservations [{"reservationId":"${deriveId("res", result.executionName, "PROD001")}","productId":"PROD001","quantity":1}] is not confirmed (last error: Lambda.ServiceException)`,
    );
    expect(result.cause).toContain("Root cause: ServiceUnavailable: payment-service did not answer after retries");
  });

  test("when the answers were lost but the checks answer, the Cause names exactly what the check found held", async () => {
    const result = await run(ONE_UNIT, [
      { service: "payment-service", action: "authorize", error: "Lambda.Unknown", after: true },
      { service: "payment-service", action: "refund", error: "Lambda.ServiceException" },
      { service: "inventory-service", action: "release", error: "Lambda.ServiceException" },
    ]);
    expect(result.error).toBe("CompensationFailed");
    expect(result.cause).toContain(
      `transaction ${deriveId("txn", result.executionName)} of 5.4 USD is not refunded (last error: Lambda.ServiceException)`,
    );
  });
});

describe("EventBridge delivers at least once: the same event is one order", () => {
  const trigger = synthesizeTrigger();
  const event = (id: string, detail: unknown, detailType = "Order Submitted") => ({
    version: "0",
    id,
    source: "microservices.orders",
    "detail-type": detailType,
    account: "123456789012",
    time: "2026-11-27T10:00:00Z",
    region: "us-east-1",
    resources: [],
    detail,
  });
  const submitted = (id: string) => event(id, order("test123", [{ productId: "PROD001", quantity: 1, price: 99.99 }]));
  const inputOf = (anEvent: unknown) => {
    const mapped = executionInputFor(trigger, anEvent);
    if (!mapped.matched) throw new Error("the event did not match");
    return mapped.input;
  };

  test("an Order Submitted event starts the workflow with its detail and its id", async () => {
    expect(inputOf(submitted("0d1a3c5e-0000-4000-8000-000000000000"))).toEqual({
      ...order("test123", [{ productId: "PROD001", quantity: 1, price: 99.99 }]),
      eventId: "0d1a3c5e-0000-4000-8000-000000000000",
    });
    const result = await run(inputOf(submitted("0d1a3c5e-0000-4000-8000-000000000000")));
    expect(result.status).toBe("SUCCEEDED");
    expect((result.output as { total: number }).total).toBe(107.99); // 99.99 + 8.00 (7.9992 rounded)
  });

  test("the same event delivered twice: the second execution is DUPLICATE and charges, reserves and confirms nothing", async () => {
    const store = seededMemoryStore();
    const first = await workflow.run(inputOf(submitted("evt-twice")), { store });
    const second = await workflow.run(inputOf(submitted("evt-twice")), { store });
    expect(second).toMatchObject({
      status: "SUCCEEDED",
      output: { status: "DUPLICATE", orderId: (first.output as { orderId: string }).orderId },
      states: ["GetUser", "CreateOrder", "ReadDuplicate", "Duplicate"],
    });
    expect(calls(second)).toEqual(["user-service get", "order-service create"]);
    expect(await stockOf(store, "PROD001")).toBe(49);
  });

  test("two events with identical details and different ids are two orders", async () => {
    const store = seededMemoryStore();
    const one = await workflow.run(inputOf(submitted("evt-a")), { store });
    const two = await workflow.run(inputOf(submitted("evt-b")), { store });
    expect([one.status, two.status]).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect((one.output as { orderId: string }).orderId).not.toBe((two.output as { orderId: string }).orderId);
    expect(await stockOf(store, "PROD001")).toBe(48);
  });

  test("other events do not match", () => {
    expect(executionInputFor(trigger, event("x", {}, "Order Cancelled")).matched).toBe(false);
    expect(executionInputFor(trigger, { ...submitted("x"), source: "someone.else" }).matched).toBe(false);
    expect(executionInputFor(trigger, "not an event").matched).toBe(false);
  });
});

describe("stock is state: concurrent orders cannot oversell", () => {
  const lastUnits = order("test123", [{ productId: "PROD004", quantity: 10, price: 1 }]);

  test("five orders for PROD004's 10 units, one after another: one succeeds, four InsufficientInventory", async () => {
    const store = seededMemoryStore();
    const results: WorkflowResult[] = [];
    for (let n = 0; n < 5; n++) results.push(await workflow.run(lastUnits, { store }));
    expect(results.map((result) => result.error ?? result.status)).toEqual([
      "SUCCEEDED",
      "InsufficientInventory",
      "InsufficientInventory",
      "InsufficientInventory",
      "InsufficientInventory",
    ]);
    expect(results[1].cause).toBe("Insufficient inventory for product PROD004: requested 10, available 0");
    expect(await stockOf(store, "PROD004")).toBe(0);
  });

  test("the same five at once: exactly one succeeds and the stock ends at 0, never below", async () => {
    const store = seededMemoryStore();
    const results = await Promise.all(Array.from({ length: 5 }, () => workflow.run(lastUnits, { store })));
    expect(results.filter((result) => result.status === "SUCCEEDED")).toHaveLength(1);
    expect(results.filter((result) => result.error === "InsufficientInventory")).toHaveLength(4);
    expect(await stockOf(store, "PROD004")).toBe(0);
  });
});

describe("payload size: no input StartExecution accepts reaches Step Functions' 256 KB state limit", () => {
  const largestOrder = (productId: (index: number) => string) =>
    order(
      "u".repeat(64),
      Array.from({ length: 100 }, (_, index) => ({ productId: productId(index), quantity: 10000, price: 999999.99 })),
    );
  const longest = (prefix: string, index: number) => `${prefix}${String(index).padStart(3, "0")}`.padEnd(64, "X");

  test("an input just under 256 KB is refused by user-service with InvalidInput, not States.DataLimitExceeded", async () => {
    const padding = "x".repeat(STATE_DATA_LIMIT_BYTES - 200);
    const input = { userId: "test123", orderData: { items: [{ productId: "PROD001", quantity: 1, price: 1, note: padding }] } };
    expect(Buffer.byteLength(JSON.stringify(input))).toBeLessThan(STATE_DATA_LIMIT_BYTES);
    const result = await run(input);
    expect(result).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      cause: expect.stringMatching(/^input must be at most 32768 bytes/),
    });
    expect(result.largestStateBytes).toBeLessThan(STATE_DATA_LIMIT_BYTES);
  });

  test("the runner reports States.DataLimitExceeded as AWS would for a state past the limit", async () => {
    const result = await run(SAMPLE_ORDER, [], {
      handlers: {
        "user-service": async () => ({ userId: "test123", email: "x".repeat(STATE_DATA_LIMIT_BYTES), creditScore: 830 }),
      },
    });
    expect(result).toMatchObject({ status: "FAILED", error: "States.DataLimitExceeded" });
    expect(result.cause).toMatch(/^the output of GetUser is \d+ bytes, above Step Functions' limit of 262144$/);
  });

  test("the largest valid order, failing late (after payment and reservation), stays under a quarter of the limit", async () => {
    // 100 entries of 99 distinct 64-character products: every service sees the biggest payload it can get.
    const result = await withMaxOrderTotal("1080000000000", () => run(largestOrder((index) => longest("P", index % 99))));
    expect(result.error).toBe("PaymentDeclined");
    expect(calls(result)).toContain("inventory-service reserve");
    expect(result.largestStateBytes).toBeGreaterThan(10000);
    expect(result.largestStateBytes).toBeLessThan(STATE_DATA_LIMIT_BYTES / 4);
  });

  test("an order past any limit is refused at the first service that reads the field, before it grows the state", async () => {
    const tooLong = await run(largestOrder((index) => longest("P", index).padEnd(200, "X")));
    expect(tooLong).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      cause: "orderData.items[0].productId must be at most 64 characters, got 200",
    });
    const tooMany = await run(
      order(
        "test123",
        Array.from({ length: 101 }, () => ({ productId: "PROD001", quantity: 1, price: 1 })),
      ),
    );
    expect(tooMany).toMatchObject({ error: "InvalidInput", cause: "orderData.items must have at most 100 entries, got 101" });
  });
});

describe("clients set prices: max_order_total caps a runaway order", () => {
  test("an order above the limit is refused with InvalidInput naming the total and the limit, before anything is charged", async () => {
    const store = seededMemoryStore();
    const result = await workflow.run(order("test123", [{ productId: "PROD003", quantity: 100, price: 1000 }]), { store });
    expect(result).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      cause: "order total 108000.00 is above the limit of 100000.00 per order (max_order_total)",
    });
    expect(calls(result)).toEqual(["user-service get", "order-service create", "notification-service failure"]);
    expect(await stockOf(store, "PROD003")).toBe(100);
  });
});

describe("examples/failures/", () => {
  test.each([
    ["invalid-input.json", "InvalidInput", ["notification-service failure"]],
    [
      "payment-declined.json",
      "PaymentDeclined",
      ["payment-service refund", "inventory-service release", "notification-service failure"],
    ],
    [
      "product-not-found.json",
      "ProductNotFound",
      ["payment-service refund", "inventory-service release", "notification-service failure"],
    ],
    [
      "insufficient-inventory.json",
      "InsufficientInventory",
      ["payment-service refund", "inventory-service release", "notification-service failure"],
    ],
  ])("%s ends FAILED with %s after %j", async (file, error, lastCalls) => {
    const input = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", "failures", file), "utf8")) as JsonObject;
    const result = await run(input);
    expect([result.status, result.error]).toEqual(["FAILED", error]);
    expect(calls(result).slice(-lastCalls.length)).toEqual(lastCalls);
  });
});

describe("stopAt: an execution stopped part-way (StopExecution, its timeout)", () => {
  test("stops before the Task's call: no Catch, no compensation; what the calls before it did stays", async () => {
    const store = seededMemoryStore();
    const result = await workflow.run(SAMPLE_ORDER, { store, executionName: "exec-stopped", stopAt: "SendConfirmation" });
    expect(result.status).toBe("ABORTED");
    expect(result.states.at(-1)).toBe("SendConfirmation");
    expect(calls(result)).toEqual([
      "user-service get",
      "order-service create",
      "payment-service authorize",
      "inventory-service reserve",
    ]);
    expect(await recordOf(store, "exec-stopped")).toMatchObject({ status: "PENDING" });
    expect([await stockOf(store, "PROD001"), await stockOf(store, "PROD002")]).toEqual([48, 24]);
  });

  test("at the first state: nothing is called", async () => {
    const result = await run(SAMPLE_ORDER, [], { stopAt: "GetUser" });
    expect([result.status, calls(result)]).toEqual(["ABORTED", []]);
  });
});
