/**
 * Input validation shared by every handler. Each check throws InvalidInput with a
 * message that names the field (as a path such as `orderData.items[2].price`) and
 * the rule it broke, so that the execution's Cause tells the caller what to fix.
 */
import { InvalidInput } from "./errors";

export type JsonObject = { [key: string]: unknown };

/** Input limits (docs/input-rules.md); they also keep every payload far below Step Functions' 256 KB. */
export const LIMITS = {
  idMaxLength: 64,
  maxItems: 100,
  maxQuantity: 10000,
  maxPrice: 1000000,
  identifierMaxLength: 128,
  /** The largest valid order request is about 9 KB of JSON; anything past this is refused whole. */
  maxRequestBytes: 32768,
} as const;

const USER_ID_PATTERN = /^[A-Za-z0-9_.@-]+$/;
// Printable ASCII only: no spaces, quotes or control characters in a catalogue key.
const PRODUCT_ID_PATTERN = /^[A-Za-z0-9_.:\/-]+$/;
// Execution names and the ids derived from them: letters, digits, '-', '_', ':' and '.'.
const IDENTIFIER_PATTERN = /^[A-Za-z0-9_:.-]+$/;

export function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const type = typeof value;
  // Stryker disable next-line ConditionalExpression,StringLiteral: equivalent for `type === "undefined"`: every caller reports undefined as "is required" before describing a value.
  return type === "object" || type === "undefined" ? `an ${type}` : `a ${type}`;
}

export function requireObject(value: unknown, field: string): JsonObject {
  if (value === undefined) throw new InvalidInput(`${field} is required`);
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InvalidInput(`${field} must be a JSON object, got ${describe(value)}`);
  }
  return value as JsonObject;
}

/** Refuses keys the contract does not define, so that a typo is reported, not ignored. */
export function allowOnlyKeys(object: JsonObject, field: string, allowed: readonly string[]): void {
  for (const key of Object.keys(object)) {
    if (!allowed.includes(key)) {
      // The key comes from the caller: shown at most 64 characters long, and quoted when it is not a plain name.
      const shown = /^[A-Za-z0-9_$]{1,64}$/.test(key) ? key : JSON.stringify(key.length > 64 ? `${key.slice(0, 64)}...` : key);
      throw new InvalidInput(`${fieldOf(field, shown)} is not an accepted field (accepted: ${allowed.join(", ")})`);
    }
  }
}

export function fieldOf(parent: string, key: string): string {
  return parent === "" ? key : `${parent}.${key}`;
}

export function requireString(
  value: unknown,
  field: string,
  rule: { maxLength: number; pattern?: RegExp; patternText?: string },
): string {
  if (value === undefined) throw new InvalidInput(`${field} is required`);
  if (typeof value !== "string") throw new InvalidInput(`${field} must be a string, got ${describe(value)}`);
  if (value.length === 0) throw new InvalidInput(`${field} must not be empty`);
  if (value.length > rule.maxLength) {
    throw new InvalidInput(`${field} must be at most ${rule.maxLength} characters, got ${value.length}`);
  }
  if (rule.pattern && !rule.pattern.test(value)) {
    throw new InvalidInput(`${field} may contain only ${rule.patternText}`);
  }
  return value;
}

export function requireWholeNumber(value: unknown, field: string, min: number, max: number): number {
  if (value === undefined) throw new InvalidInput(`${field} is required`);
  // Stryker disable next-line ConditionalExpression: equivalent when `typeof value !== "number"` becomes false, since Number.isFinite refuses every non-number; the typeof narrows the type for TypeScript.
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidInput(`${field} must be a number, got ${describe(value)}`);
  }
  if (!Number.isInteger(value) || value < min || value > max || Object.is(value, -0)) {
    throw new InvalidInput(`${field} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

export function requireFiniteNumber(value: unknown, field: string): number {
  if (value === undefined) throw new InvalidInput(`${field} is required`);
  // Stryker disable next-line ConditionalExpression: equivalent when `typeof value !== "number"` becomes false, since Number.isFinite refuses every non-number; the typeof narrows the type for TypeScript.
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new InvalidInput(`${field} must be a finite number, got ${describe(value)}`);
  }
  return value;
}

export function requirePositiveNumber(input: unknown, field: string): number {
  const value = requireFiniteNumber(input, field);
  if (!(value > 0)) throw new InvalidInput(`${field} must be greater than 0, got ${value}`);
  return value;
}

export function requireArray(value: unknown, field: string, maxLength: number): unknown[] {
  if (value === undefined) throw new InvalidInput(`${field} is required`);
  if (!Array.isArray(value)) throw new InvalidInput(`${field} must be an array, got ${describe(value)}`);
  if (value.length === 0) throw new InvalidInput(`${field} must not be empty`);
  if (value.length > maxLength) {
    throw new InvalidInput(`${field} must have at most ${maxLength} entries, got ${value.length}`);
  }
  return value;
}

export function requireUserId(value: unknown, field: string): string {
  return requireString(value, field, {
    maxLength: LIMITS.idMaxLength,
    pattern: USER_ID_PATTERN,
    patternText: "letters, digits and _ . @ -",
  });
}

export function requireProductId(value: unknown, field: string): string {
  return requireString(value, field, {
    maxLength: LIMITS.idMaxLength,
    pattern: PRODUCT_ID_PATTERN,
    patternText: "letters, digits and _ . : / -",
  });
}

/** An idempotency key or an id a service derived from one (orderId, transactionId, ...). */
export function requireIdentifier(value: unknown, field: string): string {
  return requireString(value, field, {
    maxLength: LIMITS.identifierMaxLength,
    pattern: IDENTIFIER_PATTERN,
    patternText: "letters, digits and _ : . -",
  });
}

export function requireOneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (value === undefined) throw new InvalidInput(`${field} is required (one of: ${allowed.join(", ")})`);
  // Stryker disable next-line ConditionalExpression: equivalent when `typeof value !== "string"` becomes false, since includes() finds no non-string among the names; the typeof narrows the type for TypeScript.
  if (typeof value !== "string" || !(allowed as readonly string[]).includes(value)) {
    throw new InvalidInput(`${field} must be one of: ${allowed.join(", ")}`);
  }
  return value as T;
}
