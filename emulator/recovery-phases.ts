/**
 * The recovery commands (issue 18, docs/recovery.md) as phases of the emulator lifecycle
 * (emulator/lifecycle.ts calls these two functions; everything else is here):
 *
 *   recoveryPhases, beside the other order phases after the first apply:
 *     (a) "dlq: replay twice, one order": an Order Submitted event put into the dead-letter
 *         queue as EventBridge would (the body is the event, with its dead-letter attributes);
 *         `npm run dlq -- list`, `replay --dry-run`, `replay`; the same event dead-lettered
 *         again and replayed again (ExecutionAlreadyExists): one order, one payment.
 *     (b) "dlq: delivered event replayed ends DUPLICATE", beside (a): an event put on the bus
 *         starts its order through the rule; the same event (same id) in the dead-letter
 *         queue, replayed: the replay ends DUPLICATE with the same order. (a)'s second replay
 *         and (b)'s replay are one run of the command, as they share the queue.
 *     (c) "compensate: CompensationFailed order finished", beside (a) and (b): the emulator's
 *         fault injector (emulator/moto/faults.py) makes this one order's refund fail, so an
 *         order for PROD999 (authorized, then refused by inventory-service) ends
 *         CompensationFailed; `npm run compensate` exits 1 naming the transaction still held;
 *         the fault switched off, it refunds, the record becomes FAILED closed by the operator.
 *         (A second run saying it was already finished is covered by __tests__/scripts/compensate.test.ts.)
 *   versionsPhase, after the update published version 2:
 *     (d) "versions: previous version named": `npm run versions` names version 1 and the
 *         tfvars lines that roll back to it.
 *
 * Every order here is its own (its own event id or execution name) and buys PROD003 only, so
 * the other phases' orders, stock figures and executions are not disturbed. The commands run
 * as typed (`npm run ... -- --outputs <file>`), against the emulator (AWS_ENDPOINT_URL).
 */
import { randomUUID } from "node:crypto";
import { DynamoDBClient, GetItemCommand, ScanCommand } from "@aws-sdk/client-dynamodb";
import { EventBridgeClient, PutEventsCommand } from "@aws-sdk/client-eventbridge";
import { MessageAttributeValue, ReceiveMessageCommand, SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { deriveId } from "../functions/shared/idempotency";
import { ORDER_EVENT_DETAIL_TYPE, ORDER_EVENT_SOURCE } from "../stacks/trigger";
import { PROJECT_ROOT } from "../stacks/bundle";
import { runCommand, TerraformRun } from "../scripts/terraform-toolchain";
import { emulatorRun } from "./compare";
import { clearFaults, setFaults } from "./faults";
import { emulatorClientConfig } from "./inventory";

type Phase = <T>(name: string, body: () => Promise<{ value: T; summary: string }>) => Promise<T>;

export interface RecoveryContext {
  /** The lifecycle's phase runner: times and names each phase. */
  phase: Phase;
  /** The stack's outputs, and the file they were written to (the commands read --outputs). */
  outputs: Record<string, string>;
  outputsFile: string;
  /** The emulator's endpoint. */
  endpoint: string;
  /** The environment the commands run in: AWS_ENDPOINT_URL at the emulator, dummy credentials. */
  env: NodeJS.ProcessEnv;
  /** Keeps a command's output in the run's logs. */
  saveLog?: (what: string, run: TerraformRun) => void;
}

/** Time limits in seconds. */
export const RECOVERY_LIMITS = { command: 60, execution: 120, order: 60 };

/** What EventBridge sets on an event it dead-letters (EventBridge user guide, "Using dead-letter queues"). */
function deadLetterAttributes(outputs: Record<string, string>): Record<string, MessageAttributeValue> {
  const attributes = {
    RULE_ARN: outputs.event_rule_arn,
    TARGET_ARN: outputs.state_machine_alias_arn,
    ERROR_CODE: "THROTTLING",
    ERROR_MESSAGE: "Rate exceeded.",
    EXHAUSTED_RETRY_CONDITION: "MaximumRetryAttempts",
    RETRY_ATTEMPTS: "185",
  };
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, { DataType: "String", StringValue: value }]),
  );
}

