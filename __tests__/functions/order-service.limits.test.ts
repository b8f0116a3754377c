/**
 * max_order_total as order-service reads it (MAX_ORDER_TOTAL, set by the stack): an amount
 * in dollars with at most 2 decimals, digits only. Anything else is a deployment mistake,
 * reported as ServiceUnavailable (the caller's order is not at fault).
 */
import { expect } from "@jest/globals";
import { maxOrderTotalCents } from "../../functions/order-service";

describe("MAX_ORDER_TOTAL", () => {
  test.each([
    ["1", 100],
    ["0.01", 1],
    ["250.5", 25050],
    ["100000", 10000000],
    ["007", 700],
  ])("GIVEN %p THEN a limit of %p cents", (value, cents) => {
    expect(maxOrderTotalCents({ MAX_ORDER_TOTAL: value })).toBe(cents);
  });

  test("unset: the default of 100000.00", () => {
    expect(maxOrderTotalCents({})).toBe(10000000);
  });

  test.each(["+5", " 5", "5 ", "5e2", "0x10", "5.", ".5", "1,000", "0.00", "0.001"])("GIVEN %p THEN refused", (value) => {
    expect(() => maxOrderTotalCents({ MAX_ORDER_TOTAL: value })).toThrow(
      expect.objectContaining({
        name: "ServiceUnavailable",
        message: `MAX_ORDER_TOTAL must be an amount above 0 with at most 2 decimals, got "${value}"`,
      }),
    );
  });
});
