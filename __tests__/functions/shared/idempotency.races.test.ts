/**
 * Calls that overlap (docs/durable-state.md): Step Functions may retry a call while the
 * first attempt still runs, and an undo may race the call it undoes. The services act
 * once per key whatever the interleaving, an undo that finds nothing re-reads when the
 * call lands meanwhile, and a store that keeps failing is reported, never hidden.
 */
import { handlerFor as inventoryService } from "../../../functions/inventory-service";
import { handlerFor as orderService } from "../../../functions/order-service";
import { handlerFor as paymentService } from "../../../functions/payment-service";
import { AVAILABLE } from "../../../functions/shared/catalogue";
import { seededMemoryStore } from "../../../functions/shared/default-store";
import { ServiceUnavailable } from "../../../functions/shared/errors";
import { once } from "../../../functions/shared/idempotency";
import { MemoryStore } from "../../../functions/shared/memory-store";
import { keyOf, Operation } from "../../../functions/shared/store";
import { failingWrites, refusal } from "../../helpers/services";

const reserve = { action: "reserve", orderId: "ord-1", items: [{ productId: "PROD004", quantity: 3 }], idempotencyKey: "exec-1" };
const authorize = {
  action: "authorize",
  orderId: "ord-1",
  userId: "u1",
  creditScore: 700,
  amountCents: 500,
  idempotencyKey: "exec-1",
};

/** A store that runs `before` once, just before the first transaction `when` picks. */
function interleaved(store: MemoryStore, when: (operations: Operation[]) => boolean, before: () => Promise<unknown>) {
  const transact = store.transact.bind(store);
  let done = false;
  store.transact = async (operations) => {
    if (!done && when(operations)) {
      done = true;
      await before();
    }
    return transact(operations);
  };
  return store;
}

/** The write by which an undo of nothing closes its key (VOID), so that the call it undoes cannot land later. */
const voidsKey = (key: string) => (operations: Operation[]) =>
  operations.some(
    (operation) => operation.type === "put" && operation.ifAbsent && keyOf(operation) === key && operation.item.status === "VOID",
  );

describe("overlapping calls", () => {
  test("GIVEN two attempts of one reservation at once WHEN both finish THEN one answer, the stock taken once", async () => {
    const store = seededMemoryStore();
    const reserveOnce = inventoryService(store);
    const [first, second] = await Promise.all([reserveOnce(reserve), reserveOnce(reserve)]);
    expect(second).toEqual(first);
    expect((await store.get("stock", "PROD004"))?.[AVAILABLE]).toBe(7);
  });

  test("two attempts of one authorization at once: one transaction, the second replays it", async () => {
    const store = seededMemoryStore();
    const pay = paymentService(store);
    const [first, second] = await Promise.all([pay(authorize), pay(authorize)]);
    expect(second).toEqual(first);
    expect(first).toMatchObject({ status: "AUTHORIZED" });
  });

  test("a reservation that lands while its release reads: the release re-reads and puts the stock back", async () => {
    const store = seededMemoryStore();
    const inventory = inventoryService(store);
    interleaved(store, voidsKey("inventory-service:reserve:exec-1"), () => inventory(reserve));
    await expect(inventory({ action: "release", orderId: "ord-1", idempotencyKey: "exec-1" })).resolves.toMatchObject({
      status: "RELEASED",
      released: [{ productId: "PROD004", quantity: 3 }],
    });
    expect((await store.get("stock", "PROD004"))?.[AVAILABLE]).toBe(10);
  });

  test("an authorization that lands while its refund reads: the refund re-reads and refunds it", async () => {
    const store = seededMemoryStore();
    const pay = paymentService(store);
    interleaved(store, voidsKey("payment-service:authorize:exec-1"), () => pay(authorize));
    await expect(pay({ action: "refund", orderId: "ord-1", idempotencyKey: "exec-1" })).resolves.toMatchObject({
      status: "REFUNDED",
      amountCents: 500,
    });
  });

  test("a reservation the stock cannot meet is refused without a transaction (no write is paid for)", async () => {
    const store = seededMemoryStore();
    let transactions = 0;
    const transact = store.transact.bind(store);
    store.transact = async (operations) => {
      transactions++;
      return transact(operations);
    };
    const inventory = inventoryService(store);
    expect((await refusal(inventory({ ...reserve, items: [{ productId: "PROD004", quantity: 11 }] }))).name).toBe(
      "InsufficientInventory",
    );
    expect((await refusal(inventory({ ...reserve, items: [{ productId: "PROD999", quantity: 1 }] }))).name).toBe(
      "ProductNotFound",
    );
    expect(transactions).toBe(0);
  });
});

describe("a store that fails", () => {
  test("GIVEN the world changes under every attempt THEN ServiceUnavailable after 3 attempts, naming the call", async () => {
    const store = seededMemoryStore();
    let attempts = 0;
    const call = { service: "test-service", action: "act", idempotencyKey: "exec-1" };
    const outcome = once(store, call, {}, async () => {
      attempts++;
      // Another writer takes the item this attempt's condition needs, every time.
      await store.transact([{ type: "put", table: "stock", item: { productId: `X${attempts}` } }]);
      return { result: attempts, writes: [{ type: "absent", table: "stock", key: `X${attempts}` }] };
    });
    expect(await refusal(outcome)).toEqual({
      name: "ServiceUnavailable",
      message: "the state of test-service act exec-1 kept changing while it was being written; try again",
    });
    expect(attempts).toBe(3);
    expect(await store.get("idempotency", "test-service:act:exec-1")).toBeUndefined();
  });

  test.each([
    ["inventory-service", inventoryService, reserve],
    ["payment-service", paymentService, authorize],
    ["order-service", orderService, { orderData: { items: [{ productId: "PROD001", quantity: 1, price: 1 }] }, userId: "u1" }],
  ] as const)("%s: a store error other than a failed condition is passed on as it is", async (_service, handlerFor, event) => {
    const store = seededMemoryStore();
    failingWrites(store, new ServiceUnavailable("DynamoDB TransactWriteItems failed: ThrottlingException: slow down"));
    expect(await refusal(handlerFor(store)(event))).toEqual({
      name: "ServiceUnavailable",
      message: "DynamoDB TransactWriteItems failed: ThrottlingException: slow down",
    });
  });
});
