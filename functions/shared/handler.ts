/**
 * Wraps a service's logic as a Lambda handler: logs every outcome as one structured
 * line and lets named errors through unchanged, since their `name` is what the
 * workflow's Retry and Catch rules match on.
 */
import { defaultStore } from "./default-store";
import { DUPLICATE_ORDER, SERVICE_UNAVAILABLE } from "./errors";
import { createLogger, Logger } from "./logger";
import { StateStore } from "./store";

export interface Outcome<T> {
  result: T;
  action: string;
  idempotencyKey?: string;
  replayed?: boolean;
}

export interface ServiceContext {
  /** The state store, created on first use (user-service never needs one). */
  readonly store: StateStore;
  readonly log: Logger;
}

export type ServiceLogic = (event: unknown, context: ServiceContext) => Promise<Outcome<unknown>>;
export type Handler = (event: unknown) => Promise<unknown>;

/**
 * Whether a refusal's message may be logged. A business error's message quotes the order
 * (prices, quantities, a credit score): with LOG_CUSTOMER_DATA=omit (production) only its
 * name is logged; the execution's Cause still carries it. A transient fault's message
 * names the infrastructure, never the customer, and a duplicate's is an order id.
 */
function loggableMessage(name: string, message: string): string {
  if (process.env.LOG_CUSTOMER_DATA !== "omit" || name === SERVICE_UNAVAILABLE || name === DUPLICATE_ORDER) return message;
  return "refused; the reason is in the execution's Cause (LOG_CUSTOMER_DATA=omit)";
}

/** Reads a string field for the log line without trusting the event's shape. */
function peek(event: unknown, key: string): string | undefined {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return undefined;
  const value = (event as Record<string, unknown>)[key];
  return typeof value === "string" ? value.slice(0, 128) : undefined;
}

/**
 * `handler` is the Lambda entry point, on the store the environment selects;
 * `handlerFor(store)` is the same logic on a given store (the local runner, tests).
 */
export function defineHandler(service: string, logic: ServiceLogic) {
  const log = createLogger(service);
  const handlerWith =
    (store: () => StateStore): Handler =>
    async (event) => {
      try {
        const outcome = await logic(event, {
          get store() {
            return store();
          },
          log,
        });
        log.info(outcome.replayed ? "replayed" : "done", {
          action: outcome.action,
          idempotencyKey: outcome.idempotencyKey,
          outcome: outcome.replayed ? "replayed" : "succeeded",
        });
        return outcome.result;
      } catch (error) {
        const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
        log.warn(loggableMessage(name, message), {
          action: peek(event, "action"),
          idempotencyKey: peek(event, "idempotencyKey"),
          outcome: name,
        });
        throw error;
      }
    };
  return { handler: handlerWith(defaultStore), handlerFor: (store: StateStore) => handlerWith(() => store) };
}
