/**
 * The requireObject, requireString and requireWholeNumber checks (functions/shared/validation.ts).
 */
import { requireObject, requireString, requireWholeNumber } from "../../../functions/shared/validation";

describe("validation messages name the field and the rule", () => {
  test.each([
    [() => requireObject([], "orderData"), "orderData must be a JSON object, got an array"],
    [() => requireObject(null, "orderData"), "orderData must be a JSON object, got null"],
    [() => requireString("", "userId", { maxLength: 64 }), "userId must not be empty"],
    [() => requireString("x".repeat(65), "userId", { maxLength: 64 }), "userId must be at most 64 characters, got 65"],
    [() => requireWholeNumber(1.5, "quantity", 1, 10), "quantity must be a whole number from 1 to 10, got 1.5"],
    [() => requireWholeNumber(-0, "quantity", 0, 10), "quantity must be a whole number from 0 to 10, got 0"],
  ])("%#", (check, message) => {
    expect(check).toThrow(message);
  });
});
