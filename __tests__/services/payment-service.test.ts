import { declineReason, handler, processPayment } from "../../functions/payment-service";

const authorize = (amountCents: number, creditScore: number, key = `exec-${amountCents}-${creditScore}`) => ({
  action: "authorize",
  orderId: "ord-1",
  userId: "test123",
  creditScore,
  amountCents,
  idempotencyKey: key,
});

describe("payment-service authorize", () => {
  test("GIVEN a total within the rules WHEN authorized THEN a transaction id derived from the key", async () => {
    await expect(handler(authorize(11877, 830, "exec-a"))).resolves.toEqual({
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
  ])("total %p cents with score %p: declined %p", (amountCents, creditScore, declined) => {
    expect(declineReason(amountCents, creditScore) !== undefined).toBe(declined);
    const run = () => processPayment(authorize(amountCents, creditScore));
    if (declined) expect(run).toThrow(expect.objectContaining({ name: "PaymentDeclined" }));
    else expect(run().result.status).toBe("AUTHORIZED");
  });

  test("the decline message names the order, the total, the threshold and the score", () => {
    expect(() => processPayment(authorize(500001, 700))).toThrow(
      "Payment for order ord-1 declined: total 5000.01 is above 5000.00 and requires a credit score of at least 750 (score 700)",
    );
  });

  test("retrying with the same key returns the same transaction without a second authorization", () => {
    const first = processPayment(authorize(5000, 700, "exec-retry"));
    const again = processPayment(authorize(5000, 700, "exec-retry"));
    expect(again.result).toEqual(first.result);
    expect(again.replayed).toBe(true);
  });
});

describe("payment-service refund", () => {
  test("refunds a transaction once per key", () => {
    const refund = { action: "refund", transactionId: "txn-1", amountCents: 500, idempotencyKey: "exec-r" };
    const first = processPayment(refund);
    expect(first.result).toEqual({
      refundId: expect.stringMatching(/^rfd-/),
      transactionId: "txn-1",
      amountCents: 500,
      amount: 5,
      status: "REFUNDED",
    });
    expect(processPayment(refund)).toMatchObject({ result: first.result, replayed: true });
  });
});

describe("payment-service refuses malformed events", () => {
  test.each([
    [{}, "action is required (one of: authorize, refund)"],
    [{ action: "capture" }, "action must be one of: authorize, refund"],
    [{ ...authorize(100, 700), creditScore: 599 }, "creditScore must be a whole number from 600 to 850, got 599"],
    [{ ...authorize(100, 700), amountCents: 0 }, "amountCents must be a whole number from 1 to 108000000000000, got 0"],
    [{ ...authorize(100, 700), amountCents: 1.5 }, "amountCents must be a whole number from 1 to 108000000000000, got 1.5"],
    [{ ...authorize(100, 700), orderId: undefined }, "orderId is required"],
    [{ ...authorize(100, 700), idempotencyKey: "has space" }, "idempotencyKey may contain only letters, digits and _ : . -"],
    [{ action: "refund", transactionId: "txn-1", amountCents: 5 }, "idempotencyKey is required"],
    [
      { action: "refund", transactionId: "txn-1", amountCents: 5, idempotencyKey: "k", orderId: "x" },
      "orderId is not an accepted field",
    ],
  ])("%j: %s", async (event, message) => {
    await expect(handler(event)).rejects.toMatchObject({ name: "InvalidInput", message: expect.stringContaining(message) });
  });
});
