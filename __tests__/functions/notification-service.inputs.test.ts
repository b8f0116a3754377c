/**
 * What notification-service accepts in an order summary's reservations and in a failure
 * (docs/input-rules.md): a reservation may omit its product and quantity; a failure's detail is
 * the Lambda runtime's error as the workflow parsed it; refusals name the field at fault.
 */
import { expect } from "@jest/globals";
import { CONTRACT_ERROR_NAMES } from "../../functions/shared/errors";
import { freshServices, refusal } from "../helpers/services";

const recipient = { userId: "test123", email: "test123@example.com" };
const order = { orderId: "ord-1", userId: "test123", total: 118.77, transactionId: "txn-1" };
const confirmation = (reservations: unknown) => ({
  action: "confirmation",
  recipient,
  order: { ...order, reservations },
  idempotencyKey: "exec-in",
});
const failure = (fields: object) => ({
  action: "failure",
  recipient,
  failure: { error: "InvalidInput", detail: { errorMessage: "orderData is required" }, orderId: "ord-1", ...fields },
  idempotencyKey: "exec-in",
});

describe("notification-service order summary reservations", () => {
  test("a reservation may name only its id: accepted, and recorded without product or quantity", async () => {
    const { store, "notification-service": notify } = freshServices();
    await store.transact([{ type: "put", table: "orders", item: { orderId: "ord-1", status: "PENDING" } }]);
    const reservations = [
      { reservationId: "res-1" },
      { reservationId: "res-2", productId: "PROD002" },
      { reservationId: "res-3", quantity: 4 },
    ];
    await expect(notify(confirmation(reservations))).resolves.toMatchObject({
      order: { reservations },
      orderStatus: "COMPLETED",
    });
    expect((await store.get("orders", "ord-1"))?.reservations).toEqual(reservations);
  });

  test.each([
    [[{ reservationId: "res-1", productId: 7 }], "order.reservations[0].productId must be a string, got a number"],
    [
      [{ reservationId: "res-1" }, { reservationId: "res-2", quantity: 0 }],
      "order.reservations[1].quantity must be a whole number from 1 to 1000000, got 0",
    ],
  ])("%j is refused: %s", async (reservations, message) => {
    const { "notification-service": notify } = freshServices();
    expect(await refusal(notify(confirmation(reservations)))).toEqual({ name: "InvalidInput", message });
  });
});

describe("notification-service failure", () => {
  test("the detail may carry the runtime's errorType and trace beside errorMessage", async () => {
    const { "notification-service": notify } = freshServices();
    const event = failure({ detail: { errorMessage: "orderData is required", errorType: "InvalidInput", trace: ["at x"] } });
    await expect(notify(event)).resolves.toMatchObject({ reason: "orderData is required", delivered: true });
  });

  test.each([
    [failure({ retries: 2 }), "failure.retries is not an accepted field (accepted: error, detail, orderId, rootError)"],
    [
      failure({ detail: { errorMessage: "x", stack: "at y" } }),
      "failure.detail.stack is not an accepted field (accepted: errorMessage, errorType, trace)",
    ],
    [failure({ rootError: "Oops" }), `failure.rootError must be one of: ${CONTRACT_ERROR_NAMES.join(", ")}`],
  ])("%j is refused: %s", async (event, message) => {
    const { "notification-service": notify } = freshServices();
    expect(await refusal(notify(event))).toEqual({ name: "InvalidInput", message: expect.stringContaining(message) });
  });
});
