/**
 * order-service's `close` (docs/durable-state.md, docs/recovery.md): it closes this
 * execution's order record when the notice that usually closes it could not be sent, or
 * records the outcome (a record without items) when no order was made yet. It never
 * touches a record another execution owns or one already closed.
 */
import { expect } from "@jest/globals";
import { handlerFor, Order, processOrder } from "../../functions/order-service";
import { deriveId } from "../../functions/shared/idempotency";
import { createLogger } from "../../functions/shared/logger";
import { MemoryStore } from "../../functions/shared/memory-store";
import { CLOSERS } from "../../functions/shared/order-record";
import { ConditionFailed, Operation } from "../../functions/shared/store";
import { captureLogLines } from "../helpers/logs";
import { executionArn as arn, freshServices, refusal } from "../helpers/services";
import { inTitle } from "../helpers/titles";

const orderRequest = (extra: object = {}) => ({
  orderData: { items: [{ productId: "PROD001", quantity: 1, price: 1 }] },
  userId: "test123",
  ...extra,
});
/** `$.failure` as the workflow keeps it after a Catch. */
const failure = (error: string, extra: object = {}) => ({
  error,
  detail: { errorMessage: `${error} happened`, errorType: error },
  ...extra,
});
/** A close call of execution `name`, as the workflow makes it. */
const close = (name: string, extra: object = {}) => ({
  action: "close",
  request: orderRequest({ idempotencyKey: name }),
  idempotencyKey: name,
  executionId: arn(name),
  ...extra,
});
const fulfilment = { transactionId: "txn-1", reservations: [{ productId: "PROD001", quantity: 1 }] };
const timestamp = expect.stringMatching(/^\d{4}-\d\d-\d\dT/);

describe("order-service close: no order was made yet", () => {
  test("a failure is recorded under the execution's key as a record without items, closed by order-service", async () => {
    const { store, "order-service": orders } = freshServices();
    const orderId = deriveId("ord", "execution:exec-a");
    expect(await orders(close("exec-a", { failure: failure("PaymentDeclined", { rootError: "PaymentDeclined" }) }))).toEqual({
      orderId,
      status: "FAILED",
      closedNow: true,
      noticeDelivered: false,
      notificationId: null,
      error: "PaymentDeclined",
      reason: "PaymentDeclined happened",
    });
    expect(await store.get("orders", orderId)).toEqual({
      orderId,
      status: "FAILED",
      error: "PaymentDeclined",
      reason: "PaymentDeclined happened",
      rootError: "PaymentDeclined",
      closedBy: CLOSERS.fallback,
      requestKey: "execution:exec-a",
      executionId: arn("exec-a"),
      idempotencyKey: "exec-a",
      createdAt: timestamp,
      updatedAt: timestamp,
    });
  });

  test("a failure without a root error records none", async () => {
    const { store, "order-service": orders } = freshServices();
    await orders(close("exec-b", { failure: failure("InvalidInput") }));
    const record = await store.get("orders", deriveId("ord", "execution:exec-b"));
    expect(record).toMatchObject({ status: "FAILED", error: "InvalidInput" });
    expect(record).not.toHaveProperty("rootError");
  });

  test("CompensationFailed closes the order COMPENSATION_FAILED: it waits for an operator", async () => {
    const { store, "order-service": orders } = freshServices();
    const answer = await orders(close("exec-c", { failure: failure("CompensationFailed", { rootError: "ServiceUnavailable" }) }));
    expect(answer).toMatchObject({ status: "COMPENSATION_FAILED", error: "CompensationFailed", closedNow: true });
    expect(await store.get("orders", deriveId("ord", "execution:exec-c"))).toMatchObject({
      status: "COMPENSATION_FAILED",
      rootError: "ServiceUnavailable",
    });
  });

  test("the run started by an event records under the event's key, where create would have put the order", async () => {
    const { store, "order-service": orders } = freshServices();
    const answer = await orders(
      close("exec-d", { request: orderRequest({ eventId: "evt-1" }), failure: failure("ServiceUnavailable") }),
    );
    expect(answer).toMatchObject({ orderId: deriveId("ord", "event:evt-1"), closedNow: true });
    expect(await store.get("orders", deriveId("ord", "event:evt-1"))).toMatchObject({ requestKey: "event:evt-1" });
  });

  test.each([
    ["a number", 12345],
    ["with a space", "evt 1"],
    ["with a trailing space", "evt-1 "],
    ["129 characters long", "e".repeat(129)],
    ["empty", ""],
  ])("an eventId %s, which create refused, leaves the execution's own key to record under", async (_what, eventId) => {
    const { store, "order-service": orders } = freshServices();
    const request = orderRequest({ eventId });
    const answer = await orders(close("exec-e", { request, failure: failure("InvalidInput") }));
    expect(answer).toMatchObject({ orderId: deriveId("ord", "execution:exec-e") });
    expect(await store.get("orders", deriveId("ord", "execution:exec-e"))).toMatchObject({ requestKey: "execution:exec-e" });
  });

  test("an eventId of 128 characters is a key create accepted", async () => {
    const eventId = "e".repeat(128);
    const answer = await freshServices()["order-service"](
      close("exec-f", { request: orderRequest({ eventId }), failure: failure("InvalidInput") }),
    );
    expect(answer).toMatchObject({ orderId: deriveId("ord", `event:${eventId}`) });
  });

  test.each([null, undefined])("an execution input of %p (a hand-made run) uses the execution's key", async (request) => {
    const answer = await freshServices()["order-service"](close("exec-g", { request, failure: failure("InvalidInput") }));
    expect(answer).toMatchObject({ orderId: deriveId("ord", "execution:exec-g"), closedNow: true });
  });
});

