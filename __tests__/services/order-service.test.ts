import { createOrder, handler } from "../../functions/order-service";

const userData = { userId: "test123" };
const item = (overrides: object = {}) => ({ productId: "PROD001", quantity: 1, price: 10, ...overrides });
const order = (items: unknown, extra: object = {}) => ({
  orderData: { items },
  userData,
  idempotencyKey: "exec-order",
  ...extra,
});

describe("order-service", () => {
  test("GIVEN the README's sample order WHEN created THEN subtotal 109.97, tax 8.80, total 118.77", async () => {
    const result = await handler({
      orderData: {
        items: [
          { productId: "PROD001", quantity: 2, price: 29.99 },
          { productId: "PROD002", quantity: 1, price: 49.99 },
        ],
      },
      userData,
      userId: "test123",
      idempotencyKey: "exec-sample",
    });
    expect(result).toEqual({
      orderId: expect.stringMatching(/^ord-[0-9a-f]{20}$/),
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
      status: "CREATED",
    });
  });

  test("the recipe's invoke payload (no idempotency key) works and gives the same id for the same order", () => {
    const payload = {
      orderData: { items: [{ productId: "PROD001", quantity: 2, price: 29.99 }] },
      userData: { userId: "test123" },
    };
    const first = createOrder(payload);
    expect(first.result.total).toBe(64.78); // 59.98 + 4.80
    expect(createOrder(payload).result.orderId).toBe(first.result.orderId);
  });

  test("a retried call with the same key returns the same order and is marked as a replay", () => {
    const first = createOrder(order([item()], { idempotencyKey: "exec-retry" }));
    const again = createOrder(order([item()], { idempotencyKey: "exec-retry" }));
    expect(again.result).toEqual(first.result);
    expect([first.replayed, again.replayed]).toEqual([false, true]);
  });

  test.each([
    [10000, true],
    [10001, false],
  ])("quantity %p accepted: %p", (quantity, accepted) => {
    const run = () => createOrder(order([item({ quantity })], { idempotencyKey: `exec-q${quantity}` }));
    if (accepted) expect(run().result.items[0].quantity).toBe(quantity);
    else expect(run).toThrow("orderData.items[0].quantity must be a whole number from 1 to 10000, got 10001");
  });

  test.each([
    [100, true],
    [101, false],
  ])("%p items accepted: %p", (count, accepted) => {
    const run = () =>
      createOrder(
        order(
          Array.from({ length: count }, () => item()),
          { idempotencyKey: `exec-n${count}` },
        ),
      );
    if (accepted) expect(run().result.items).toHaveLength(100);
    else expect(run).toThrow("orderData.items must have at most 100 entries, got 101");
  });

  test("the largest order stays exact in cents", () => {
    const items = Array.from({ length: 100 }, () => item({ quantity: 10000, price: 1000000 }));
    const { result } = createOrder(order(items, { idempotencyKey: "exec-max" }));
    expect(result.totalCents).toBe(100 * 10000 * 100000000 * 1.08);
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
    [{ orderData: { items: [item()] } }, "userData is required"],
    [{ orderData: { items: [item()] }, userData: { userId: 5 } }, "userData.userId must be a string, got a number"],
    [{ orderData: { items: [item()], coupon: "X" }, userData }, "orderData.coupon is not an accepted field (accepted: items)"],
    [{ ...order([item()]), userId: "someone-else" }, "userId must equal userData.userId"],
    [{ ...order([item()]), idempotencyKey: "" }, "idempotencyKey must not be empty"],
  ])("refuses %j with InvalidInput: %s", async (event, message) => {
    await expect(handler(event)).rejects.toMatchObject({ name: "InvalidInput", message });
  });
});
