/**
 * npm run compensate, offline: the order is made CompensationFailed, or left PENDING after
 * its execution ended, by the local runner (the real workflow definition and handlers, a
 * refund, release or close failing, or the execution stopped part-way); DynamoDB's GetItem
 * and Lambda's Invoke are mocked with aws-sdk-client-mock and answer from the same store
 * through the real handlers, as the deployed functions would; Step Functions'
 * DescribeExecution answers with how the local run ended.
 */
import { expect } from "@jest/globals";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { DynamoDBClient, DynamoDBServiceException, GetItemCommand, GetItemCommandInput } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, InvokeCommandInput, LambdaClient } from "@aws-sdk/client-lambda";
import {
  DescribeExecutionCommand,
  DescribeExecutionCommandInput,
  DescribeExecutionCommandOutput,
  ExecutionStatus,
  SFNClient,
  SFNServiceException,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { seededMemoryStore } from "../../functions/shared/default-store";
import { marshalItem } from "../../functions/shared/dynamodb-store";
import { deriveId } from "../../functions/shared/idempotency";
import { MemoryStore } from "../../functions/shared/memory-store";
import { handlersFor } from "../../local/handlers";
import { Injection, LocalWorkflow } from "../../local/runner";
import { stateSnapshot } from "../../local/state-snapshot";
import { functionOutput, SAMPLE_ORDER } from "../../stacks/order-workflow-stack";
import { SERVICES, ServiceName } from "../../stacks/services";
import { main, USAGE } from "../../scripts/compensate";

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
const sfn = mockClient(SFNClient);
const encode = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value))) as never;

let store: MemoryStore;
/** Actions that fail (the function answers an error), e.g. "payment-service refund"; "+after": the handler runs first (the answer is lost). */
let failing: Map<string, { error: string; after?: boolean }>;
/** What DescribeExecution answers, by execution ARN. */
let executions: Map<string, Partial<DescribeExecutionCommandOutput>>;

