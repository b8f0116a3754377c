/**
 * npm run smoke, offline: the AWS SDK clients are mocked with aws-sdk-client-mock and
 * answer what AWS would (the functions' payloads come from the real handlers, the
 * executions' outputs from the local runner). No credentials are needed or read.
 */
import { readFileSync } from "node:fs";
import * as path from "node:path";
import {
  DescribeExecutionCommand,
  ListExecutionsCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { EventBridgeClient, EventBridgeServiceException, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, InvokeCommandInput, LambdaClient, TooManyRequestsException } from "@aws-sdk/client-lambda";
import { mockClient } from "aws-sdk-client-mock";
import { seededMemoryStore } from "../../functions/shared/default-store";
import { handlersFor } from "../../local/handlers";
import { LocalWorkflow } from "../../local/runner";
import { SAMPLE_ORDER } from "../../stacks/order-workflow-stack";
import { SERVICES } from "../../stacks/services";
import { consoleLink, describeError, normalizeOutputs, report, runSmoke, StepResult } from "../../scripts/smoke";

const ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:microservices-stepfn-workflow";
const DIRECT = "arn:aws:states:eu-west-1:123456789012:execution:microservices-stepfn-workflow:smoke-1";
const FROM_EVENT =
  "arn:aws:states:eu-west-1:123456789012:execution:microservices-stepfn-workflow:7f3c9a52-0d1e-4b8a-9a57-0c7f0e9b2d41";
const EVENT_ID = "11710aed-b79e-4468-a20b-bb3c0c3b4860";
/** What the rule's target starts the event's execution with: the detail's fields and the event's id. */
const EVENT_INPUT = JSON.stringify({
  userId: "test123",
  orderData: { items: [{ productId: "PROD001", quantity: 1, price: 99.99 }] },
  eventId: EVENT_ID,
});
const outputs = {
  state_machine_arn: ARN,
  state_machine_alias_arn: `${ARN}:live`,
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
  lambda.on(InvokeCommand).callsFake(async (input: InvokeCommandInput) => {
    const service = SERVICES.find((name) => input.FunctionName === `microservices-stepfn-${name}`)!;
    const payload = await handlersFor(seededMemoryStore())[service](
      JSON.parse(Buffer.from(input.Payload as Uint8Array).toString()) as unknown,
    );
    return { StatusCode: 200, ExecutedVersion: "$LATEST", Payload: encode(payload) };
  });
  sfn.on(StartExecutionCommand).resolves({ executionArn: DIRECT, startDate: new Date(clock) });
  events.on(PutEventsCommand).resolves({ FailedEntryCount: 0, Entries: [{ EventId: EVENT_ID }] });
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
    const input = executionArn === FROM_EVENT ? EVENT_INPUT : JSON.stringify(SAMPLE_ORDER);
    const described = { executionArn, stateMachineArn: ARN, startDate: new Date(clock), input };
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
      ["start-execution (sample order, live alias)", true],
      ["put-events (Order Submitted)", true],
      ["sample order execution completes", true],
      ["event execution completes", true],
    ]);
    expect(results.at(-2)).toMatchObject({ detail: "SUCCEEDED, total 118.77 (expected 118.77)", link: consoleLink(DIRECT) });
    expect(results.at(-1)).toMatchObject({ detail: "SUCCEEDED, total 107.99 (expected 107.99)", link: consoleLink(FROM_EVENT) });
    // The event's execution was recognized by its input (RUNNING), then described again: SUCCEEDED.
    expect(progress).toEqual([
      "waiting: direct RUNNING, event SUCCEEDED (0 s)",
      "waiting: direct SUCCEEDED, event SUCCEEDED (2 s)",
    ]);
    // The order starts on the live alias, as EventBridge starts it; the machine lists every execution.
    expect(sfn.commandCalls(ListExecutionsCommand)[0].args[0].input).toMatchObject({ stateMachineArn: ARN });
    expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input).toMatchObject({
      stateMachineArn: `${ARN}:live`,
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
      input: EVENT_INPUT,
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

  test("another order started after the put (a newer execution, another event) is not taken for the event's execution", async () => {
    const OTHER = `${FROM_EVENT.slice(0, -4)}ffff`;
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        { executionArn: OTHER, stateMachineArn: ARN, name: "other", status: "RUNNING", startDate: new Date(clock + 900) },
        { executionArn: FROM_EVENT, stateMachineArn: ARN, name: "7f3c9a52", status: "RUNNING", startDate: new Date(clock + 500) },
        { executionArn: DIRECT, stateMachineArn: ARN, name: "smoke-1", status: "RUNNING", startDate: new Date(clock) },
      ],
    });
    sfn.on(DescribeExecutionCommand, { executionArn: OTHER }).resolves({
      executionArn: OTHER,
      stateMachineArn: ARN,
      startDate: new Date(clock + 900),
      status: "FAILED",
      error: "InsufficientInventory",
      input: JSON.stringify({ userId: "someone", orderData: { items: [] }, eventId: "another-event" }),
    });
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(results.at(-1)).toMatchObject({ ok: true, link: consoleLink(FROM_EVENT) });
    // The other execution was read once, to learn it is not the event's.
    expect(sfn.commandCalls(DescribeExecutionCommand, { executionArn: OTHER })).toHaveLength(1);
  });

  test("an event that starts no execution before the deadline fails the event's step, saying so", async () => {
    sfn.on(ListExecutionsCommand).resolves({
      executions: [
        { executionArn: DIRECT, stateMachineArn: ARN, name: "smoke-1", status: "RUNNING", startDate: new Date(clock) },
      ],
    });
    const results = await runSmoke({ outputs, clients, runId: "1", timeoutMs: 10000, ...fakeTime });
    expect(results.at(-2)).toMatchObject({ ok: true });
    expect(results.at(-1)).toEqual({
      step: "event execution completes",
      ok: false,
      detail: "no execution started by the event within 10 s",
    });
  });

  test("an execution that ended ABORTED fails its step with that status", async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: FROM_EVENT }).resolves({
      status: "ABORTED",
      input: EVENT_INPUT,
      executionArn: FROM_EVENT,
      stateMachineArn: ARN,
      startDate: new Date(clock),
    });
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(results.at(-1)).toMatchObject({ ok: false, detail: "ABORTED", link: consoleLink(FROM_EVENT) });
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
  const read = (file: string): unknown => JSON.parse(readFileSync(path.join(__dirname, "..", "..", "examples", file), "utf8"));
  const [entry] = read("put-events-entries.json") as { Source: string; DetailType: string; Detail: string }[];
  const event = read("order-submitted-event.json") as { source: string; "detail-type": string; detail: unknown };
  expect([entry.Source, entry.DetailType, JSON.parse(entry.Detail)]).toEqual([event.source, event["detail-type"], event.detail]);
});

