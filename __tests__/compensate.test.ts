/**
 * npm run compensate, offline: the order is made CompensationFailed by the local runner (the
 * real workflow definition and handlers, a refund or release failing); DynamoDB's GetItem
 * and Lambda's Invoke are mocked with aws-sdk-client-mock and answer from the same store
 * through the real handlers, as the deployed functions would.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DynamoDBClient, DynamoDBServiceException, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { seededMemoryStore } from "../functions/shared/default-store";
import { marshalItem } from "../functions/shared/dynamodb-store";
import { deriveId } from "../functions/shared/idempotency";
import { MemoryStore } from "../functions/shared/memory-store";
import { handlersFor } from "../local/handlers";
import { LocalWorkflow } from "../local/runner";
import { functionOutput } from "../stacks/order-workflow-stack";
import { SERVICES, ServiceName } from "../stacks/services";
import { main, USAGE } from "../scripts/compensate";

const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders-prod-workflow";
const OUTPUTS = {
  state_machine_arn: MACHINE,
  orders_table_name: "orders-prod-orders",
  ...Object.fromEntries(SERVICES.map((service) => [functionOutput(service, "name"), `orders-prod-${service}`])),
};
const scratch = mkdtempSync(path.join(tmpdir(), "order-workflow-compensate-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const outputsFile = path.join(scratch, "outputs.json");
writeFileSync(outputsFile, JSON.stringify({ prod: OUTPUTS }));

const workflow = new LocalWorkflow();
const dynamodb = mockClient(DynamoDBClient);
const lambda = mockClient(LambdaClient);
const encode = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value))) as never;

let store: MemoryStore;
/** Actions that fail (the function answers an error), e.g. "payment-service refund"; "+after": the handler runs first (the answer is lost). */
let failing: Map<string, { error: string; after?: boolean }>;

beforeEach(() => {
  dynamodb.reset();
  lambda.reset();
  store = seededMemoryStore();
  failing = new Map();
  dynamodb.on(GetItemCommand).callsFake(async (input) => {
    expect(input).toMatchObject({ TableName: OUTPUTS.orders_table_name, ConsistentRead: true });
    const item = await store.get("orders", input.Key.orderId.S);
    return { Item: item ? marshalItem(item) : undefined };
  });
  // Each function answers as the deployed one would: the real handler on the store, or the runtime's error payload.
  lambda.on(InvokeCommand).callsFake(async (input) => {
    const service = SERVICES.find((name) => input.FunctionName === `orders-prod-${name}`) as ServiceName;
    const payload = JSON.parse(Buffer.from(input.Payload).toString());
    const failure = failing.get(`${service} ${payload.action}`);
    const fail = (error: string) => ({
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: encode({
        errorType: error,
        errorMessage: `${service} ${payload.action} failed: the table is throttled`,
        trace: [],
      }),
    });
    if (failure && !failure.after) return fail(failure.error);
    try {
      const result = await handlersFor(store)[service](payload);
      return failure ? fail(failure.error) : { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: encode(result) };
    } catch (error) {
      return fail((error as Error).name);
    }
  });
});

/** An order that ended CompensationFailed: PROD999 (authorized, then not in the catalogue), its refund failing. */
async function refundFailedOrder(name = "exec-refund-fails") {
  const result = await workflow.run(
    { userId: "test123", orderData: { items: [{ productId: "PROD999", quantity: 1, price: 5 }] } },
    {
      store,
      executionName: name,
      inject: [{ service: "payment-service", action: "refund", error: "ServiceUnavailable" }],
    },
  );
  expect(result.error).toBe("CompensationFailed");
  return deriveId("ord", `execution:${name}`);
}

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line), env: {} });
  return { status, out, err };
}

const invoked = () =>
  lambda.commandCalls(InvokeCommand).map((call) => {
    const payload = JSON.parse(Buffer.from(call.args[0].input.Payload as Uint8Array).toString());
    return `${call.args[0].input.FunctionName} ${payload.action}`;
  });

