/**
 * The workflow's timing as numbers an operator can check against docs/errors-and-outcomes.md,
 * "Retries": every call 3 retries 1 s doubling to at most 8 s, undos 4 retries, the checks
 * and order records after a failure 1 retry,
 * each Task 5 s beyond its function's timeout, and the execution's own limit the worst case
 * of every attempt on the longest path, plus 10 s for the states between the Tasks. Every
 * figure here is written out, not read from the module under test.
 */
import { localFunctionArns } from "../../../local/runner";
import { TerraformExpression } from "../../../stacks/terraform-expression";
import {
  buildWorkflowDefinition,
  executionTimeoutSeconds,
  expressionOptionsFor,
  longestRetryWaitSeconds,
  NUMBER_ARITHMETIC,
  optionsFor,
  Retrier,
  STATE,
  States,
  TaskOutcome,
  TaskState,
  template,
  worstCaseFrom,
} from "../../../stacks/workflow-definition";
import { tasksOf } from "../../helpers/workflow-states";

const arns = localFunctionArns();
const UNDOS: string[] = [STATE.refundPayment, STATE.releaseInventory];
const LAST_RESORTS: string[] = [
  STATE.checkRefund,
  STATE.checkRelease,
  STATE.recordUserFailure,
  STATE.recordCreateFailure,
  STATE.recordCompletion,
  STATE.recordFailure,
];

describe("workflow timing", () => {
  test("GIVEN functions of 30 s WHEN built THEN every Task waits 35 s and the execution at most 930 s", () => {
    const definition = buildWorkflowDefinition(arns, optionsFor(30));
    // 25 attempts of 35 s, 45 s of retry waits (4 calls x 7 s, one undo 15 s, its check 1 s, the order record 1 s),
    // 10 s between the Tasks.
    expect(definition.TimeoutSeconds).toBe(25 * 35 + 45 + 10);
    expect(definition.TimeoutSeconds).toBe(930);
    expect(new Set(tasksOf(definition.States).map(([, task]) => task.TimeoutSeconds))).toEqual(new Set([35]));
  });

  test("GIVEN lambda_timeout as a Terraform reference WHEN built THEN every Task waits lambda_timeout + 5 and the execution 25 times that + 55", () => {
    const definition = buildWorkflowDefinition(arns, expressionOptionsFor(TerraformExpression.reference("var.lambda_timeout")));
    expect(definition.TimeoutSeconds.text).toBe("25 * (var.lambda_timeout + 5) + 55");
    expect(new Set(tasksOf(definition.States).map(([, task]) => task.TimeoutSeconds.text))).toEqual(
      new Set(["var.lambda_timeout + 5"]),
    );
  });

  test("the execution's limit is attempts x the Task's limit + waits + 10 s, in numbers as in expressions", () => {
    expect(NUMBER_ARITHMETIC.plus(30, 5)).toBe(35);
    expect(NUMBER_ARITHMETIC.times(35, 3)).toBe(105);
    expect(executionTimeoutSeconds({ attempts: 3, waitSeconds: 7 }, optionsFor(2))).toBe(3 * 7 + 7 + 10);
    const options = expressionOptionsFor(TerraformExpression.reference("var.t"));
    expect(executionTimeoutSeconds({ attempts: 3, waitSeconds: 7 }, options).text).toBe("3 * (var.t + 5) + 17");
  });

  test("the default definition is the one for functions of 30 s", () => {
    expect(buildWorkflowDefinition(arns)).toEqual(buildWorkflowDefinition(arns, optionsFor(30)));
  });

  test.each([
    [1, 6, 25 * 6 + 55],
    [3, 8, 25 * 8 + 55],
    [4, 9, 280],
    [5, 10, 305],
    [900, 905, 25 * 905 + 55],
  ])("functions of %i s: Tasks of %i s, an execution limit of %i s", (lambdaTimeout, task, execution) => {
    const definition = buildWorkflowDefinition(arns, optionsFor(lambdaTimeout));
    expect(definition.TimeoutSeconds).toBe(execution);
    for (const [name, state] of tasksOf(definition.States)) expect([name, state.TimeoutSeconds]).toEqual([name, task]);
  });

  test("an Express workflow (5 minutes at most) fits with functions of 4 s, not of 5 s", () => {
    expect(buildWorkflowDefinition(arns, optionsFor(4)).TimeoutSeconds).toBeLessThanOrEqual(300);
    expect(buildWorkflowDefinition(arns, optionsFor(5)).TimeoutSeconds).toBeGreaterThan(300);
  });

  test("retry waits: a call waits 1, 2, 4 s; an undo 1, 2, 4, 8 s; a check or an order record 1 s", () => {
    const definition = buildWorkflowDefinition(arns);
    for (const [name, task] of tasksOf(definition.States)) {
      const [retrier] = task.Retry ?? [];
      expect([name, longestRetryWaitSeconds(retrier)]).toEqual([
        name,
        UNDOS.includes(name) ? 15 : LAST_RESORTS.includes(name) ? 1 : 7,
      ]);
    }
    expect(longestRetryWaitSeconds({ MaxAttempts: 4, IntervalSeconds: 3, BackoffRate: 1.5, MaxDelaySeconds: 5 })).toBe(
      3 + 4.5 + 5 + 5,
    );
    expect(longestRetryWaitSeconds({ MaxAttempts: 0, IntervalSeconds: 3, BackoffRate: 2, MaxDelaySeconds: 5 })).toBe(0);
  });

  test("the worst path counts every attempt and wait of each Task on it, and a Parallel state's worst branch", () => {
    const retry = (MaxAttempts: number, IntervalSeconds: number): Retrier => ({
      ErrorEquals: ["States.ALL"],
      MaxAttempts,
      IntervalSeconds,
      BackoffRate: 1,
      MaxDelaySeconds: 100,
      JitterStrategy: "FULL",
    });
    const task = (outcome: TaskOutcome): TaskState => ({
      Type: "Task",
      Resource: "arn:aws:states:::lambda:invoke",
      Parameters: template({}),
      TimeoutSeconds: 1,
      ...outcome,
    });
    const states: States = {
      A: task({ Retry: [retry(2, 5), retry(1, 1)], Next: "P" }),
      P: {
        Type: "Parallel",
        Branches: [
          { StartAt: "B1", States: { B1: task({ Retry: [retry(5, 1)], End: true }) } },
          { StartAt: "B2", States: { B2: task({ Retry: [retry(1, 20)], End: true }) } },
        ],
        Next: "C",
      },
      C: {
        Type: "Choice",
        Choices: [{ Variable: "$.x", IsPresent: true, Next: "D" }],
        Default: "E",
      },
      D: task({ Catch: [{ ErrorEquals: ["States.ALL"], Next: "E" }], End: true }),
      E: { Type: "Pass", End: true },
    };
    // A: 1 + 2 + 1 attempts, 5 + 5 + 1 s; P: the most attempts (6) and the longest waits (20 s), from different
    // branches; then D (1 attempt) rather than E (none).
    expect(worstCaseFrom(states, "A")).toEqual({ attempts: 4 + 6 + 1, waitSeconds: 11 + 20 });
    expect(worstCaseFrom(states, "E")).toEqual({ attempts: 0, waitSeconds: 0 });
  });
});