/**
 * The errors the AWS SDK v3 throws, shaped as it shapes them (checked against the real SDK
 * and a real HTTP server in scripts/smoke.cli.test.ts).
 */
const sdkErrors = {
  /** JSON.parse's own SyntaxError, with the status and hidden raw response the SDK's deserializer adds. */
  html(status = 502): Error {
    let error!: Error;
    try {
      JSON.parse("<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>");
    } catch (thrown) {
      error = thrown as Error;
    }
    error.message +=
      "\n  Deserialization error: to see the raw response, inspect the hidden field {error}.$response on this object.";
    Object.defineProperty(error, "$response", {
      value: { statusCode: status, headers: { "content-type": "text/html" }, body: undefined },
      enumerable: false,
    });
    return Object.assign(error, { $metadata: { httpStatusCode: status, attempts: 3, totalRetryDelay: 72 } });
  },
  accessDenied: (action: string) =>
    new SFNServiceException({
      name: "AccessDeniedException",
      $fault: "client",
      $metadata: { httpStatusCode: 400, requestId: "4c1e5a0b-0d1e-4b8a-9a57-0c7f0e9b2d41", attempts: 1 },
      message: `User: arn:aws:iam::123456789012:user/dev is not authorized to perform: ${action} on resource: ${ARN}`,
    }),
  throttling: () =>
    new EventBridgeServiceException({
      name: "ThrottlingException",
      $fault: "client",
      $metadata: { httpStatusCode: 400, attempts: 3 },
      message: "Rate exceeded",
    }),
  tooManyRequests: () =>
    new TooManyRequestsException({
      $metadata: { httpStatusCode: 429, requestId: "a2b9d3c0", attempts: 3 },
      message: "Rate Exceeded.",
      Reason: "CallerRateLimitExceeded",
    }),
  /** What @smithy/node-http-handler rejects with when requestTimeout passes (throwOnRequestTimeout). */
  timeout: () =>
    Object.assign(
      new Error("@smithy/node-http-handler - [ERROR] a request has exceeded the configured 180000 ms requestTimeout."),
      {
        name: "TimeoutError",
        code: "ETIMEDOUT",
        $metadata: { attempts: 3, totalRetryDelay: 300 },
      },
    ),
  refused: () =>
    Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:4566"), {
      errno: -111,
      code: "ECONNREFUSED",
      syscall: "connect",
      address: "127.0.0.1",
      port: 4566,
      $metadata: { attempts: 3, totalRetryDelay: 150 },
    }),
};

