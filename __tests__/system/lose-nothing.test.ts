/**
 * Lose nothing, ever (docs/durable-state.md): what breaks around the saga when it is
 * operated or tried as an adversary would, on both stores. A second run of an ended
 * execution changes nothing; every name StartExecution accepts works; a name used again
 * after the records expired never charges twice; no order is left PENDING; a rule is
 * checked before payment; outcomes say what happened after lost answers; seeding never
 * touches a live figure.
 */
import { handlerFor as inventoryService } from "../../functions/inventory-service";
import { handlerFor as paymentService } from "../../functions/payment-service";
import { AVAILABLE } from "../../functions/shared/catalogue";
import { deriveId } from "../../functions/shared/idempotency";
import { ORDER_REPLAY_WINDOW_DAYS } from "../../functions/shared/order-record";
import { Injection, LocalWorkflow, WorkflowResult } from "../../local/runner";
import { stateSnapshot } from "../../local/state-snapshot";
import { SAMPLE_ORDER } from "../../stacks/order-workflow-stack";
import { refusal } from "../helpers/services";
import { TestStore, useStores } from "../helpers/stores";

jest.setTimeout(60000);

const workflow = new LocalWorkflow();
const stores = useStores();
const orderIdOf = (name: string) => deriveId("ord", `execution:${name}`);
const txnOf = (name: string) => deriveId("txn", name);
const callsOf = (result: WorkflowResult) => result.invocations.map((call) => `${call.function} ${call.action}`);
const throttledReserve: Injection = {
  service: "inventory-service",
  action: "reserve",
  error: "Lambda.TooManyRequestsException",
};

