/**
 * Deterministic identifiers and replay of repeated calls.
 *
 * Every id is derived from the caller's idempotency key (the Step Functions execution
 * name), so a retried call returns the same orderId, transactionId or reservationId
 * even when it lands on another Lambda instance. The in-memory ledger additionally
 * makes a warm instance answer a repeated call from memory instead of acting again.
 */
import { createHash } from "node:crypto";

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

/** Remembers the result of each (action, key) so that a repeated call does not act twice. */
export class IdempotencyLedger {
  private readonly results = new Map<string, unknown>();

  constructor(private readonly capacity = 10000) {}

  run<T>(action: string, key: string, act: () => T): Replayed<T> {
    const entry = `${action}:${key}`;
    if (this.results.has(entry)) return { result: this.results.get(entry) as T, replayed: true };
    const result = act();
    if (this.results.size >= this.capacity) {
      // Oldest first: Map iterates in insertion order.
      this.results.delete(this.results.keys().next().value as string);
    }
    this.results.set(entry, result);
    return { result, replayed: false };
  }

  clear(): void {
    this.results.clear();
  }
}
