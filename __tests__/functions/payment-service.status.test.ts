/**
 * payment-service's `status` action and the ledger item behind it (docs/durable-state.md):
 * one item per key under `payment-service:authorize:<key>` whose `status` says what the key
 * did; `status` reads it without acting. An item of version 2 has no `status`, and its refund
 * is the record `payment-service:refund:<key>`.
 */
import { expect } from "@jest/globals";
import { deriveId, fingerprintOf } from "../../functions/shared/idempotency";
import { logLinesDuring } from "../helpers/logs";
import { freshServices } from "../helpers/services";

const authorize = (key: string, orderId = "ord-1") => ({
  action: "authorize",
  orderId,
  userId: "test123",
  creditScore: 700,
  amountCents: 11877,
  idempotencyKey: key,
});
const refund = (key: string, orderId = "ord-1") => ({ action: "refund", orderId, idempotencyKey: key });
const status = (key: string, orderId = "ord-1") => ({ action: "status", orderId, idempotencyKey: key });

describe("payment-service status", () => {
  test("a key that never acted: NONE, no transaction, nothing taken, and the answer leaves nothing behind", async () => {
    const { store, "payment-service": payment } = freshServices();
    expect(await payment(status("exec-none"))).toEqual({
      orderId: "ord-1",
      status: "NONE",
      transactionId: null,
      amount: 0,
    });
    // Unlike a refund of nothing (VOID), asking leaves no item: the key can still authorize.
    expect(await store.get("idempotency", "payment-service:authorize:exec-none")).toBeUndefined();
    await expect(payment(authorize("exec-none"))).resolves.toMatchObject({ status: "AUTHORIZED" });
  });

  test("an authorized key: AUTHORIZED with its transaction and amount, for the order it authorized", async () => {
    const { "payment-service": payment } = freshServices();
    await payment(authorize("exec-auth"));
    // The ledger's order is named, whichever order the question names.
    expect(await payment(status("exec-auth", "ord-asked"))).toEqual({
      orderId: "ord-1",
      status: "AUTHORIZED",
      transactionId: deriveId("txn", "exec-auth"),
      amount: 118.77,
    });
  });

  test("a refunded key: REFUNDED, still naming the transaction and amount that were refunded", async () => {
    const { "payment-service": payment } = freshServices();
    await payment(authorize("exec-ref"));
    await payment(refund("exec-ref"));
    expect(await payment(status("exec-ref"))).toEqual({
      orderId: "ord-1",
      status: "REFUNDED",
      transactionId: deriveId("txn", "exec-ref"),
      amount: 118.77,
    });
  });

  test("a key whose refund came first (VOID): NOTHING_TO_REFUND, no transaction, amount 0", async () => {
    const { "payment-service": payment } = freshServices();
    await payment(refund("exec-void", "ord-void"));
    expect(await payment(status("exec-void"))).toEqual({
      orderId: "ord-void",
      status: "NOTHING_TO_REFUND",
      transactionId: null,
      amount: 0,
    });
  });

  test("the ledger item of an authorization is stored AUTHORIZED, then REFUNDED (what the invariants read)", async () => {
    const { store, "payment-service": payment } = freshServices();
    await payment(authorize("exec-ledger"));
    const key = "payment-service:authorize:exec-ledger";
    expect(await store.get("idempotency", key)).toMatchObject({ status: "AUTHORIZED", orderId: "ord-1" });
    await payment(refund("exec-ledger"));
    expect(await store.get("idempotency", key)).toMatchObject({ status: "REFUNDED", orderId: "ord-1" });
  });

  test("the call is logged as a status that succeeded, under its key", async () => {
    const lines = await logLinesDuring(() => freshServices()["payment-service"](status("exec-logged")));
    expect(lines).toEqual([
      expect.objectContaining({ message: "done", action: "status", idempotencyKey: "exec-logged", outcome: "succeeded" }),
    ]);
  });
});

describe("payment-service and an authorization of version 2", () => {
  /** Version 2's record of an authorize call: no `status`, the result as JSON (as `once` wrote it). */
  async function version2Authorization(store: ReturnType<typeof freshServices>["store"], key: string) {
    const result = {
      transactionId: deriveId("txn", key),
      orderId: "ord-v2",
      amountCents: 540,
      amount: 5.4,
      status: "AUTHORIZED",
    };
    await store.transact([
      {
        type: "put",
        table: "idempotency",
        item: {
          recordKey: `payment-service:authorize:${key}`,
          fingerprint: fingerprintOf({ orderId: "ord-v2", userId: "test123", amountCents: 540 }),
          result: JSON.stringify(result),
          createdAt: "2025-01-01T00:00:00.000Z",
        },
      },
    ]);
    return result;
  }

  test("its refund is written as version 2's record payment-service:refund:<key>, and status then says REFUNDED", async () => {
    const { store, "payment-service": payment } = freshServices();
    const authorized = await version2Authorization(store, "exec-v2");
    expect(await payment(status("exec-v2", "ord-v2"))).toMatchObject({ status: "AUTHORIZED" });
    const refunded = await payment(refund("exec-v2", "ord-v2"));
    expect(refunded).toMatchObject({ status: "REFUNDED", transactionId: authorized.transactionId, amountCents: 540 });
    // A version-2 call would look for exactly this record before refunding: it must find it.
    expect(await store.get("idempotency", "payment-service:refund:exec-v2")).toMatchObject({
      fingerprint: fingerprintOf({ orderId: "ord-v2" }),
    });
    expect(await payment(status("exec-v2", "ord-v2"))).toEqual({
      orderId: "ord-v2",
      status: "REFUNDED",
      transactionId: authorized.transactionId,
      amount: 5.4,
    });
    // A retry whose answer was lost (the workflow, npm run compensate) gets the first refund back, not a refusal.
    expect(await payment(refund("exec-v2", "ord-v2"))).toEqual(refunded);
  });

  test("a refund that version 2 recorded is read from payment-service:refund:<key>: not refunded twice", async () => {
    const { store, "payment-service": payment } = freshServices();
    await version2Authorization(store, "exec-v2-done");
    const v2Refund = { orderId: "ord-v2", refundId: "rfd-v2", transactionId: "txn-v2", amountCents: 540, amount: 5.4 };
    await store.transact([
      {
        type: "put",
        table: "idempotency",
        item: {
          recordKey: "payment-service:refund:exec-v2-done",
          fingerprint: fingerprintOf({ orderId: "ord-v2" }),
          result: JSON.stringify({ ...v2Refund, status: "REFUNDED" }),
        },
      },
    ]);
    expect(await payment(status("exec-v2-done", "ord-v2"))).toMatchObject({ status: "REFUNDED" });
    // The second refund answers with version 2's first one, as a replay.
    expect(await payment(refund("exec-v2-done", "ord-v2"))).toEqual({ ...v2Refund, status: "REFUNDED" });
  });
});
