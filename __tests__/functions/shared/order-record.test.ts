/**
 * The order record as the execution's outcome record (functions/shared/order-record.ts,
 * docs/durable-state.md): what a closed record tells a second run to end with, and when a
 * record is too old to be this execution's own retry.
 */
import { expect } from "@jest/globals";
import {
  CLOSED_STATUSES,
  CLOSERS,
  closingWrite,
  ORDER_REPLAY_WINDOW_DAYS,
  ORDER_STATUSES,
  ORDER_SUMMARY_FIELDS,
  outlivedItsRecords,
  recordedOutcome,
} from "../../../functions/shared/order-record";

const DAY = 86_400_000;

/** A COMPLETED record as the notice leaves it: the order, its fulfilment and the notice's id. */
const completed = (extra: object = {}) => ({
  orderId: "ord-1",
  userId: "user-1",
  items: [{ productId: "PROD001", quantity: 2, price: 29.99 }],
  subtotal: 59.98,
  tax: 4.8,
  total: 64.78,
  totalCents: 6478,
  transactionId: "txn-1",
  reservations: [{ productId: "PROD001", quantity: 2 }],
  status: "COMPLETED",
  requestKey: "execution:exec-1",
  fingerprint: "f".repeat(64),
  closedBy: CLOSERS.notice,
  notificationId: "ntf-1",
  ...extra,
});

describe("order statuses", () => {
  test("every status but PENDING is a closed one", () => {
    expect(CLOSED_STATUSES).toEqual(ORDER_STATUSES.filter((status) => status !== "PENDING"));
  });
});

describe("closingWrite", () => {
  test("closes only a PENDING record, stamping updatedAt", () => {
    expect(closingWrite("ord-1", { status: "FAILED" })).toEqual({
      type: "update",
      table: "orders",
      key: "ord-1",
      set: { status: "FAILED", updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) },
      ifIn: { attribute: "status", values: ["PENDING"] },
    });
  });
});

describe("recordedOutcome", () => {
  test("a COMPLETED record gives the order summary the customer was sent, and the sent notice", () => {
    expect(recordedOutcome(completed())).toEqual({
      status: "COMPLETED",
      orderId: "ord-1",
      summary: {
        orderId: "ord-1",
        userId: "user-1",
        items: [{ productId: "PROD001", quantity: 2, price: 29.99 }],
        subtotal: 59.98,
        tax: 4.8,
        total: 64.78,
        transactionId: "txn-1",
        reservations: [{ productId: "PROD001", quantity: 2 }],
        notification: { type: "ORDER_CONFIRMATION", notificationId: "ntf-1", delivered: true },
      },
    });
  });

  test("the summary holds exactly the summary fields: no bookkeeping (key, fingerprint, closedBy) leaks out", () => {
    const { summary } = recordedOutcome(completed());
    expect(Object.keys(summary!).sort()).toEqual([...ORDER_SUMMARY_FIELDS, "notification"].sort());
  });

  test("a COMPLETED record order-service closed (the notice could not be sent) says the notice was not delivered", () => {
    // Only the notice closes with closedBy notification-service: any other closer means no notice went out.
    const { summary } = recordedOutcome(completed({ closedBy: CLOSERS.fallback, notificationId: undefined }));
    expect(summary!.notification).toEqual({ type: "ORDER_CONFIRMATION", notificationId: null, delivered: false });
  });

  test("a FAILED record gives its error and reason, not a summary", () => {
    expect(
      recordedOutcome({ orderId: "ord-2", status: "FAILED", error: "PaymentDeclined", reason: "card declined", items: [] }),
    ).toEqual({ status: "FAILED", orderId: "ord-2", error: "PaymentDeclined", reason: "card declined" });
  });

  test("a COMPENSATION_FAILED record keeps its own error and reason when it has them", () => {
    expect(
      recordedOutcome({ orderId: "ord-3", status: "COMPENSATION_FAILED", error: "CompensationFailed", reason: "refund failed" }),
    ).toEqual({ status: "COMPENSATION_FAILED", orderId: "ord-3", error: "CompensationFailed", reason: "refund failed" });
  });

  test.each([
    ["FAILED", "ServiceUnavailable"],
    ["COMPENSATION_FAILED", "CompensationFailed"],
  ])("a %s record without error or reason ends with %s and a reason naming the order", (status, error) => {
    // Records written before error and reason were kept still end as their status says.
    expect(recordedOutcome({ orderId: "ord-4", status })).toEqual({
      status,
      orderId: "ord-4",
      error,
      reason: `order ord-4 ended ${status}`,
    });
  });
});

describe("outlivedItsRecords", () => {
  const now = Date.parse("2026-06-01T00:00:00.000Z");
  const createdAgo = (ms: number) => ({ createdAt: new Date(now - ms).toISOString() });

  test(`a record exactly ${ORDER_REPLAY_WINDOW_DAYS} days old is still within the window`, () => {
    expect(outlivedItsRecords(createdAgo(ORDER_REPLAY_WINDOW_DAYS * DAY), now)).toBe(false);
  });

  test("a record one millisecond past the window has outlived its records", () => {
    expect(outlivedItsRecords(createdAgo(ORDER_REPLAY_WINDOW_DAYS * DAY + 1), now)).toBe(true);
  });

  test("a fresh record has not", () => {
    expect(outlivedItsRecords(createdAgo(0), now)).toBe(false);
  });

  test("a record without a readable createdAt is never taken as outlived", () => {
    // No date to judge by: treating it as a reused name would refuse a genuine retry.
    expect(outlivedItsRecords({}, now)).toBe(false);
    expect(outlivedItsRecords({ createdAt: "yesterday" }, now)).toBe(false);
  });

  test("by default it judges against the current time", () => {
    expect(outlivedItsRecords({ createdAt: new Date(Date.now() - 100 * DAY).toISOString() })).toBe(true);
    expect(outlivedItsRecords({ createdAt: new Date(Date.now() - DAY).toISOString() })).toBe(false);
  });
});
