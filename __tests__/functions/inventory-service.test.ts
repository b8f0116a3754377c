import { expect } from "@jest/globals";
import { AVAILABLE, CATALOGUE } from "../../functions/shared/catalogue";
import { MAX_PRODUCTS_PER_ORDER } from "../../functions/shared/items";
import { freshServices, refusal } from "../helpers/services";

const reserve = (items: unknown, key = "exec-inv", orderId = "ord-1") => ({
  action: "reserve",
  orderId,
  items,
  idempotencyKey: key,
});
const release = (key = "exec-inv", orderId = "ord-1") => ({ action: "release", orderId, idempotencyKey: key });

describe("inventory-service reserve", () => {
  test("GIVEN products in stock WHEN reserved THEN one reservation per product, ids derived from the key, stock taken", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    const result = await inventory(
      reserve([
        { productId: "PROD001", quantity: 2, price: 29.99 },
        { productId: "PROD002", quantity: 1, price: 49.99 },
      ]),
    );
    expect(result).toEqual({
      orderId: "ord-1",
      reservations: [
        { reservationId: expect.stringMatching(/^res-[0-9a-f]{20}$/), productId: "PROD001", quantity: 2 },
        { reservationId: expect.stringMatching(/^res-[0-9a-f]{20}$/), productId: "PROD002", quantity: 1 },
      ],
      status: "RESERVED",
    });
    expect((await store.get("stock", "PROD001"))?.[AVAILABLE]).toBe(48);
    expect((await store.get("stock", "PROD002"))?.[AVAILABLE]).toBe(24);
  });

  test("the catalogue of docs/business-rules.md seeds the stock", async () => {
    expect([...CATALOGUE]).toEqual([
      ["PROD001", 50],
      ["PROD002", 25],
      ["PROD003", 100],
      ["PROD004", 10],
      ["PROD005", 0],
    ]);
    const { store } = freshServices();
    for (const [productId, available] of CATALOGUE)
      expect(await store.get("stock", productId)).toEqual({ productId, [AVAILABLE]: available });
  });

  test.each([...CATALOGUE])("%s: its whole stock (%p) can be reserved, one more cannot", async (productId, available) => {
    const more = freshServices()["inventory-service"];
    expect(await refusal(more(reserve([{ productId, quantity: available + 1 }], "exec-more")))).toEqual({
      name: "InsufficientInventory",
      message: `Insufficient inventory for product ${productId}: requested ${available + 1}, available ${available}`,
    });
    if (available > 0) {
      const { store, "inventory-service": all } = freshServices();
      await expect(all(reserve([{ productId, quantity: available }], "exec-all"))).resolves.toMatchObject({ status: "RESERVED" });
      expect((await store.get("stock", productId))?.[AVAILABLE]).toBe(0);
    }
  });

  test("stock moves: after one order took PROD004's 10 units the next is refused with the units left", async () => {
    const { "inventory-service": inventory } = freshServices();
    await inventory(reserve([{ productId: "PROD004", quantity: 7 }], "exec-a"));
    expect(await refusal(inventory(reserve([{ productId: "PROD004", quantity: 4 }], "exec-b")))).toEqual({
      name: "InsufficientInventory",
      message: "Insufficient inventory for product PROD004: requested 4, available 3",
    });
  });

  test("five concurrent orders for PROD004's 10 units: one is reserved, four are refused, none oversold", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    const outcomes = await Promise.allSettled(
      Array.from({ length: 5 }, (_, n) => inventory(reserve([{ productId: "PROD004", quantity: 10 }], `exec-c${n}`))),
    );
    expect(outcomes.filter((outcome) => outcome.status === "fulfilled")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.status === "rejected").map((o) => (o.reason as Error).name)).toEqual(
      Array(4).fill("InsufficientInventory"),
    );
    expect((await store.get("stock", "PROD004"))?.[AVAILABLE]).toBe(0);
  });

  test("a refused reservation takes nothing, not even the products that were in stock", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    await refusal(
      inventory(
        reserve([
          { productId: "PROD001", quantity: 5 },
          { productId: "PROD004", quantity: 11 },
        ]),
      ),
    );
    expect((await store.get("stock", "PROD001"))?.[AVAILABLE]).toBe(50);
  });

  test("quantities of the same product on several lines are added up", async () => {
    const { "inventory-service": inventory } = freshServices();
    expect(
      await refusal(
        inventory(
          reserve([
            { productId: "PROD004", quantity: 6 },
            { productId: "PROD004", quantity: 5 },
          ]),
        ),
      ),
    ).toEqual({
      name: "InsufficientInventory",
      message: "Insufficient inventory for product PROD004: requested 11, available 10",
    });
  });

  test.each(["PROD999", "constructor", "__proto__", "prod001"])("product %p is not in the catalogue", async (productId) => {
    const { "inventory-service": inventory } = freshServices();
    expect(await refusal(inventory(reserve([{ productId, quantity: 1 }])))).toEqual({
      name: "ProductNotFound",
      message: `Product ${productId} is not in the catalogue`,
    });
  });

  test("the first product that is missing or short (in the order's order) is the one named", async () => {
    const { "inventory-service": inventory } = freshServices();
    const refused = await refusal(
      inventory(
        reserve([
          { productId: "PROD004", quantity: 11 },
          { productId: "PROD999", quantity: 1 },
        ]),
      ),
    );
    expect(refused.name).toBe("InsufficientInventory");
  });

  test("a retried reservation returns the same reservation ids and takes the stock once", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    const items = [{ productId: "PROD003", quantity: 3 }];
    const first = await inventory(reserve(items, "exec-same"));
    expect(await inventory(reserve(items, "exec-same"))).toEqual(first);
    expect((await store.get("stock", "PROD003"))?.[AVAILABLE]).toBe(97);
  });

  test("a key reused for other items is refused, and takes nothing", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    await inventory(reserve([{ productId: "PROD003", quantity: 3 }], "exec-reused"));
    expect(await refusal(inventory(reserve([{ productId: "PROD003", quantity: 4 }], "exec-reused")))).toEqual({
      name: "InvalidInput",
      message: "idempotencyKey exec-reused was already used for a different reserve request",
    });
    expect(await refusal(inventory(reserve([{ productId: "PROD003", quantity: 3 }], "exec-reused", "ord-2")))).toMatchObject({
      name: "InvalidInput",
    });
    expect((await store.get("stock", "PROD003"))?.[AVAILABLE]).toBe(97);
  });

  test(`an order naming more than ${MAX_PRODUCTS_PER_ORDER} different products is refused before any stock is read`, async () => {
    const { "inventory-service": inventory } = freshServices();
    const items = Array.from({ length: MAX_PRODUCTS_PER_ORDER + 1 }, (_, n) => ({ productId: `P${n}`, quantity: 1 }));
    expect(await refusal(inventory(reserve(items)))).toEqual({
      name: "InvalidInput",
      message: `items must name at most ${MAX_PRODUCTS_PER_ORDER} different products, got ${MAX_PRODUCTS_PER_ORDER + 1}`,
    });
  });
});