/** An Order Submitted event as EventBridge delivers it to a target (and so to the dead-letter queue). */
function orderEvent(id: string, outputs: Record<string, string>, detail: unknown) {
  const [, , , region, account] = outputs.state_machine_alias_arn.split(":");
  return {
    version: "0",
    id,
    "detail-type": ORDER_EVENT_DETAIL_TYPE,
    source: ORDER_EVENT_SOURCE,
    account,
    time: new Date().toISOString().replace(/\.\d+Z$/, "Z"),
    region,
    resources: [],
    detail,
  };
}

const orderOf = (price: number) => ({
  userId: "test123",
  orderData: { items: [{ productId: "PROD003", quantity: 1, price }] },
});

function clients(endpoint: string) {
  const config = emulatorClientConfig(endpoint);
  return {
    sqs: new SQSClient(config),
    sfn: new SFNClient(config),
    ddb: new DynamoDBClient(config),
    events: new EventBridgeClient(config),
  };
}

/** Runs `npm run <script> -- <args> --outputs <file>`; fails the phase unless it exits with `status`. */
async function command(
  context: Pick<RecoveryContext, "env" | "saveLog" | "outputsFile">,
  script: string,
  args: string[],
  status: number,
) {
  const typed = `npm run ${script} -- ${args.join(" ")}`.trim();
  const run = await runCommand(
    "npm",
    ["run", "--silent", script, "--", ...args, "--outputs", context.outputsFile],
    PROJECT_ROOT,
    {
      env: { ...context.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true" },
      timeoutMs: RECOVERY_LIMITS.command * 1000,
    },
  );
  context.saveLog?.(typed, run);
  if (run.timedOut) throw new Error(`${typed} exceeded its time limit of ${RECOVERY_LIMITS.command} s`);
  if (run.status !== status) {
    const said = `${run.stdout}\n${run.stderr}`.trim().split("\n").slice(-3).join(" | ");
    throw new Error(`${typed} exited with status ${run.status}, not ${status}: ${said}`);
  }
  return run.stdout;
}

/** Fails the phase unless the command's output has the line. */
function expectLine(output: string, pattern: RegExp, what: string): RegExpExecArray {
  const match = pattern.exec(output);
  if (!match) throw new Error(`${what}: no line matching ${pattern} in: ${output.trim().replace(/\n/g, " | ")}`);
  return match;
}

async function sendDeadLetter(sqs: SQSClient, outputs: Record<string, string>, event: unknown) {
  await sqs.send(
    new SendMessageCommand({
      QueueUrl: outputs.dead_letter_queue_url,
      MessageBody: JSON.stringify(event),
      MessageAttributes: deadLetterAttributes(outputs),
    }),
  );
}

async function queueIsEmpty(sqs: SQSClient, queueUrl: string): Promise<boolean> {
  const { Messages = [] } = await sqs.send(
    new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, VisibilityTimeout: 0, WaitTimeSeconds: 0 }),
  );
  return Messages.length === 0;
}

type Stored = Record<string, { S?: string; N?: string }>;

async function orderRecord(ddb: DynamoDBClient, table: string, orderId: string): Promise<Stored | undefined> {
  const { Item } = await ddb.send(
    new GetItemCommand({ TableName: table, Key: { orderId: { S: orderId } }, ConsistentRead: true }),
  );
  return Item;
}

