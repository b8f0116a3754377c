/**
 * Wraps a service's logic as a Lambda handler: logs every outcome as one structured
 * line and lets named errors through unchanged, since their `name` is what the
 * workflow's Retry and Catch rules match on.
 */
import { createLogger, Logger } from "./logger";

export interface Outcome<T> {
  result: T;
  action: string;
  idempotencyKey?: string;
  replayed?: boolean;
}

/** Reads a string field for the log line without trusting the event's shape. */
function peek(event: unknown, key: string): string | undefined {
  if (typeof event !== "object" || event === null || Array.isArray(event)) return undefined;
  const value = (event as Record<string, unknown>)[key];
  return typeof value === "string" ? value.slice(0, 128) : undefined;
}

export function defineHandler(service: string, handle: (event: unknown, log: Logger) => Outcome<unknown>) {
  const log = createLogger(service);
  return async (event: unknown): Promise<unknown> => {
    try {
      const outcome = handle(event, log);
      log.info(outcome.replayed ? "replayed" : "done", {
        action: outcome.action,
        idempotencyKey: outcome.idempotencyKey,
        outcome: outcome.replayed ? "replayed" : "succeeded",
      });
      return outcome.result;
    } catch (error) {
      const { name, message } = error instanceof Error ? error : { name: "Error", message: String(error) };
      log.warn(message, {
        action: peek(event, "action"),
        idempotencyKey: peek(event, "idempotencyKey"),
        outcome: name,
      });
      throw error;
    }
  };
}
