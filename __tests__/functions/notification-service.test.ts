import { expect } from "@jest/globals";
import { MAX_REASON_LENGTH } from "../../functions/notification-service";
import { freshServices, refusal } from "../helpers/services";

const recipient = { userId: "test123", email: "test123@example.com" };
const order = {
  orderId: "ord-1",
  userId: "test123",
  total: 118.77,
  transactionId: "txn-1",
  reservations: [{ reservationId: "res-1", productId: "PROD001", quantity: 2 }],
};
const confirmation = (key: string, summary: object = order) => ({
  action: "confirmation",
  recipient,
  order: summary,
  idempotencyKey: key,
});
/** A failure notice as the workflow sends it: `$.failure` as it is. */
const failure = (
  key: string,
  {
    orderId = null,
    error = "InvalidInput",
    reason = "orderData is required",
  }: { orderId?: string | null; error?: string; reason?: string } = {},
) => ({
  action: "failure",
  recipient,
  failure: { error, detail: { errorMessage: reason }, orderId },
  idempotencyKey: key,
});

/** An order record as order-service leaves it. */
async function pendingOrder(store: ReturnType<typeof freshServices>["store"], orderId = "ord-1") {
  await store.transact([{ type: "put", table: "orders", item: { orderId, status: "PENDING", total: 118.77 } }]);
}

