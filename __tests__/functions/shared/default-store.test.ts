/**
 * Which store a handler works on (docs/durable-state.md): DynamoDB with the tables the
 * stack names in the environment, the seeded in-process store on a laptop, and a clear
 * ServiceUnavailable in Lambda when the stack set no table at all. No AWS call is made.
 */
import { expect } from "@jest/globals";
import { DynamoStore } from "../../../functions/shared/dynamodb-store";
import { MemoryStore } from "../../../functions/shared/memory-store";
import { storeFromEnvironment } from "../../../functions/shared/default-store";

describe("the store a handler works on", () => {
  test("GIVEN no table names outside Lambda WHEN chosen THEN the in-process store, seeded from the catalogue", async () => {
    const store = storeFromEnvironment({});
    expect(store).toBeInstanceOf(MemoryStore);
    expect(await store.get("stock", "PROD001")).toEqual({ productId: "PROD001", available: 50 });
    expect(await store.get("stock", "PROD005")).toEqual({ productId: "PROD005", available: 0 });
  });

  test("GIVEN no table names in Lambda THEN ServiceUnavailable naming the function, the variables and the fix", () => {
    expect(() => storeFromEnvironment({ AWS_LAMBDA_FUNCTION_NAME: "shop-payment-service" })).toThrow(
      expect.objectContaining({
        name: "ServiceUnavailable",
        message: "shop-payment-service has no table names (ORDERS_TABLE, IDEMPOTENCY_TABLE, STOCK_TABLE): redeploy the stack",
      }),
    );
  });

  test.each([
    [{ STOCK_TABLE: "shop-stock" }, ["orders", "idempotency"]],
    [{ ORDERS_TABLE: "shop-orders", IDEMPOTENCY_TABLE: "shop-idem" }, ["stock"]],
    [{ ORDERS_TABLE: "shop-orders", STOCK_TABLE: "", AWS_LAMBDA_FUNCTION_NAME: "f" }, ["stock", "idempotency"]],
  ] as const)("GIVEN %j THEN DynamoDB, refusing the tables it was not given: %j", async (env, missing) => {
    const store = storeFromEnvironment(env);
    expect(store).toBeInstanceOf(DynamoStore);
    for (const table of missing) {
      await expect(store.getMany(table, ["x"])).rejects.toMatchObject({
        name: "ServiceUnavailable",
        message: `this function is not configured with the ${table} table`,
      });
    }
  });

  test("the process's store is chosen once and kept", () => {
    jest.isolateModules(() => {
      // require, not import: jest.isolateModules loads the module again only through require.
      const { defaultStore } =
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        require("../../../functions/shared/default-store") as typeof import("../../../functions/shared/default-store");
      const first = defaultStore();
      // Another module registry: its MemoryStore is another class of the same name.
      expect(first.constructor.name).toBe("MemoryStore");
      expect(defaultStore()).toBe(first);
    });
  });
});
