/**
 * Money in cents (functions/shared/money.ts).
 */
import { priceToCents, taxCents } from "../../../functions/shared/money";

describe("money in cents", () => {
  test.each([
    [29.99, 2999],
    [0.01, 1],
    [1000000, 100000000],
    [0.1, 10],
    [4.35, 435],
  ])("price %p is %p cents", (price, cents) => {
    expect(priceToCents(price, "price")).toBe(cents);
  });

  test.each([
    [29.999, "price must have at most 2 decimals, got 29.999"],
    [0, "price must be greater than 0 and at most 1000000, got 0"],
    [-0, "price must be greater than 0 and at most 1000000, got 0"],
    [-5, "price must be greater than 0 and at most 1000000, got -5"],
    [1000000.01, "price must be greater than 0 and at most 1000000, got 1000000.01"],
    [Infinity, "price must be a finite number, got Infinity"],
    [NaN, "price must be a finite number, got NaN"],
    ["29.99", "price must be a finite number, got a string"],
    [null, "price must be a finite number, got null"],
    [undefined, "price is required"],
  ])("price %p is refused: %s", (price, message) => {
    expect(() => priceToCents(price, "price")).toThrow(message);
  });

  test("tax is 8% rounded half up to the cent", () => {
    expect(taxCents(10997)).toBe(880); // 879.76 -> 880
    expect(taxCents(1)).toBe(0); // 0.08 -> 0
    expect(taxCents(7)).toBe(1); // 0.56 -> 1
    expect(taxCents(625)).toBe(50); // 50.00 exactly
    expect(taxCents(1_000_000_000_000_00)).toBe(8_000_000_000_000);
  });
});
