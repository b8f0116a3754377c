/**
 * The ledger of an action that has an undo (functions/shared/ledger.ts): one item per
 * idempotency key, DONE after the do-call, UNDONE after its undo, VOID when the undo came
 * first; an item written by version 2 (no status, its undo in a record of its own) is read
 * and undone as version 2 would have. The services' own tests check the ledger through their
 * answers; these check the items it writes and the rules of its retries, on a spec of its own
 * so that every word of a message is seen to come from the spec.
 */
import { ServiceUnavailable } from "../../../functions/shared/errors";
import { fingerprintOf, RECORD_TTL_DAYS } from "../../../functions/shared/idempotency";
import { doOnce, LedgerSpec, readLedger, undoOnce } from "../../../functions/shared/ledger";
import { MemoryStore } from "../../../functions/shared/memory-store";
import { ConditionFailed, Item, Operation } from "../../../functions/shared/store";
import { beforeWriting, failingWrites, refusal } from "../../helpers/services";

const SPEC: LedgerSpec = {
  service: "test-service",
  doAction: "take",
  undoAction: "return",
  done: "TAKEN",
  undone: "RETURNED",
  doNoun: "taking",
  didToOrder: "took for order",
};

/** The item's key and version 2's undo record's key, for the key "exec-1". */
const ITEM_KEY = "test-service:take:exec-1";
const LEGACY_UNDO_KEY = "test-service:return:exec-1";

interface Taken {
  orderId: string;
  units: number;
}
interface Returned {
  units: number;
}

const call = { idempotencyKey: "exec-1", orderId: "ord-1", request: { orderId: "ord-1", units: 3 } };
const take = async () => ({ result: { orderId: "ord-1", units: 3 } satisfies Taken });
const giveBack = (done: Taken) => ({ result: { units: done.units } satisfies Returned });
const nothing = (): Returned => ({ units: 0 });

/** A fixed clock: the items' createdAt and expiresAt are exact. */
const NOW = 1_796_617_880_185;
const AT = new Date(NOW).toISOString();
const EXPIRES_AT = Math.floor(NOW / 1000) + RECORD_TTL_DAYS * 86400;
beforeEach(() => jest.spyOn(Date, "now").mockReturnValue(NOW));
afterEach(() => jest.restoreAllMocks());

/** The item version 2 wrote for a do-call: no status, the result holds the order. */
const legacyItem = (): Item => ({
  recordKey: ITEM_KEY,
  fingerprint: fingerprintOf(call.request),
  result: JSON.stringify({ orderId: "ord-1", units: 3 }),
  createdAt: "2026-01-01T00:00:00.000Z",
  expiresAt: 1_800_000_000,
});
/** Version 2's record of the undo of that call. */
const legacyUndo = (units: number): Item => ({
  recordKey: LEGACY_UNDO_KEY,
  fingerprint: fingerprintOf({ orderId: "ord-1" }),
  result: JSON.stringify({ units }),
  createdAt: "2026-01-02T00:00:00.000Z",
  expiresAt: 1_800_000_000,
});

/** Makes every transaction fail its first condition, counting the attempts. */
const conflictingForever = (store: MemoryStore) => failingWrites(store, new ConditionFailed(0));

