/**
 * npm run dlq, offline: SQS and Step Functions mocked with aws-sdk-client-mock, the rule and
 * target synthesized from the stack. What it lists, what a replay starts (the rule's input,
 * on the live alias, named after the event's id), when a message is deleted, the
 * deduplication by MessageId and by event id, and every exit status.
 */
import { expect } from "@jest/globals";
import { readFileSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  DeleteMessageCommand,
  DeleteMessageCommandInput,
  GetQueueAttributesCommand,
  Message,
  ReceiveMessageCommand,
  SQSClient,
  SQSServiceException,
} from "@aws-sdk/client-sqs";
import {
  ExecutionAlreadyExists,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StartExecutionCommandInput,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { executionNameProblem } from "../../functions/shared/validation";
import { executionInputFor, TargetMapping } from "../../local/event-rule";
import { synthesizeTrigger } from "../../local/synthesized-trigger";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { main, replayExecutionName, USAGE } from "../../scripts/dlq";

const ACCOUNT = "123456789012";
const MACHINE = `arn:aws:states:eu-west-1:${ACCOUNT}:stateMachine:orders-prod-workflow`;
const ALIAS = `${MACHINE}:live`;
const QUEUE = `https://sqs.eu-west-1.amazonaws.com/${ACCOUNT}/orders-prod-trigger-dlq`;
const OUTPUTS = { state_machine_alias_arn: ALIAS, state_machine_arn: MACHINE, dead_letter_queue_url: QUEUE };

const scratch = mkdtempSync(path.join(tmpdir(), "order-workflow-dlq-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const outputsFile = path.join(scratch, "outputs.json");
writeFileSync(outputsFile, JSON.stringify(Object.fromEntries(Object.entries(OUTPUTS).map(([name, value]) => [name, { value }]))));

/** The fields of an EventBridge event the tests read. */
type SampleEvent = { id: string; time: string; detail: { userId: string; orderData: unknown } } & Record<string, unknown>;

/** The sample event, as EventBridge delivers it (examples/order-submitted-event.json), with another id. */
const SAMPLE = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", "order-submitted-event.json"), "utf8")) as SampleEvent;
const eventWith = (id: string, changes: Record<string, unknown> = {}): SampleEvent => ({ ...SAMPLE, id, ...changes });
const EVENT_A = eventWith("6a7e8feb-b491-4cf7-a9f1-bf3703467718");
const EVENT_B = eventWith("0d3c7a52-9f0e-4c1b-8a57-0c7f0e9b2d41", {
  time: "2026-11-27T10:05:00Z",
  detail: { userId: "user-2", orderData: { items: [{ productId: "PROD003", quantity: 2, price: 10 }] } },
});

/** What EventBridge sets on a dead-lettered event. */
const ATTRIBUTES = {
  RULE_ARN: `arn:aws:events:eu-west-1:${ACCOUNT}:rule/orders-prod-trigger`,
  TARGET_ARN: ALIAS,
  ERROR_CODE: "THROTTLING",
  ERROR_MESSAGE: "Rate exceeded.",
  EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
  RETRY_ATTEMPTS: "185",
};

let handle = 0;
function message(id: string, body: unknown, attributes: Record<string, string> = ATTRIBUTES): Message {
  return {
    MessageId: id,
    ReceiptHandle: `${id}-handle-${++handle}`,
    Body: typeof body === "string" ? body : JSON.stringify(body),
    MessageAttributes: Object.fromEntries(
      Object.entries(attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
    ),
  };
}

const sqs = mockClient(SQSClient);
const sfn = mockClient(SFNClient);
let trigger: TargetMapping;
/** Every AWS call, in order, across both clients. */
let calls: string[];

/** The queue holds these messages; each receive answers all of them (visibility timeout 0), with a new receipt handle. */
function queueHolds(...bodies: [string, unknown][]) {
  sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: String(bodies.length) } });
  sqs.on(ReceiveMessageCommand).callsFake(async () => {
    calls.push("ReceiveMessage");
    return { Messages: bodies.map(([id, body]) => message(id, body)) };
  });
}

async function run(args: string[], dependencies = { trigger: () => trigger, receive: { waitSeconds: 0 } }) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line), env: {} }, dependencies);
  return { status, out, err };
}

