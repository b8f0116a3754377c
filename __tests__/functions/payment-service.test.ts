import { expect } from "@jest/globals";
import { declineReason } from "../../functions/payment-service";
import { freshServices, refusal } from "../helpers/services";

const authorize = (amountCents: number, creditScore: number, key = `exec-${amountCents}-${creditScore}`, orderId = "ord-1") => ({
  action: "authorize",
  orderId,
  userId: "test123",
  creditScore,
  amountCents,
  idempotencyKey: key,
});
const refund = (key: string, orderId = "ord-1") => ({ action: "refund", orderId, idempotencyKey: key });

describe("payment-service authorize", () => {
  test("GIVEN a total within the rules WHEN authorized THEN a transaction id derived from the key", async () => {
    const { "payment-service": payment } = freshServices();
    await expect(payment(authorize(11877, 830, "exec-a"))).resolves.toEqual({
      transactionId: expect.stringMatching(/^txn-[0-9a-f]{20}$/),
      orderId: "ord-1",
      amountCents: 11877,
      amount: 118.77,
      status: "AUTHORIZED",
    });
  });

  test.each([
    // [total in cents, credit score, declined?]
    [100000, 600, false], // exactly 1000.00 is not above 1000
    [100001, 649, true],
    [100001, 650, false],
    [500000, 650, false], // exactly 5000.00
    [500001, 749, true],
    [500001, 750, false],
    [10_000_000, 850, false],
  ])("total %p cents with score %p: declined %p", async (amountCents, creditScore, declined) => {
    const { "payment-service": payment } = freshServices();
    expect(declineReason(amountCents, creditScore) !== undefined).toBe(declined);
    if (declined) expect((await refusal(payment(authorize(amountCents, creditScore)))).name).toBe("PaymentDeclined");
    else await expect(payment(authorize(amountCents, creditScore))).resolves.toMatchObject({ status: "AUTHORIZED" });
  });

  test("the decline message names the order, the total, the threshold and the score", async () => {
    const { "payment-service": payment } = freshServices();
    expect((await refusal(payment(authorize(500001, 700)))).message).toBe(
      "Payment for order ord-1 declined: total 5000.01 is above 5000.00 and requires a credit score of at least 750 (score 700)",
    );
    expect((await refusal(payment(authorize(100001, 600)))).message).toBe(
      "Payment for order ord-1 declined: total 1000.01 is above 1000.00 and requires a credit score of at least 650 (score 600)",
    );
  });

  test("retrying with the same key returns the same transaction without a second authorization", async () => {
    const { store, "payment-service": payment } = freshServices();
    const first = await payment(authorize(5000, 700, "exec-retry"));
    expect(await payment(authorize(5000, 700, "exec-retry"))).toEqual(first);
    expect(JSON.parse((await store.get("idempotency", "payment-service:authorize:exec-retry"))!.result as string)).toEqual(first);
  });

  test.each([
    ["another amount", authorize(5001, 700, "exec-reused")],
    ["another order", authorize(5000, 700, "exec-reused", "ord-2")],
    ["another user", { ...authorize(5000, 700, "exec-reused"), userId: "someone-else" }],
  ])("a key reused for %s is refused, never answered with the first authorization", async (_what, second) => {
    const { "payment-service": payment } = freshServices();
    await payment(authorize(5000, 700, "exec-reused"));
    expect(await refusal(payment(second))).toEqual({
      name: "InvalidInput",
      message: "idempotencyKey exec-reused was already used for a different authorize request",
    });
  });
});

describe("payment-service refund", () => {
  test("refunds what the authorization with the same key took, once", async () => {
    const { "payment-service": payment } = freshServices();
    const authorized = (await payment(authorize(500, 700, "exec-r"))) as { transactionId: string };
    const first = await payment(refund("exec-r"));
    expect(first).toEqual({
      orderId: "ord-1",
      refundId: expect.stringMatching(/^rfd-[0-9a-f]{20}$/),
      transactionId: authorized.transactionId,
      amountCents: 500,
      amount: 5,
      status: "REFUNDED",
    });
    expect(await payment(refund("exec-r"))).toEqual(first);
  });

  test("a refund of nothing is a harmless no-op that says so", async () => {
    const { "payment-service": payment } = freshServices();
    await expect(payment(refund("exec-none"))).resolves.toEqual({
      orderId: "ord-1",
      refundId: null,
      transactionId: null,
      amountCents: 0,
      amount: 0,
      status: "NOTHING_TO_REFUND",
    });
  });

  test("an authorization arriving after its refund is refused: nobody would refund it", async () => {
    const { "payment-service": payment } = freshServices();
    await payment(refund("exec-late"));
    expect(await refusal(payment(authorize(500, 700, "exec-late")))).toEqual({
      name: "InvalidInput",
      message: "idempotencyKey exec-late was already refunded: a new authorization needs a new key",
    });
  });

  test("a refund for another order than the authorization's is refused", async () => {
    const { "payment-service": payment } = freshServices();
    await payment(authorize(500, 700, "exec-other"));
    expect(await refusal(payment(refund("exec-other", "ord-2")))).toEqual({
      name: "InvalidInput",
      message: "idempotencyKey exec-other authorized order ord-1, not ord-2",
    });
  });
});

describe("payment-service refuses malformed events", () => {
  test.each([
    [{}, "action is required (one of: authorize, refund, status)"],
    [{ action: "capture" }, "action must be one of: authorize, refund, status"],
    [{ ...authorize(100, 700), creditScore: 599 }, "creditScore must be a whole number from 600 to 850, got 599"],
    [{ ...authorize(100, 700), creditScore: 851 }, "creditScore must be a whole number from 600 to 850, got 851"],
    [{ ...authorize(100, 700), amountCents: 0 }, "amountCents must be a whole number from 1 to 108000000000000, got 0"],
    [{ ...authorize(100, 700), amountCents: 1.5 }, "amountCents must be a whole number from 1 to 108000000000000, got 1.5"],
    [{ ...authorize(100, 700), orderId: undefined }, "orderId is required"],
    [{ ...authorize(100, 700), userId: undefined }, "userId is required"],
    [{ ...authorize(100, 700), idempotencyKey: "has space" }, "idempotencyKey must be 1 to 80 characters, without whitespace"],
    [{ ...authorize(100, 700), idempotencyKey: "a:b" }, 'got ":" at position 2'],
    [{ ...authorize(100, 700), idempotencyKey: "k".repeat(81) }, "got 81 characters"],
    [{ action: "refund", orderId: "ord-1" }, "idempotencyKey is required"],
    [{ action: "refund", idempotencyKey: "k" }, "orderId is required"],
    [{ ...refund("k"), transactionId: "txn-1" }, "transactionId is not an accepted field"],
  ])("%j: %s", async (event, message) => {
    const { "payment-service": payment } = freshServices();
    expect(await refusal(payment(event))).toEqual({ name: "InvalidInput", message: expect.stringContaining(message) });
  });
});
