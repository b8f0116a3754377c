/**
 * The workflow definition as a document: valid ASL, the transitions the contract asks
 * for (docs/errors-and-outcomes.md), retries only on transient faults with the stated
 * timing, exactly the fields each Task keeps, and timeouts that nest.
 */
import aslValidator from "asl-validator";
import { BUSINESS_ERROR_NAMES } from "../../../functions/shared/errors";
import { localFunctionArns } from "../../../local/runner";
import {
  buildWorkflowDefinition,
  CHECK_RETRY_POLICY,
  COMPENSATION_RETRY_POLICY,
  EXECUTION_MARGIN_SECONDS,
  executionTimeoutSeconds,
  longestRetryWaitSeconds,
  optionsFor,
  Json,
  RETRY_POLICY,
  STATE,
  States,
  TaskState,
  TRANSIENT_ERRORS,
  worstCaseFrom,
} from "../../../stacks/workflow-definition";
import {
  parallelNamed,
  passNamed,
  stateNamed as stateNamedIn,
  taskNamed as taskNamedIn,
  tasksOf,
} from "../../helpers/workflow-states";

const arns = localFunctionArns();
const definition = buildWorkflowDefinition(arns);
const tasks = () => tasksOf(definition.States);
const stateNamed = (name: string) => stateNamedIn(definition.States, name);
const taskNamed = (name: string) => taskNamedIn(definition.States, name);

/** Where each state can go next: Choice rules, Default, Next, Catch targets; "END" for End. */
function edges(states: States): Record<string, string[]> {
  return Object.fromEntries(
    Object.entries(states).map(([name, state]) => {
      const targets =
        state.Type === "Choice"
          ? [...state.Choices.map((choice) => choice.Next), state.Default]
          : state.Type === "Fail"
            ? []
            : [
                ...(state.Next ? [state.Next] : []),
                ...(state.Type === "Task" ? (state.Catch ?? []).map((catcher) => `catch:${catcher.Next}`) : []),
                ...(state.End ? ["END"] : []),
              ];
      return [name, targets];
    }),
  );
}

const branchesOf = (name: string) => parallelNamed(definition.States, name).Branches;

/** The payload a Task sends its function: a template of fields (not a path). */
function payloadOf(task: TaskState): { [field: string]: Json } {
  const payload = task.Parameters.Payload;
  if (typeof payload !== "object" || payload === null || Array.isArray(payload)) throw new Error("the payload is no template");
  return payload;
}

