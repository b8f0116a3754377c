/**
 * docs/input-rules.md, as the caller meets it: each rule's refusal is InvalidInput with
 * one exact sentence (the field's path, the rule, what was sent), and each limit's last
 * accepted value is accepted.
 */
import { describe as describeValue, EXECUTION_NAME_RULE } from "../../../functions/shared/validation";
import { freshServices, refusal } from "../../helpers/services";
import { inTitle } from "../../helpers/titles";

const ARN_RULE = "executionId may contain only an execution ARN (arn:...) without whitespace or control characters";

const ITEM = { productId: "PROD001", quantity: 2, price: 29.99 };
const order = (fields: object = {}, item: object = {}) => ({
  orderData: { items: [{ ...ITEM, ...item }] },
  userId: "test123",
  idempotencyKey: "exec-1",
  ...fields,
});
const authorize = (fields: object = {}) => ({
  action: "authorize",
  orderId: "ord-1",
  userId: "u1",
  creditScore: 700,
  amountCents: 100,
  idempotencyKey: "exec-1",
  ...fields,
});

type Service = keyof ReturnType<typeof freshServices>;
const call = (service: Exclude<Service, "store">, event: unknown) => freshServices()[service](event);

describe("each rule's refusal is one exact sentence", () => {
  const refusals = [
    // the event itself, and the types of what was sent, as described in the sentence
    ["user-service", null, "input must be a JSON object, got null"],
    ["user-service", [], "input must be a JSON object, got an array"],
    ["user-service", "test123", "input must be a JSON object, got a string"],
    ["user-service", 42, "input must be a JSON object, got a number"],
    ["user-service", true, "input must be a JSON object, got a boolean"],
    ["user-service", { userId: 7 }, "userId must be a string, got a number"],
    ["user-service", { userId: {} }, "userId must be a string, got an object"],
    ["user-service", { userId: "" }, "userId must not be empty"],
    ["user-service", { userId: "x".repeat(65) }, "userId must be at most 64 characters, got 65"],
    ["user-service", { userId: " test123" }, "userId may contain only letters, digits and _ . @ -"],
    ["user-service", { userId: "test123 " }, "userId may contain only letters, digits and _ . @ -"],
    // fields nobody asked for: named by their path, quoted when they are no plain name, cut at 64 characters
    ["user-service", { userId: "u", admin: true }, "admin is not an accepted field (accepted: userId, orderData, eventId)"],
    ["user-service", { userId: "u", a$_9: 1 }, "a$_9 is not an accepted field (accepted: userId, orderData, eventId)"],
    ["user-service", { userId: "u", "a-b": 1 }, '"a-b" is not an accepted field (accepted: userId, orderData, eventId)'],
    ["user-service", { userId: "u", " ab": 1 }, '" ab" is not an accepted field (accepted: userId, orderData, eventId)'],
    ["user-service", { userId: "u", "ab ": 1 }, '"ab " is not an accepted field (accepted: userId, orderData, eventId)'],
    ["user-service", { userId: "u", "": 1 }, '"" is not an accepted field (accepted: userId, orderData, eventId)'],
    [
      "user-service",
      { userId: "u", ["k".repeat(64)]: 1 },
      `${"k".repeat(64)} is not an accepted field (accepted: userId, orderData, eventId)`,
    ],
    [
      "user-service",
      { userId: "u", ["k".repeat(65)]: 1 },
      `"${"k".repeat(64)}..." is not an accepted field (accepted: userId, orderData, eventId)`,
    ],
    [
      "user-service",
      { userId: "u", ["k ".repeat(32)]: 1 },
      `"${"k ".repeat(32)}" is not an accepted field (accepted: userId, orderData, eventId)`,
    ],
    [
      "order-service",
      order({}, { discount: 5 }),
      "orderData.items[0].discount is not an accepted field (accepted: productId, quantity, price)",
    ],
    [
      "order-service",
      order({ orderData: { items: [ITEM], coupon: "X" } }),
      "orderData.coupon is not an accepted field (accepted: items)",
    ],
    // items
    ["order-service", order({ orderData: { items: "PROD001" } }), "orderData.items must be an array, got a string"],
    ["order-service", order({ orderData: { items: [] } }), "orderData.items must not be empty"],
    [
      "order-service",
      order({ orderData: { items: Array(101).fill(ITEM) } }),
      "orderData.items must have at most 100 entries, got 101",
    ],
    ["order-service", order({ orderData: { items: [ITEM, 7] } }), "orderData.items[1] must be a JSON object, got a number"],
    [
      "order-service",
      order({}, { productId: " PROD001" }),
      "orderData.items[0].productId may contain only letters, digits and _ . : / -",
    ],
    [
      "order-service",
      order({}, { productId: "PROD001 " }),
      "orderData.items[0].productId may contain only letters, digits and _ . : / -",
    ],
    [
      "order-service",
      order({}, { productId: "P".repeat(65) }),
      "orderData.items[0].productId must be at most 64 characters, got 65",
    ],
    ["order-service", order({}, { quantity: "2" }), "orderData.items[0].quantity must be a number, got a string"],
    ["order-service", order({}, { quantity: Infinity }), "orderData.items[0].quantity must be a number, got Infinity"],
    ["order-service", order({}, { quantity: NaN }), "orderData.items[0].quantity must be a number, got NaN"],
    ["order-service", order({}, { quantity: 0 }), "orderData.items[0].quantity must be a whole number from 1 to 10000, got 0"],
    [
      "order-service",
      order({}, { quantity: 10001 }),
      "orderData.items[0].quantity must be a whole number from 1 to 10000, got 10001",
    ],
    [
      "order-service",
      order({}, { quantity: 2.5 }),
      "orderData.items[0].quantity must be a whole number from 1 to 10000, got 2.5",
    ],
    ["order-service", order({}, { price: "29.99" }), "orderData.items[0].price must be a finite number, got a string"],
    ["order-service", order({}, { price: -Infinity }), "orderData.items[0].price must be a finite number, got -Infinity"],
    ["order-service", order({}, { price: 0 }), "orderData.items[0].price must be greater than 0 and at most 1000000, got 0"],
    [
      "order-service",
      order({}, { price: 1000000.01 }),
      "orderData.items[0].price must be greater than 0 and at most 1000000, got 1000000.01",
    ],
    ["order-service", order({}, { price: 9.999 }), "orderData.items[0].price must have at most 2 decimals, got 9.999"],
    // keys and ids
    [
      "order-service",
      order({ idempotencyKey: "k".repeat(81) }),
      `idempotencyKey must be ${EXECUTION_NAME_RULE}, got 81 characters`,
    ],
    [
      "order-service",
      order({ idempotencyKey: "é".repeat(81) }),
      `idempotencyKey must be ${EXECUTION_NAME_RULE}, got 81 characters`,
    ],
    [
      "order-service",
      order({ idempotencyKey: " exec-1" }),
      `idempotencyKey must be ${EXECUTION_NAME_RULE}, got " " at position 1`,
    ],
    [
      "order-service",
      order({ idempotencyKey: "exec-1 " }),
      `idempotencyKey must be ${EXECUTION_NAME_RULE}, got " " at position 7`,
    ],
    [
      "order-service",
      order({ idempotencyKey: "ordre-été:1" }),
      `idempotencyKey must be ${EXECUTION_NAME_RULE}, got ":" at position 10`,
    ],
    [
      "order-service",
      order({ idempotencyKey: "a\u0085b" }),
      `idempotencyKey must be ${EXECUTION_NAME_RULE}, got "\u0085" at position 2`,
    ],
    ["order-service", order({ idempotencyKey: 7 }), "idempotencyKey must be a string, got a number"],
    ["order-service", order({ eventId: "evt/1" }), "eventId may contain only letters, digits and _ : . -"],
    ["order-service", order({ executionId: `arn:${"x".repeat(2045)}` }), "executionId must be at most 2048 characters, got 2049"],
    ["order-service", order({ executionId: " arn:x" }), ARN_RULE],
    ["order-service", order({ executionId: "arn:x " }), ARN_RULE],
    ["order-service", order({ executionId: "execution:x" }), ARN_RULE],
    ["order-service", order({ userData: { userId: "other" } }), "userId must equal userData.userId"],
    ["order-service", order({ userId: 7 }), "userId must be a string, got a number"],
    [
      "order-service",
      order({ coupon: "X" }),
      "coupon is not an accepted field (accepted: orderData, userData, userId, eventId, idempotencyKey, executionId)",
    ],
    [
      "payment-service",
      { action: "refund", orderId: "o", idempotencyKey: "k", amountCents: 1 },
      "amountCents is not an accepted field (accepted: action, orderId, idempotencyKey)",
    ],
    [
      "notification-service",
      { action: "confirmation", cc: "x" },
      "cc is not an accepted field (accepted: action, recipient, order, idempotencyKey)",
    ],
    [
      "notification-service",
      { action: "failure", cc: "x" },
      "cc is not an accepted field (accepted: action, recipient, failure, idempotencyKey)",
    ],
    ["order-service", order({ userId: undefined }), "userId is required"],
    // payment
    ["payment-service", authorize({ action: "charge" }), "action must be one of: authorize, refund, status"],
    ["payment-service", authorize({ creditScore: 599 }), "creditScore must be a whole number from 600 to 850, got 599"],
    ["payment-service", authorize({ creditScore: 851 }), "creditScore must be a whole number from 600 to 850, got 851"],
    ["payment-service", authorize({ amountCents: 0 }), "amountCents must be a whole number from 1 to 108000000000000, got 0"],
    ["payment-service", authorize({ amountCents: -0 }), "amountCents must be a whole number from 1 to 108000000000000, got 0"],
    [
      "payment-service",
      authorize({ amountCents: 108_000_000_000_001 }),
      "amountCents must be a whole number from 1 to 108000000000000, got 108000000000001",
    ],
    // notification
    [
      "notification-service",
      {
        action: "confirmation",
        recipient: { userId: "u", email: "u@example.com" },
        order: { orderId: "o", userId: "u", total: 1, transactionId: "t", reservations: [7] },
        idempotencyKey: "k",
      },
      "order.reservations[0] must be a JSON object, got a number",
    ],
  ] as const;
  // The event in the title as inTitle() shows it: one holds 101 items, another a 2049-character ARN.
  test.each(refusals.map(([service, event, message]) => [service, inTitle(event), message, event] as const))(
    "%s %s: %s",
    async (service, _shown, message, event) => {
      expect(await refusal(call(service, event))).toEqual({ name: "InvalidInput", message });
    },
  );
});

