/** Which errors the workflow retries, and how often and how long it waits between attempts. */
import { SERVICE_UNAVAILABLE } from "../../functions/shared/errors";
import { Retrier } from "./asl";

/**
 * Faults worth retrying, because every call is idempotent: Lambda's own service errors
 * and throttling, a function that timed out, crashed or ran out of memory (Lambda.Unknown,
 * Sandbox.Timedout, Runtime.ExitError), a Task timeout, and a service's own transient fault.
 */
export const TRANSIENT_ERRORS: string[] = [
  "Lambda.ServiceException",
  "Lambda.AWSLambdaException",
  "Lambda.SdkClientException",
  "Lambda.ClientExecutionTimeoutException",
  "Lambda.TooManyRequestsException",
  "Lambda.Unknown",
  "Sandbox.Timedout",
  "Runtime.ExitError",
  "States.Timeout",
  SERVICE_UNAVAILABLE,
];

/** How a Task retries: its errors aside, a retrier. */
export type RetryPolicy = Omit<Retrier, "ErrorEquals">;

export const RETRY_POLICY: RetryPolicy = {
  IntervalSeconds: 1,
  BackoffRate: 2,
  MaxAttempts: 3,
  MaxDelaySeconds: 8,
  JitterStrategy: "FULL",
};
/**
 * Compensation must not give up easily: an unrefunded payment or unreleased stock needs a
 * human. Four retries of the undo, then the check (CHECK_RETRY_POLICY) asks what the key
 * did: seven attempts in all, as many as an Express execution's five minutes allow.
 */
export const COMPENSATION_RETRY_POLICY: RetryPolicy = { ...RETRY_POLICY, MaxAttempts: 4 };
/** The last resorts (the undo checks and closing the order record when its notice failed): one retry. */
export const CHECK_RETRY_POLICY: RetryPolicy = { ...RETRY_POLICY, MaxAttempts: 1 };

/** The one retrier of a Task: the transient faults, under the given policy. */
export function retryTransientErrors(policy: RetryPolicy): Retrier[] {
  return [{ ErrorEquals: TRANSIENT_ERRORS, ...policy }];
}