describe("npm run compensate -- <orderId>", () => {
  test("refunds, releases, and resolves a CompensationFailed order: FAILED with its root cause, closed by the operator", async () => {
    const orderId = await refundFailedOrder();
    const txn = deriveId("txn", "exec-refund-fails");
    const { status, out, err } = await run([orderId, "--outputs", outputsFile]);
    expect(err).toEqual([]);
    expect(out).toEqual([
      `order ${orderId}: COMPENSATION_FAILED, root cause ProductNotFound; key exec-refund-fails; total 5.40 USD`,
      `refund: REFUNDED transaction ${txn} of 5.40 USD (refund ${deriveId("rfd", "exec-refund-fails", txn)})`,
      "release: NOTHING_TO_RELEASE",
      `resolved: order ${orderId} is FAILED (ProductNotFound), closed by operator`,
    ]);
    expect(status).toBe(0);
    // Each undo under the execution's key, then resolve with both answers.
    const payloads = lambda
      .commandCalls(InvokeCommand)
      .map((call) => JSON.parse(Buffer.from(call.args[0].input.Payload as Uint8Array).toString()));
    expect(payloads).toEqual([
      { action: "refund", orderId, idempotencyKey: "exec-refund-fails" },
      { action: "release", orderId, idempotencyKey: "exec-refund-fails" },
      { action: "resolve", orderId, refund: "REFUNDED", release: "NOTHING_TO_RELEASE" },
    ]);
    expect(await store.get("orders", orderId)).toMatchObject({
      status: "FAILED",
      error: "ProductNotFound",
      closedBy: "operator",
    });
  });

  test("a second run: already finished by an operator, nothing invoked, exit 0", async () => {
    const orderId = await refundFailedOrder();
    expect((await run([orderId, "--outputs", outputsFile])).status).toBe(0);
    lambda.resetHistory();
    const { status, out } = await run([orderId, "--outputs", outputsFile]);
    expect(status).toBe(0);
    expect(out).toEqual([
      expect.stringMatching(
        new RegExp(`^order ${orderId} was already finished by an operator \\(\\S+\\): FAILED, ProductNotFound; nothing to do$`),
      ),
    ]);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  test("the refund still failing: names the transaction still held, leaves the record as it is, exit 1", async () => {
    const orderId = await refundFailedOrder();
    failing.set("payment-service refund", { error: "ServiceUnavailable" });
    const { status, out } = await run([orderId, "--outputs", outputsFile]);
    expect(status).toBe(1);
    expect(out).toEqual([
      expect.stringContaining(`order ${orderId}: COMPENSATION_FAILED`),
      "refund: failed: ServiceUnavailable: payment-service refund failed: the table is throttled",
      "release: NOTHING_TO_RELEASE",
      `still held: transaction ${deriveId("txn", "exec-refund-fails")} of 5.40 USD`,
      `order ${orderId} is left COMPENSATION_FAILED: run npm run compensate -- ${orderId} again once the cause is fixed`,
    ]);
    expect(invoked()).not.toContain("orders-prod-order-service resolve");
    expect(await store.get("orders", orderId)).toMatchObject({ status: "COMPENSATION_FAILED" });
  });

  test("a refund whose answer was lost after it acted: the status says REFUNDED, so it is done and the order resolved", async () => {
    const orderId = await refundFailedOrder();
    failing.set("payment-service refund", { error: "Sandbox.Timedout", after: true });
    const { status, out } = await run([orderId, "--outputs", outputsFile]);
    expect(status).toBe(0);
    expect(out).toContain("payment-service says REFUNDED: done (the answer was lost)".replace(/^/, "refund: "));
    expect(invoked()).toEqual([
      "orders-prod-payment-service refund",
      "orders-prod-inventory-service release",
      "orders-prod-payment-service status",
      "orders-prod-order-service resolve",
    ]);
    expect(await store.get("orders", orderId)).toMatchObject({ status: "FAILED", closedBy: "operator" });
  });

  test("a release still failing names the reservations still held", async () => {
    // 20 x PROD003 at 300.00 is declined for user-1 after the stock was reserved; the release fails.
    const name = "exec-release-fails";
    const result = await workflow.run(
      { userId: "user-1", orderData: { items: [{ productId: "PROD003", quantity: 20, price: 300 }] } },
      {
        store,
        executionName: name,
        inject: [{ service: "inventory-service", action: "release", error: "Lambda.ServiceException" }],
      },
    );
    expect(result.error).toBe("CompensationFailed");
    const orderId = deriveId("ord", `execution:${name}`);
    failing.set("inventory-service release", { error: "ServiceUnavailable" });
    const { status, out } = await run([orderId, "--outputs", outputsFile]);
    expect(status).toBe(1);
    expect(out).toContain(`still held: reservations ${deriveId("res", name, "PROD003")} (PROD003 x 20)`);
    expect(out).toContain("refund: NOTHING_TO_REFUND");
  });

  test("the status cannot be read either: says what may still be held under the key", async () => {
    const orderId = await refundFailedOrder();
    failing.set("payment-service refund", { error: "ServiceUnavailable" });
    failing.set("payment-service status", { error: "ServiceUnavailable" });
    const { status, out } = await run([orderId, "--outputs", outputsFile]);
    expect(status).toBe(1);
    expect(out).toContain(
      "still held: whatever payment-service holds under key exec-refund-fails (its status could not be read either: ServiceUnavailable: payment-service status failed: the table is throttled)",
    );
  });

  test("resolve failing: nothing is held, the record is still COMPENSATION_FAILED, exit 1", async () => {
    const orderId = await refundFailedOrder();
    failing.set("order-service resolve", { error: "ServiceUnavailable" });
    const { status, out } = await run([orderId, "--outputs", outputsFile]);
    expect(status).toBe(1);
    expect(out.slice(-2)).toEqual([
      "resolve: failed: ServiceUnavailable: order-service resolve failed: the table is throttled",
      `nothing is held, but order ${orderId} is still COMPENSATION_FAILED: run this again`,
    ]);
  });

  test("a record of version 2 (no idempotencyKey): the key is the last part of its executionId", async () => {
    const orderId = await refundFailedOrder("exec-v2");
    const record = (await store.get("orders", orderId))!;
    const { idempotencyKey: _key, ...v2 } = record;
    await store.transact([
      { type: "put", table: "orders", item: { ...v2, executionId: `${MACHINE.replace("stateMachine", "execution")}:exec-v2` } },
    ]);
    const { status, out } = await run([orderId, "--outputs", outputsFile]);
    expect(status).toBe(0);
    expect(out[0]).toContain("key exec-v2;");
  });

  test("an order that is not COMPENSATION_FAILED, or does not exist: says so, exit 1, nothing invoked", async () => {
    const completed = await workflow.run(
      { userId: "test123", orderData: { items: [{ productId: "PROD001", quantity: 1, price: 5 }] } },
      {
        store,
        executionName: "exec-ok",
      },
    );
    const orderId = (completed.output as { orderId: string }).orderId;
    expect(await run([orderId, "--outputs", outputsFile])).toEqual({
      status: 1,
      out: [],
      err: [`order ${orderId} is COMPLETED, not COMPENSATION_FAILED: nothing to compensate`],
    });
    expect(await run(["ord-00000000000000000000", "--outputs", outputsFile])).toEqual({
      status: 1,
      out: [],
      err: ["order ord-00000000000000000000 does not exist in orders-prod-orders"],
    });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  });

  test("the record cannot be read: one line with the AWS error, exit 1", async () => {
    dynamodb.on(GetItemCommand).rejects(
      new DynamoDBServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400, requestId: "r-9" },
        message: "not authorized to perform: dynamodb:GetItem",
      }),
    );
    const { status, err } = await run(["ord-1", "--outputs", outputsFile]);
    expect([status, err]).toEqual([
      1,
      [
        "cannot read order ord-1 from orders-prod-orders: AccessDeniedException (HTTP 400, request r-9): not authorized to perform: dynamodb:GetItem",
      ],
    ]);
  });
});