describe("order-service close: this execution's PENDING order", () => {
  // The tests run SILENT (helpers/setup.ts); the metric line is what is checked here, so it is caught, not printed.
  const lines = captureLogLines({ LOG_LEVEL: "ERROR" });
  const metricLines = () =>
    lines.map((line) => JSON.parse(line) as Record<string, unknown>).filter((line) => line._aws !== undefined);

  test("a completed order is closed COMPLETED with its fulfilment, and counted as completed once", async () => {
    const { store, "order-service": orders } = freshServices();
    const created = (await orders(orderRequest({ idempotencyKey: "exec-h", executionId: arn("exec-h") }))) as Order;
    const before = await store.get("orders", created.orderId);
    expect(await orders(close("exec-h", { order: fulfilment }))).toEqual({
      orderId: created.orderId,
      status: "COMPLETED",
      closedNow: true,
      noticeDelivered: false,
      notificationId: null,
      error: null,
      reason: null,
    });
    // The order stays as create made it; only the outcome is added.
    expect(await store.get("orders", created.orderId)).toEqual({
      ...before,
      status: "COMPLETED",
      ...fulfilment,
      closedBy: CLOSERS.fallback,
      updatedAt: timestamp,
    });
    expect(metricLines()).toEqual([
      expect.objectContaining({ service: "order-service", orderId: created.orderId, OrdersCompleted: 1 }),
    ]);
  });

  test("a failed order is closed FAILED and counted as no completed order", async () => {
    const { store, "order-service": orders } = freshServices();
    const created = (await orders(orderRequest({ idempotencyKey: "exec-i", executionId: arn("exec-i") }))) as Order;
    await orders(close("exec-i", { failure: failure("InsufficientInventory") }));
    expect(await store.get("orders", created.orderId)).toMatchObject({
      items: created.items,
      status: "FAILED",
      error: "InsufficientInventory",
      reason: "InsufficientInventory happened",
    });
    expect(metricLines()).toEqual([]);
  });
});

