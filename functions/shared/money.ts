/**
 * Money is handled in whole cents (integers) so that no float rounding reaches a total.
 * The largest possible order (100 items x 10000 x 1000000.00) is 1e14 cents, well
 * inside Number.MAX_SAFE_INTEGER.
 */
import { InvalidInput } from "./errors";
import { LIMITS, requireFiniteNumber } from "./validation";

export const TAX_RATE_PERCENT = 8;

/** Parses a price in dollars (finite, > 0, <= 1000000, at most 2 decimals) into cents. */
export function priceToCents(input: unknown, field: string): number {
  const value = requireFiniteNumber(input, field);
  if (!(value > 0) || value > LIMITS.maxPrice) {
    throw new InvalidInput(`${field} must be greater than 0 and at most ${LIMITS.maxPrice}, got ${value}`);
  }
  const cents = Math.round(value * 100);
  // Exact for any price with at most 2 decimals: both sides are the double nearest to cents/100.
  if (cents / 100 !== value) {
    throw new InvalidInput(`${field} must have at most 2 decimals, got ${value}`);
  }
  return cents;
}

/** 8% of the subtotal, rounded half up to the cent, in integer arithmetic. */
export function taxCents(subtotalCents: number): number {
  return Math.floor((subtotalCents * TAX_RATE_PERCENT + 50) / 100);
}

export function centsToAmount(cents: number): number {
  return cents / 100;
}
