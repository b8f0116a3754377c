/**
 * The error names `npm run workflow -- --inject` accepts: those the workflow definition
 * handles by name, that is the transient faults it retries (TRANSIENT_ERRORS) and the
 * business errors it catches (BUSINESS_ERROR_NAMES). Any other name is almost always a
 * typo, and would only show up as an unexplained States.ALL catch.
 */
import { BUSINESS_ERROR_NAMES } from "../functions/shared/errors";
import { TRANSIENT_ERRORS } from "../stacks/workflow-definition/retry-policies";

export const INJECTABLE_ERRORS: readonly string[] = [...new Set<string>([...TRANSIENT_ERRORS, ...BUSINESS_ERROR_NAMES])];

/** undefined when the name is known; otherwise the refusal, naming every known name. */
export function unknownErrorProblem(error: string): string | undefined {
  if (INJECTABLE_ERRORS.includes(error)) return undefined;
  return `the workflow knows no error ${error} (known: ${INJECTABLE_ERRORS.join(", ")})`;
}