describe("order-service close: a record it must not change", () => {
  test("a record the notice closed is left as it is, and the answer says the notice was delivered", async () => {
    const { store, "order-service": orders } = freshServices();
    const created = (await orders(orderRequest({ idempotencyKey: "exec-j", executionId: arn("exec-j") }))) as Order;
    await store.transact([
      {
        type: "update",
        table: "orders",
        key: created.orderId,
        set: { status: "COMPLETED", closedBy: CLOSERS.notice, notificationId: "ntf-1" },
      },
    ]);
    const before = await store.get("orders", created.orderId);
    // The workflow asks to record a failure, but the notice already told the customer the order completed.
    expect(await orders(close("exec-j", { failure: failure("ServiceUnavailable") }))).toEqual({
      orderId: created.orderId,
      status: "COMPLETED",
      closedNow: false,
      noticeDelivered: true,
      notificationId: "ntf-1",
      error: "ServiceUnavailable",
      reason: "ServiceUnavailable happened",
    });
    expect(await store.get("orders", created.orderId)).toEqual(before);
  });

  test("another execution's record (a duplicate delivery) is not touched, and no orderId is given for it", async () => {
    const { store, "order-service": orders } = freshServices();
    const first = (await orders(
      orderRequest({ eventId: "evt-2", idempotencyKey: "exec-k", executionId: arn("exec-k") }),
    )) as Order;
    const before = await store.get("orders", first.orderId);
    const answer = await orders(
      close("exec-l", { request: orderRequest({ eventId: "evt-2" }), failure: failure("ServiceUnavailable") }),
    );
    expect(answer).toEqual({
      orderId: null,
      status: "PENDING",
      closedNow: false,
      noticeDelivered: false,
      notificationId: null,
      error: "ServiceUnavailable",
      reason: "ServiceUnavailable happened",
    });
    expect(await store.get("orders", first.orderId)).toEqual(before);
  });

  test("a second close of the same execution changes nothing", async () => {
    const { store, "order-service": orders } = freshServices();
    await orders(close("exec-m", { failure: failure("PaymentDeclined") }));
    const before = await store.get("orders", deriveId("ord", "execution:exec-m"));
    expect(await orders(close("exec-m", { failure: failure("PaymentDeclined") }))).toMatchObject({
      orderId: deriveId("ord", "execution:exec-m"),
      status: "FAILED",
      closedNow: false,
    });
    expect(await store.get("orders", deriveId("ord", "execution:exec-m"))).toEqual(before);
  });
});

/** A store whose transact runs `before` first (another writer in between the read and the write). */
class RacedStore extends MemoryStore {
  transacts = 0;
  constructor(private readonly before: (store: MemoryStore, operations: Operation[]) => Promise<void>) {
    super();
  }
  override async transact(operations: Operation[]): Promise<void> {
    this.transacts++;
    await this.before(this, operations);
    return super.transact(operations);
  }
}

describe("order-service close: a write that races another", () => {
  test("when the notice closes the record meanwhile, close reads it again and leaves the notice's outcome", async () => {
    const orderId = deriveId("ord", "execution:exec-n");
    let raced = false;
    const store = new RacedStore(async (inner) => {
      if (raced) return;
      raced = true;
      await MemoryStore.prototype.transact.call(inner, [
        {
          type: "put",
          table: "orders",
          item: { orderId, status: "COMPLETED", executionId: arn("exec-n"), closedBy: CLOSERS.notice },
        },
      ]);
    });
    expect(await handlerFor(store)(close("exec-n", { failure: failure("ServiceUnavailable") }))).toMatchObject({
      orderId,
      status: "COMPLETED",
      closedNow: false,
      noticeDelivered: true,
    });
    expect(await store.get("orders", orderId)).toMatchObject({ status: "COMPLETED", closedBy: CLOSERS.notice });
  });

  test("a record that keeps changing is given up on after 3 attempts, as ServiceUnavailable", async () => {
    const store = new RacedStore(async () => {
      throw new ConditionFailed(0);
    });
    const orderId = deriveId("ord", "execution:exec-o");
    expect(await refusal(handlerFor(store)(close("exec-o", { failure: failure("ServiceUnavailable") })))).toEqual({
      name: "ServiceUnavailable",
      message: `the order record ${orderId} kept changing while it was being closed; try again`,
    });
    expect(store.transacts).toBe(3);
  });

  test("a store fault is not taken for a race: it fails the call at once", async () => {
    const store = new RacedStore(async () => {
      throw new Error("store unreachable");
    });
    expect(await refusal(handlerFor(store)(close("exec-p", { failure: failure("ServiceUnavailable") })))).toEqual({
      name: "Error",
      message: "store unreachable",
    });
    expect(store.transacts).toBe(1);
  });
});