describe("workflow definition", () => {
  test("GIVEN real ARNs WHEN validated by asl-validator with path and ARN checks THEN it is valid", () => {
    const { isValid, errorsText } = aslValidator(JSON.parse(JSON.stringify(definition)), { checkPaths: true, checkArn: true });
    expect(errorsText()).toBe("");
    expect(isValid).toBe(true);
  });

  test("the state graph: user, order, payment || inventory, check, confirmation; undo, check, explain, tell and record on every failure; an ended execution ends again as recorded", () => {
    expect(edges(definition.States)).toEqual({
      [STATE.getUser]: [STATE.createOrder, "catch:GetUserRejected", "catch:GetUserUnavailable"],
      GetUserRejected: [STATE.orderFailed],
      GetUserUnavailable: [STATE.recordUserFailure],
      [STATE.recordUserFailure]: [STATE.orderFailed, `catch:${STATE.orderFailed}`],
      [STATE.createOrder]: [
        STATE.processPaymentAndInventory,
        `catch:${STATE.readClosedOrder}`,
        `catch:${STATE.readDuplicate}`,
        "catch:CreateOrderRejected",
        "catch:CreateOrderUnavailable",
      ],
      CreateOrderRejected: [STATE.notifyFailure],
      CreateOrderUnavailable: [STATE.recordCreateFailure],
      [STATE.recordCreateFailure]: [STATE.notifyFailure, `catch:${STATE.createRecordUnknown}`],
      [STATE.createRecordUnknown]: [STATE.notifyFailure],
      [STATE.readDuplicate]: [STATE.duplicate],
      [STATE.duplicate]: ["END"],
      [STATE.readClosedOrder]: [STATE.readClosedOutcome],
      [STATE.readClosedOutcome]: [STATE.endedBefore],
      [STATE.endedBefore]: [STATE.completedBefore, STATE.failedBefore],
      [STATE.completedBefore]: ["END"],
      [STATE.failedBefore]: [STATE.orderFailed],
      [STATE.processPaymentAndInventory]: [STATE.checkFulfilment],
      [STATE.checkFulfilment]: [
        STATE.recordPaymentAndInventoryFailure,
        STATE.recordPaymentFailure,
        STATE.recordInventoryFailure,
        STATE.sendConfirmation,
      ],
      [STATE.sendConfirmation]: [`catch:${STATE.recordCompletion}`, "END"],
      [STATE.recordCompletion]: [STATE.confirmationFailed, `catch:${STATE.completionUnrecorded}`],
      [STATE.confirmationFailed]: ["END"],
      [STATE.completionUnrecorded]: ["END"],
      [STATE.recordPaymentAndInventoryFailure]: [STATE.compensate],
      [STATE.recordPaymentFailure]: [STATE.compensate],
      [STATE.recordInventoryFailure]: [STATE.compensate],
      [STATE.compensate]: [STATE.checkCompensation],
      [STATE.checkCompensation]: [STATE.notifyFailure, STATE.recordCompensationFailure],
      [STATE.recordCompensationFailure]: [STATE.notifyFailure],
      [STATE.notifyFailure]: [STATE.orderFailed, `catch:${STATE.recordFailure}`],
      [STATE.recordFailure]: [STATE.orderFailed, `catch:${STATE.failureUnrecorded}`],
      [STATE.failureUnrecorded]: [STATE.orderFailed],
      [STATE.orderFailed]: [],
    });
    const [payment, inventory] = branchesOf(STATE.processPaymentAndInventory);
    expect([payment.StartAt, inventory.StartAt]).toEqual([STATE.authorizePayment, STATE.reserveInventory]);
    expect(edges(payment.States)).toEqual({
      AuthorizePayment: ["catch:AuthorizePaymentRejected", "catch:AuthorizePaymentUnavailable", "END"],
      AuthorizePaymentRejected: ["END"],
      AuthorizePaymentUnavailable: ["END"],
    });
    expect(edges(inventory.States)).toEqual({
      ReserveInventory: ["catch:ReserveInventoryRejected", "catch:ReserveInventoryUnavailable", "END"],
      ReserveInventoryRejected: ["END"],
      ReserveInventoryUnavailable: ["END"],
    });
    const [refund, release] = branchesOf(STATE.compensate);
    expect([refund.StartAt, release.StartAt]).toEqual([STATE.refundPayment, STATE.releaseInventory]);
    expect(edges(refund.States)).toEqual({
      RefundPayment: [`catch:${STATE.checkRefund}`, "END"],
      CheckRefund: [STATE.refundChecked, `catch:${STATE.refundNotConfirmed}`],
      RefundChecked: [STATE.transactionNotRefunded, STATE.refundConfirmed],
      RefundConfirmed: ["END"],
      TransactionNotRefunded: ["END"],
      RefundNotConfirmed: [STATE.transactionNotConfirmed, STATE.authorizationNotConfirmed],
      TransactionNotConfirmed: ["END"],
      AuthorizationNotConfirmed: ["END"],
    });
    expect(edges(release.States)).toEqual({
      ReleaseInventory: [`catch:${STATE.checkRelease}`, "END"],
      CheckRelease: [STATE.releaseChecked, `catch:${STATE.releaseNotConfirmed}`],
      ReleaseChecked: [STATE.reservationsNotReleased, STATE.releaseConfirmed],
      ReleaseConfirmed: ["END"],
      ReservationsNotReleased: ["END"],
      ReleaseNotConfirmed: [STATE.reservationsNotConfirmed, STATE.reservationsMayBeHeld],
      ReservationsNotConfirmed: ["END"],
      ReservationsMayBeHeld: ["END"],
    });
  });

  test("every Task uses the optimized lambda:invoke integration with its service's function", () => {
    expect(tasks().map(([name, task]) => [name, task.Parameters.FunctionName])).toEqual([
      ["GetUser", arns["user-service"]],
      ["RecordUserFailure", arns["order-service"]],
      ["CreateOrder", arns["order-service"]],
      ["RecordCreateFailure", arns["order-service"]],
      ["AuthorizePayment", arns["payment-service"]],
      ["ReserveInventory", arns["inventory-service"]],
      ["SendConfirmation", arns["notification-service"]],
      ["RecordCompletion", arns["order-service"]],
      ["RefundPayment", arns["payment-service"]],
      ["CheckRefund", arns["payment-service"]],
      ["ReleaseInventory", arns["inventory-service"]],
      ["CheckRelease", arns["inventory-service"]],
      ["NotifyFailure", arns["notification-service"]],
      ["RecordFailure", arns["order-service"]],
    ]);
    for (const [, task] of tasks()) expect(task.Resource).toBe("arn:aws:states:::lambda:invoke");
  });

  test("the transient faults retried: Lambda's service errors and throttling, crashes, timeouts, ServiceUnavailable", () => {
    expect(TRANSIENT_ERRORS).toEqual([
      "Lambda.ServiceException",
      "Lambda.AWSLambdaException",
      "Lambda.SdkClientException",
      "Lambda.ClientExecutionTimeoutException",
      "Lambda.TooManyRequestsException",
      "Lambda.Unknown",
      "Sandbox.Timedout",
      "Runtime.ExitError",
      "States.Timeout",
      "ServiceUnavailable",
    ]);
    for (const businessError of BUSINESS_ERROR_NAMES) expect(TRANSIENT_ERRORS).not.toContain(businessError);
  });

  test("every Task retries exactly the transient faults, 1 s doubling to at most 8 s: calls 3 retries, undos 4, checks and records 1", () => {
    const undos: string[] = [STATE.refundPayment, STATE.releaseInventory];
    const lastResorts: string[] = [
      STATE.checkRefund,
      STATE.checkRelease,
      STATE.recordUserFailure,
      STATE.recordCreateFailure,
      STATE.recordCompletion,
      STATE.recordFailure,
    ];
    for (const [name, task] of tasks()) {
      expect([name, task.Retry]).toEqual([
        name,
        [
          {
            ErrorEquals: TRANSIENT_ERRORS,
            IntervalSeconds: 1,
            BackoffRate: 2,
            MaxAttempts: undos.includes(name) ? 4 : lastResorts.includes(name) ? 1 : 3,
            MaxDelaySeconds: 8,
            JitterStrategy: "FULL",
          },
        ],
      ]);
    }
    expect([
      longestRetryWaitSeconds(RETRY_POLICY),
      longestRetryWaitSeconds(COMPENSATION_RETRY_POLICY),
      longestRetryWaitSeconds(CHECK_RETRY_POLICY),
    ]).toEqual([1 + 2 + 4, 1 + 2 + 4 + 8, 1]);
  });

  test("each Task keeps exactly the fields the workflow reads next (ResultSelector and ResultPath)", () => {
    expect(
      Object.fromEntries(
        tasks().map(([name, task]) => [name, { ResultSelector: task.ResultSelector, ResultPath: task.ResultPath }]),
      ),
    ).toEqual({
      GetUser: {
        ResultSelector: {
          user: { "userId.$": "$.Payload.userId", "email.$": "$.Payload.email", "creditScore.$": "$.Payload.creditScore" },
          execution: { "idempotencyKey.$": "$$.Execution.Name", "executionId.$": "$$.Execution.Id" },
        },
        ResultPath: "$.context",
      },
      CreateOrder: {
        ResultSelector: {
          "orderId.$": "$.Payload.orderId",
          "userId.$": "$.Payload.userId",
          "items.$": "$.Payload.items",
          "subtotal.$": "$.Payload.subtotal",
          "tax.$": "$.Payload.tax",
          "total.$": "$.Payload.total",
          "totalCents.$": "$.Payload.totalCents",
        },
        ResultPath: "$.order",
      },
      AuthorizePayment: {
        ResultSelector: { "transactionId.$": "$.Payload.transactionId", "amountCents.$": "$.Payload.amountCents" },
        ResultPath: undefined,
      },
      ReserveInventory: { ResultSelector: { "reservations.$": "$.Payload.reservations" }, ResultPath: undefined },
      SendConfirmation: {
        ResultSelector: {
          status: "COMPLETED",
          "orderId.$": "$.Payload.order.orderId",
          "userId.$": "$.Payload.order.userId",
          "items.$": "$.Payload.order.items",
          "subtotal.$": "$.Payload.order.subtotal",
          "tax.$": "$.Payload.order.tax",
          "total.$": "$.Payload.order.total",
          "transactionId.$": "$.Payload.order.transactionId",
          "reservations.$": "$.Payload.order.reservations",
          "notification.$": "$.Payload.notification",
        },
        ResultPath: undefined,
      },
      RecordUserFailure: { ResultSelector: { "status.$": "$.Payload.status" }, ResultPath: "$.orderRecord" },
      RecordCreateFailure: {
        ResultSelector: {
          "error.$": "$.Payload.error",
          detail: { "errorMessage.$": "$.Payload.reason" },
          "orderId.$": "$.Payload.orderId",
        },
        ResultPath: "$.failure",
      },
      RecordCompletion: {
        ResultSelector: { "noticeDelivered.$": "$.Payload.noticeDelivered", "notificationId.$": "$.Payload.notificationId" },
        ResultPath: "$.orderRecord",
      },
      RefundPayment: { ResultSelector: { "status.$": "$.Payload.status", held: "" }, ResultPath: undefined },
      CheckRefund: {
        ResultSelector: { "status.$": "$.Payload.status", "found.$": "$.Payload" },
        ResultPath: "$.refundErrorCheck",
      },
      ReleaseInventory: { ResultSelector: { "status.$": "$.Payload.status", held: "" }, ResultPath: undefined },
      CheckRelease: {
        ResultSelector: { "status.$": "$.Payload.status", "found.$": "$.Payload" },
        ResultPath: "$.releaseErrorCheck",
      },
      NotifyFailure: {
        ResultSelector: { "notificationId.$": "$.Payload.notificationId", "delivered.$": "$.Payload.delivered" },
        ResultPath: "$.failureNotification",
      },
      RecordFailure: {
        ResultSelector: { "status.$": "$.Payload.status", "noticeDelivered.$": "$.Payload.noticeDelivered" },
        ResultPath: "$.orderRecord",
      },
    });
  });

  test("each service is sent only what it needs: the notification service gets no credit score", () => {
    const recipient = { "userId.$": "$.context.user.userId", "email.$": "$.context.user.email" };
    expect(payloadOf(taskNamed(STATE.sendConfirmation)).recipient).toEqual(recipient);
    expect(payloadOf(taskNamed(STATE.notifyFailure)).recipient).toEqual(recipient);
    expect(JSON.stringify(stateNamed(STATE.notifyFailure))).not.toContain("creditScore");
    for (const [task, action] of [
      [STATE.refundPayment, "refund"],
      [STATE.checkRefund, "status"],
      [STATE.releaseInventory, "release"],
      [STATE.checkRelease, "status"],
    ]) {
      expect(payloadOf(taskNamed(task))).toEqual({
        action,
        "orderId.$": "$.order.orderId",
        "idempotencyKey.$": "$$.Execution.Name",
      });
    }
    // order-service finds the order as CreateOrder keyed it: from the execution's input and name.
    for (const task of [STATE.recordUserFailure, STATE.recordCreateFailure, STATE.recordFailure]) {
      expect(payloadOf(taskNamed(task))).toEqual({
        action: "close",
        "request.$": "$$.Execution.Input",
        "idempotencyKey.$": "$$.Execution.Name",
        "executionId.$": "$$.Execution.Id",
        "failure.$": "$.failure",
      });
    }
    expect(payloadOf(taskNamed(STATE.recordCompletion))).toEqual({
      action: "close",
      "request.$": "$$.Execution.Input",
      "idempotencyKey.$": "$$.Execution.Name",
      "executionId.$": "$$.Execution.Id",
      order: { "transactionId.$": "$.fulfilment.payment.transactionId", "reservations.$": "$.fulfilment.inventory.reservations" },
    });
  });

  test("no States.Format template escapes braces (one interpreter this project runs on mishandles them)", () => {
    expect(JSON.stringify(definition)).not.toMatch(/States\.Format\('[^']*\\\\[{}]/);
  });

  test("the execution's limit is the worst case: every attempt on the worst path timing out after the longest waits", () => {
    const worst = worstCaseFrom(definition.States, definition.StartAt);
    // GetUser 4 + CreateOrder 4 + a fulfilment call 4 + an undo 5 and its check 2 + NotifyFailure 4 + RecordFailure 2 attempts.
    expect(worst).toEqual({ attempts: 25, waitSeconds: 7 + 7 + 7 + (15 + 1) + 7 + 1 });
    expect(definition.TimeoutSeconds).toBe(25 * 35 + 45 + EXECUTION_MARGIN_SECONDS);
    expect(buildWorkflowDefinition(arns, optionsFor(3)).TimeoutSeconds).toBe(executionTimeoutSeconds(worst, optionsFor(3)));
    expect(executionTimeoutSeconds(worst, optionsFor(3))).toBe(25 * 8 + 45 + 10);
  });

  test("every Task waits 5 s longer than its function may run", () => {
    for (const [, task] of tasks()) expect(task.TimeoutSeconds).toBe(35);
    for (const [, task] of tasksOf(buildWorkflowDefinition(arns, optionsFor(900)).States)) expect(task.TimeoutSeconds).toBe(905);
  });

  test('ResultPath "$" is never written (the default, and misread by aws-local-stepfunctions)', () => {
    expect(JSON.stringify(definition)).not.toContain('"ResultPath":"$"');
  });

  test("the workflow ends failed with the root cause's name and message; a duplicate ends DUPLICATE with the first order", () => {
    expect(definition.States[STATE.orderFailed]).toMatchObject({
      Type: "Fail",
      ErrorPath: "$.failure.error",
      CausePath: "$.failure.detail.errorMessage",
    });
    expect(passNamed(definition.States, STATE.duplicate).Parameters).toEqual({
      status: "DUPLICATE",
      "orderId.$": "$.duplicate.detail.errorMessage",
    });
  });
});
