/** Compensate's branches: an undo, and when it fails, a check of what its key did. */
import { at, Branch, intrinsic, PassState, Path, template } from "./asl";
import { LambdaCall } from "./lambda-task";
import { CHECK_RETRY_POLICY, COMPENSATION_RETRY_POLICY, retryTransientErrors } from "./retry-policies";

/** How one undo's check reports what is still held, or what is not known to be undone. */
export interface UndoCheck {
  /** The ledger's status that means the undo has not happened (AUTHORIZED, RESERVED). */
  stillHeld: string;
  /** A path that exists only when the original call answered (its ids are known). */
  knownWhen: Path;
  /** What the check found held: a States.Format sentence and its arguments, before "(last error: {})". */
  held: [string, string];
  /** The check itself failed: what is not confirmed undone, with the ids known and without. */
  knownNotConfirmed: [string, string];
  unknownNotConfirmed: [string, string];
}

export interface UndoNames {
  check: string;
  checked: string;
  confirmed: string;
  held: string;
  notConfirmed: string;
  knownNotConfirmed: string;
  unknownNotConfirmed: string;
}

/**
 * One branch of Compensate: the undo, retried longer than other calls, then, if it still
 * failed, a check of what the key did (the undo's answer may have been lost after it acted).
 * Its result always has `held`: "" when nothing is held, else a sentence naming what is held
 * or not confirmed undone, which CheckCompensation and the CompensationFailed Cause read.
 */
export function compensationBranch<S>(
  task: string,
  undo: LambdaCall<S>,
  check: LambdaCall<S>,
  errorAt: Path,
  spec: UndoCheck,
  names: UndoNames,
): Branch<S> {
  const checkAt: Path = `${errorAt}Check`;
  const held = ([sentence, args]: [string, string]): PassState => ({
    Type: "Pass",
    Parameters: template({
      status: "NOT_DONE",
      held: intrinsic(`States.Format('${sentence} (last error: {}). ', ${args}, ${errorAt}.Error)`),
    }),
    End: true,
  });
  return {
    StartAt: task,
    States: {
      [task]: undo({
        Retry: retryTransientErrors(COMPENSATION_RETRY_POLICY),
        ResultSelector: template({ status: at("$.Payload.status"), held: "" }),
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: errorAt, Next: names.check }],
        End: true,
      }),
      [names.check]: check({
        Retry: retryTransientErrors(CHECK_RETRY_POLICY),
        ResultSelector: template({ status: at("$.Payload.status"), found: at("$.Payload") }),
        ResultPath: checkAt,
        Catch: [{ ErrorEquals: ["States.ALL"], ResultPath: `${checkAt}Error`, Next: names.notConfirmed }],
        Next: names.checked,
      }),
      [names.checked]: {
        Type: "Choice",
        Choices: [{ Variable: `${checkAt}.status`, StringEquals: spec.stillHeld, Next: names.held }],
        Default: names.confirmed,
      },
      // The key's undo did happen (its answer was lost), or the key never acted: nothing is held.
      [names.confirmed]: { Type: "Pass", Parameters: template({ status: at(`${checkAt}.status`), held: "" }), End: true },
      [names.held]: held(spec.held),
      [names.notConfirmed]: {
        Type: "Choice",
        Choices: [{ Variable: spec.knownWhen, IsPresent: true, Next: names.knownNotConfirmed }],
        Default: names.unknownNotConfirmed,
      },
      [names.knownNotConfirmed]: held(spec.knownNotConfirmed),
      [names.unknownNotConfirmed]: held(spec.unknownNotConfirmed),
    },
  };
}
