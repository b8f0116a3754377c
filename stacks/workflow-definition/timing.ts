/**
 * How long the workflow may take: each Task's limit, derived from the functions' own
 * timeout, and the execution's, derived from the worst case of the graph.
 */
import { nextStates, Retrier, States } from "./asl";

export interface WorkflowOptions {
  /** Limit for one Lambda call: above the function's own timeout, so that the function's error wins. */
  taskTimeoutSeconds: number;
}

/** A Task waits this much longer than its function may run, so the function has surely stopped when it times out. */
export const TASK_TIMEOUT_MARGIN_SECONDS = 5;

/** The options for functions with the given timeout (lambda_timeout). */
export function optionsFor(lambdaTimeoutSeconds: number): WorkflowOptions {
  return { taskTimeoutSeconds: lambdaTimeoutSeconds + TASK_TIMEOUT_MARGIN_SECONDS };
}

export const DEFAULT_WORKFLOW_OPTIONS: WorkflowOptions = optionsFor(30);

/** The longest a retrier waits in all: each wait at most min(MaxDelaySeconds, IntervalSeconds x BackoffRate^n). */
export function longestRetryWaitSeconds(
  retrier: Pick<Retrier, "MaxAttempts" | "IntervalSeconds" | "BackoffRate" | "MaxDelaySeconds">,
): number {
  return Array.from({ length: retrier.MaxAttempts }, (_, n) =>
    Math.min(retrier.MaxDelaySeconds, retrier.IntervalSeconds * retrier.BackoffRate ** n),
  ).reduce((sum, wait) => sum + wait, 0);
}

/** The worst case of a path: how many Task attempts may time out one after another, and the retry waits between them. */
export interface WorstCase {
  attempts: number;
  waitSeconds: number;
}

/**
 * The worst case from a state to the end: along every path of the graph, each Task
 * counts its first attempt and all its retries (and their waits), a Parallel state its
 * worst branch. Attempts and waits are maximized separately, so that
 * `attempts x task timeout + waits` bounds every path for any task timeout.
 */
export function worstCaseFrom(states: States<unknown>, from: string): WorstCase {
  const state = states[from];
  let own: WorstCase = { attempts: 0, waitSeconds: 0 };
  if (state.Type === "Task") {
    const retriers = state.Retry ?? [];
    own = {
      attempts: 1 + retriers.reduce((sum, retrier) => sum + retrier.MaxAttempts, 0),
      waitSeconds: retriers.reduce((sum, retrier) => sum + longestRetryWaitSeconds(retrier), 0),
    };
  } else if (state.Type === "Parallel") {
    const branches = state.Branches.map((branch) => worstCaseFrom(branch.States, branch.StartAt));
    own = {
      attempts: Math.max(...branches.map((branch) => branch.attempts)),
      waitSeconds: Math.max(...branches.map((branch) => branch.waitSeconds)),
    };
  }
  const next = nextStates(state).map((name) => worstCaseFrom(states, name));
  return {
    attempts: own.attempts + Math.max(0, ...next.map((rest) => rest.attempts)),
    waitSeconds: own.waitSeconds + Math.max(0, ...next.map((rest) => rest.waitSeconds)),
  };
}

/** Time for the states between the Tasks, beyond the worst case of the Tasks themselves. */
export const EXECUTION_MARGIN_SECONDS = 10;

/** An execution limit no legitimate run reaches: every attempt on the worst path timing out, after the longest waits. */
export function executionTimeoutSeconds(worst: WorstCase, taskTimeoutSeconds: number): number {
  return worst.attempts * taskTimeoutSeconds + worst.waitSeconds + EXECUTION_MARGIN_SECONDS;
}