beforeEach(() => {
  dynamodb.reset();
  lambda.reset();
  sfn.reset();
  store = seededMemoryStore();
  failing = new Map();
  executions = new Map();
  sfn.on(DescribeExecutionCommand).callsFake(async (input: DescribeExecutionCommandInput) => {
    const execution = executions.get(input.executionArn!);
    if (execution) return execution;
    throw new SFNServiceException({
      name: "ExecutionDoesNotExist",
      $fault: "client",
      $metadata: { httpStatusCode: 400 },
      message: `Execution Does Not Exist: '${input.executionArn}'`,
    });
  });
  dynamodb.on(GetItemCommand).callsFake(async (input: GetItemCommandInput) => {
    expect(input).toMatchObject({ TableName: OUTPUTS.orders_table_name, ConsistentRead: true });
    const item = await store.get("orders", input.Key!.orderId.S!);
    return { Item: item ? marshalItem(item) : undefined };
  });
  // Each function answers as the deployed one would: the real handler on the store, or the runtime's error payload.
  lambda.on(InvokeCommand).callsFake(async (input: InvokeCommandInput) => {
    const service = SERVICES.find((name) => input.FunctionName === `orders-prod-${name}`) as ServiceName;
    const payload = payloadOf(input.Payload);
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

/** What a function was invoked with: the command's payload, JSON. */
type Payload = { action: string } & Record<string, unknown>;
function payloadOf(bytes: InvokeCommandInput["Payload"]): Payload {
  return JSON.parse(Buffer.from(bytes as Uint8Array).toString()) as Payload;
}

const invoked = () =>
  lambda.commandCalls(InvokeCommand).map((call) => {
    const payload = payloadOf(call.args[0].input.Payload);
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
    const payloads = lambda.commandCalls(InvokeCommand).map((call) => payloadOf(call.args[0].input.Payload));
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

  test("an order that is neither COMPENSATION_FAILED nor PENDING, or does not exist: says so, exit 1, nothing invoked", async () => {
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
      err: [
        `order ${orderId} is COMPLETED (closed by notification-service), neither PENDING nor COMPENSATION_FAILED: nothing to do`,
      ],
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

/** The order left PENDING by a run whose notice and close both failed (order-service unreachable at the end). */
const UNREACHABLE_AT_THE_END: Injection[] = [
  { service: "notification-service", error: "ServiceUnavailable" },
  { service: "order-service", action: "close", error: "ServiceUnavailable" },
];

/**
 * Runs the workflow to a PENDING record and makes DescribeExecution answer as AWS would for
 * that execution: how the run ended, or `status` when given (a stopped run: TIMED_OUT, ABORTED, RUNNING).
 */
async function leftPending(
  name: string,
  input: unknown,
  options: { inject?: Injection[]; stopAt?: string; status?: ExecutionStatus; error?: string; cause?: string } = {},
) {
  const result = await workflow.run(input, { store, executionName: name, inject: options.inject, stopAt: options.stopAt });
  const orderId = deriveId("ord", `execution:${name}`);
  const record = (await store.get("orders", orderId))!;
  expect(record.status).toBe("PENDING");
  const executionArn = record.executionId as string;
  executions.set(executionArn, {
    executionArn,
    stateMachineArn: executionArn.replace(":execution:", ":stateMachine:").replace(`:${name}`, ""),
    name,
    status: options.status ?? result.status,
    startDate: new Date(),
    input: JSON.stringify(input),
    ...(result.output === undefined ? {} : { output: JSON.stringify(result.output) }),
    ...(result.error === undefined && options.error === undefined ? {} : { error: options.error ?? result.error }),
    ...(result.cause === undefined && options.cause === undefined ? {} : { cause: options.cause ?? result.cause }),
  });
  return { orderId, executionArn, result };
}

const payloads = () => lambda.commandCalls(InvokeCommand).map((call) => payloadOf(call.args[0].input.Payload));

/** Everything the store holds: a second run must leave it exactly so. */
const everything = async () => ({
  orders: await store.items("orders"),
  idempotency: await store.items("idempotency"),
  stock: await store.items("stock"),
});

/** A second run changes nothing: the store is the same, and no undo, close or resolve acts again. */
async function secondRunChangesNothing(orderId: string, expected: { status: number; line: RegExp | string }) {
  const before = await everything();
  lambda.resetHistory();
  const again = await run([orderId, "--outputs", outputsFile]);
  expect(again.status).toBe(expected.status);
  expect([...again.out, ...again.err]).toEqual([
    typeof expected.line === "string" ? expected.line : expect.stringMatching(expected.line),
  ]);
  expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
  expect(await everything()).toEqual(before);
}

describe("npm run compensate -- <orderId>: an order left PENDING after its execution ended", () => {
  test("SUCCEEDED: order-service closes it COMPLETED with the execution's transaction and reservations, as RecordCompletion would", async () => {
    const name = "exec-completed-unrecorded";
    const { orderId, executionArn, result } = await leftPending(name, SAMPLE_ORDER, { inject: UNREACHABLE_AT_THE_END });
    expect(result.output).toMatchObject({ status: "COMPLETED", orderRecord: expect.stringMatching(/^PENDING: /) });
    const txn = deriveId("txn", name);
    const reservations = [
      { reservationId: deriveId("res", name, "PROD001"), productId: "PROD001", quantity: 2 },
      { reservationId: deriveId("res", name, "PROD002"), productId: "PROD002", quantity: 1 },
    ];
    const { status, out, err } = await run([orderId, "--outputs", outputsFile]);
    expect(err).toEqual([]);
    expect(out).toEqual([
      `order ${orderId}: PENDING, its execution SUCCEEDED; key ${name}; total 118.77 USD`,
      `closed: order ${orderId} is COMPLETED (transaction ${txn}, reservations ${reservations[0].reservationId} (PROD001 x 2), ${reservations[1].reservationId} (PROD002 x 1)), closed by order-service`,
    ]);
    expect(status).toBe(0);
    expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input)).toEqual([{ executionArn }]);
    expect(payloads()).toEqual([
      {
        action: "close",
        request: SAMPLE_ORDER,
        idempotencyKey: name,
        executionId: executionArn,
        order: { transactionId: txn, reservations },
      },
    ]);
    expect(await store.get("orders", orderId)).toMatchObject({
      status: "COMPLETED",
      transactionId: txn,
      reservations,
      closedBy: "order-service",
    });
    // Nothing refunded or released: the order is paid and its stock taken.
    expect(await stateSnapshot(store)).toMatchObject({
      stock: { PROD001: 48, PROD002: 24 },
      orders: { [orderId]: "COMPLETED" },
      payments: { [txn]: "AUTHORIZED" },
    });
    await secondRunChangesNothing(orderId, {
      status: 1,
      line: `order ${orderId} is COMPLETED (closed by order-service), neither PENDING nor COMPENSATION_FAILED: nothing to do`,
    });
  });

  test("FAILED with a business error: closed FAILED with the Error and the Cause the workflow passes (its note left out); the workflow's own compensation stands", async () => {
    const name = "exec-declined-unrecorded";
    const input = { userId: "user-1", orderData: { items: [{ productId: "PROD003", quantity: 20, price: 50 }] } };
    const { orderId, executionArn, result } = await leftPending(name, input, { inject: UNREACHABLE_AT_THE_END });
    expect(result).toMatchObject({
      error: "PaymentDeclined",
      compensation: { refund: "NOTHING_TO_REFUND", release: "RELEASED" },
    });
    expect(result.cause).toMatch(
      /; the order record is left PENDING: order-service did not answer \(last error: ServiceUnavailable\)$/,
    );
    const reason = result.cause!.replace(/; the order record is left PENDING: .*$/, "");
    const { status, out, err } = await run([orderId, "--outputs", outputsFile]);
    expect(err).toEqual([]);
    expect(out).toEqual([
      `order ${orderId}: PENDING, its execution FAILED (PaymentDeclined); key ${name}; total 1080.00 USD`,
      `closed: order ${orderId} is FAILED (PaymentDeclined), closed by order-service`,
    ]);
    expect(status).toBe(0);
    expect(payloads()).toEqual([
      {
        action: "close",
        request: input,
        idempotencyKey: name,
        executionId: executionArn,
        failure: { error: "PaymentDeclined", detail: { errorMessage: reason }, orderId },
      },
    ]);
    expect(await store.get("orders", orderId)).toMatchObject({
      status: "FAILED",
      error: "PaymentDeclined",
      reason,
      closedBy: "order-service",
    });
    expect(await stateSnapshot(store)).toMatchObject({ stock: { PROD003: 100 }, payments: {} });
    await secondRunChangesNothing(orderId, {
      status: 1,
      line: `order ${orderId} is FAILED (closed by order-service), neither PENDING nor COMPENSATION_FAILED: nothing to do`,
    });
  });

  test("FAILED CompensationFailed: closed COMPENSATION_FAILED with its root cause, then refunded, released and resolved in the same run", async () => {
    const name = "exec-compensation-unrecorded";
    const input = { userId: "test123", orderData: { items: [{ productId: "PROD999", quantity: 1, price: 5 }] } };
    const { orderId, result } = await leftPending(name, input, {
      inject: [{ service: "payment-service", action: "refund", error: "ServiceUnavailable" }, ...UNREACHABLE_AT_THE_END],
    });
    expect(result.error).toBe("CompensationFailed");
    const txn = deriveId("txn", name);
    const { status, out, err } = await run([orderId, "--outputs", outputsFile]);
    expect(err).toEqual([]);
    expect(out).toEqual([
      `order ${orderId}: PENDING, its execution FAILED (CompensationFailed); key ${name}; total 5.40 USD`,
      `closed: order ${orderId} is COMPENSATION_FAILED (root cause ProductNotFound), closed by order-service; finishing its compensation`,
      `order ${orderId}: COMPENSATION_FAILED, root cause ProductNotFound; key ${name}; total 5.40 USD`,
      `refund: REFUNDED transaction ${txn} of 5.40 USD (refund ${deriveId("rfd", name, txn)})`,
      "release: NOTHING_TO_RELEASE",
      `resolved: order ${orderId} is FAILED (ProductNotFound), closed by operator`,
    ]);
    expect(status).toBe(0);
    expect(payloads().map((payload) => payload.action)).toEqual(["close", "refund", "release", "resolve"]);
    expect(payloads()[0].failure).toMatchObject({ error: "CompensationFailed", rootError: "ProductNotFound" });
    expect(await store.get("orders", orderId)).toMatchObject({
      status: "FAILED",
      error: "ProductNotFound",
      reason: expect.stringMatching(/Finished by an operator at .*: refund REFUNDED, release NOTHING_TO_RELEASE\.$/),
      closedBy: "operator",
    });
    expect((await stateSnapshot(store)).payments).toEqual({ [txn]: "REFUNDED" });
    await secondRunChangesNothing(orderId, {
      status: 0,
      line: new RegExp(
        `^order ${orderId} was already finished by an operator \\(\\S+\\): FAILED, ProductNotFound; nothing to do$`,
      ),
    });
  });

  test.each([
    ["TIMED_OUT", "TIMED_OUT", undefined, undefined, "the execution TIMED_OUT before it ended"],
    ["ABORTED", "ABORTED", undefined, "stopped by an operator", "the execution ABORTED before it ended: stopped by an operator"],
    [
      "FAILED with an Error outside the contract",
      "FAILED",
      "States.Runtime",
      "The JSONPath '$.x' could not be found",
      "the execution failed with States.Runtime before it ended: The JSONPath '$.x' could not be found",
    ],
  ] as const)(
    "%s (its compensation may not have run), payment authorized and stock reserved: refunded, released, then closed FAILED",
    async (_label, executionStatus, error, cause, reason) => {
      const name = `exec-stopped-${executionStatus.toLowerCase()}`;
      const { orderId, executionArn } = await leftPending(name, SAMPLE_ORDER, {
        stopAt: "SendConfirmation",
        status: executionStatus,
        error,
        cause,
      });
      const txn = deriveId("txn", name);
      expect(await stateSnapshot(store)).toMatchObject({
        stock: { PROD001: 48, PROD002: 24 },
        payments: { [txn]: "AUTHORIZED" },
      });
      const { status, out, err } = await run([orderId, "--outputs", outputsFile]);
      expect(err).toEqual([]);
      expect(out).toEqual([
        `order ${orderId}: PENDING, its execution ${error ? `FAILED (${error})` : executionStatus}; key ${name}; total 118.77 USD`,
        `the workflow stopped before its end, so its compensation may not have run: refund and release under key ${name}`,
        `refund: REFUNDED transaction ${txn} of 118.77 USD (refund ${deriveId("rfd", name, txn)})`,
        `release: RELEASED reservations ${deriveId("res", name, "PROD001")} (PROD001 x 2), ${deriveId("res", name, "PROD002")} (PROD002 x 1)`,
        `closed: order ${orderId} is FAILED (ServiceUnavailable), closed by order-service`,
      ]);
      expect(status).toBe(0);
      const finished = `${reason}; finished by an operator: refund REFUNDED, release RELEASED`;
      expect(payloads()).toEqual([
        { action: "refund", orderId, idempotencyKey: name },
        { action: "release", orderId, idempotencyKey: name },
        {
          action: "close",
          request: SAMPLE_ORDER,
          idempotencyKey: name,
          executionId: executionArn,
          failure: { error: "ServiceUnavailable", detail: { errorMessage: finished }, orderId },
        },
      ]);
      expect(await store.get("orders", orderId)).toMatchObject({
        status: "FAILED",
        error: "ServiceUnavailable",
        reason: finished,
        closedBy: "order-service",
      });
      expect(await stateSnapshot(store)).toMatchObject({ stock: { PROD001: 50, PROD002: 25 }, payments: { [txn]: "REFUNDED" } });
      await secondRunChangesNothing(orderId, {
        status: 1,
        line: `order ${orderId} is FAILED (closed by order-service), neither PENDING nor COMPENSATION_FAILED: nothing to do`,
      });
    },
  );
  test("TIMED_OUT with the refund still failing: names what is still held, leaves it PENDING; a run once it is fixed finishes it, refunding once", async () => {
    const name = "exec-stopped-refund-fails";
    const { orderId } = await leftPending(name, SAMPLE_ORDER, { stopAt: "SendConfirmation", status: "TIMED_OUT" });
    const txn = deriveId("txn", name);
    failing.set("payment-service refund", { error: "ServiceUnavailable" });
    const first = await run([orderId, "--outputs", outputsFile]);
    expect(first.status).toBe(1);
    expect(first.out.slice(2)).toEqual([
      "refund: failed: ServiceUnavailable: payment-service refund failed: the table is throttled",
      `release: RELEASED reservations ${deriveId("res", name, "PROD001")} (PROD001 x 2), ${deriveId("res", name, "PROD002")} (PROD002 x 1)`,
      `still held: transaction ${txn} of 118.77 USD`,
      `order ${orderId} is left PENDING: run npm run compensate -- ${orderId} again once the cause is fixed`,
    ]);
    expect(invoked()).not.toContain("orders-prod-order-service close");
    expect(await stateSnapshot(store)).toMatchObject({
      stock: { PROD001: 50, PROD002: 25 },
      orders: { [orderId]: "PENDING" },
      payments: { [txn]: "AUTHORIZED" },
    });
    // Fixed: the release replays (RELEASED again, no stock put back twice), the refund acts, the record closes.
    failing.clear();
    const second = await run([orderId, "--outputs", outputsFile]);
    expect(second.status).toBe(0);
    expect(second.out.slice(-1)).toEqual([`closed: order ${orderId} is FAILED (ServiceUnavailable), closed by order-service`]);
    expect(await stateSnapshot(store)).toMatchObject({
      stock: { PROD001: 50, PROD002: 25 },
      orders: { [orderId]: "FAILED" },
      payments: { [txn]: "REFUNDED" },
    });
  });

  test("close failing: nothing is changed, the record is still PENDING, exit 1; the next run closes it", async () => {
    const { orderId } = await leftPending("exec-close-fails", SAMPLE_ORDER, { inject: UNREACHABLE_AT_THE_END });
    failing.set("order-service close", { error: "ServiceUnavailable" });
    const first = await run([orderId, "--outputs", outputsFile]);
    expect(first.status).toBe(1);
    expect(first.out.slice(1)).toEqual([
      "close: failed: ServiceUnavailable: order-service close failed: the table is throttled",
      `order ${orderId} is still PENDING: run npm run compensate -- ${orderId} again`,
    ]);
    expect(await store.get("orders", orderId)).toMatchObject({ status: "PENDING" });
    failing.clear();
    expect((await run([orderId, "--outputs", outputsFile])).status).toBe(0);
    expect(await store.get("orders", orderId)).toMatchObject({ status: "COMPLETED" });
  });

  test("RUNNING: nothing to do, exit 1 naming the execution; nothing invoked", async () => {
    const { orderId, executionArn } = await leftPending("exec-still-running", SAMPLE_ORDER, {
      stopAt: "SendConfirmation",
      status: "RUNNING",
    });
    const before = await everything();
    expect(await run([orderId, "--outputs", outputsFile])).toEqual({
      status: 1,
      out: [],
      err: [
        `order ${orderId} is PENDING and its execution is still RUNNING (${executionArn}): nothing to do; the workflow closes the record when it ends`,
      ],
    });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(await everything()).toEqual(before);
  });

  test("an Express execution: DescribeExecution cannot read it; one line saying what to do, exit 1, nothing called", async () => {
    const { orderId } = await leftPending("exec-express", SAMPLE_ORDER, { stopAt: "SendConfirmation" });
    const expressArn =
      "arn:aws:states:us-east-1:123456789012:express:microservices-stepfn-workflow:exec-express:0f5e5a3c-4d52-4b6f-9a0e-2c1d1b8f7e11";
    const record = (await store.get("orders", orderId))!;
    await store.transact([{ type: "put", table: "orders", item: { ...record, executionId: expressArn } }]);
    expect(await run([orderId, "--outputs", outputsFile])).toEqual({
      status: 1,
      out: [],
      err: [
        `order ${orderId} is PENDING and its execution ${expressArn} is an Express execution, which DescribeExecution cannot read: find how it ended in the workflow's log group (output state_machine_log_group_name) and finish it by hand (docs/operations.md, "Runbook: an order left PENDING")`,
      ],
    });
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
    expect(await store.get("orders", orderId)).toMatchObject({ status: "PENDING" });
  });

  test("DescribeExecution refused (states:DescribeExecution missing): one line with the AWS error, exit 1, nothing invoked", async () => {
    const { orderId, executionArn } = await leftPending("exec-not-allowed", SAMPLE_ORDER, { stopAt: "SendConfirmation" });
    sfn.on(DescribeExecutionCommand).rejects(
      new SFNServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400, requestId: "r-7" },
        message: "not authorized to perform: states:DescribeExecution",
      }),
    );
    expect(await run([orderId, "--outputs", outputsFile])).toEqual({
      status: 1,
      out: [],
      err: [
        `cannot describe execution ${executionArn}: AccessDeniedException (HTTP 400, request r-7): not authorized to perform: states:DescribeExecution`,
      ],
    });
    expect(lambda.commandCalls(InvokeCommand)).toHaveLength(0);
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
