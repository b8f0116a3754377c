/**
 * Acting once per idempotency key (functions/shared/idempotency.ts), and the FNV-1a hash it
 * derives ids with.
 */
import { expect } from "@jest/globals";
import { deriveId, fingerprintOf, fnv1a32, once, RECORD_TTL_DAYS } from "../../../functions/shared/idempotency";
import { MemoryStore } from "../../../functions/shared/memory-store";

describe("FNV-1a 32-bit", () => {
  test("matches the published test vectors", () => {
    expect(fnv1a32("")).toBe(0x811c9dc5);
    expect(fnv1a32("a")).toBe(0xe40c292c);
    expect(fnv1a32("foobar")).toBe(0xbf9cf968);
  });

  test("hashes the UTF-8 bytes, not UTF-16 code units", () => {
    expect(fnv1a32("é")).not.toBe(fnv1a32("\u00e9".normalize("NFD")));
    expect(fnv1a32("é")).toBe(fnv1a32(Buffer.from([0xc3, 0xa9]).toString("utf8")));
  });
});

describe("acting once per idempotency key, on the store", () => {
  const call = { service: "payment-service", action: "authorize", idempotencyKey: "exec-1" };

  test("the same key and request act once and replay the first result", async () => {
    const store = new MemoryStore();
    let acted = 0;
    const act = async () => ({ result: { id: ++acted } });
    expect(await once(store, call, { a: 1 }, act)).toEqual({ result: { id: 1 }, replayed: false });
    expect(await once(store, call, { a: 1 }, act)).toEqual({ result: { id: 1 }, replayed: true });
    expect(acted).toBe(1);
  });

  test("the record holds the request's fingerprint, the result and an expiry 90 days out", async () => {
    const store = new MemoryStore();
    const before = Math.floor(Date.now() / 1000);
    await once(store, call, { a: 1 }, async () => ({ result: "done" }));
    const record = (await store.get("idempotency", "payment-service:authorize:exec-1"))!;
    expect(record).toEqual({
      recordKey: "payment-service:authorize:exec-1",
      fingerprint: fingerprintOf({ a: 1 }),
      result: '"done"',
      createdAt: expect.stringMatching(/^\d{4}-/),
      expiresAt: expect.any(Number),
    });
    expect(record.expiresAt as number).toBeGreaterThanOrEqual(before + RECORD_TTL_DAYS * 86400);
    expect(record.expiresAt as number).toBeLessThanOrEqual(before + RECORD_TTL_DAYS * 86400 + 5);
  });

  test("a key reused for a different request is refused", async () => {
    const store = new MemoryStore();
    await once(store, call, { total: 1 }, async () => ({ result: 1 }));
    await expect(once(store, call, { total: 2 }, async () => ({ result: 2 }))).rejects.toThrow(
      "idempotencyKey exec-1 was already used for a different authorize request",
    );
  });

  test("the writes of a call commit with its record, or not at all", async () => {
    const store = new MemoryStore({ stock: [{ productId: "P", available: 1 }] });
    const take = async () => ({
      result: "taken",
      writes: [
        { type: "add" as const, table: "stock" as const, key: "P", attribute: "available", amount: -2, atLeastZero: true },
      ],
    });
    await expect(
      once(store, call, {}, take, async (index) => {
        throw new Error(`conflict at ${index}`);
      }),
    ).rejects.toThrow("conflict at 0");
    expect(await store.get("idempotency", "payment-service:authorize:exec-1")).toBeUndefined();
    expect(await store.get("stock", "P")).toEqual({ productId: "P", available: 1 });
  });

  test("derived ids depend on every part and nothing else", () => {
    expect(deriveId("ord", "exec-1")).toBe(deriveId("ord", "exec-1"));
    expect(deriveId("ord", "exec-1")).toMatch(/^ord-[0-9a-f]{20}$/);
    expect(deriveId("res", "exec-1", "PROD001")).not.toBe(deriveId("res", "exec-1", "PROD002"));
    // The separator keeps the parts apart: ("ab", "c") is not ("a", "bc").
    expect(deriveId("res", "ab", "c")).not.toBe(deriveId("res", "a", "bc"));
    expect(deriveId("ord", "x")).not.toBe(deriveId("txn", "x"));
  });
});