describe("the item of each state", () => {
  test("a do-call writes DONE with the order, the request's fingerprint, its result and an expiry 90 days out", async () => {
    const store = new MemoryStore();
    await expect(doOnce(store, SPEC, call, take)).resolves.toEqual({ result: { orderId: "ord-1", units: 3 }, replayed: false });
    // The expiry is what DynamoDB's TTL deletes by: epoch seconds, RECORD_TTL_DAYS after the write.
    expect(await store.get("idempotency", ITEM_KEY)).toEqual({
      recordKey: ITEM_KEY,
      status: "TAKEN",
      orderId: "ord-1",
      fingerprint: fingerprintOf(call.request),
      result: JSON.stringify({ orderId: "ord-1", units: 3 }),
      createdAt: AT,
      expiresAt: EXPIRES_AT,
    });
  });

  test("readLedger tells DONE, UNDONE and VOID apart by the spec's own status words", async () => {
    const store = new MemoryStore();
    expect(await readLedger(store, SPEC, "exec-1")).toBeUndefined();

    await doOnce(store, SPEC, call, take);
    expect(await readLedger(store, SPEC, "exec-1")).toEqual({
      state: "DONE",
      orderId: "ord-1",
      done: { orderId: "ord-1", units: 3 },
      undone: undefined,
      fingerprint: fingerprintOf(call.request),
    });

    await undoOnce(store, SPEC, call, nothing, giveBack);
    expect(await readLedger(store, SPEC, "exec-1")).toEqual({
      state: "UNDONE",
      orderId: "ord-1",
      done: { orderId: "ord-1", units: 3 },
      undone: { units: 3 },
      fingerprint: fingerprintOf(call.request),
    });

    // An undo of nothing closes the key: VOID, whatever the spec calls its states.
    await undoOnce(store, SPEC, { idempotencyKey: "exec-2", orderId: "ord-2" }, nothing, giveBack);
    expect(await readLedger(store, SPEC, "exec-2")).toEqual({
      state: "VOID",
      orderId: "ord-2",
      done: undefined,
      undone: { units: 0 },
      fingerprint: undefined,
    });
  });

  test("a do-call after the undo is refused in the spec's words, and does not act", async () => {
    const store = new MemoryStore();
    await doOnce(store, SPEC, call, take);
    await undoOnce(store, SPEC, call, nothing, giveBack);
    const act = jest.fn(take);
    await expect(refusal(doOnce(store, SPEC, call, act))).resolves.toEqual({
      name: "InvalidInput",
      message: "idempotencyKey exec-1 was already returned: a new taking needs a new key",
    });
    expect(act).not.toHaveBeenCalled();
  });
});

describe("a do-call whose transaction fails", () => {
  test("GIVEN one of its writes' conditions fails WHEN onConflict names a refusal THEN that refusal, nothing written", async () => {
    const store = new MemoryStore({ stock: [{ productId: "P1", available: 1 }] });
    const onConflict = jest.fn(async (index: number) => new Error(`write ${index} refused`));
    const act = async () => ({
      result: { orderId: "ord-1", units: 3 },
      writes: [{ type: "add", table: "stock", key: "P1", attribute: "available", amount: -3, atLeastZero: true } as Operation],
    });
    await expect(doOnce(store, SPEC, call, act, onConflict)).rejects.toThrow("write 0 refused");
    expect(onConflict).toHaveBeenCalledTimes(1);
    expect(await store.get("idempotency", ITEM_KEY)).toBeUndefined();
  });

  test("GIVEN a concurrent call with the key lands first THEN its result is replayed, without asking onConflict", async () => {
    const store = new MemoryStore({ stock: [{ productId: "P1", available: 10 }] });
    const writes: Operation[] = [{ type: "add", table: "stock", key: "P1", attribute: "available", amount: -3 }];
    beforeWriting(store, ITEM_KEY, () => doOnce(store, SPEC, call, async () => ({ result: { orderId: "ord-1", units: 4 } })));
    // The item's own condition (the last operation) failed: the key is taken, which is no business error.
    const onConflict = jest.fn(async () => new Error("not a conflict of the writes"));
    await expect(doOnce(store, SPEC, call, async () => ({ ...(await take()), writes }), onConflict)).resolves.toEqual({
      result: { orderId: "ord-1", units: 4 },
      replayed: true,
    });
    expect(onConflict).not.toHaveBeenCalled();
    expect(await store.get("stock", "P1")).toEqual({ productId: "P1", available: 10 });
  });

  test("GIVEN the world changes under every attempt and onConflict says retry THEN ServiceUnavailable after exactly 3", async () => {
    const store = new MemoryStore();
    const attempts = conflictingForever(store);
    const act = async () => ({
      result: { orderId: "ord-1", units: 3 },
      writes: [{ type: "absent", table: "stock", key: "P1" } as Operation],
    });
    // onConflict answering undefined means "read again", never a refusal of undefined.
    await expect(refusal(doOnce(store, SPEC, call, act, async () => undefined))).resolves.toEqual({
      name: "ServiceUnavailable",
      message: "the state of test-service take exec-1 kept changing while it was being written; try again",
    });
    expect(attempts.count).toBe(3);
  });
});

