/**
 * npm run smoke, offline: the AWS SDK clients are mocked with aws-sdk-client-mock and
 * answer what AWS would (the functions' payloads come from the real handlers, the
 * executions' outputs from the local runner). No credentials are needed or read.
 */
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { seededMemoryStore } from "../functions/shared/default-store";
import { handlersFor } from "../local/handlers";
import { LocalWorkflow } from "../local/runner";
import { SAMPLE_ORDER } from "../stacks/order-workflow-stack";
import { SERVICES } from "../stacks/services";
import { consoleLink, normalizeOutputs, report, runSmoke } from "../scripts/smoke";

const ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:microservices-stepfn-workflow";
const DIRECT = "arn:aws:states:eu-west-1:123456789012:execution:microservices-stepfn-workflow:smoke-1";
const FROM_EVENT =
  "arn:aws:states:eu-west-1:123456789012:execution:microservices-stepfn-workflow:7f3c9a52-0d1e-4b8a-9a57-0c7f0e9b2d41";
const outputs = {
  state_machine_arn: ARN,
  ...Object.fromEntries(
    SERVICES.map((service) => [`${service.replace(/-/g, "_")}_function_name`, `microservices-stepfn-${service}`]),
  ),
};

const lambda = mockClient(LambdaClient);
const sfn = mockClient(SFNClient);
const events = mockClient(EventBridgeClient);
const clients = {
  lambda: new LambdaClient({ region: "eu-west-1" }),
  sfn: new SFNClient({ region: "eu-west-1" }),
  events: new EventBridgeClient({ region: "eu-west-1" }),
};
const encode = (value: unknown) => new Uint8Array(Buffer.from(JSON.stringify(value))) as never;

let clock = 0;
const fakeTime = { now: () => clock, sleep: async (ms: number) => void (clock += ms) };

beforeEach(async () => {
  lambda.reset();
  sfn.reset();
  events.reset();
  clock = 1_800_000_000_000;
  // Each function answers with what its real handler returns for the example payload.
  lambda.on(InvokeCommand).callsFake(async (input) => {
    const service = SERVICES.find((name) => input.FunctionName === `microservices-stepfn-${name}`)!;
    const payload = await handlersFor(seededMemoryStore())[service](JSON.parse(Buffer.from(input.Payload).toString()));
    return { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: encode(payload) };
  });
  sfn.on(StartExecutionCommand).resolves({ executionArn: DIRECT, startDate: new Date(clock) });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: "11710aed-b79e-4468-a20b-bb3c0c3b4860" }] });
  sfn.on(ListExecutionsCommand).resolves({
    executions: [
      { executionArn: FROM_EVENT, stateMachineArn: ARN, name: "7f3c9a52", status: "RUNNING", startDate: new Date(clock + 500) },
      { executionArn: DIRECT, stateMachineArn: ARN, name: "smoke-1", status: "RUNNING", startDate: new Date(clock) },
      {
        executionArn: `${ARN}:old`,
        stateMachineArn: ARN,
        name: "old",
        status: "SUCCEEDED",
        startDate: new Date(clock - 3_600_000),
      },
    ],
  });
  const workflow = new LocalWorkflow();
  const directOutput = (await workflow.run(SAMPLE_ORDER)).output;
  const eventOutput = (
    await workflow.run({ userId: "test123", orderData: { items: [{ productId: "PROD001", quantity: 1, price: 99.99 }] } })
  ).output;
  // Both RUNNING at the first look, done at the second.
  for (const [executionArn, output] of [
    [DIRECT, directOutput],
    [FROM_EVENT, eventOutput],
  ] as const) {
    const described = { executionArn, stateMachineArn: ARN, startDate: new Date(clock) };
    sfn
      .on(DescribeExecutionCommand, { executionArn })
      .resolvesOnce({ ...described, status: "RUNNING" })
      .resolves({ ...described, status: "SUCCEEDED", output: JSON.stringify(output) });
  }
});