/** The record once its execution closed it (status no longer PENDING). */
async function closedRecord(ddb: DynamoDBClient, table: string, orderId: string): Promise<Stored> {
  const deadline = Date.now() + RECOVERY_LIMITS.order * 1000;
  for (;;) {
    const record = await orderRecord(ddb, table, orderId);
    if (record && record.status?.S !== "PENDING") return record;
    if (Date.now() > deadline) {
      throw new Error(`order ${orderId} is ${record?.status?.S ?? "not recorded"} after ${RECOVERY_LIMITS.order} s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
}

/** The payment ledger items of an order: one per authorization (one order, one payment). */
async function authorizationsOf(ddb: DynamoDBClient, table: string, orderId: string): Promise<string[]> {
  const { Items = [] } = await ddb.send(
    new ScanCommand({
      TableName: table,
      ConsistentRead: true,
      FilterExpression: "begins_with(recordKey, :payment) AND orderId = :order",
      ExpressionAttributeValues: { ":payment": { S: "payment-service:authorize:" }, ":order": { S: orderId } },
    }),
  );
  return Items.map((item) => item.recordKey.S!);
}

/** One order made, one payment: the record COMPLETED, closed by its notice, and one authorization. */
async function expectOneOrder(ddb: DynamoDBClient, outputs: Record<string, string>, orderId: string) {
  const record = await closedRecord(ddb, outputs.orders_table_name, orderId);
  if (record.status?.S !== "COMPLETED") throw new Error(`order ${orderId} ended ${record.status?.S}, not COMPLETED`);
  const payments = await authorizationsOf(ddb, outputs.idempotency_table_name, orderId);
  if (payments.length !== 1) throw new Error(`order ${orderId} has ${payments.length} payments: ${payments.join(", ")}`);
  return record;
}

/** A promise with its resolve and reject, for two phases that meet. */
function meeting<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((yes, no) => ((resolve = yes), (reject = no)));
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/**
 * (a) and (b) side by side. They share the dead-letter queue, and a replay replays every
 * message in it, so their second replays are one: once (a)'s first replay has run to its end
 * and (b)'s event has made its order through the rule, both events go into the queue and one
 * `npm run dlq -- replay` replays them (a's answering ExecutionAlreadyExists, b's starting).
 */
function deadLetterPhases(context: RecoveryContext): Promise<void>[] {
  const { phase, outputs } = context;
  const { sqs, sfn, ddb, events } = clients(context.endpoint);
  const queueUrl = outputs.dead_letter_queue_url;
  const eventA = orderEvent(randomUUID(), outputs, orderOf(11));
  const nameA = `dlq-${eventA.id}`;
  const aReady = meeting<void>();
  const bReady = meeting<ReturnType<typeof orderEvent>>();
  const secondReplay = Promise.all([aReady.promise, bReady.promise]).then(async ([, eventB]) => {
    await sendDeadLetter(sqs, outputs, eventA);
    await sendDeadLetter(sqs, outputs, eventB);
    return command(context, "dlq", ["replay"], 0);
  });
  secondReplay.catch(() => undefined);
  /** Runs a phase; when it fails before its meeting, the other phase learns it at once. */
  const failing = (ready: { reject: (error: Error) => void }, name: string) => (error: Error) => {
    ready.reject(new Error(`phase "${name}" failed`));
    throw error;
  };

  const a = phase("dlq: replay twice, one order", async () => {
    await sendDeadLetter(sqs, outputs, eventA);
    // Both only read the queue (visibility timeout 0): side by side.
    const [listed, dryRun] = await Promise.all([
      command(context, "dlq", ["list"], 0),
      command(context, "dlq", ["replay", "--dry-run"], 0),
    ]);
    expectLine(
      listed,
      new RegExp(`^${eventA.id}  \\S+  "Order Submitted"  userId=test123  ERROR_CODE=THROTTLING  `, "m"),
      "list",
    );
    expectLine(listed, /^1 message \(1 distinct event\) in the dead-letter queue .*; none consumed$/m, "list");
    expectLine(dryRun, new RegExp(`^${eventA.id}  would start execution ${nameA} on `, "m"), "replay --dry-run");
    const first = await command(context, "dlq", ["replay"], 0);
    const arn = expectLine(
      first,
      new RegExp(`^${eventA.id}  started execution ${nameA} \\((\\S+)\\); message deleted$`, "m"),
      "replay",
    )[1];
    const { run } = await emulatorRun(sfn, arn, RECOVERY_LIMITS.execution * 1000);
    if (run.status !== "SUCCEEDED") throw new Error(`the replay ${nameA} ended ${run.status}: ${run.error} ${run.cause}`);
    aReady.resolve();
    // The same event dead-lettered again (or a replay whose delete was lost): replayed again.
    const second = await secondReplay;
    expectLine(
      second,
      new RegExp(
        `^${eventA.id}  already replayed: execution ${nameA} exists \\(ExecutionAlreadyExists\\); message deleted$`,
        "m",
      ),
      "second replay",
    );
    expectLine(
      second,
      /^replay: 2 messages: 1 started, 1 already replayed, 0 not replayed; 2 deleted, 0 left in the queue$/m,
      "second replay",
    );
    const orderId = deriveId("ord", `event:${eventA.id}`);
    await expectOneOrder(ddb, outputs, orderId);
    if (!(await queueIsEmpty(sqs, queueUrl))) throw new Error("messages are left in the dead-letter queue");
    return {
      value: undefined,
      summary: `listed, dry run, replayed: ${nameA} SUCCEEDED; replayed again: ExecutionAlreadyExists; one order ${orderId}, one payment; queue empty`,
    };
  }).catch(failing(aReady, "dlq: replay twice, one order"));

  const b = phase("dlq: delivered event replayed ends DUPLICATE", async () => {
    const detail = orderOf(12);
    const put = await events.send(
      new PutEventsCommand({
        Entries: [{ Source: ORDER_EVENT_SOURCE, DetailType: ORDER_EVENT_DETAIL_TYPE, Detail: JSON.stringify(detail) }],
      }),
    );
    const eventId = put.Entries?.[0]?.EventId;
    if (put.FailedEntryCount || !eventId) throw new Error(`PutEvents failed: ${JSON.stringify(put.Entries)}`);
    const orderId = deriveId("ord", `event:${eventId}`);
    // Its first delivery made the order, through the rule.
    const first = await expectOneOrder(ddb, outputs, orderId);
    bReady.resolve(orderEvent(eventId, outputs, detail));
    const replayed = await secondReplay;
    const arn = expectLine(
      replayed,
      new RegExp(`^${eventId}  started execution dlq-${eventId} \\((\\S+)\\); message deleted$`, "m"),
      "replay",
    )[1];
    const { run } = await emulatorRun(sfn, arn, RECOVERY_LIMITS.execution * 1000);
    const output = run.output as { status?: string; orderId?: string } | undefined;
    if (run.status !== "SUCCEEDED" || output?.status !== "DUPLICATE" || output.orderId !== orderId) {
      throw new Error(`the replay ended ${run.status} ${JSON.stringify(run.output ?? run.cause)}, not DUPLICATE of ${orderId}`);
    }
    const after = await expectOneOrder(ddb, outputs, orderId);
    if (after.executionId?.S !== first.executionId?.S)
      throw new Error(`order ${orderId} was taken over by ${after.executionId?.S}`);
    return {
      value: undefined,
      summary: `the rule's execution made ${orderId}; the replay ended DUPLICATE of it; one order, one payment`,
    };
  }).catch(failing(bReady, "dlq: delivered event replayed ends DUPLICATE"));

  return [a, b];
}

