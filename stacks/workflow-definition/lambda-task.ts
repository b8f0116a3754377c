/** Tasks on the optimized Lambda integration (arn:aws:states:::lambda:invoke), each retrying the transient faults. */
import { RuntimeValue, TaskOutcome, TaskState, template, TemplateFields } from "./asl";
import { RETRY_POLICY, retryTransientErrors } from "./retry-policies";
import { WorkflowOptions } from "./timing";

/** A call of a function whose outcome (what the Task keeps, retries and catches, and where it goes) the caller decides. */
export type LambdaCall<S = number> = (outcome: TaskOutcome) => TaskState<S>;

/** The call of the function with the payload, as invoke() makes its Task. */
export function lambdaCall<S>(
  functionArn: string,
  payload: TemplateFields | RuntimeValue,
  options: WorkflowOptions<S>,
): LambdaCall<S> {
  return (outcome) => invoke(functionArn, payload, options, outcome);
}

/**
 * A Task using the optimized Lambda integration; `payload` is a template, or a value found
 * at run time (the whole payload read from a path or made by an intrinsic function).
 */
export function invoke<S>(
  functionArn: string,
  payload: TemplateFields | RuntimeValue,
  options: WorkflowOptions<S>,
  outcome: TaskOutcome,
): TaskState<S> {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Parameters: template({ FunctionName: functionArn, Payload: payload }),
    TimeoutSeconds: options.taskTimeoutSeconds,
    Retry: retryTransientErrors(RETRY_POLICY),
    ...outcome,
  };
}