describe("npm run smoke", () => {
  test("GIVEN a healthy deployment WHEN smoke-tested THEN every step passes, with each execution's console link", async () => {
    const progress: string[] = [];
    const results = await runSmoke({ outputs, clients, runId: "1", progress: (line) => progress.push(line), ...fakeTime });
    expect(results.map((result) => [result.step, result.ok])).toEqual([
      ...SERVICES.map((service) => [`invoke microservices-stepfn-${service}`, true]),
      ["start-execution (sample order)", true],
      ["put-events (Order Submitted)", true],
      ["sample order execution completes", true],
      ["event execution completes", true],
    ]);
    expect(results.at(-2)).toMatchObject({ detail: "SUCCEEDED, total 118.77 (expected 118.77)", link: consoleLink(DIRECT) });
    expect(results.at(-1)).toMatchObject({ detail: "SUCCEEDED, total 107.99 (expected 107.99)", link: consoleLink(FROM_EVENT) });
    expect(progress).toEqual([
      "waiting: direct RUNNING, event RUNNING (0 s)",
      "waiting: direct SUCCEEDED, event SUCCEEDED (2 s)",
    ]);
    expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input).toMatchObject({
      stateMachineArn: ARN,
      name: "smoke-1",
      input: JSON.stringify(SAMPLE_ORDER),
    });
    expect(events.commandCalls(PutEventsCommand)[0].args[0].input.Entries).toEqual([
      expect.objectContaining({ Source: "microservices.orders", DetailType: "Order Submitted" }),
    ]);
    expect(report(results)).toContain(
      `PASS  event execution completes: SUCCEEDED, total 107.99 (expected 107.99)\n      ${consoleLink(FROM_EVENT)}`,
    );
  });

  test("a function error and a failed execution are reported as FAIL with their reasons", async () => {
    lambda.on(InvokeCommand, { FunctionName: "microservices-stepfn-payment-service" }).resolves({
      StatusCode: 200,
      FunctionError: "Unhandled",
      Payload: encode({ errorType: "Runtime.ImportModuleError", errorMessage: "Cannot find module 'index'" }),
    });
    sfn.on(DescribeExecutionCommand, { executionArn: FROM_EVENT }).resolves({
      status: "FAILED",
      executionArn: FROM_EVENT,
      stateMachineArn: ARN,
      startDate: new Date(clock),
      error: "InsufficientInventory",
      cause: "Insufficient inventory for product PROD001: requested 1, available 0",
    });
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(results.filter((result) => !result.ok).map((result) => [result.step, result.detail])).toEqual([
      [
        "invoke microservices-stepfn-payment-service",
        expect.stringContaining('Unhandled: {"errorType":"Runtime.ImportModuleError"'),
      ],
      [
        "event execution completes",
        "FAILED: InsufficientInventory: Insufficient inventory for product PROD001: requested 1, available 0",
      ],
    ]);
  });

  test("an execution still running at the deadline fails the step, without waiting in real time", async () => {
    sfn
      .on(DescribeExecutionCommand, { executionArn: DIRECT })
      .resolves({ status: "RUNNING", executionArn: DIRECT, stateMachineArn: ARN, startDate: new Date(clock) });
    const results = await runSmoke({ outputs, clients, runId: "1", timeoutMs: 10000, ...fakeTime });
    expect(results.at(-2)).toMatchObject({ ok: false, detail: "RUNNING after 10 s" });
  });

  test("reads `terraform output -json` and `cdktf deploy --outputs-file` alike", () => {
    expect(normalizeOutputs({ state_machine_arn: { value: ARN, type: "string", sensitive: false } })).toEqual({
      state_machine_arn: ARN,
    });
    expect(normalizeOutputs({ "microservices-stepfn": { state_machine_arn: ARN } })).toEqual({ state_machine_arn: ARN });
  });

  test("missing outputs are named", async () => {
    await expect(runSmoke({ outputs: {}, clients, runId: "1", ...fakeTime })).rejects.toThrow("the stack outputs have no");
  });
});

test("the put-events entries carry the same order as the sample EventBridge event", () => {
  const read = (file: string) =>
    JSON.parse(require("node:fs").readFileSync(require("node:path").join(__dirname, "..", "examples", file), "utf8"));
  const [entry] = read("put-events-entries.json");
  const event = read("order-submitted-event.json");
  expect([entry.Source, entry.DetailType, JSON.parse(entry.Detail)]).toEqual([event.source, event["detail-type"], event.detail]);
});