const failures = (results: StepResult[]) => results.filter((result) => !result.ok).map((result) => [result.step, result.detail]);

/** Every line of the report is a PASS or FAIL line or a console link: no stack frame, no multi-line message. */
function expectOneLinePerStep(results: StepResult[]) {
  const lines = report(results).split("\n");
  expect(lines.filter((line) => /^(PASS|FAIL) {2}/.test(line))).toHaveLength(results.length);
  for (const line of lines) expect(line).toMatch(/^(PASS|FAIL) {2}[^:]+: \S|^ {6}https:\/\//);
  expect(report(results)).not.toContain("    at ");
}

describe("npm run smoke when AWS calls fail: a FAIL line per step, never a thrown error", () => {
  const HTML_FAIL =
    `the endpoint answered HTML, not JSON (HTTP 502, text/html): SyntaxError: Unexpected token '<', "<html><hea"... ` +
    "is not valid JSON";

  test("an endpoint that answers an HTML 502 page fails every call, and the executions are reported as not started", async () => {
    lambda.on(InvokeCommand).rejects(sdkErrors.html());
    sfn.on(StartExecutionCommand).rejects(sdkErrors.html());
    events.on(PutEventsCommand).rejects(sdkErrors.html());
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(failures(results)).toEqual([
      ...SERVICES.map((service) => [`invoke microservices-stepfn-${service}`, HTML_FAIL]),
      ["start-execution (sample order, live alias)", HTML_FAIL],
      ["put-events (Order Submitted)", HTML_FAIL],
      ["sample order execution completes", "not started: start-execution failed"],
      ["event execution completes", "not started: put-events failed"],
    ]);
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(0);
    expect(sfn.commandCalls(DescribeExecutionCommand)).toHaveLength(0);
    expectOneLinePerStep(results);
  });

  test("AccessDenied on StartExecution fails that step with name, status and message; the event's execution still runs", async () => {
    sfn.on(StartExecutionCommand).rejects(sdkErrors.accessDenied("states:StartExecution"));
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(failures(results)).toEqual([
      [
        "start-execution (sample order, live alias)",
        "AccessDeniedException (HTTP 400, request 4c1e5a0b-0d1e-4b8a-9a57-0c7f0e9b2d41): User: arn:aws:iam::123456789012:user/dev " +
          `is not authorized to perform: states:StartExecution on resource: ${ARN}`,
      ],
      ["sample order execution completes", "not started: start-execution failed"],
    ]);
    expect(results.at(-1)).toMatchObject({ ok: true, detail: "SUCCEEDED, total 107.99 (expected 107.99)" });
    expect(sfn.commandCalls(DescribeExecutionCommand).map((call) => call.args[0].input.executionArn)).not.toContain(DIRECT);
    expectOneLinePerStep(results);
  });

  test("ThrottlingException on PutEvents fails that step; the event's execution is not looked for; the sample order still passes", async () => {
    events.on(PutEventsCommand).rejects(sdkErrors.throttling());
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(failures(results)).toEqual([
      ["put-events (Order Submitted)", "ThrottlingException (HTTP 400): Rate exceeded"],
      ["event execution completes", "not started: put-events failed"],
    ]);
    expect(results.at(-2)).toMatchObject({ ok: true, detail: "SUCCEEDED, total 118.77 (expected 118.77)" });
    expect(sfn.commandCalls(ListExecutionsCommand)).toHaveLength(0);
  });

  test("an event EventBridge refuses (FailedEntryCount 1) fails put-events and the event's execution", async () => {
    const refused = [{ ErrorCode: "InternalFailure", ErrorMessage: "Internal service error" }];
    events.on(PutEventsCommand).resolves({ FailedEntryCount: 1, Entries: refused });
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(failures(results)).toEqual([
      ["put-events (Order Submitted)", JSON.stringify(refused)],
      ["event execution completes", "not started: put-events failed"],
    ]);
  });

  test("a throttled Lambda invoke fails only that function's step", async () => {
    lambda.on(InvokeCommand, { FunctionName: "microservices-stepfn-order-service" }).rejects(sdkErrors.tooManyRequests());
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(failures(results)).toEqual([
      ["invoke microservices-stepfn-order-service", "TooManyRequestsException (HTTP 429, request a2b9d3c0): Rate Exceeded."],
    ]);
  });

  test("a request timeout on DescribeExecution fails that execution's step with the SDK's TimeoutError", async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: DIRECT }).rejects(sdkErrors.timeout());
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(failures(results)).toEqual([
      [
        "sample order execution completes",
        "describe-execution failed: TimeoutError ETIMEDOUT (no HTTP answer): @smithy/node-http-handler - [ERROR] a request has " +
          "exceeded the configured 180000 ms requestTimeout.",
      ],
    ]);
    // Not asked again: one failed describe is the answer, the event's execution is still followed to the end.
    expect(sfn.commandCalls(DescribeExecutionCommand, { executionArn: DIRECT })).toHaveLength(1);
    expect(results.at(-2)!.link).toBe(consoleLink(DIRECT));
    expect(results.at(-1)).toMatchObject({ ok: true });
  });

  test("AccessDenied on ListExecutions fails the event's step, naming the call", async () => {
    sfn.on(ListExecutionsCommand).rejects(sdkErrors.accessDenied("states:ListExecutions"));
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(failures(results)).toEqual([
      [
        "event execution completes",
        expect.stringMatching(/^list-executions failed: AccessDeniedException \(HTTP 400, .*ListExecutions/),
      ],
    ]);
  });

  test("no network (connection refused) fails every call with the error's name and message", async () => {
    lambda.on(InvokeCommand).rejects(sdkErrors.refused());
    sfn.on(StartExecutionCommand).rejects(sdkErrors.refused());
    events.on(PutEventsCommand).rejects(sdkErrors.refused());
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    const refused = "Error (no HTTP answer): connect ECONNREFUSED 127.0.0.1:4566";
    expect(failures(results)).toEqual([
      ...SERVICES.map((service) => [`invoke microservices-stepfn-${service}`, refused]),
      ["start-execution (sample order, live alias)", refused],
      ["put-events (Order Submitted)", refused],
      ["sample order execution completes", "not started: start-execution failed"],
      ["event execution completes", "not started: put-events failed"],
    ]);
    expectOneLinePerStep(results);
  });

  test("a SUCCEEDED execution whose output is not JSON fails its step instead of throwing", async () => {
    sfn.on(DescribeExecutionCommand, { executionArn: DIRECT }).resolves({
      status: "SUCCEEDED",
      executionArn: DIRECT,
      stateMachineArn: ARN,
      startDate: new Date(clock),
      output: '{"status":"COMPLETED","total":118.7',
    });
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(failures(results)).toEqual([
      ["sample order execution completes", expect.stringMatching(/^SUCCEEDED, but the output is not JSON: SyntaxError: \S/)],
    ]);
    expectOneLinePerStep(results);
  });

  test("a Lambda answer of HTTP 200 with an HTML body (something in between, not Lambda) fails that step", async () => {
    lambda.on(InvokeCommand, { FunctionName: "microservices-stepfn-user-service" }).resolves({
      StatusCode: 200,
      Payload: new Uint8Array(Buffer.from("<html><body>Sign in to continue</body></html>")) as never,
    });
    const results = await runSmoke({ outputs, clients, runId: "1", ...fakeTime });
    expect(failures(results)).toEqual([
      [
        "invoke microservices-stepfn-user-service",
        "the endpoint answered HTML, not JSON (HTTP 200): <html><body>Sign in to continue</body></html>",
      ],
    ]);
  });

  test("describeError: one line for anything thrown", () => {
    expect(
      describeError(
        Object.assign(new SyntaxError("Unexpected token 'B', \"Bad Gateway\" is not valid JSON"), {
          $metadata: { httpStatusCode: 502 },
        }),
      ),
    ).toBe(`the endpoint answered non-JSON (HTTP 502): SyntaxError: Unexpected token 'B', "Bad Gateway" is not valid JSON`);
    expect(describeError("a string")).toBe("thrown a string");
    expect(describeError(new Error("first\n    at frame (file.ts:1:1)"))).toBe(
      "Error (no HTTP answer): first at frame (file.ts:1:1)",
    );
  });
});
