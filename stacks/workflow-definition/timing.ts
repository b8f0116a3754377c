/**
 * How long the workflow may take: each Task's limit, derived from the functions' own
 * timeout, and the execution's, derived from the worst case of the graph.
 *
 * The limits are numbers for the local runner and the tests, and Terraform expressions of
 * lambda_timeout for the stack (which leaves lambda_timeout to plan time); the same
 * arithmetic computes both (SecondsArithmetic).
 */
import { TerraformExpression } from "../terraform-expression";
import { nextStates, Retrier, States } from "./asl";

/** Adding seconds to a duration, and multiplying one: on numbers, or on Terraform expressions. */
export interface SecondsArithmetic<S> {
  plus(seconds: S, addend: number): S;
  times(seconds: S, factor: number): S;
}

export const NUMBER_ARITHMETIC: SecondsArithmetic<number> = {
  plus: (seconds, addend) => seconds + addend,
  times: (seconds, factor) => seconds * factor,
};

export const EXPRESSION_ARITHMETIC: SecondsArithmetic<TerraformExpression> = {
  plus: (seconds, addend) => seconds.plus(addend),
  times: (seconds, factor) => seconds.times(factor),
};

export interface WorkflowOptions<S = number> {
  /** Limit for one Lambda call: above the function's own timeout, so that the function's error wins. */
  taskTimeoutSeconds: S;
  /** The arithmetic of S, with which the execution's limit is derived from the Task's. */
  arithmetic: SecondsArithmetic<S>;
}

/** A Task waits this much longer than its function may run, so the function has surely stopped when it times out. */
export const TASK_TIMEOUT_MARGIN_SECONDS = 5;

function optionsWith<S>(lambdaTimeout: S, arithmetic: SecondsArithmetic<S>): WorkflowOptions<S> {
  return { taskTimeoutSeconds: arithmetic.plus(lambdaTimeout, TASK_TIMEOUT_MARGIN_SECONDS), arithmetic };
}

/** The options for functions with the given timeout (lambda_timeout). */
export function optionsFor(lambdaTimeoutSeconds: number): WorkflowOptions {
  return optionsWith(lambdaTimeoutSeconds, NUMBER_ARITHMETIC);
}

/** The options for functions whose timeout Terraform knows (`var.lambda_timeout`): every limit an expression of it. */
export function expressionOptionsFor(lambdaTimeout: TerraformExpression): WorkflowOptions<TerraformExpression> {
  return optionsWith(lambdaTimeout, EXPRESSION_ARITHMETIC);
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

/**
 * An execution limit no legitimate run reaches: every attempt on the worst path timing out,
 * after the longest waits (attempts x task timeout + waits + margin).
 */
export function executionTimeoutSeconds<S>(worst: WorstCase, options: WorkflowOptions<S>): S {
  const { arithmetic } = options;
  return arithmetic.plus(
    arithmetic.times(options.taskTimeoutSeconds, worst.attempts),
    worst.waitSeconds + EXECUTION_MARGIN_SECONDS,
  );
}