describe.each(stores)("on %s", (_name, makeStore) => {
  let store: TestStore;
  beforeEach(async () => {
    store = await makeStore();
  });
  const run = (name: string, input: unknown = SAMPLE_ORDER, inject: Injection[] = []) =>
    workflow.run(input, { store, executionName: name, inject });
  const stockOf = async (productId: string) => (await store.get("stock", productId))?.[AVAILABLE];

  describe("a second run of an ended execution ends the same way and changes nothing", () => {
    test("GIVEN a run that failed on throttling and refunded WHEN the execution runs again THEN FAILED ServiceUnavailable again: no stock taken, no payment kept, no second notice", async () => {
      const first = await run("order-dup-1", SAMPLE_ORDER, [throttledReserve]);
      expect(first).toMatchObject({ status: "FAILED", error: "ServiceUnavailable", compensation: { refund: "REFUNDED" } });
      const second = await run("order-dup-1");
      expect(second).toMatchObject({ status: "FAILED", error: "ServiceUnavailable", cause: first.cause });
      expect(callsOf(second)).toEqual(["user-service get", "order-service create"]);
      expect(await stateSnapshot(store)).toEqual({
        stock: { PROD001: 50, PROD002: 25, PROD003: 100, PROD004: 10, PROD005: 0 },
        orders: { [orderIdOf("order-dup-1")]: "FAILED" },
        payments: { [txnOf("order-dup-1")]: "REFUNDED" },
      });
    });

    test("GIVEN a completed run WHEN the execution runs again THEN COMPLETED again, the stock taken once, one payment", async () => {
      await run("order-dup-2");
      const second = await run("order-dup-2");
      expect(second.output).toMatchObject({ status: "COMPLETED", orderId: orderIdOf("order-dup-2"), rerun: true });
      expect(callsOf(second)).toEqual(["user-service get", "order-service create"]);
      expect([await stockOf("PROD001"), await stockOf("PROD002")]).toEqual([48, 24]);
      expect((await stateSnapshot(store)).payments).toEqual({ [txnOf("order-dup-2")]: "AUTHORIZED" });
    });

    test("GIVEN a run that ended with its record left PENDING (order-service unreachable at the end) WHEN it runs again THEN its refunded payment and released stock stay so", async () => {
      // Run A: the reservation is throttled, then the failure notice and the record both fail.
      const first = await run("order-dup-3", SAMPLE_ORDER, [
        throttledReserve,
        { service: "notification-service", error: "ServiceUnavailable" },
        { service: "order-service", action: "close", error: "ServiceUnavailable" },
      ]);
      expect(first.cause).toContain("the order record is left PENDING: order-service did not answer");
      expect((await stateSnapshot(store)).orders).toEqual({ [orderIdOf("order-dup-3")]: "PENDING" });
      // Run B: the replayed authorization is refused (it was refunded), the undos replay, nothing is held.
      const second = await run("order-dup-3");
      expect(second).toMatchObject({ status: "FAILED", compensation: { refund: "REFUNDED", release: "NOTHING_TO_RELEASE" } });
      expect(second.cause).toContain(`idempotencyKey order-dup-3 was already refunded`);
      expect(await stateSnapshot(store)).toMatchObject({
        stock: { PROD001: 50, PROD002: 25 },
        payments: { [txnOf("order-dup-3")]: "REFUNDED" },
      });
    });

    test("a late authorization or reservation after its refund or release is refused, even as a replay of one that acted", async () => {
      const pay = paymentService(store);
      const inventory = inventoryService(store);
      const authorize = {
        action: "authorize",
        orderId: "ord-1",
        userId: "u1",
        creditScore: 700,
        amountCents: 500,
        idempotencyKey: "k1",
      };
      const reserve = {
        action: "reserve",
        orderId: "ord-1",
        items: [{ productId: "PROD004", quantity: 3 }],
        idempotencyKey: "k1",
      };
      await pay(authorize);
      await inventory(reserve);
      await pay({ action: "refund", orderId: "ord-1", idempotencyKey: "k1" });
      await inventory({ action: "release", orderId: "ord-1", idempotencyKey: "k1" });
      expect(await refusal(pay(authorize))).toEqual({
        name: "InvalidInput",
        message: "idempotencyKey k1 was already refunded: a new authorization needs a new key",
      });
      expect(await refusal(inventory(reserve))).toEqual({
        name: "InvalidInput",
        message: "idempotencyKey k1 was already released: a new reservation needs a new key",
      });
      expect(await stockOf("PROD004")).toBe(10);
    });
  });

  test.each(["order+1", "order@1", "order=1", "order(1)", "ordre-été", "注文-1", "x".repeat(80)])(
    "an execution named %p completes, and a failed one's customer is told",
    async (name) => {
      expect((await run(name)).output).toMatchObject({ status: "COMPLETED", notification: { delivered: true } });
      const declined = await run(`${name.slice(0, 70)}-declined`, {
        userId: "user-1",
        orderData: { items: [{ productId: "PROD003", quantity: 20, price: 54 }] },
      });
      expect(declined).toMatchObject({ status: "FAILED", error: "PaymentDeclined" });
      expect(callsOf(declined).at(-1)).toBe("notification-service failure");
      expect(declined.states.at(-2)).toBe("NotifyFailure");
    },
  );

  test(`a name used again after its records expired (${ORDER_REPLAY_WINDOW_DAYS}+ days) is refused as a duplicate: no second charge or reservation under the old order`, async () => {
    await run("order-reused");
    // 91 days later: DynamoDB's TTL has deleted the idempotency records; the order is kept.
    for (const item of await store.items("idempotency")) await store.remove("idempotency", item.recordKey as string);
    const longAgo = new Date(Date.now() - 91 * 86_400_000).toISOString();
    await store.overwrite("orders", orderIdOf("order-reused"), { createdAt: longAgo });
    const again = await run("order-reused");
    expect(again.output).toEqual({ status: "DUPLICATE", orderId: orderIdOf("order-reused") });
    expect(callsOf(again)).toEqual(["user-service get", "order-service create"]);
    expect([await stockOf("PROD001"), await stockOf("PROD002")]).toEqual([48, 24]);
    expect(await store.items("idempotency")).toEqual([]);
  });

  describe("no order is left PENDING when its execution has ended", () => {
    test("GIVEN CreateOrder acted but every answer was lost WHEN retries are exhausted THEN the record is closed FAILED and the customer told, with the order's id", async () => {
      const result = await run("order-lost-create", SAMPLE_ORDER, [
        { service: "order-service", action: "create", error: "Lambda.Unknown", after: true },
      ]);
      expect(result).toMatchObject({ status: "FAILED", error: "ServiceUnavailable" });
      expect(await store.get("orders", orderIdOf("order-lost-create"))).toMatchObject({
        status: "FAILED",
        error: "ServiceUnavailable",
        closedBy: "order-service",
      });
      expect(callsOf(result).slice(-2)).toEqual(["order-service close", "notification-service failure"]);
    });

    test("a redelivered event of that order is a duplicate of a FAILED order, not of an orphan", async () => {
      const event = { ...SAMPLE_ORDER, eventId: "evt-lost-answer" };
      await run("order-evt-a", event, [{ service: "order-service", action: "create", error: "Lambda.Unknown", after: true }]);
      const again = await run("order-evt-b", event);
      const orderId = deriveId("ord", "event:evt-lost-answer");
      expect(again.output).toEqual({ status: "DUPLICATE", orderId });
      expect((await stateSnapshot(store)).orders).toEqual({ [orderId]: "FAILED" });
    });

    test("only when order-service itself cannot be reached is a record left PENDING, and then the Cause says so", async () => {
      // CreateOrder writes the record and its answer is lost; the close never gets through.
      const result = await run("order-no-order-service", SAMPLE_ORDER, [
        { service: "order-service", action: "create", error: "Lambda.Unknown", after: true },
        { service: "order-service", action: "close", error: "Lambda.ServiceException" },
      ]);
      expect(result.cause).toBe(
        "order-service did not answer after retries (last error: Lambda.Unknown); the order record, if one was made, may be left PENDING: order-service did not answer (last error: Lambda.ServiceException)",
      );
      expect((await stateSnapshot(store)).orders).toEqual({ [orderIdOf("order-no-order-service")]: "PENDING" });
    });

    test("a confirmation that could not be sent: order-service closes the record COMPLETED, and the output says it was not delivered", async () => {
      const result = await run("order-no-mail", SAMPLE_ORDER, [{ service: "notification-service", error: "ServiceUnavailable" }]);
      expect(result.output).toMatchObject({
        status: "COMPLETED",
        notification: { delivered: false, notificationId: null, error: "ServiceUnavailable" },
      });
      expect(await store.get("orders", orderIdOf("order-no-mail"))).toMatchObject({
        status: "COMPLETED",
        closedBy: "order-service",
      });
    });
  });

  test("an order naming 100 different products is refused by order-service before anything is charged", async () => {
    const items = Array.from({ length: 100 }, (_, n) => ({ productId: `P${n}`, quantity: 1, price: 1 }));
    const result = await run("order-100-products", { userId: "test123", orderData: { items } });
    expect(result).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      cause: "orderData.items must name at most 99 different products, got 100",
    });
    expect(callsOf(result)).not.toContain("payment-service authorize");
  });

  describe("outcomes say what happened, also after lost answers", () => {
    test("GIVEN a confirmation sent whose every answer was lost THEN the output says it was delivered", async () => {
      const result = await run("order-lost-mail", SAMPLE_ORDER, [
        { service: "notification-service", action: "confirmation", error: "Lambda.Unknown", after: true },
      ]);
      expect(result.output).toMatchObject({
        status: "COMPLETED",
        notification: { delivered: true, notificationId: deriveId("ntf", "order-lost-mail", "ORDER_CONFIRMATION") },
      });
    });

    test("GIVEN a release done whose every answer was lost THEN the check finds it RELEASED: no CompensationFailed, nothing held", async () => {
      const result = await run("order-lost-release", SAMPLE_ORDER, [
        { service: "payment-service", action: "authorize", error: "PaymentDeclined" },
        { service: "inventory-service", action: "release", error: "Lambda.Unknown", after: true },
      ]);
      expect(result).toMatchObject({ status: "FAILED", error: "PaymentDeclined", compensation: { release: "RELEASED" } });
      expect([await stockOf("PROD001"), await stockOf("PROD002")]).toEqual([50, 25]);
    });

    test("GIVEN a refund done whose every answer was lost THEN the check finds it REFUNDED", async () => {
      const result = await run("order-lost-refund", SAMPLE_ORDER, [
        throttledReserve,
        { service: "payment-service", action: "refund", error: "Lambda.Unknown", after: true },
      ]);
      expect(result).toMatchObject({ status: "FAILED", error: "ServiceUnavailable", compensation: { refund: "REFUNDED" } });
      expect((await stateSnapshot(store)).payments).toEqual({ [txnOf("order-lost-refund")]: "REFUNDED" });
    });
  });

  test("seeding adds the products the table lacks and never changes a live figure", async () => {
    const inventory = inventoryService(store);
    await run("order-before-seed");
    const seeded = await inventory({
      action: "seed",
      stock: [
        { productId: "PROD001", available: 50 },
        { productId: "PROD006", available: 7 },
      ],
    });
    expect(seeded).toEqual({ seeded: ["PROD006"], kept: ["PROD001"] });
    expect([await stockOf("PROD001"), await stockOf("PROD006")]).toEqual([48, 7]);
  });
});
