/**
 * How a caught error becomes `$.failure = { error, detail: { errorMessage }, orderId }`,
 * the one shape every later state reads (docs/errors-and-outcomes.md).
 */
import { BUSINESS_ERROR_NAMES, SERVICE_UNAVAILABLE } from "../../functions/shared/errors";
import { ServiceName } from "../services";
import { Json, State } from "./asl";
import { STATE } from "./state-names";

/** Where a catcher leaves the error and where the explained failure goes. */
export type Continuation = { Next: string } | { End: true };

export interface FailureHandling {
  /** The catcher's ResultPath; undefined replaces the state (needed when the input may not be an object). */
  caughtAt?: string;
  /** The explanation's ResultPath; undefined makes the explanation the state's whole output. */
  explainedAt?: string;
  /** Adds `orderId: null`, for failures before an order exists. */
  noOrderYet?: boolean;
  /** Where a business refusal goes on, and where a service that did not answer does (the same when one is given). */
  continuation: Continuation | { rejected: Continuation; unavailable: Continuation };
}

/**
 * The two Pass states that turn a caught error into `{ error, detail: { errorMessage } }`:
 * a business error's Cause is the Lambda runtime's JSON (`{"errorType","errorMessage","trace"}`);
 * anything else that survived the retries becomes ServiceUnavailable.
 */
export function explainFailures(task: string, service: ServiceName, handling: FailureHandling): Record<string, State> {
  const caught = handling.caughtAt ?? "$";
  const { rejected, unavailable } =
    "rejected" in handling.continuation
      ? handling.continuation
      : { rejected: handling.continuation, unavailable: handling.continuation };
  const orderId: State = handling.noOrderYet ? { orderId: null } : {};
  const placement: State = handling.explainedAt ? { ResultPath: handling.explainedAt } : {};
  return {
    [`${task}Rejected`]: {
      Type: "Pass",
      Parameters: { "error.$": `${caught}.Error`, "detail.$": `States.StringToJson(${caught}.Cause)`, ...orderId },
      ...placement,
      ...rejected,
    },
    [`${task}Unavailable`]: {
      Type: "Pass",
      Parameters: {
        error: SERVICE_UNAVAILABLE,
        detail: {
          "errorMessage.$": `States.Format('${service} did not answer after retries (last error: {})', ${caught}.Error)`,
        },
        ...orderId,
      },
      ...placement,
      ...unavailable,
    },
  };
}

export function catchFailures(task: string, caughtAt?: string): Json {
  const placement: State = caughtAt ? { ResultPath: caughtAt } : {};
  return [
    { ErrorEquals: [...BUSINESS_ERROR_NAMES], ...placement, Next: `${task}Rejected` },
    { ErrorEquals: ["States.ALL"], ...placement, Next: `${task}Unavailable` },
  ];
}

export function recordFailure(sourcePath: string): State {
  return {
    Type: "Pass",
    Parameters: { "error.$": `${sourcePath}.error`, "detail.$": `${sourcePath}.detail`, "orderId.$": "$.order.orderId" },
    ResultPath: "$.failure",
    Next: STATE.compensate,
  };
}

/** `$.failure` with a sentence added to its Cause (the order record could not be closed). */
export function failureWithNote(note: string, errorAt: string, next: string): State {
  return {
    Type: "Pass",
    Parameters: {
      "error.$": "$.failure.error",
      detail: {
        "errorMessage.$": `States.Format('{}; ${note} (last error: {})', $.failure.detail.errorMessage, ${errorAt}.Error)`,
      },
      "orderId.$": "$.failure.orderId",
    },
    ResultPath: "$.failure",
    Next: next,
  };
}