beforeAll(() => {
  trigger = synthesizeTrigger(ACCOUNT);
});

beforeEach(() => {
  sqs.reset();
  sfn.reset();
  calls = [];
  sqs
    .on(DeleteMessageCommand)
    .callsFake(async (input: DeleteMessageCommandInput) => void calls.push(`DeleteMessage ${input.ReceiptHandle}`));
  sfn.on(StartExecutionCommand).callsFake(async (input: StartExecutionCommandInput) => {
    calls.push(`StartExecution ${input.name}`);
    return {
      executionArn: `arn:aws:states:eu-west-1:${ACCOUNT}:execution:orders-prod-workflow:${input.name}`,
      startDate: new Date(),
    };
  });
});

describe("npm run dlq -- list", () => {
  test("one line per event (id, time, detail-type, userId, EventBridge's attributes), each message once, nothing consumed", async () => {
    queueHolds(["m-1", EVENT_A], ["m-2", EVENT_B], ["m-3", "not json"]);
    const { status, out } = await run(["list", "--outputs", outputsFile]);
    expect(status).toBe(0);
    const attributes =
      'ERROR_CODE=THROTTLING  ERROR_MESSAGE="Rate exceeded."  EXHAUSTED_RETRY_CONDITION=MaximumRetryAttempts  RETRY_ATTEMPTS=185  ' +
      `RULE_ARN=${ATTRIBUTES.RULE_ARN}  TARGET_ARN=${ALIAS}`;
    expect(out).toEqual([
      `${EVENT_A.id}  2026-11-27T10:00:00Z  "Order Submitted"  userId=test123  ${attributes}`,
      `${EVENT_B.id}  2026-11-27T10:05:00Z  "Order Submitted"  userId=user-2  ${attributes}`,
      `message m-3: not an EventBridge event (the message body is not JSON)  ${attributes}`,
      `3 messages (2 distinct events) in the dead-letter queue ${QUEUE}; none consumed`,
    ]);
    // Every receive left the messages visible; the second round brought nothing new, so the listing stopped.
    const receives = sqs.commandCalls(ReceiveMessageCommand).map((call) => call.args[0].input);
    expect(receives).toHaveLength(2);
    for (const input of receives) {
      expect(input).toMatchObject({
        QueueUrl: QUEUE,
        VisibilityTimeout: 0,
        MaxNumberOfMessages: 10,
        MessageAttributeNames: ["All"],
      });
    }
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
  });

  test("messages that a receive leaves out (SQS samples its servers) are found in later rounds, each listed once", async () => {
    sqs.on(GetQueueAttributesCommand).resolves({ Attributes: { ApproximateNumberOfMessages: "2" } });
    sqs
      .on(ReceiveMessageCommand)
      .resolvesOnce({ Messages: [message("m-1", EVENT_A)] })
      .resolvesOnce({ Messages: [message("m-1", EVENT_A)] })
      .resolvesOnce({ Messages: [message("m-2", EVENT_B), message("m-1", EVENT_A)] })
      .resolves({ Messages: [message("m-1", EVENT_A), message("m-2", EVENT_B)] });
    const { status, out } = await run(["list", "--outputs", outputsFile]);
    expect(status).toBe(0);
    expect(out.filter((line) => line.startsWith(EVENT_A.id))).toHaveLength(1);
    expect(out.filter((line) => line.startsWith(EVENT_B.id))).toHaveLength(1);
    expect(out.at(-1)).toMatch(/^2 messages \(2 distinct events\)/);
  });

  test("an empty queue says so, exit 0", async () => {
    queueHolds();
    const { status, out } = await run(["list", "--outputs", outputsFile]);
    expect([status, out]).toEqual([0, [`the dead-letter queue ${QUEUE} is empty`]]);
    expect(sqs.commandCalls(ReceiveMessageCommand)).toHaveLength(1);
  });

  test("the queue cannot be read: one line naming the queue and the AWS error, exit 1", async () => {
    sqs.on(GetQueueAttributesCommand).rejects(
      new SQSServiceException({
        name: "AccessDenied",
        $fault: "client",
        $metadata: { httpStatusCode: 403, requestId: "r-1" },
        message: "Access to the resource https://sqs.eu-west-1.amazonaws.com/ is denied.",
      }),
    );
    const { status, out, err } = await run(["list", "--outputs", outputsFile]);
    expect(status).toBe(1);
    expect(out).toEqual([]);
    expect(err).toEqual([
      `cannot read the dead-letter queue ${QUEUE}: AccessDenied (HTTP 403, request r-1): Access to the resource https://sqs.eu-west-1.amazonaws.com/ is denied.`,
    ]);
  });
});

