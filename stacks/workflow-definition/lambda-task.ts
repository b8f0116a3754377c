import { State, Json } from "./asl";
import { RETRY_POLICY, TRANSIENT_ERRORS } from "./retry-policies";
import { WorkflowOptions } from "./timing";

/** A Task using the optimized Lambda integration; `payload` is a template, or a path when it is a string. */
export function invoke(
  functionArn: string,
  payload: State | string,
  options: WorkflowOptions,
  fields: State & { Retry?: Json; Catch?: Json },
): State {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::lambda:invoke",
    Parameters:
      typeof payload === "string"
        ? { FunctionName: functionArn, "Payload.$": payload }
        : { FunctionName: functionArn, Payload: payload },
    TimeoutSeconds: options.taskTimeoutSeconds,
    Retry: [{ ErrorEquals: TRANSIENT_ERRORS, ...RETRY_POLICY }],
    ...fields,
  };
}
