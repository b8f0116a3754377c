/**
 * Deterministic identifiers, and acting once per idempotency key.
 *
 * Every id is derived from the caller's idempotency key, so a retried call returns the
 * same orderId, transactionId or reservationId on any Lambda instance. What a call did is
 * recorded in the idempotency table in the same transaction as its effect (a stock
 * decrement, an order's new status), so a call whose answer was lost is replayed, never
 * done twice, and a key reused for another request is refused.
 */
import { createHash } from "node:crypto";
import { InvalidInput, ServiceUnavailable } from "./errors";
import { ConditionFailed, EXPIRES_AT, Operation, StateStore } from "./store";

/** FNV-1a 32-bit hash of the UTF-8 bytes of a string (docs/business-rules.md: credit score). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  // Stryker disable next-line StringLiteral: equivalent, Buffer.from reads an empty encoding as its default, utf8.
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/** `<prefix>-<20 hex digits>` from the parts; the separator keeps ("ab","c") and ("a","bc") apart. */
export function deriveId(prefix: string, ...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `${prefix}-${digest.slice(0, 20)}`;
}

/** What identifies a request's content: a retry must send the same. */
export function fingerprintOf(request: unknown): string {
  return createHash("sha256").update(JSON.stringify(request)).digest("hex");
}

/**
 * How long a record is kept: beyond the longest execution, EventBridge's 24-hour
 * redelivery window and Step Functions' 14-day redrive window, so that a late retry or
 * an operator finishing a failed compensation still finds it.
 */
export const RECORD_TTL_DAYS = 90;

export interface Replayed<T> {
  result: T;
  replayed: boolean;
}

export interface Attempt<T> {
  result: T;
  /** Writes that take effect only together with the record of this call. */
  writes?: Operation[];
}

/** One call of one service's action, as the caller keyed it. */
export interface Call {
  service: string;
  action: string;
  idempotencyKey: string;
}

/** The key of the record of one call: `<service>:<action>:<idempotency key>`. */
export function recordKey(call: Call): string {
  return `${call.service}:${call.action}:${call.idempotencyKey}`;
}

/**
 * Runs `act` at most once per record key: a repeated call with the same request gets the
 * first result back (replayed), one with another request is refused. `act` computes the
 * result and the writes that go with it; they and the record commit in one transaction.
 * When one of those writes' conditions fails, `onConflict` gets its index and throws the
 * business error, or answers "retry" when the world changed under `act` (read again).
 */
export async function once<T>(
  store: StateStore,
  call: Call,
  request: unknown,
  act: () => Promise<Attempt<T>>,
  // Stryker disable next-line ArrowFunction,StringLiteral: equivalent, once() ignores what onConflict returns (it retries unless onConflict throws).
  onConflict: (index: number) => Promise<"retry"> = async () => "retry",
): Promise<Replayed<T>> {
  const key = recordKey(call);
  const fingerprint = fingerprintOf(request);
  for (let attempt = 0; attempt < 3; attempt++) {
    const earlier = await store.get("idempotency", key);
    if (earlier) {
      if (earlier.fingerprint !== fingerprint) {
        throw new InvalidInput(`idempotencyKey ${call.idempotencyKey} was already used for a different ${call.action} request`);
      }
      return { result: JSON.parse(earlier.result as string) as T, replayed: true };
    }
    const { result, writes = [] } = await act();
    const now = Date.now();
    const record: Operation = {
      type: "put",
      table: "idempotency",
      item: {
        recordKey: key,
        fingerprint,
        result: JSON.stringify(result),
        createdAt: new Date(now).toISOString(),
        [EXPIRES_AT]: Math.floor(now / 1000) + RECORD_TTL_DAYS * 86400,
      },
      ifAbsent: true,
    };
    try {
      await store.transact([...writes, record]);
      return { result, replayed: false };
    } catch (error) {
      if (!(error instanceof ConditionFailed)) throw error;
      // The record itself: a concurrent call with this key got there first; read it on the next round.
      if (error.index === writes.length) continue;
      await onConflict(error.index);
    }
  }
  throw new ServiceUnavailable(
    `the state of ${call.service} ${call.action} ${call.idempotencyKey} kept changing while it was being written; try again`,
  );
}
