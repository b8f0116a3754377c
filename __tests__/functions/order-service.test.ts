import { expect } from "@jest/globals";
import { Order } from "../../functions/order-service";
import { deriveId } from "../../functions/shared/idempotency";
import { executionArn as arn, freshServices, refusal, withMaxOrderTotal } from "../helpers/services";

const userData = { userId: "test123" };
const item = (overrides: object = {}) => ({ productId: "PROD001", quantity: 1, price: 1, ...overrides });
const order = (items: unknown, extra: object = {}) => ({
  orderData: { items },
  userData,
  idempotencyKey: "exec-order",
  ...extra,
});

describe("order-service", () => {
  test("GIVEN the README's sample order WHEN created THEN subtotal 109.97, tax 8.80, total 118.77, recorded PENDING", async () => {
    const { store, "order-service": orders } = freshServices();
    const result = await orders({
      orderData: {
        items: [
          { productId: "PROD001", quantity: 2, price: 29.99 },
          { productId: "PROD002", quantity: 1, price: 49.99 },
        ],
      },
      userData,
      userId: "test123",
      idempotencyKey: "exec-sample",
      executionId: arn("exec-sample"),
    });
    expect(result).toEqual({
      orderId: deriveId("ord", "execution:exec-sample"),
      userId: "test123",
      items: [
        { productId: "PROD001", quantity: 2, price: 29.99 },
        { productId: "PROD002", quantity: 1, price: 49.99 },
      ],
      subtotal: 109.97,
      tax: 8.8,
      total: 118.77,
      totalCents: 11877,
      currency: "USD",
      status: "PENDING",
    });
    const { currency: _currency, ...stored } = result as Order;
    expect(await store.get("orders", (result as Order).orderId)).toEqual({
      ...stored,
      requestKey: "execution:exec-sample",
      fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/),
      executionId: arn("exec-sample"),
      idempotencyKey: "exec-sample",
      createdAt: expect.stringMatching(/^\d{4}-/),
      updatedAt: expect.stringMatching(/^\d{4}-/),
    });
  });

  test("the recipe's invoke payload (no idempotency key) works and gives the same id for the same order", async () => {
    const { "order-service": orders } = freshServices();
    const payload = {
      orderData: { items: [{ productId: "PROD001", quantity: 2, price: 29.99 }] },
      userData: { userId: "test123" },
    };
    const first = (await orders(payload)) as Order;
    expect(first.total).toBe(64.78); // 59.98 + 4.80
    expect(((await orders(payload)) as Order).orderId).toBe(first.orderId);
  });

  test("a retried call of the same execution returns the same order", async () => {
    const { "order-service": orders } = freshServices();
    const first = await orders(order([item()], { idempotencyKey: "exec-retry", executionId: arn("exec-retry") }));
    expect(await orders(order([item()], { idempotencyKey: "exec-retry", executionId: arn("exec-retry") }))).toEqual(first);
  });

  test("the same event delivered to a second execution is a duplicate: DuplicateOrder names the first order", async () => {
    const { "order-service": orders } = freshServices();
    const event = { orderData: { items: [item()] }, userId: "test123", eventId: "evt-1" };
    const first = (await orders({ ...event, idempotencyKey: "exec-a", executionId: arn("exec-a") })) as Order;
    expect(first.orderId).toBe(deriveId("ord", "event:evt-1"));
    expect(await refusal(orders({ ...event, idempotencyKey: "exec-b", executionId: arn("exec-b") }))).toEqual({
      name: "DuplicateOrder",
      message: first.orderId,
    });
  });

  test("two events with identical details and different ids are two orders", async () => {
    const { "order-service": orders } = freshServices();
    const details = { orderData: { items: [item()] }, userId: "test123" };
    const one = (await orders({ ...details, eventId: "evt-1", idempotencyKey: "exec-a", executionId: arn("exec-a") })) as Order;
    const two = (await orders({ ...details, eventId: "evt-2", idempotencyKey: "exec-b", executionId: arn("exec-b") })) as Order;
    expect(one.orderId).not.toBe(two.orderId);
  });

  test("an execution name and an event id of the same text are different keys", () => {
    expect(deriveId("ord", "event:x")).not.toBe(deriveId("ord", "execution:x"));
  });

  test.each([
    ["eventId", { eventId: "evt-9" }, "eventId evt-9 was already used for a different order"],
    ["idempotencyKey", { idempotencyKey: "exec-9" }, "idempotencyKey exec-9 was already used for a different order"],
  ])("a %s reused for a different order is refused, naming the key", async (_source, key, message) => {
    const { "order-service": orders } = freshServices();
    await orders({ orderData: { items: [item()] }, userId: "test123", ...key });
    expect(await refusal(orders({ orderData: { items: [item({ quantity: 2 })] }, userId: "test123", ...key }))).toEqual({
      name: "InvalidInput",
      message: expect.stringContaining(message),
    });
  });

  test("an order above max_order_total (MAX_ORDER_TOTAL, default 100000.00) is refused, naming the total and the limit", async () => {
    const { store, "order-service": orders } = freshServices();
    const big = order([item({ quantity: 10000, price: 10 })], { idempotencyKey: "exec-big" }); // 100000.00 + 8000.00 tax
    expect(await refusal(orders(big))).toEqual({
      name: "InvalidInput",
      message: "order total 108000.00 is above the limit of 100000.00 per order (max_order_total)",
    });
    // The refusal is recorded under its key: a later run of that execution ends the same way.
    expect(await store.get("orders", deriveId("ord", "execution:exec-big"))).toMatchObject({
      status: "FAILED",
      error: "InvalidInput",
      reason: "order total 108000.00 is above the limit of 100000.00 per order (max_order_total)",
      closedBy: "order-service:create",
    });
    await withMaxOrderTotal("108000", async () => {
      expect((await refusal(orders(big))).name).toBe("OrderClosed");
      await expect(orders({ ...big, idempotencyKey: "exec-big-raised" })).resolves.toMatchObject({ total: 108000 });
    });
    await withMaxOrderTotal("107999.99", async () => {
      expect(
        (await refusal(orders(order([item({ quantity: 10000, price: 10 })], { idempotencyKey: "exec-big-2" })))).message,
      ).toBe("order total 108000.00 is above the limit of 107999.99 per order (max_order_total)");
    });
  });

  test.each(["0", "-5", "12.345", "lots", ""])(
    "a MAX_ORDER_TOTAL of %p is a deployment mistake, reported as such",
    async (value) => {
      await withMaxOrderTotal(value, async () => {
        expect(await refusal(freshServices()["order-service"](order([item()])))).toEqual({
          name: "ServiceUnavailable",
          message: `MAX_ORDER_TOTAL must be an amount above 0 with at most 2 decimals, got "${value}"`,
        });
      });
    },
  );

  test.each([
    [10000, true],
    [10001, false],
  ])("quantity %p accepted: %p", async (quantity, accepted) => {
    const { "order-service": orders } = freshServices();
    const run = orders(order([item({ quantity })], { idempotencyKey: `exec-q${quantity}` }));
    if (accepted) expect(((await run) as Order).items[0].quantity).toBe(quantity);
    else
      expect((await refusal(run)).message).toBe("orderData.items[0].quantity must be a whole number from 1 to 10000, got 10001");
  });

  test.each([
    [100, true],
    [101, false],
  ])("%p items accepted: %p", async (count, accepted) => {
    const { "order-service": orders } = freshServices();
    const run = orders(
      order(
        Array.from({ length: count }, () => item()),
        { idempotencyKey: `exec-n${count}` },
      ),
    );
    if (accepted) expect(((await run) as Order).items).toHaveLength(100);
    else expect((await refusal(run)).message).toBe("orderData.items must have at most 100 entries, got 101");
  });

  test("the largest order the input rules allow stays exact in cents", async () => {
    const items = Array.from({ length: 100 }, () => item({ quantity: 10000, price: 1000000 }));
    await withMaxOrderTotal("1080000000000", async () => {
      const result = (await freshServices()["order-service"](order(items, { idempotencyKey: "exec-max" }))) as Order;
      expect(result.totalCents).toBe(100 * 10000 * 100000000 * 1.08);
    });
  });

  test.each([
    [order([item({ price: 10.005 })]), "orderData.items[0].price must have at most 2 decimals, got 10.005"],
    [order([item({ price: "10" })]), "orderData.items[0].price must be a finite number, got a string"],
    [order([item({ quantity: "2" })]), "orderData.items[0].quantity must be a number, got a string"],
    [order([item({ quantity: 0 })]), "orderData.items[0].quantity must be a whole number from 1 to 10000, got 0"],
    [order([item({ quantity: 1.5 })]), "orderData.items[0].quantity must be a whole number from 1 to 10000, got 1.5"],
    [order([item({ productId: null })]), "orderData.items[0].productId must be a string, got null"],
    [order([item({ productId: "" })]), "orderData.items[0].productId must not be empty"],
    [order([item({ productId: "P".repeat(65) })]), "orderData.items[0].productId must be at most 64 characters, got 65"],
    [order([item({ productId: "PROD 1" })]), "orderData.items[0].productId may contain only letters, digits and _ . : / -"],
    [
      order([item({ colour: "red" })]),
      "orderData.items[0].colour is not an accepted field (accepted: productId, quantity, price)",
    ],
    [order([item(), null]), "orderData.items[1] must be a JSON object, got null"],
    [order([[item()]]), "orderData.items[0] must be a JSON object, got an array"],
    [order([]), "orderData.items must not be empty"],
    [order({}), "orderData.items must be an array, got an object"],
    [{ orderData: null, userData }, "orderData must be a JSON object, got null"],
    [{ orderData: { items: [item()] } }, "userId is required"],
    [{ orderData: { items: [item()] }, userData: { userId: 5 } }, "userData.userId must be a string, got a number"],
    [{ orderData: { items: [item()], coupon: "X" }, userData }, "orderData.coupon is not an accepted field (accepted: items)"],
    [{ ...order([item()]), userId: "someone-else" }, "userId must equal userData.userId"],
    [
      { ...order([item()]), idempotencyKey: "" },
      'idempotencyKey must be 1 to 80 characters, without whitespace, control characters or any of < > { } [ ] ? * " # % \\ ^ | ~ ` $ & , ; : /, got 0 characters',
    ],
    [{ ...order([item()]), eventId: "evt 1" }, "eventId may contain only letters, digits and _ : . -"],
    [
      { ...order([item()]), executionId: "arn with space" },
      "executionId may contain only an execution ARN (arn:...) without whitespace or control characters",
    ],
  ])("refuses %j with InvalidInput: %s", async (event, message) => {
    expect(await refusal(freshServices()["order-service"](event))).toEqual({ name: "InvalidInput", message });
  });
});
