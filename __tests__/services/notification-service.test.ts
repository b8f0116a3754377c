import { handler, processNotification } from "../../functions/notification-service";
import { createLogger } from "../../functions/shared/logger";

const log = createLogger("test");
const recipient = { userId: "test123", email: "test123@example.com", creditScore: 830 };
const order = { orderId: "ord-1", userId: "test123", total: 118.77, transactionId: "txn-1", reservations: [] };

describe("notification-service", () => {
  test("GIVEN a completed order WHEN confirmed THEN the notification and the summary it confirmed", async () => {
    await expect(handler({ action: "confirmation", recipient, order, idempotencyKey: "exec-n1" })).resolves.toEqual({
      notification: {
        notificationId: expect.stringMatching(/^ntf-/),
        type: "ORDER_CONFIRMATION",
        channel: "email",
        recipient: "test123@example.com",
        subject: "Order ord-1 confirmed: total 118.77 USD",
        delivered: true,
      },
      order,
    });
  });

  test("a failure notice carries the error name and the reason", async () => {
    const event = {
      action: "failure",
      recipient,
      orderId: null,
      error: "InvalidInput",
      reason: "orderData is required",
      idempotencyKey: "exec-n2",
    };
    await expect(handler(event)).resolves.toMatchObject({
      type: "ORDER_FAILED",
      orderId: null,
      error: "InvalidInput",
      reason: "orderData is required",
      delivered: true,
      subject: "Your order could not be completed (InvalidInput)",
    });
  });

  test("the same key sends once", () => {
    const event = { action: "confirmation", recipient, order, idempotencyKey: "exec-n3" };
    const first = processNotification(event, log);
    expect(processNotification(event, log)).toMatchObject({ result: first.result, replayed: true });
  });

  test.each([
    [{ action: "sms" }, "action must be one of: confirmation, failure"],
    [{ action: "confirmation", recipient: { userId: "u" }, order, idempotencyKey: "k" }, "recipient.email is required"],
    [
      { action: "confirmation", recipient: { ...recipient, email: "not-an-address" }, order, idempotencyKey: "k" },
      "recipient.email may contain only one address",
    ],
    [
      { action: "confirmation", recipient, order: { ...order, total: -1 }, idempotencyKey: "k" },
      "order.total must be greater than 0, got -1",
    ],
    [
      { action: "confirmation", recipient, order: { ...order, total: "1" }, idempotencyKey: "k" },
      "order.total must be a finite number, got a string",
    ],
    [
      { action: "failure", recipient, orderId: null, error: "Oops", reason: "x", idempotencyKey: "k" },
      "error must be one of: InvalidInput",
    ],
    [
      { action: "failure", recipient, orderId: null, error: "InvalidInput", reason: "", idempotencyKey: "k" },
      "reason must not be empty",
    ],
  ])("%j is refused: %s", async (event, message) => {
    await expect(handler(event)).rejects.toMatchObject({ name: "InvalidInput", message: expect.stringContaining(message) });
  });
});