describe("notification-service", () => {
  test("GIVEN a completed order WHEN confirmed THEN the notification and the summary it confirmed", async () => {
    const { "notification-service": notify } = freshServices();
    await expect(notify(confirmation("exec-n1"))).resolves.toEqual({
      notification: {
        notificationId: expect.stringMatching(/^ntf-[0-9a-f]{20}$/),
        type: "ORDER_CONFIRMATION",
        channel: "email",
        recipient: "test123@example.com",
        subject: "Order ord-1 confirmed: total 118.77 USD",
        delivered: true,
      },
      order,
      orderStatus: null,
    });
  });

  test("the confirmation closes the order's record as COMPLETED with its transaction and reservations", async () => {
    const { store, "notification-service": notify } = freshServices();
    await pendingOrder(store);
    const reservations = [{ reservationId: "res-1", productId: "PROD001", quantity: 2 }];
    await expect(notify(confirmation("exec-close", { ...order, reservations }))).resolves.toMatchObject({
      orderStatus: "COMPLETED",
    });
    expect(await store.get("orders", "ord-1")).toEqual({
      orderId: "ord-1",
      status: "COMPLETED",
      total: 118.77,
      transactionId: "txn-1",
      reservations,
      notificationId: expect.stringMatching(/^ntf-[0-9a-f]{20}$/),
      closedBy: "notification-service",
      updatedAt: expect.stringMatching(/^\d{4}-/),
    });
  });

  test("a failure notice carries the error name and the reason, and closes the record as FAILED", async () => {
    const { store, "notification-service": notify } = freshServices();
    await pendingOrder(store);
    await expect(notify(failure("exec-n2", { orderId: "ord-1" }))).resolves.toMatchObject({
      type: "ORDER_FAILED",
      orderId: "ord-1",
      error: "InvalidInput",
      reason: "orderData is required",
      delivered: true,
      subject: "Your order could not be completed (InvalidInput)",
      orderStatus: "FAILED",
    });
    expect(await store.get("orders", "ord-1")).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      reason: "orderData is required",
    });
  });

  test("CompensationFailed closes the record as COMPENSATION_FAILED and tells the customer the refund is in hand", async () => {
    const { store, "notification-service": notify } = freshServices();
    await pendingOrder(store);
    const result = await notify(failure("exec-cf", { orderId: "ord-1", error: "CompensationFailed", reason: "held" }));
    expect(result).toMatchObject({
      orderStatus: "COMPENSATION_FAILED",
      subject: "Your order could not be completed; our team is finishing your refund or release by hand",
    });
    expect(await store.get("orders", "ord-1")).toMatchObject({ status: "COMPENSATION_FAILED", reason: "held" });
  });

  test("a closed order cannot be closed the other way", async () => {
    const { store, "notification-service": notify } = freshServices();
    await pendingOrder(store);
    await notify(failure("exec-f", { orderId: "ord-1" }));
    expect(await refusal(notify(confirmation("exec-c")))).toEqual({
      name: "InvalidInput",
      message: "order ord-1 is FAILED: it cannot become COMPLETED",
    });
  });

  test("the same key sends once and replays the first notice", async () => {
    const { "notification-service": notify } = freshServices();
    const first = await notify(confirmation("exec-n3"));
    expect(await notify(confirmation("exec-n3"))).toEqual(first);
  });

  test("a key reused for another order's confirmation is refused", async () => {
    const { "notification-service": notify } = freshServices();
    await notify(confirmation("exec-reused"));
    expect(await refusal(notify(confirmation("exec-reused", { ...order, total: 1 })))).toEqual({
      name: "InvalidInput",
      message: "idempotencyKey exec-reused was already used for a different confirmation request",
    });
  });

  test(`a reason of ${MAX_REASON_LENGTH} characters (Step Functions' Cause limit) is accepted, one more is not`, async () => {
    const { "notification-service": notify } = freshServices();
    await expect(notify(failure("exec-long", { reason: "r".repeat(MAX_REASON_LENGTH) }))).resolves.toMatchObject({
      delivered: true,
    });
    expect((await refusal(notify(failure("exec-longer", { reason: "r".repeat(MAX_REASON_LENGTH + 1) })))).message).toBe(
      `failure.detail.errorMessage must be at most ${MAX_REASON_LENGTH} characters, got ${MAX_REASON_LENGTH + 1}`,
    );
  });

  test.each([
    [{ action: "sms" }, "action must be one of: confirmation, failure"],
    [{ action: "confirmation", recipient: { userId: "u" }, order, idempotencyKey: "k" }, "recipient.email is required"],
    [
      { ...confirmation("k"), recipient: { ...recipient, email: "not-an-address" } },
      "recipient.email may contain only one address",
    ],
    [{ ...confirmation("k"), recipient: { ...recipient, email: "a b@c.d" } }, "recipient.email may contain only one address"],
    [{ ...confirmation("k"), recipient: { ...recipient, email: "a@b@c.d" } }, "recipient.email may contain only one address"],
    [{ ...confirmation("k"), recipient: { ...recipient, creditScore: 830 } }, "recipient.creditScore is not an accepted field"],
    [confirmation("k", { ...order, total: -1 }), "order.total must be greater than 0, got -1"],
    [confirmation("k", { ...order, total: 0 }), "order.total must be greater than 0, got 0"],
    [confirmation("k", { ...order, total: "1" }), "order.total must be a finite number, got a string"],
    [confirmation("k", { ...order, coupon: "X" }), "order.coupon is not an accepted field"],
    [confirmation("k", { ...order, reservations: [{}] }), "order.reservations[0].reservationId is required"],
    [confirmation("k", { ...order, reservations: [] }), "order.reservations must not be empty"],
    [failure("k", { error: "Oops" }), "failure.error must be one of: InvalidInput"],
    [failure("k", { reason: "" }), "failure.detail.errorMessage must not be empty"],
    [{ ...failure("k"), orderId: "ord-1" }, "orderId is not an accepted field"],
    [
      confirmation("k", { ...order, reservations: [{ reservationId: "res-1", hold: true }] }),
      "order.reservations[0].hold is not an accepted field",
    ],
  ])("%j is refused: %s", async (event, message) => {
    const { "notification-service": notify } = freshServices();
    expect(await refusal(notify(event))).toEqual({ name: "InvalidInput", message: expect.stringContaining(message) });
  });

  test.each([["items"], ["subtotal"], ["tax"]])("the order summary may carry %s", async (field) => {
    const { "notification-service": notify } = freshServices();
    await expect(notify(confirmation(`exec-${field}`, { ...order, [field]: 1 }))).resolves.toMatchObject({
      order: { [field]: 1 },
    });
  });
});
