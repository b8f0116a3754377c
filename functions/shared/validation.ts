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
const PRODUCT_ID_PATTERN = /^[A-Za-z0-9_.:/-]+$/;
// The ids services derive (orderId, transactionId, ...) and EventBridge event ids: letters, digits, '-', '_', ':' and '.'.
const IDENTIFIER_PATTERN = /^[A-Za-z0-9_:.-]+$/;

/**
 * What StartExecution accepts as an execution name (Step Functions API reference,
 * StartExecution `name`): 1 to 80 characters, none of them whitespace, a control character
 * (U+0000 to U+001F, U+007F to U+009F) or one of < > { } [ ] ? * " # % \ ^ | ~ ` $ & , ; : /.
 * Every such name is an idempotency key the services accept, non-ASCII letters included.
 */
export const EXECUTION_NAME_MAX_LENGTH = 80;
// eslint-disable-next-line no-control-regex
const EXECUTION_NAME_FORBIDDEN = /[\s\u0000-\u001f\u007f-\u009f<>{}[\]?*"#%\\^|~`$&,;:/]/u;
export const EXECUTION_NAME_RULE = `1 to ${EXECUTION_NAME_MAX_LENGTH} characters, without whitespace, control characters or any of < > { } [ ] ? * " # % \\ ^ | ~ \` $ & , ; : /`;

/** Why StartExecution would refuse `name`, or undefined when it accepts it. */
export function executionNameProblem(name: string): string | undefined {
  const length = [...name].length;
  if (length === 0 || length > EXECUTION_NAME_MAX_LENGTH) return `must be ${EXECUTION_NAME_RULE}, got ${length} characters`;
  const forbidden = EXECUTION_NAME_FORBIDDEN.exec(name);
  if (forbidden)
    return `must be ${EXECUTION_NAME_RULE}, got ${JSON.stringify(forbidden[0])} at position ${[...name.slice(0, forbidden.index)].length + 1}`;
  return undefined;
}

/** What a value is, for a refusal's message: "null", "an array", "a string", "NaN", ... */
export function describe(value: unknown): string {
  if (value === undefined || value === null) return String(value);
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  const type = typeof value;
  return type === "object" ? "an object" : `a ${type}`;
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

/** A number that is neither NaN nor infinite: Number.isFinite refuses every non-number, and says so to TypeScript here. */
const isFiniteNumber = (value: unknown): value is number => Number.isFinite(value);

export function requireWholeNumber(value: unknown, field: string, min: number, max: number): number {
  if (value === undefined) throw new InvalidInput(`${field} is required`);
  if (!isFiniteNumber(value)) throw new InvalidInput(`${field} must be a number, got ${describe(value)}`);
  if (!Number.isInteger(value) || value < min || value > max || Object.is(value, -0)) {
    throw new InvalidInput(`${field} must be a whole number from ${min} to ${max}, got ${value}`);
  }
  return value;
}

export function requireFiniteNumber(value: unknown, field: string): number {
  if (value === undefined) throw new InvalidInput(`${field} is required`);
  if (!isFiniteNumber(value)) throw new InvalidInput(`${field} must be a finite number, got ${describe(value)}`);
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
  // includes() finds no non-string among the names, and the guard tells TypeScript so.
  const isAllowed = (candidate: unknown): candidate is T => (allowed as readonly unknown[]).includes(candidate);
  if (!isAllowed(value)) throw new InvalidInput(`${field} must be one of: ${allowed.join(", ")}`);
  return value;
}

/** An idempotency key: the name of the execution that makes the call (EXECUTION_NAME_RULE). */
export function requireExecutionName(value: unknown, field: string): string {
  if (value === undefined) throw new InvalidInput(`${field} is required`);
  if (typeof value !== "string") throw new InvalidInput(`${field} must be a string, got ${describe(value)}`);
  const problem = executionNameProblem(value);
  if (problem) throw new InvalidInput(`${field} ${problem}`);
  return value;
}

/** An execution's ARN (`$$.Execution.Id`), which ends with its name: printable, no whitespace, at most 2048 characters. */
export function requireExecutionArn(value: unknown, field: string): string {
  const arn = requireString(value, field, {
    maxLength: 2048,
    // eslint-disable-next-line no-control-regex
    pattern: /^arn:[^\s\u0000-\u001f\u007f-\u009f]+$/u,
    patternText: "an execution ARN (arn:...) without whitespace or control characters",
  });
  return arn;
}
