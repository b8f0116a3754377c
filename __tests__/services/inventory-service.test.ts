import { handler, processInventory, STOCK } from "../../functions/inventory-service";

const reserve = (items: unknown, key = "exec-inv") => ({ action: "reserve", orderId: "ord-1", items, idempotencyKey: key });

describe("inventory-service reserve", () => {
  test("GIVEN products in stock WHEN reserved THEN one reservation per product, ids derived from the key", async () => {
    const result = await handler(
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
  });

  test("the catalogue of DESIGN.md section 3", () => {
    expect([...STOCK]).toEqual([
      ["PROD001", 50],
      ["PROD002", 25],
      ["PROD003", 100],
      ["PROD004", 10],
      ["PROD005", 0],
    ]);
  });

  test.each([...STOCK])("%s: its whole stock (%p) can be reserved, one more cannot", (productId, available) => {
    if (available > 0) {
      expect(processInventory(reserve([{ productId, quantity: available }], `exec-all-${productId}`)).result.status).toBe(
        "RESERVED",
      );
    }
    expect(() => processInventory(reserve([{ productId, quantity: available + 1 }], `exec-more-${productId}`))).toThrow(
      `Insufficient inventory for product ${productId}: requested ${available + 1}, available ${available}`,
    );
  });

  test("quantities of the same product on several lines are added up", () => {
    expect(() =>
      processInventory(
        reserve(
          [
            { productId: "PROD004", quantity: 6 },
            { productId: "PROD004", quantity: 5 },
          ],
          "exec-sum",
        ),
      ),
    ).toThrow(
      expect.objectContaining({ name: "InsufficientInventory", message: expect.stringContaining("requested 11, available 10") }),
    );
  });

  test.each(["PROD999", "constructor", "__proto__", "prod001"])("product %p is not in the catalogue", async (productId) => {
    await expect(handler(reserve([{ productId, quantity: 1 }], `exec-nf-${productId}`))).rejects.toMatchObject({
      name: "ProductNotFound",
      message: `Product ${productId} is not in the catalogue`,
    });
  });

  test("a retried reservation returns the same reservation ids", () => {
    const items = [{ productId: "PROD003", quantity: 3 }];
    const first = processInventory(reserve(items, "exec-same"));
    expect(processInventory(reserve(items, "exec-same"))).toMatchObject({ result: first.result, replayed: true });
  });
});

describe("inventory-service release", () => {
  test("releases the given reservations once per key", () => {
    const reservations = [{ reservationId: "res-1", productId: "PROD001", quantity: 2 }];
    const event = { action: "release", orderId: "ord-1", reservations, idempotencyKey: "exec-rel" };
    expect(processInventory(event).result).toEqual({ orderId: "ord-1", released: reservations, status: "RELEASED" });
    expect(processInventory(event).replayed).toBe(true);
  });

  test.each([
    [{ action: "release", orderId: "ord-1", reservations: [], idempotencyKey: "k" }, "reservations must not be empty"],
    [
      { action: "release", orderId: "ord-1", reservations: [{ productId: "P", quantity: 1 }], idempotencyKey: "k" },
      "reservations[0].reservationId is required",
    ],
    [reserve([{ productId: "PROD001" }]), "items[0].quantity is required"],
    [reserve([{ productId: "PROD001", quantity: 1, price: -1 }]), "items[0].price must be greater than 0"],
    [reserve("PROD001"), "items must be an array, got a string"],
    [{ action: "restock" }, "action must be one of: reserve, release"],
  ])("%j is refused: %s", async (event, message) => {
    await expect(handler(event)).rejects.toMatchObject({ name: "InvalidInput", message: expect.stringContaining(message) });
  });
});