describe("inventory-service release", () => {
  test("puts back what the reservation with the same key took, once", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    const reserved = (await inventory(reserve([{ productId: "PROD001", quantity: 2 }], "exec-rel"))) as {
      reservations: unknown[];
    };
    const released = await inventory(release("exec-rel"));
    expect(released).toEqual({ orderId: "ord-1", released: reserved.reservations, status: "RELEASED" });
    expect(await inventory(release("exec-rel"))).toEqual(released);
    expect((await store.get("stock", "PROD001"))?.[AVAILABLE]).toBe(50);
  });

  test("a release of nothing is a harmless no-op that says so", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    await expect(inventory(release("exec-nothing"))).resolves.toEqual({
      orderId: "ord-1",
      released: [],
      status: "NOTHING_TO_RELEASE",
    });
    expect((await store.get("stock", "PROD001"))?.[AVAILABLE]).toBe(50);
  });

  test("a reservation arriving after its release is refused: it would hold stock nobody releases", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    await inventory(release("exec-late"));
    expect(await refusal(inventory(reserve([{ productId: "PROD001", quantity: 1 }], "exec-late")))).toEqual({
      name: "InvalidInput",
      message: "idempotencyKey exec-late was already released: a new reservation needs a new key",
    });
    expect((await store.get("stock", "PROD001"))?.[AVAILABLE]).toBe(50);
  });

  test("a release for another order than the reservation's is refused", async () => {
    const { "inventory-service": inventory } = freshServices();
    await inventory(reserve([{ productId: "PROD001", quantity: 1 }], "exec-other"));
    expect(await refusal(inventory(release("exec-other", "ord-2")))).toEqual({
      name: "InvalidInput",
      message: "idempotencyKey exec-other reserved stock for order ord-1, not ord-2",
    });
  });

  test.each([
    [{ action: "release", orderId: "ord-1" }, "idempotencyKey is required"],
    [{ action: "release", orderId: "ord-1", reservations: [], idempotencyKey: "k" }, "reservations is not an accepted field"],
    [reserve([{ productId: "PROD001" }]), "items[0].quantity is required"],
    [reserve([{ productId: "PROD001", quantity: 1, price: -1 }]), "items[0].price must be greater than 0"],
    [reserve("PROD001"), "items must be an array, got a string"],
    [{ action: "restock" }, "action must be one of: reserve, release, status, seed"],
  ])("%j is refused: %s", async (event, message) => {
    const { "inventory-service": inventory } = freshServices();
    await expect(inventory(event)).rejects.toMatchObject({ name: "InvalidInput", message: expect.stringContaining(message) });
  });
});