describe("order-service close: the request", () => {
  test("the Outcome names the action and the execution's key", async () => {
    const outcome = await processOrder(close("exec-q", { failure: failure("InvalidInput") }), {
      store: new MemoryStore(),
      log: createLogger("order-service"),
    });
    expect(outcome).toMatchObject({ action: "close", idempotencyKey: "exec-q", result: { closedNow: true } });
  });

  const refusals: [Record<string, unknown>, string][] = [
    [{ failure: "oops" }, "failure must be a JSON object, got a string"],
    [
      { failure: { ...failure("InvalidInput"), extra: 1 } },
      "failure.extra is not an accepted field (accepted: error, detail, orderId, rootError)",
    ],
    [
      { failure: { ...failure("InvalidInput"), detail: { errorMessage: "x", cause: "y" } } },
      "failure.detail.cause is not an accepted field (accepted: errorMessage, errorType, trace)",
    ],
    [
      { failure: failure("Boom") },
      "failure.error must be one of: InvalidInput, PaymentDeclined, ProductNotFound, InsufficientInventory, ServiceUnavailable, CompensationFailed",
    ],
    [
      { failure: failure("InvalidInput", { rootError: "Boom" }) },
      "failure.rootError must be one of: InvalidInput, PaymentDeclined, ProductNotFound, InsufficientInventory, ServiceUnavailable, CompensationFailed",
    ],
    [
      { failure: { error: "InvalidInput", detail: { errorMessage: "r".repeat(32769) } } },
      "failure.detail.errorMessage must be at most 32768 characters, got 32769",
    ],
    [{ order: { ...fulfilment, total: 1 } }, "order.total is not an accepted field (accepted: transactionId, reservations)"],
    [{ idempotencyKey: undefined }, "idempotencyKey is required"],
    [{ executionId: undefined }, "executionId is required"],
    [
      { colour: "red" },
      "colour is not an accepted field (accepted: action, request, idempotencyKey, executionId, failure, order)",
    ],
  ];
  // The change in the title as inTitle() shows it: one holds a 32769-character reason.
  test.each(refusals.map(([change, message]) => [inTitle(change), message, change] as const))(
    "GIVEN %s THEN refused: %s",
    async (_shown, message, change) => {
      expect(await refusal(freshServices()["order-service"](close("exec-r", { order: fulfilment, ...change })))).toEqual({
        name: "InvalidInput",
        message,
      });
    },
  );

  test("a failure may carry the failed order's id and the runtime's errorType and trace", async () => {
    const answer = await freshServices()["order-service"](
      close("exec-s", {
        failure: {
          error: "InvalidInput",
          orderId: "ord-x",
          detail: { errorMessage: "bad", errorType: "InvalidInput", trace: [] },
        },
      }),
    );
    expect(answer).toMatchObject({ status: "FAILED", reason: "bad", closedNow: true });
  });

  test("a reason of the longest length Step Functions keeps is recorded whole", async () => {
    const reason = "r".repeat(32768);
    const answer = await freshServices()["order-service"](
      close("exec-t", { failure: { error: "InvalidInput", detail: { errorMessage: reason } } }),
    );
    expect(answer).toMatchObject({ reason });
  });

  test("an action other than close or resolve is refused, naming both", async () => {
    expect(await refusal(freshServices()["order-service"]({ action: "cancel", orderId: "ord-1" }))).toEqual({
      name: "InvalidInput",
      message: "action must be one of: close, resolve",
    });
  });

  test.each([
    [null, "null"],
    [["close"], "an array"],
    ["close", "a string"],
    [7, "a number"],
  ])("an event that is not a JSON object (%j) is no action: create refuses it as %s", async (event, got) => {
    expect(await refusal(freshServices()["order-service"](event))).toEqual({
      name: "InvalidInput",
      message: `input must be a JSON object, got ${got}`,
    });
  });
});
