/** The five handlers on a fresh in-process store seeded from the catalogue, so that tests do not share stock or records. */
import { seededMemoryStore } from "../../functions/shared/default-store";
import { MemoryStore } from "../../functions/shared/memory-store";
import { keyOf, Operation } from "../../functions/shared/store";
import { handlersFor } from "../../local/handlers";
import { withEnv } from "./env";

export function freshServices(): ReturnType<typeof handlersFor> & { store: MemoryStore } {
  const store = seededMemoryStore();
  return { store, ...handlersFor(store) };
}

/** `$$.Execution.Id` of an execution of that name. */
export const executionArn = (name: string) => `arn:aws:states:us-east-1:123456789012:execution:wf:${name}`;

/** The error a call was refused with, as `{ name, message }`; fails when the call answered. */
export async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  return call.then(
    (answer) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(answer)}`);
    },
    (error: Error) => ({ name: error.name, message: error.message }),
  );
}

/** Runs `body` with order-service's MAX_ORDER_TOTAL set to `value` (as the stack sets it), then puts it back. */
export function withMaxOrderTotal<T>(value: string, body: () => Promise<T>): Promise<T> {
  return withEnv({ MAX_ORDER_TOTAL: value }, body);
}

/** Makes every transaction of the store fail with `error`, counting the attempts. */
export function failingWrites(store: MemoryStore, error: Error): { count: number } {
  const attempts = { count: 0 };
  store.transact = async () => {
    attempts.count++;
    throw error;
  };
  return attempts;
}

/** Runs `before` once, just before the first transaction that writes the item at `key` (a concurrent call landing first). */
export function beforeWriting(store: MemoryStore, key: string, before: () => Promise<unknown>): void {
  const transact = store.transact.bind(store);
  let done = false;
  store.transact = async (operations: Operation[]) => {
    if (!done && operations.some((operation) => keyOf(operation) === key)) {
      done = true;
      await before();
    }
    return transact(operations);
  };
}
