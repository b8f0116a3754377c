/**
 * inventory-service's `status` action and the ledger item behind it (docs/durable-state.md): one
 * item per key under `inventory-service:reserve:<key>` whose `status` says what the key did;
 * `status` reads it without acting. An item of version 2 has no `status`, and its release is the
 * record `inventory-service:release:<key>`. Also: a reservation that loses a race for the stock.
 */
import { expect } from "@jest/globals";
import { AVAILABLE } from "../../functions/shared/catalogue";
import { deriveId, fingerprintOf } from "../../functions/shared/idempotency";
import { logLinesDuring } from "../helpers/logs";
import { freshServices, refusal } from "../helpers/services";

const items = [
  { productId: "PROD001", quantity: 2 },
  { productId: "PROD002", quantity: 1 },
];
const reserve = (key: string, orderId = "ord-1") => ({ action: "reserve", orderId, items, idempotencyKey: key });
const release = (key: string, orderId = "ord-1") => ({ action: "release", orderId, idempotencyKey: key });
const status = (key: string, orderId = "ord-1") => ({ action: "status", orderId, idempotencyKey: key });
const reservationsOf = (key: string) => [
  { reservationId: deriveId("res", key, "PROD001"), productId: "PROD001", quantity: 2 },
  { reservationId: deriveId("res", key, "PROD002"), productId: "PROD002", quantity: 1 },
];

describe("inventory-service status", () => {
  test("a key that never acted: NONE, no reservations, and the answer leaves nothing behind", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    expect(await inventory(status("exec-none"))).toEqual({ orderId: "ord-1", status: "NONE", reservations: [] });
    // Unlike a release of nothing (VOID), asking leaves no item: the key can still reserve.
    expect(await store.get("idempotency", "inventory-service:reserve:exec-none")).toBeUndefined();
    await expect(inventory(reserve("exec-none"))).resolves.toMatchObject({ status: "RESERVED" });
  });

  test("a reserved key: RESERVED with its reservations, for the order it reserved for", async () => {
    const { "inventory-service": inventory } = freshServices();
    await inventory(reserve("exec-res"));
    // The ledger's order is named, whichever order the question names.
    expect(await inventory(status("exec-res", "ord-asked"))).toEqual({
      orderId: "ord-1",
      status: "RESERVED",
      reservations: reservationsOf("exec-res"),
    });
  });

  test("a released key: RELEASED, still naming the reservations that were put back", async () => {
    const { "inventory-service": inventory } = freshServices();
    await inventory(reserve("exec-rel"));
    await inventory(release("exec-rel"));
    expect(await inventory(status("exec-rel"))).toEqual({
      orderId: "ord-1",
      status: "RELEASED",
      reservations: reservationsOf("exec-rel"),
    });
  });

  test("a key whose release came first (VOID): NOTHING_TO_RELEASE, no reservations", async () => {
    const { "inventory-service": inventory } = freshServices();
    await inventory(release("exec-void", "ord-void"));
    expect(await inventory(status("exec-void"))).toEqual({
      orderId: "ord-void",
      status: "NOTHING_TO_RELEASE",
      reservations: [],
    });
  });

  test("the ledger item of a reservation is stored RESERVED, then RELEASED (what the invariants read)", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    await inventory(reserve("exec-ledger"));
    const key = "inventory-service:reserve:exec-ledger";
    expect(await store.get("idempotency", key)).toMatchObject({ status: "RESERVED", orderId: "ord-1" });
    await inventory(release("exec-ledger"));
    expect(await store.get("idempotency", key)).toMatchObject({ status: "RELEASED", orderId: "ord-1" });
  });

  test("the call is logged as a status that succeeded, under its key", async () => {
    const lines = await logLinesDuring(() => freshServices()["inventory-service"](status("exec-logged")));
    expect(lines).toEqual([
      expect.objectContaining({ message: "done", action: "status", idempotencyKey: "exec-logged", outcome: "succeeded" }),
    ]);
  });
});

