/**
 * inventory-service's `seed` (docs/durable-state.md, "Seeding, destroy and re-apply never touch a
 * live figure"): it adds only the products the stock table lacks, one conditional write each,
 * and reports the others as kept, whatever their figure.
 */
import { expect } from "@jest/globals";
import { AVAILABLE } from "../../functions/shared/catalogue";
import { ServiceUnavailable } from "../../functions/shared/errors";
import { logLinesDuring } from "../helpers/logs";
import { failingWrites, freshServices, refusal } from "../helpers/services";

const seed = (stock: unknown) => ({ action: "seed", stock });

describe("inventory-service seed", () => {
  test("GIVEN products the table lacks WHEN seeded THEN each is added with its figure and reported seeded", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    expect(
      await inventory(
        seed([
          { productId: "PROD006", available: 7 },
          { productId: "PROD007", available: 0 },
        ]),
      ),
    ).toEqual({ seeded: ["PROD006", "PROD007"], kept: [] });
    expect(await store.get("stock", "PROD006")).toEqual({ productId: "PROD006", [AVAILABLE]: 7 });
    expect(await store.get("stock", "PROD007")).toEqual({ productId: "PROD007", [AVAILABLE]: 0 });
  });

  test("a product already there keeps its live figure and is reported kept, beside the ones seeded", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    // Two units of PROD001 sold: a second apply must not put them back on sale.
    await inventory({
      action: "reserve",
      orderId: "ord-1",
      items: [{ productId: "PROD001", quantity: 2 }],
      idempotencyKey: "exec-sold",
    });
    expect(
      await inventory(
        seed([
          { productId: "PROD001", available: 50 },
          { productId: "PROD006", available: 7 },
          { productId: "PROD005", available: 3 },
        ]),
      ),
    ).toEqual({ seeded: ["PROD006"], kept: ["PROD001", "PROD005"] });
    expect(await store.get("stock", "PROD001")).toEqual({ productId: "PROD001", [AVAILABLE]: 48 });
    expect(await store.get("stock", "PROD005")).toEqual({ productId: "PROD005", [AVAILABLE]: 0 });
  });

  test("seeding the same list again changes nothing: everything is kept", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    await inventory(seed([{ productId: "PROD006", available: 7 }]));
    await inventory({
      action: "reserve",
      orderId: "ord-1",
      items: [{ productId: "PROD006", quantity: 5 }],
      idempotencyKey: "exec-new",
    });
    expect(await inventory(seed([{ productId: "PROD006", available: 7 }]))).toEqual({ seeded: [], kept: ["PROD006"] });
    expect((await store.get("stock", "PROD006"))?.[AVAILABLE]).toBe(2);
  });

  test("a fault of the table is not taken for a product already there: the seed call fails with it", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    // Terraform's invocation must fail (and be applied again), not report a product kept that was never written.
    failingWrites(store, new ServiceUnavailable("the stock table is throttled"));
    expect(await refusal(inventory(seed([{ productId: "PROD006", available: 7 }])))).toEqual({
      name: "ServiceUnavailable",
      message: "the stock table is throttled",
    });
  });

  test("a field beside action and stock is refused, named as it was sent", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    expect(await refusal(inventory({ ...seed([{ productId: "PROD006", available: 1 }]), catalogue: "v3" }))).toEqual({
      name: "InvalidInput",
      message: "catalogue is not an accepted field (accepted: action, stock)",
    });
    expect(await store.get("stock", "PROD006")).toBeUndefined();
  });

  test("the call is logged as a seed that succeeded", async () => {
    const lines = await logLinesDuring(() =>
      freshServices()["inventory-service"](seed([{ productId: "PROD006", available: 7 }])),
    );
    expect(lines).toEqual([expect.objectContaining({ message: "done", action: "seed", outcome: "succeeded" })]);
  });

  test.each([
    [
      seed([
        { productId: "PROD006", available: 1 },
        { productId: "PROD007", available: 1, price: 5 },
      ]),
      "stock[1].price is not an accepted field (accepted: productId, available)",
    ],
    [seed(["PROD006"]), "stock[0] must be a JSON object, got a string"],
    [seed([{ available: 1 }]), "stock[0].productId is required"],
    [seed([{ productId: "PROD006", available: -1 }]), "stock[0].available must be a whole number from 0 to 1000000000, got -1"],
  ])("%j is refused before anything is written: %s", async (event, message) => {
    const { store, "inventory-service": inventory } = freshServices();
    expect(await refusal(inventory(event))).toEqual({ name: "InvalidInput", message: expect.stringContaining(message) });
    expect(await store.get("stock", "PROD006")).toBeUndefined();
  });
});