describe("npm run dlq -- replay", () => {
  const inputOf = (event: unknown) => JSON.stringify((executionInputFor(trigger, event) as { input: unknown }).input);

  test("starts each event on the live alias with the rule's input and a name from its id, then deletes its message", async () => {
    queueHolds(["m-1", EVENT_A], ["m-2", EVENT_B]);
    const { status, out } = await run(["replay", "--outputs", outputsFile]);
    expect(status).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand).map((call) => call.args[0].input)).toEqual([
      { stateMachineArn: ALIAS, name: `dlq-${EVENT_A.id}`, input: inputOf(EVENT_A) },
      { stateMachineArn: ALIAS, name: `dlq-${EVENT_B.id}`, input: inputOf(EVENT_B) },
    ]);
    // Exactly what the target sends: the detail's userId and orderData, and the event's own id as eventId.
    expect(JSON.parse(inputOf(EVENT_A))).toEqual({ userId: "test123", orderData: EVENT_A.detail.orderData, eventId: EVENT_A.id });
    // Each message deleted after its execution started, with its latest receipt handle.
    expect(calls.filter((call) => !call.startsWith("Receive"))).toEqual([
      `StartExecution dlq-${EVENT_A.id}`,
      `DeleteMessage m-1-handle-${handle - 1}`,
      `StartExecution dlq-${EVENT_B.id}`,
      `DeleteMessage m-2-handle-${handle}`,
    ]);
    expect(out).toEqual([
      `${EVENT_A.id}  started execution dlq-${EVENT_A.id} (arn:aws:states:eu-west-1:${ACCOUNT}:execution:orders-prod-workflow:dlq-${EVENT_A.id}); message deleted`,
      `${EVENT_B.id}  started execution dlq-${EVENT_B.id} (arn:aws:states:eu-west-1:${ACCOUNT}:execution:orders-prod-workflow:dlq-${EVENT_B.id}); message deleted`,
      "replay: 2 messages: 2 started, 0 already replayed, 0 not replayed; 2 deleted, 0 left in the queue",
    ]);
  });

  test("replayed a second time (ExecutionAlreadyExists): already replayed, the message deleted, exit 0", async () => {
    queueHolds(["m-1", EVENT_A]);
    sfn
      .on(StartExecutionCommand)
      .rejects(new ExecutionAlreadyExists({ $metadata: { httpStatusCode: 400 }, message: "Execution Already Exists: 'arn...'" }));
    const { status, out } = await run(["replay", "--outputs", outputsFile]);
    expect(status).toBe(0);
    expect(out).toEqual([
      `${EVENT_A.id}  already replayed: execution dlq-${EVENT_A.id} exists (ExecutionAlreadyExists); message deleted`,
      "replay: 1 message: 0 started, 1 already replayed, 0 not replayed; 1 deleted, 0 left in the queue",
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(1);
  });

  test("the same event dead-lettered twice (two MessageIds, one event id): one execution, both messages deleted", async () => {
    queueHolds(["m-1", EVENT_A], ["m-2", EVENT_A]);
    const { status, out } = await run(["replay", "--outputs", outputsFile]);
    expect(status).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(1);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(2);
    expect(out[1]).toBe(`${EVENT_A.id}  the same event as an earlier message: execution dlq-${EVENT_A.id}; message deleted`);
  });

  test("StartExecution failing: the message is kept, its line names the error in one line, exit 1", async () => {
    queueHolds(["m-1", EVENT_A], ["m-2", EVENT_B]);
    sfn.on(StartExecutionCommand, { name: `dlq-${EVENT_A.id}` }).rejects(
      new SFNServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400, requestId: "r-2" },
        message: "User is not authorized to perform: states:StartExecution",
      }),
    );
    const { status, out } = await run(["replay", "--outputs", outputsFile]);
    expect(status).toBe(1);
    expect(out).toEqual([
      `${EVENT_A.id}  not replayed: StartExecution failed: AccessDeniedException (HTTP 400, request r-2): User is not authorized to perform: states:StartExecution; message kept`,
      expect.stringMatching(new RegExp(`^${EVENT_B.id}  started execution .*; message deleted$`)),
      "replay: 2 messages: 1 started, 0 already replayed, 1 not replayed; 1 deleted, 1 left in the queue",
    ]);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(1);
  });

  test("a message that is no event, or an event the rule does not match: kept, nothing started, exit 1", async () => {
    const otherAccount = eventWith("e-other", { account: "999999999999" });
    queueHolds(
      ["m-1", { hello: "world" }],
      ["m-2", otherAccount],
      ["m-3", eventWith("e-type", { "detail-type": "Order Cancelled" })],
    );
    const { status, out } = await run(["replay", "--outputs", outputsFile]);
    expect(status).toBe(1);
    expect(out.slice(0, 3)).toEqual([
      "message m-1  not replayed: not an EventBridge event (the message body has no event id); message kept",
      expect.stringMatching(
        /^e-other {2}not replayed: it does not match the rule's pattern \{.*"account":\["123456789012"\]\}; message kept$/,
      ),
      expect.stringMatching(/^e-type {2}not replayed: it does not match the rule's pattern .*; message kept$/),
    ]);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  test("a message whose execution started but whose delete failed: its line says so, exit 1", async () => {
    queueHolds(["m-1", EVENT_A]);
    sqs.on(DeleteMessageCommand).rejects(
      new SQSServiceException({
        name: "ReceiptHandleIsInvalid",
        $fault: "client",
        $metadata: { httpStatusCode: 400 },
        message: "bad",
      }),
    );
    const { status, out } = await run(["replay", "--outputs", outputsFile]);
    expect(status).toBe(1);
    expect(out[0]).toMatch(
      /started execution dlq-\S+ \(\S+\); the message could not be deleted: ReceiptHandleIsInvalid \(HTTP 400\): bad \(a replay finds the execution and deletes it\)$/,
    );
    expect(out[1]).toBe("replay: 1 message: 1 started, 0 already replayed, 0 not replayed; 0 deleted, 1 left in the queue");
  });

  test("--dry-run prints what it would start and changes nothing", async () => {
    queueHolds(["m-1", EVENT_A], ["m-2", EVENT_A], ["m-3", "[]"]);
    const { status, out } = await run(["replay", "--dry-run", "--outputs", outputsFile]);
    expect(out).toEqual([
      `${EVENT_A.id}  would start execution dlq-${EVENT_A.id} on ${ALIAS} with input ${inputOf(EVENT_A)}`,
      `${EVENT_A.id}  would not start again: the same event as an earlier message (execution dlq-${EVENT_A.id})`,
      "message m-3  would not replay: not an EventBridge event (the message body is not a JSON object); message kept",
      "dry run: 3 messages; would start 1 execution; 1 repeat an event of another message, 1 cannot be replayed; nothing was changed",
    ]);
    expect(status).toBe(1);
    expect(sfn.commandCalls(StartExecutionCommand)).toHaveLength(0);
    expect(sqs.commandCalls(DeleteMessageCommand)).toHaveLength(0);
  });

  test("an empty queue: nothing to replay, exit 0", async () => {
    queueHolds();
    const { status, out } = await run(["replay", "--outputs", outputsFile]);
    expect([status, out]).toEqual([0, [`the dead-letter queue ${QUEUE} is empty: nothing to replay`]]);
  });

  test("without a trigger given, the rule and target are synthesized from the stack for the alias's account", async () => {
    queueHolds(["m-1", EVENT_A]);
    const { status } = await run(["replay", "--outputs", outputsFile], {
      trigger: undefined as never,
      receive: { waitSeconds: 0 },
    });
    expect(status).toBe(0);
    expect(sfn.commandCalls(StartExecutionCommand)[0].args[0].input.input).toBe(inputOf(EVENT_A));
  });
});

describe("replayExecutionName: a name StartExecution accepts, the same for the same event", () => {
  test.each([
    ["6a7e8feb-b491-4cf7-a9f1-bf3703467718", "dlq-6a7e8feb-b491-4cf7-a9f1-bf3703467718"],
    ["id:with:colons", expect.stringMatching(/^dlq-[0-9a-f]{40}$/)],
    ["x".repeat(77), expect.stringMatching(/^dlq-[0-9a-f]{40}$/)],
    ["x".repeat(76), `dlq-${"x".repeat(76)}`],
  ])("%s", (eventId, expected) => {
    const name = replayExecutionName(eventId);
    expect(name).toEqual(expected);
    expect(executionNameProblem(name)).toBeUndefined();
    expect(replayExecutionName(eventId)).toBe(name);
  });

  test("two ids a digest stands for get two names", () => {
    expect(replayExecutionName("a:b")).not.toBe(replayExecutionName("a:c"));
  });
});

describe("arguments and outputs: exit 2 with the problem, then the usage; --help exit 0", () => {
  test.each([
    [[], "a command is needed: list or replay"],
    [["show"], "unknown command show: list or replay"],
    [["list", "--dry-run"], "--dry-run goes with replay"],
    [["replay", "now"], "unexpected argument now"],
    [["replay", "--force"], "unknown option --force"],
    [["list", "--outputs"], "--outputs needs a value: --outputs <file>"],
    [["list", "--stack", "--outputs", "x"], "--stack needs a value: --stack <name>"],
    [["replay", "--dry-run=yes"], "--dry-run takes no value"],
  ])("%j: %s", async (args, message) => {
    const { status, out, err } = await run(args);
    expect(status).toBe(2);
    expect(out).toEqual([]);
    expect(err).toEqual([message, USAGE]);
    expect(sqs.calls()).toHaveLength(0);
  });

  test("--help prints the usage, exit 0", async () => {
    const { status, out } = await run(["--help"]);
    expect([status, out]).toEqual([0, [USAGE]]);
  });

  test("outputs with several stacks and no --stack: exit 2 naming them; --stack chooses", async () => {
    const file = path.join(scratch, "two-stacks.json");
    writeFileSync(file, JSON.stringify({ dev: { ...OUTPUTS, dead_letter_queue_url: `${QUEUE}-dev` }, prod: OUTPUTS }));
    const { status, err } = await run(["list", "--outputs", file]);
    expect(status).toBe(2);
    expect(err).toEqual([
      `cannot read the stack's outputs: ${file} holds several stacks (dev, prod): choose one with --stack <name>`,
    ]);
    queueHolds();
    expect((await run(["list", "--outputs", file, "--stack", "dev"])).out).toEqual([
      `the dead-letter queue ${QUEUE}-dev is empty`,
    ]);
  });

  test("outputs without the queue: exit 2 naming the output", async () => {
    const file = path.join(scratch, "no-queue.json");
    writeFileSync(file, JSON.stringify({ state_machine_alias_arn: { value: ALIAS } }));
    const { status, err } = await run(["list", "--outputs", file]);
    expect([status, err]).toEqual([2, ["cannot read the stack's outputs: the stack outputs have no dead_letter_queue_url"]]);
  });
});