describe("inventory-service and a reservation of version 2", () => {
  /** Version 2's record of a reserve call: no `status`, the result as JSON (as `once` wrote it); its stock taken. */
  async function version2Reservation(store: ReturnType<typeof freshServices>["store"], key: string) {
    const result = { orderId: "ord-v2", reservations: reservationsOf(key), status: "RESERVED" };
    await store.transact([
      { type: "add", table: "stock", key: "PROD001", attribute: AVAILABLE, amount: -2 },
      { type: "add", table: "stock", key: "PROD002", attribute: AVAILABLE, amount: -1 },
      {
        type: "put",
        table: "idempotency",
        item: {
          recordKey: `inventory-service:reserve:${key}`,
          fingerprint: fingerprintOf({ orderId: "ord-v2", requested: [] }),
          result: JSON.stringify(result),
          createdAt: "2025-01-01T00:00:00.000Z",
        },
      },
    ]);
    return result;
  }

  test("its release puts the stock back once, is recorded as inventory-service:release:<key>, and status says RELEASED", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    await version2Reservation(store, "exec-v2");
    expect(await inventory(status("exec-v2", "ord-v2"))).toMatchObject({ status: "RESERVED" });
    const released = await inventory(release("exec-v2", "ord-v2"));
    expect(released).toEqual({ orderId: "ord-v2", released: reservationsOf("exec-v2"), status: "RELEASED" });
    // A version-2 call would look for exactly this record before releasing: it must find it.
    expect(await store.get("idempotency", "inventory-service:release:exec-v2")).toMatchObject({
      fingerprint: fingerprintOf({ orderId: "ord-v2" }),
    });
    expect(await inventory(status("exec-v2", "ord-v2"))).toEqual({
      orderId: "ord-v2",
      status: "RELEASED",
      reservations: reservationsOf("exec-v2"),
    });
    // A retry whose answer was lost gets the first release back, and puts nothing back twice.
    expect(await inventory(release("exec-v2", "ord-v2"))).toEqual(released);
    expect((await store.get("stock", "PROD001"))?.[AVAILABLE]).toBe(50);
    expect((await store.get("stock", "PROD002"))?.[AVAILABLE]).toBe(25);
  });

  test("a release that version 2 recorded is read from inventory-service:release:<key>: nothing put back twice", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    await version2Reservation(store, "exec-v2-done");
    const v2Release = { orderId: "ord-v2", released: reservationsOf("exec-v2-done"), status: "RELEASED" };
    await store.transact([
      { type: "add", table: "stock", key: "PROD001", attribute: AVAILABLE, amount: 2 },
      { type: "add", table: "stock", key: "PROD002", attribute: AVAILABLE, amount: 1 },
      {
        type: "put",
        table: "idempotency",
        item: {
          recordKey: "inventory-service:release:exec-v2-done",
          fingerprint: fingerprintOf({ orderId: "ord-v2" }),
          result: JSON.stringify(v2Release),
        },
      },
    ]);
    expect(await inventory(status("exec-v2-done", "ord-v2"))).toMatchObject({ status: "RELEASED" });
    expect(await inventory(release("exec-v2-done", "ord-v2"))).toEqual(v2Release);
    expect((await store.get("stock", "PROD001"))?.[AVAILABLE]).toBe(50);
  });
});

describe("inventory-service reserve, racing another order", () => {
  test("stock taken between the read and the write: refused at once from the stock as it is, not read again", async () => {
    const { store, "inventory-service": inventory } = freshServices();
    const getMany = store.getMany.bind(store);
    const transact = store.transact.bind(store);
    let stockReads = 0;
    let raced = false;
    store.getMany = async (table, keys) => {
      if (table === "stock") stockReads++;
      return getMany(table, keys);
    };
    store.transact = async (operations) => {
      if (!raced) {
        // Another order takes 49 of PROD001's 50 units after this call read the stock.
        raced = true;
        await transact([{ type: "add", table: "stock", key: "PROD001", attribute: AVAILABLE, amount: -49, atLeastZero: true }]);
      }
      return transact(operations);
    };
    expect(await refusal(inventory(reserve("exec-race")))).toEqual({
      name: "InsufficientInventory",
      message: "Insufficient inventory for product PROD001: requested 2, available 1",
    });
    expect(stockReads).toBe(1);
    expect((await store.get("stock", "PROD002"))?.[AVAILABLE]).toBe(25);
  });
});
