/**
 * The workflow definition as a document: valid ASL, the transitions the contract asks
 * for, retries only on transient faults, and timeouts that nest.
 */
import aslValidator = require("asl-validator");
import { BUSINESS_ERROR_NAMES } from "../functions/shared/errors";
import { localFunctionArns } from "../local/runner";
import {
  allStates,
  buildWorkflowDefinition,
  RETRY_POLICY,
  State,
  STATE,
  TRANSIENT_ERRORS,
  WorkflowDefinition,
} from "../stacks/workflow-definition";

const definition = buildWorkflowDefinition(localFunctionArns());

/** Every state, branches included. */

/** Where each state can go next: Next, Choice rules, Default, Catch targets; "END" for End. */
function edges(states: Record<string, State>): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(states).map(([name, state]) => {
      const targets = [
        ...((state.Choices ?? []) as { Next: string }[]).map((choice) => choice.Next),
        ...(state.Default ? [state.Default as string] : []),
        ...(state.Next ? [state.Next as string] : []),
        ...((state.Catch ?? []) as { Next: string }[]).map((catcher) => `catch:${catcher.Next}`),
        ...(state.End ? ["END"] : []),
      ];
      return [name, targets];
    }),
  );
}

describe("workflow definition", () => {
  test("GIVEN real ARNs WHEN validated by asl-validator with path and ARN checks THEN it is valid", () => {
    const { isValid, errorsText } = aslValidator(JSON.parse(JSON.stringify(definition)), { checkPaths: true, checkArn: true });
    expect(errorsText()).toBe("");
    expect(isValid).toBe(true);
  });

  test("the state graph: user, order, payment || inventory, check, confirmation; compensation and explanation on every failure", () => {
    expect(edges(definition.States)).toEqual({
      [STATE.getUser]: [STATE.createOrder, "catch:GetUserRejected", "catch:GetUserUnavailable"],
      GetUserRejected: [STATE.orderFailed],
      GetUserUnavailable: [STATE.orderFailed],
      [STATE.createOrder]: [STATE.processPaymentAndInventory, "catch:CreateOrderRejected", "catch:CreateOrderUnavailable"],
      CreateOrderRejected: [STATE.notifyFailure],
      CreateOrderUnavailable: [STATE.notifyFailure],
      [STATE.processPaymentAndInventory]: [STATE.checkFulfilment],
      [STATE.checkFulfilment]: [
        STATE.recordPaymentAndInventoryFailure,
        STATE.recordPaymentFailure,
        STATE.recordInventoryFailure,
        STATE.sendConfirmation,
      ],
      [STATE.sendConfirmation]: [`catch:${STATE.confirmationNotDelivered}`, "END"],
      [STATE.confirmationNotDelivered]: ["END"],
      [STATE.recordPaymentAndInventoryFailure]: [STATE.notifyFailure],
      [STATE.recordPaymentFailure]: [STATE.releaseInventory],
      [STATE.recordInventoryFailure]: [STATE.refundPayment],
      [STATE.refundPayment]: [STATE.notifyFailure, `catch:${STATE.notifyFailure}`],
      [STATE.releaseInventory]: [STATE.notifyFailure, `catch:${STATE.notifyFailure}`],
      [STATE.notifyFailure]: [STATE.orderFailed, `catch:${STATE.orderFailed}`],
      [STATE.orderFailed]: [],
    });
    const [payment, inventory] = definition.States[STATE.processPaymentAndInventory].Branches as {
      StartAt: string;
      States: Record<string, State>;
    }[];
    expect(payment.StartAt).toBe(STATE.authorizePayment);
    expect(edges(payment.States)).toEqual({
      AuthorizePayment: ["catch:AuthorizePaymentRejected", "catch:AuthorizePaymentUnavailable", "END"],
      AuthorizePaymentRejected: ["END"],
      AuthorizePaymentUnavailable: ["END"],
    });
    expect(inventory.StartAt).toBe(STATE.reserveInventory);
    expect(edges(inventory.States)).toEqual({
      ReserveInventory: ["catch:ReserveInventoryRejected", "catch:ReserveInventoryUnavailable", "END"],
      ReserveInventoryRejected: ["END"],
      ReserveInventoryUnavailable: ["END"],
    });
  });

  test("every Task uses the optimized lambda:invoke integration with one of the five functions", () => {
    const arns = Object.values(localFunctionArns());
    const tasks = allStates(definition.States).filter(([, state]) => state.Type === "Task");
    expect(tasks.map(([name]) => name)).toEqual([
      "GetUser",
      "CreateOrder",
      "AuthorizePayment",
      "ReserveInventory",
      "SendConfirmation",
      "RefundPayment",
      "ReleaseInventory",
      "NotifyFailure",
    ]);
    for (const [, task] of tasks) {
      expect(task.Resource).toBe("arn:aws:states:::lambda:invoke");
      expect(arns).toContain((task.Parameters as { FunctionName: string }).FunctionName);
    }
  });

  test("every Task retries exactly the transient faults, with exponential backoff and full jitter", () => {
    for (const [name, task] of allStates(definition.States).filter(([, state]) => state.Type === "Task")) {
      const [retrier, ...others] = task.Retry as Record<string, unknown>[];
      expect([name, others]).toEqual([name, []]);
      expect(retrier.ErrorEquals).toEqual(TRANSIENT_ERRORS);
      expect(retrier.BackoffRate).toBeGreaterThan(1);
      expect(retrier.JitterStrategy).toBe("FULL");
      expect(retrier.MaxAttempts).toBeGreaterThanOrEqual(RETRY_POLICY.MaxAttempts);
      for (const businessError of BUSINESS_ERROR_NAMES) expect(retrier.ErrorEquals).not.toContain(businessError);
    }
    expect(TRANSIENT_ERRORS).toEqual([
      "Lambda.ServiceException",
      "Lambda.AWSLambdaException",
      "Lambda.SdkClientException",
      "Lambda.TooManyRequestsException",
      "States.Timeout",
      "ServiceUnavailable",
    ]);
  });

  test("every Task has a timeout, and the worst case of all its attempts fits in the execution's", () => {
    const execution = (definition as WorkflowDefinition).TimeoutSeconds;
    for (const [, task] of allStates(definition.States).filter(([, state]) => state.Type === "Task")) {
      const timeout = task.TimeoutSeconds as number;
      const { MaxAttempts, MaxDelaySeconds } = (task.Retry as { MaxAttempts: number; MaxDelaySeconds: number }[])[0];
      expect(timeout).toBeGreaterThan(0);
      expect((timeout + MaxDelaySeconds) * (MaxAttempts + 1)).toBeLessThan(execution);
    }
  });

  test("no service gets a raw {Payload} wrapper: every Task that follows another selects fields with ResultSelector", () => {
    for (const [name, task] of allStates(definition.States).filter(([, state]) => state.Type === "Task")) {
      expect([name, typeof task.ResultSelector]).toEqual([name, "object"]);
      expect(JSON.stringify(task.Parameters)).not.toMatch(/"\$\.(Payload|[a-zA-Z]+\.Payload)"/);
    }
  });

  test('ResultPath "$" is never written (the default, and misread by aws-local-stepfunctions)', () => {
    expect(JSON.stringify(definition)).not.toContain('"ResultPath":"$"');
  });

  test("the workflow ends failed with the root cause's name and message", () => {
    expect(definition.States[STATE.orderFailed]).toMatchObject({
      Type: "Fail",
      ErrorPath: "$.failure.error",
      CausePath: "$.failure.detail.errorMessage",
    });
  });
});
