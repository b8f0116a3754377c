/** The five handlers on a fresh in-process store seeded from the catalogue, so that tests do not share stock or records. */
import { seededMemoryStore } from "../../functions/shared/default-store";
import { MemoryStore } from "../../functions/shared/memory-store";
import { handlersFor } from "../../local/handlers";

export function freshServices(): ReturnType<typeof handlersFor> & { store: MemoryStore } {
  const store = seededMemoryStore();
  return { store, ...handlersFor(store) };
}

/** The error a call was refused with, as `{ name, message }`; fails when the call answered. */
export async function refusal(call: Promise<unknown>): Promise<{ name: string; message: string }> {
  return call.then(
    (answer) => {
      throw new Error(`expected a refusal, got ${JSON.stringify(answer)}`);
    },
    (error: Error) => ({ name: error.name, message: error.message }),
  );
}