/** (c) */
async function compensationPhase(context: RecoveryContext): Promise<void> {
  const { phase, outputs, endpoint } = context;
  const { sfn, ddb } = clients(endpoint);
  await phase("compensate: CompensationFailed order finished", async () => {
    const name = `recovery-compensate-${Date.now()}`;
    // Only this order's refund: its payment's ledger item cannot be updated (moved to REFUNDED).
    // TransactionConflictException, a transient write error the SDK does not retry by itself:
    // each refund attempt fails at once. (The default, throttling, fails the same way after the
    // SDK's own retries and their backoff: seconds more per attempt, six attempts here.)
    await setFaults(endpoint, [
      {
        table: outputs.idempotency_table_name,
        operations: ["UpdateItem"],
        keyContains: `payment-service:authorize:${name}`,
        error: "TransactionConflictException",
      },
    ]);
    let injected = 0;
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: outputs.state_machine_alias_arn,
          name,
          input: JSON.stringify({ userId: "test123", orderData: { items: [{ productId: "PROD999", quantity: 1, price: 5 }] } }),
        }),
      );
      const { run } = await emulatorRun(sfn, executionArn!, RECOVERY_LIMITS.execution * 1000);
      if (run.status !== "FAILED" || run.error !== "CompensationFailed") {
        throw new Error(`the order ended ${run.status} ${run.error ?? ""}, not FAILED CompensationFailed: ${run.cause ?? ""}`);
      }
      const orderId = deriveId("ord", `execution:${name}`);
      const held = await command(context, "compensate", [orderId], 1);
      expectLine(
        held,
        /^refund: failed: ServiceUnavailable: DynamoDB write failed: TransactionConflictException: /m,
        "compensate with the fault on",
      );
      expectLine(held, /^still held: transaction txn-[0-9a-f]{20} of 5\.40 USD$/m, "compensate with the fault on");
      const left = await orderRecord(ddb, outputs.orders_table_name, orderId);
      if (left?.status?.S !== "COMPENSATION_FAILED")
        throw new Error(`a failed compensate changed the record to ${left?.status?.S}`);

      injected = (await clearFaults(endpoint))[0]?.injected ?? 0;
      const finished = await command(context, "compensate", [orderId], 0);
      expectLine(
        finished,
        /^refund: REFUNDED transaction txn-[0-9a-f]{20} of 5\.40 USD \(refund rfd-[0-9a-f]{20}\)$/m,
        "compensate",
      );
      expectLine(finished, /^release: NOTHING_TO_RELEASE$/m, "compensate");
      expectLine(
        finished,
        new RegExp(`^resolved: order ${orderId} is FAILED \\(ProductNotFound\\), closed by operator$`, "m"),
        "compensate",
      );
      const record = await orderRecord(ddb, outputs.orders_table_name, orderId);
      if (record?.status?.S !== "FAILED" || record.closedBy?.S !== "operator" || record.error?.S !== "ProductNotFound") {
        throw new Error(`after compensate the record is ${JSON.stringify(record)}`);
      }
      return {
        value: undefined,
        summary: `${name} ended CompensationFailed (refund failed ${injected} times by the fault injector); compensate: exit 1 naming the transaction held; fault off: refunded, FAILED closed by operator`,
      };
    } finally {
      if (injected === 0) await clearFaults(endpoint).catch(() => undefined);
    }
  });
}

