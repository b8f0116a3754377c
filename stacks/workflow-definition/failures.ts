/**
 * How a caught error becomes `$.failure = { error, detail: { errorMessage }, orderId }`,
 * the one shape every later state reads (docs/errors-and-outcomes.md).
 */
import { BUSINESS_ERROR_NAMES, SERVICE_UNAVAILABLE } from "../../functions/shared/errors";
import { ServiceName } from "../services";
import { at, Catcher, intrinsic, PassState, Path, template, TemplateFields, Transition } from "./asl";
import { STATE } from "./state-names";

/** Where a catcher leaves the error and where the explained failure goes. */
export interface FailureHandling {
  /** The catcher's ResultPath; undefined replaces the state (needed when the input may not be an object). */
  caughtAt?: Path;
  /** The explanation's ResultPath; undefined makes the explanation the state's whole output. */
  explainedAt?: Path;
  /** Adds `orderId: null`, for failures before an order exists. */
  noOrderYet?: boolean;
  /** Where a business refusal goes on, and where a service that did not answer does (the same when one is given). */
  continuation: Transition | { rejected: Transition; unavailable: Transition };
}

/**
 * The two Pass states that turn a caught error into `{ error, detail: { errorMessage } }`:
 * a business error's Cause is the Lambda runtime's JSON (`{"errorType","errorMessage","trace"}`);
 * anything else that survived the retries becomes ServiceUnavailable.
 */
export function explainFailures(task: string, service: ServiceName, handling: FailureHandling): Record<string, PassState> {
  const caught: Path = handling.caughtAt ?? "$";
  const { rejected, unavailable } =
    "rejected" in handling.continuation
      ? handling.continuation
      : { rejected: handling.continuation, unavailable: handling.continuation };
  const orderId: TemplateFields = handling.noOrderYet ? { orderId: null } : {};
  const placement = handling.explainedAt ? { ResultPath: handling.explainedAt } : {};
  return {
    [`${task}Rejected`]: {
      Type: "Pass",
      Parameters: template({
        error: at(`${caught}.Error`),
        detail: intrinsic(`States.StringToJson(${caught}.Cause)`),
        ...orderId,
      }),
      ...placement,
      ...rejected,
    },
    [`${task}Unavailable`]: {
      Type: "Pass",
      Parameters: template({
        error: SERVICE_UNAVAILABLE,
        detail: {
          errorMessage: intrinsic(`States.Format('${service} did not answer after retries (last error: {})', ${caught}.Error)`),
        },
        ...orderId,
      }),
      ...placement,
      ...unavailable,
    },
  };
}

/** The catchers that send a Task's errors to the Pass states of explainFailures: business refusals, and anything else. */
export function catchFailures(task: string, caughtAt?: Path): Catcher[] {
  const placement = caughtAt ? { ResultPath: caughtAt } : {};
  return [
    { ErrorEquals: [...BUSINESS_ERROR_NAMES], ...placement, Next: `${task}Rejected` },
    { ErrorEquals: ["States.ALL"], ...placement, Next: `${task}Unavailable` },
  ];
}

/** The failure of a fulfilment branch, explained there, as `$.failure` with the order's id; then the compensation. */
export function recordFailure(sourcePath: Path): PassState {
  return {
    Type: "Pass",
    Parameters: template({
      error: at(`${sourcePath}.error`),
      detail: at(`${sourcePath}.detail`),
      orderId: at("$.order.orderId"),
    }),
    ResultPath: "$.failure",
    Next: STATE.compensate,
  };
}

/** `$.failure` with a sentence added to its Cause (the order record could not be closed). */
export function failureWithNote(note: string, errorAt: Path, next: string): PassState {
  return {
    Type: "Pass",
    Parameters: template({
      error: at("$.failure.error"),
      detail: {
        errorMessage: intrinsic(`States.Format('{}; ${note} (last error: {})', $.failure.detail.errorMessage, ${errorAt}.Error)`),
      },
      orderId: at("$.failure.orderId"),
    }),
    ResultPath: "$.failure",
    Next: next,
  };
}
