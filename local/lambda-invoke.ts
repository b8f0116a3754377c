/**
 * A faithful stand-in for Step Functions' optimized `arn:aws:states:::lambda:invoke`
 * integration: the handler gets the Payload (serialized as JSON, as Lambda would), the
 * state gets `{ ExecutedVersion, Payload, StatusCode }`, and a thrown error reaches the
 * state machine under the name Step Functions would report, with a Cause shaped like the
 * Lambda runtime's (`{"errorType","errorMessage","trace"}`).
 */
import { defineHandler } from "../functions/shared/handler";
import { Handler } from "./handlers";

export class StepFunctionsError extends Error {
  constructor(name: string, cause: string) {
    super(cause);
    this.name = name;
  }
}

/** Builds the error a Lambda function error becomes in the state machine. */
export function functionError(error: unknown): StepFunctionsError {
  const { name, message } =
    error instanceof Error ? error : { name: "Error", message: typeof error === "string" ? error : JSON.stringify(error) };
  return new StepFunctionsError(name, JSON.stringify({ errorType: name, errorMessage: message, trace: [] }));
}

/**
 * Builds an injected error: errors of Lambda, its runtime and Step Functions (names with a
 * dot: Lambda.Unknown, Sandbox.Timedout, Runtime.ExitError, States.Timeout) carry a
 * plain-text Cause, a service's own errors (ServiceUnavailable, business errors) the
 * runtime's JSON Cause.
 */
export function injectedError(service: string, errorName: string): StepFunctionsError {
  const message = `${errorName} injected into ${service}`;
  if (!isServiceError(errorName)) return new StepFunctionsError(errorName, message);
  const injected = new Error(message);
  injected.name = errorName;
  return functionError(injected);
}

/** Whether an error is one a service throws itself (no dot), rather than Lambda's, its runtime's or Step Functions'. */
export function isServiceError(errorName: string): boolean {
  return !errorName.includes(".");
}

/**
 * A handler that throws the service's own error `errorName`, through the same wrapper as
 * the real one (functions/shared/handler.ts), so it logs the line the real handler would.
 */
export function failingHandler(service: string, errorName: string): Handler {
  return defineHandler(service, async () => {
    const error = new Error(`${errorName} injected into ${service}`);
    error.name = errorName;
    throw error;
  }).handler;
}

/** What JSON.parse returns for JSON text. */
export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

export async function invokeLikeStepFunctions(handler: Handler, payload: unknown) {
  // Lambda receives JSON, never shared objects; `undefined` becomes null as it would on the wire.
  const event: unknown = JSON.parse(JSON.stringify(payload ?? null));
  let result: unknown;
  try {
    result = await handler(event);
  } catch (error) {
    throw functionError(error);
  }
  return {
    ExecutedVersion: "$LATEST",
    Payload: result === undefined ? null : (JSON.parse(JSON.stringify(result)) as JsonValue),
    StatusCode: 200,
  };
}