describe("arguments: exit 2 with the problem, then the usage; --help exit 0", () => {
  test.each([
    [[], "an order id is needed"],
    [["ord-1", "ord-2"], "unexpected argument ord-2: one order at a time"],
    [["ord 1"], '"ord 1" is not an order id (1 to 128 of A-Z a-z 0-9 _ : . -)'],
    [["ord-1", "--force"], "unknown option --force"],
    [["ord-1", "--stack"], "--stack needs a value: --stack <name>"],
  ])("%j: %s", async (args, message) => {
    const { status, out, err } = await run(args);
    expect([status, out, err]).toEqual([2, [], [message, USAGE]]);
    expect(lambda.calls()).toHaveLength(0);
  });

  test("--help prints the usage, exit 0", async () => {
    expect(await run(["--help"])).toEqual({ status: 0, out: [USAGE], err: [] });
  });

  test("outputs of two stacks without --stack: exit 2 naming them", async () => {
    const file = path.join(scratch, "two.json");
    writeFileSync(file, JSON.stringify({ dev: OUTPUTS, prod: OUTPUTS }));
    expect(await run(["ord-1", "--outputs", file])).toEqual({
      status: 2,
      out: [],
      err: [`cannot read the stack's outputs: ${file} holds several stacks (dev, prod): choose one with --stack <name>`],
    });
  });
});
