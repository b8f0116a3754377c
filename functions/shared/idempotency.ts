/**
 * Deterministic identifiers and replay of repeated calls.
 *
 * Every id is derived from the caller's idempotency key (the Step Functions execution
 * name), so a retried call returns the same orderId, transactionId or reservationId
 * even when it lands on another Lambda instance. The in-memory ledger additionally
 * makes a warm instance answer a repeated call from memory instead of acting again.
 */
import { createHash } from "node:crypto";
import { InvalidInput } from "./errors";

/** FNV-1a 32-bit hash of the UTF-8 bytes of a string (DESIGN.md: credit score). */
export function fnv1a32(text: string): number {
  let hash = 0x811c9dc5;
  for (const byte of Buffer.from(text, "utf8")) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

export function deriveId(prefix: string, ...parts: string[]): string {
  const digest = createHash("sha256").update(parts.join("\u0000")).digest("hex");
  return `${prefix}-${digest.slice(0, 20)}`;
}

export interface Replayed<T> {
  result: T;
  replayed: boolean;
}

/**
 * Remembers the result of each (action, key) so that a repeated call does not act twice.
 * A key reused for a different request is refused rather than answered with another
 * request's result.
 */
export class IdempotencyLedger {
  private readonly entries = new Map<string, { request: string; result: unknown }>();

  constructor(private readonly capacity = 10000) {}

  run<T>(action: string, key: string, request: unknown, act: () => T): Replayed<T> {
    const entryKey = `${action}:${key}`;
    const fingerprint = JSON.stringify(request);
    const entry = this.entries.get(entryKey);
    if (entry) {
      if (entry.request !== fingerprint) {
        throw new InvalidInput(`idempotencyKey ${key} was already used for a different ${action} request`);
      }
      return { result: entry.result as T, replayed: true };
    }
    const result = act();
    if (this.entries.size >= this.capacity) {
      // Oldest first: a Map iterates in insertion order.
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(entryKey, { request: fingerprint, result });
    return { result, replayed: false };
  }
}