/** (a), (b) and (c) side by side; when all have ended, the first failure (in that order) fails the lifecycle's `together`. */
export async function recoveryPhases(context: RecoveryContext): Promise<void> {
  const results = await Promise.allSettled([...deadLetterPhases(context), compensationPhase(context)]);
  const failed = results.find((result): result is PromiseRejectedResult => result.status === "rejected");
  if (failed) throw failed.reason;
}

/** (d): after the update (outputsFile: the outputs after it), `npm run versions` names the version before it. */
export async function versionsPhase(
  context: Pick<RecoveryContext, "phase" | "env" | "saveLog" | "outputsFile"> & { before: Record<string, string> },
): Promise<void> {
  const previous = context.before.state_machine_version_arn.split(":").pop();
  await context.phase("versions: previous version named", async () => {
    const output = await command(context, "versions", [], 0);
    expectLine(output, /^current version: \d+ \(100% of new executions\)$/m, "versions");
    expectLine(output, new RegExp(`^previous version: ${previous}$`, "m"), "versions");
    expectLine(output, new RegExp(`^workflow_rollout_percent = 0\\nworkflow_stable_version = ${previous}$`, "m"), "versions");
    return { value: undefined, summary: `previous version: ${previous}, with the two tfvars lines that roll back to it` };
  });
}