describe("each limit's last accepted value is accepted", () => {
  test("64-character userId and productId, an 80-character key of every character AWS allows, a 2048-character executionId, 100 items", async () => {
    const { "order-service": createOrder } = freshServices();
    const userId = "Az09_.@-".repeat(8);
    // Every printable ASCII character StartExecution accepts in a name, and letters beyond ASCII (80 code points, 84 UTF-16 units).
    const key = "Az09!'()+-.=@_é😀".repeat(5);
    expect([...key]).toHaveLength(80);
    await expect(
      createOrder({
        orderData: { items: Array(100).fill({ productId: "Az09_.:/-".repeat(7) + "x", quantity: 1, price: 1 }) },
        userId,
        idempotencyKey: key,
        executionId: `arn:${"Az09_:./-".repeat(227)}`,
      }),
    ).resolves.toMatchObject({ userId, total: 108 });
  });

  test("quantity 10000 and price 1000000 (with max_order_total raised), and 1 of each", async () => {
    const { "order-service": createOrder } = freshServices();
    await expect(createOrder(order({}, { quantity: 1, price: 0.01 }))).resolves.toMatchObject({ subtotal: 0.01 });
    await expect(createOrder(order({ idempotencyKey: "exec-2" }, { quantity: 10000, price: 0.01 }))).resolves.toMatchObject({
      subtotal: 100,
    });
    await expect(createOrder(order({ idempotencyKey: "exec-3" }, { quantity: 1, price: 1000 }))).resolves.toMatchObject({
      subtotal: 1000,
    });
  });

  test("a credit score of 600 and of 850, an amount of 1 cent and of the largest order", async () => {
    const { "payment-service": pay } = freshServices();
    await expect(pay(authorize({ creditScore: 600, amountCents: 1 }))).resolves.toMatchObject({ amountCents: 1 });
    await expect(
      pay(authorize({ creditScore: 850, amountCents: 108_000_000_000_000, idempotencyKey: "exec-2" })),
    ).resolves.toMatchObject({
      amount: 1_080_000_000_000,
    });
  });

  test("99 different products (a transaction's 100 operations, less the ledger item a reservation writes) is the most per order, in order-service as in inventory-service", async () => {
    const { "inventory-service": inventory, "order-service": createOrder } = freshServices();
    const items = (count: number) => Array.from({ length: count }, (_, n) => ({ productId: `P${n}`, quantity: 1, price: 1 }));
    const reserve = (count: number) =>
      inventory({ action: "reserve", orderId: "o", items: items(count), idempotencyKey: `k${count}` });
    expect(await refusal(reserve(99))).toEqual({ name: "ProductNotFound", message: "Product P0 is not in the catalogue" });
    expect(await refusal(reserve(100))).toEqual({
      name: "InvalidInput",
      message: "items must name at most 99 different products, got 100",
    });
    await expect(createOrder({ orderData: { items: items(99) }, userId: "u", idempotencyKey: "o99" })).resolves.toMatchObject({
      total: 106.92,
    });
    // Refused before anything is charged: a rule inventory-service would apply after the payment.
    expect(await refusal(createOrder({ orderData: { items: items(100) }, userId: "u", idempotencyKey: "o100" }))).toEqual({
      name: "InvalidInput",
      message: "orderData.items must name at most 99 different products, got 100",
    });
  });

  test("a confirmation without reservations closes the record with none", async () => {
    const { store, "notification-service": notify } = freshServices();
    await store.transact([{ type: "put", table: "orders", item: { orderId: "o", status: "PENDING" } }]);
    await notify({
      action: "confirmation",
      recipient: { userId: "u", email: "u@example.com" },
      order: { orderId: "o", userId: "u", total: 1, transactionId: "t" },
      idempotencyKey: "k",
    });
    expect(await store.get("orders", "o")).toMatchObject({ status: "COMPLETED", transactionId: "t", reservations: [] });
  });
});

test.each([
  [undefined, "undefined"],
  [null, "null"],
  [[1], "an array"],
  [{ a: 1 }, "an object"],
  ["x", "a string"],
  [1, "a number"],
  [Number.NaN, "NaN"],
  [Infinity, "Infinity"],
  [true, "a boolean"],
  [10n, "a bigint"],
])("a refusal describes %p as %s", (value, description) => {
  expect(describeValue(value)).toBe(description);
});