describe("an undo-call whose transaction fails", () => {
  test("GIVEN the world changes under every attempt THEN ServiceUnavailable after exactly 3, naming the undo", async () => {
    const store = new MemoryStore();
    await doOnce(store, SPEC, call, take);
    const attempts = conflictingForever(store);
    await expect(refusal(undoOnce(store, SPEC, call, nothing, giveBack))).resolves.toEqual({
      name: "ServiceUnavailable",
      message: "the state of test-service return exec-1 kept changing while it was being written; try again",
    });
    expect(attempts.count).toBe(3);
  });

  test("a store error other than a failed condition is passed on as it is, after one attempt", async () => {
    const store = new MemoryStore();
    const attempts = failingWrites(
      store,
      new ServiceUnavailable("DynamoDB TransactWriteItems failed: ThrottlingException: slow down"),
    );
    await expect(refusal(undoOnce(store, SPEC, call, nothing, giveBack))).resolves.toEqual({
      name: "ServiceUnavailable",
      message: "DynamoDB TransactWriteItems failed: ThrottlingException: slow down",
    });
    expect(attempts.count).toBe(1);
  });
});

describe("an item version 2 wrote (no status; its undo in a record of its own)", () => {
  test("GIVEN no undo record THEN DONE, the order read from the result, marked legacy", async () => {
    const store = new MemoryStore({ idempotency: [legacyItem()] });
    expect(await readLedger(store, SPEC, "exec-1")).toEqual({
      state: "DONE",
      orderId: "ord-1",
      done: { orderId: "ord-1", units: 3 },
      undone: undefined,
      fingerprint: fingerprintOf(call.request),
      legacy: true,
    });
  });

  test("GIVEN version 2's undo record at <service>:<undo action>:<key> THEN UNDONE with that record's result", async () => {
    const store = new MemoryStore({ idempotency: [legacyItem(), legacyUndo(2)] });
    expect(await readLedger(store, SPEC, "exec-1")).toEqual({
      state: "UNDONE",
      orderId: "ord-1",
      done: { orderId: "ord-1", units: 3 },
      undone: { units: 2 },
      fingerprint: fingerprintOf(call.request),
      legacy: true,
    });
    // So its do-call is not replayed after the undo, and its undo answers version 2's result.
    expect((await refusal(doOnce(store, SPEC, call, take))).message).toBe(
      "idempotencyKey exec-1 was already returned: a new taking needs a new key",
    );
    await expect(undoOnce(store, SPEC, call, nothing, giveBack)).resolves.toEqual({ result: { units: 2 }, replayed: true });
  });

  test("GIVEN it is undone now THEN version 2's undo record is written too (its lock), and the item moves to UNDONE", async () => {
    const store = new MemoryStore({ idempotency: [legacyItem()] });
    await expect(undoOnce(store, SPEC, call, nothing, giveBack)).resolves.toEqual({ result: { units: 3 }, replayed: false });
    // A version-2 undo-call (a rollback) would take this record first, so both cannot undo.
    expect(await store.get("idempotency", LEGACY_UNDO_KEY)).toEqual({
      recordKey: LEGACY_UNDO_KEY,
      fingerprint: fingerprintOf({ orderId: "ord-1" }),
      result: JSON.stringify({ units: 3 }),
      createdAt: AT,
      expiresAt: EXPIRES_AT,
    });
    expect(await store.get("idempotency", ITEM_KEY)).toEqual({
      ...legacyItem(),
      status: "RETURNED",
      undoResult: JSON.stringify({ units: 3 }),
      updatedAt: AT,
    });
    expect(await readLedger(store, SPEC, "exec-1")).toMatchObject({ state: "UNDONE", undone: { units: 3 } });
  });

  test("GIVEN a version-2 undo lands while this undo reads THEN this one replays it instead of undoing twice", async () => {
    const store = new MemoryStore({ idempotency: [legacyItem()] });
    beforeWriting(store, LEGACY_UNDO_KEY, () => store.transact([{ type: "put", table: "idempotency", item: legacyUndo(2) }]));
    await expect(undoOnce(store, SPEC, call, nothing, giveBack)).resolves.toEqual({ result: { units: 2 }, replayed: true });
    expect(await store.get("idempotency", LEGACY_UNDO_KEY)).toEqual(legacyUndo(2));
  });
});
