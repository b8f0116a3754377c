/**
 * How the definition explains a failure (docs/errors-and-outcomes.md): every caught error
 * becomes `$.failure = { error, detail: { errorMessage }, orderId }`, the Cause names the
 * service that did not answer, and the states an operator finds in the console say what
 * they are for.
 */
import { seededMemoryStore } from "../../../functions/shared/default-store";
import { LocalWorkflow, localFunctionArns } from "../../../local/runner";
import { SAMPLE_ORDER } from "../../../stacks/order-workflow-stack";
import { buildWorkflowDefinition, STATE } from "../../../stacks/workflow-definition";
import { passNamed } from "../../helpers/workflow-states";

describe("failures, as the definition explains them", () => {
  test("GIVEN order-service never answers WHEN run THEN ServiceUnavailable naming order-service, and the user is told", async () => {
    const store = seededMemoryStore();
    const result = await new LocalWorkflow().run(SAMPLE_ORDER, {
      store,
      inject: [{ service: "order-service", error: "States.Timeout" }],
    });
    expect(result).toMatchObject({
      status: "FAILED",
      error: "ServiceUnavailable",
      cause:
        "order-service did not answer after retries (last error: States.Timeout); the order record, if one was made, may be left PENDING: order-service did not answer (last error: States.Timeout)",
    });
    // order-service is asked to record the failure under the request's key (it fails too), then the user is told.
    expect(result.invocations.slice(-2)).toEqual([
      { function: "order-service", action: "close" },
      { function: "notification-service", action: "failure" },
    ]);
    expect(result.states).toContain(STATE.createRecordUnknown);
  });

  test("a failure before any order exists carries orderId null, as every later one carries the order's id", () => {
    const { States } = buildWorkflowDefinition(localFunctionArns());
    for (const name of ["GetUserRejected", "GetUserUnavailable", "CreateOrderRejected", "CreateOrderUnavailable"]) {
      expect([name, passNamed(States, name).Parameters?.orderId]).toEqual([name, null]);
    }
    for (const name of [STATE.recordPaymentFailure, STATE.recordInventoryFailure, STATE.recordPaymentAndInventoryFailure]) {
      expect([name, passNamed(States, name).Parameters?.["orderId.$"]]).toEqual([name, "$.order.orderId"]);
    }
  });

  test("the console says what the workflow, the Duplicate and the OrderFailed states are for", () => {
    const definition = buildWorkflowDefinition(localFunctionArns());
    expect(definition.Comment).toMatch(/^Order workflow: .*compensates/);
    expect(definition.States[STATE.duplicate].Comment).toMatch(/DuplicateOrder.*id of the order/);
    expect(definition.States[STATE.orderFailed].Comment).toMatch(/Error is the root cause's name.*Cause is its message/);
  });
});
