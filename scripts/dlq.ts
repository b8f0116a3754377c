/**
 * npm run dlq -- list | replay [--dry-run] [--outputs <file>] [--stack <name>]
 *
 * The events EventBridge could not deliver to the workflow (its target's dead-letter queue,
 * output `dead_letter_queue_url`):
 *
 *   list              one line per event: its id, time, detail-type, userId and EventBridge's
 *                     dead-letter attributes (ERROR_CODE, ERROR_MESSAGE, ...). Nothing is
 *                     consumed: every message is received with visibility timeout 0, once
 *                     (deduplicated by MessageId).
 *   replay            starts each event's execution on the workflow's live alias (output
 *                     `state_machine_alias_arn`) with exactly the input the rule's target
 *                     sends (the synthesized rule and target, local/event-rule.ts), named
 *                     after the event's id; deletes a message only once its execution was
 *                     started or already existed (ExecutionAlreadyExists).
 *   replay --dry-run  prints what it would start; changes nothing.
 *
 * Why not put the event back on the bus: PutEvents gives it a new id, and the event's id is
 * what order-service deduplicates by (eventId). Started directly with its own id, an event
 * whose first delivery did make an order ends DUPLICATE, and one replayed twice is one
 * execution (docs/recovery.md).
 *
 * Exit status: 0 every message listed, or replayed and deleted; 1 a message not replayed or
 * not deleted (its line says why; it stays in the queue), or the queue could not be read;
 * 2 bad arguments or unreadable outputs.
 */
import { createHash } from "node:crypto";
import { DeleteMessageCommand, GetQueueAttributesCommand, Message, ReceiveMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { executionNameProblem } from "../functions/shared/validation";
import { executionInputFor, TargetMapping } from "../local/event-rule";
import { describeError } from "./aws-errors";
import {
  clientConfig,
  CommandIO,
  OUTPUT_OPTIONS,
  OUTPUT_OPTIONS_USAGE,
  parseArguments,
  runAsScript,
  UsageError,
  withExitStatus,
} from "./command-line";
import { readStackOutputs, regionOf, requireArnOutput, requireOutput } from "./stack-outputs";

export const USAGE = [
  `usage: npm run dlq -- list ${OUTPUT_OPTIONS_USAGE}`,
  `       npm run dlq -- replay [--dry-run] ${OUTPUT_OPTIONS_USAGE}`,
].join("\n");

/** EventBridge's attributes on a dead-lettered event (EventBridge user guide, "Using dead-letter queues"), in this order. */
export const DEAD_LETTER_ATTRIBUTES = [
  "ERROR_CODE",
  "ERROR_MESSAGE",
  "EXHAUSTED_RETRY_CONDITION",
  "RETRY_ATTEMPTS",
  "RULE_ARN",
  "TARGET_ARN",
];

/** A replay's execution is named `dlq-<event id>` (or a digest of the id, when the id is no valid name). */
export const REPLAY_NAME_PREFIX = "dlq-";

export interface DeadLetter {
  messageId: string;
  /** The most recent receipt handle: SQS deletes a message received several times only with its latest. */
  receiptHandle: string;
  body: string;
  /** The message's string attributes (EventBridge's ERROR_CODE, ...). */
  attributes: Record<string, string>;
  /** The event, when the body is an EventBridge event with an id. */
  event?: Record<string, unknown>;
  eventId?: string;
  /** Why the body is not an event. */
  problem?: string;
}

function parseBody(body: string): Pick<DeadLetter, "event" | "eventId" | "problem"> {
  let event: unknown;
  try {
    event = JSON.parse(body);
  } catch {
    return { problem: "the message body is not JSON" };
  }
  if (event === null || typeof event !== "object" || Array.isArray(event))
    return { problem: "the message body is not a JSON object" };
  const id = (event as Record<string, unknown>).id;
  if (typeof id !== "string" || id === "") return { problem: "the message body has no event id" };
  return { event: event as Record<string, unknown>, eventId: id };
}

function deadLetterOf(message: Message): DeadLetter {
  const attributes = Object.fromEntries(
    Object.entries(message.MessageAttributes ?? {}).flatMap(([name, value]) =>
      value.StringValue !== undefined ? [[name, value.StringValue]] : [],
    ),
  );
  const body = message.Body ?? "";
  return { messageId: message.MessageId!, receiptHandle: message.ReceiptHandle!, body, attributes, ...parseBody(body) };
}

export interface ReceiveOptions {
  /** Rounds in a row that bring no new message before giving up on finding more (default 3). */
  idleRounds?: number;
  /** Long polling per round, in seconds: asks every SQS server, not a sample (default 1). */
  waitSeconds?: number;
}

/**
 * Every message of the queue, each once, without consuming any: received with visibility
 * timeout 0 (they stay visible, to this command's next round too), deduplicated by MessageId.
 * Stops when it holds as many as the queue counts and a round brings nothing new, or after
 * `idleRounds` rounds in a row with nothing new.
 */
export async function receiveAll(sqs: SQSClient, queueUrl: string, options: ReceiveOptions = {}): Promise<DeadLetter[]> {
  const idleRounds = options.idleRounds ?? 3;
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ["ApproximateNumberOfMessages"] }),
  );
  const counted = Number(Attributes?.ApproximateNumberOfMessages ?? 0);
  const seen = new Map<string, DeadLetter>();
  for (let idle = 0; idle < idleRounds;) {
    const { Messages = [] } = await sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl,
        MaxNumberOfMessages: 10,
        VisibilityTimeout: 0,
        WaitTimeSeconds: options.waitSeconds ?? 1,
        MessageAttributeNames: ["All"],
      }),
    );
    let fresh = 0;
    for (const message of Messages) {
      if (!message.MessageId || !message.ReceiptHandle) continue;
      const known = seen.get(message.MessageId);
      if (known) known.receiptHandle = message.ReceiptHandle;
      else {
        seen.set(message.MessageId, deadLetterOf(message));
        fresh++;
      }
    }
    if (fresh > 0) idle = 0;
    else if (seen.size >= counted) break;
    else idle++;
  }
  return [...seen.values()];
}

/** A value as it reads in a line: bare when it is one word, else JSON-quoted. */
function field(value: unknown): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "-");
  return /^[^\s"]+$/.test(text) ? text : JSON.stringify(text);
}

/** The message's attributes: EventBridge's in their documented order, then any others by name. */
function attributeFields(attributes: Record<string, string>): string[] {
  const names = [
    ...DEAD_LETTER_ATTRIBUTES.filter((name) => name in attributes),
    ...Object.keys(attributes)
      .filter((name) => !DEAD_LETTER_ATTRIBUTES.includes(name))
      .sort(),
  ];
  return names.map((name) => `${name}=${field(attributes[name])}`);
}

/** One line per message: `<id>  <time>  <detail-type>  userId=<user>  ERROR_CODE=... ...`. */
export function listLine(letter: DeadLetter): string {
  if (!letter.event) {
    return [
      `message ${letter.messageId}: not an EventBridge event (${letter.problem})`,
      ...attributeFields(letter.attributes),
    ].join("  ");
  }
  const event = letter.event;
  const detail = (event.detail ?? {}) as Record<string, unknown>;
  return [
    field(letter.eventId),
    field(event.time ?? "-"),
    field(event["detail-type"] ?? "-"),
    `userId=${field(detail.userId ?? "-")}`,
    ...attributeFields(letter.attributes),
  ].join("  ");
}

/** The name of the execution that replays the event: `dlq-<id>`, or `dlq-<digest of the id>` when that is no valid name. */
export function replayExecutionName(eventId: string): string {
  const name = `${REPLAY_NAME_PREFIX}${eventId}`;
  if (executionNameProblem(name) === undefined) return name;
  return `${REPLAY_NAME_PREFIX}${createHash("sha256").update(eventId).digest("hex").slice(0, 40)}`;
}

export type ReplayPlan =
  { letter: DeadLetter; eventId: string; name: string; input: string } | { letter: DeadLetter; problem: string };

/** What replaying the message would start: the execution's name and input, or why it cannot be replayed. */
export function planReplay(letter: DeadLetter, trigger: TargetMapping): ReplayPlan {
  if (!letter.event || !letter.eventId) return { letter, problem: `not an EventBridge event (${letter.problem})` };
  let mapped: ReturnType<typeof executionInputFor>;
  try {
    mapped = executionInputFor(trigger, letter.event);
  } catch (error) {
    return { letter, problem: `the rule's input mapping fails on it: ${(error as Error).message}` };
  }
  if (!mapped.matched) {
    return { letter, problem: `it does not match the rule's pattern ${JSON.stringify(trigger.eventPattern)}` };
  }
  return { letter, eventId: letter.eventId, name: replayExecutionName(letter.eventId), input: JSON.stringify(mapped.input) };
}

export interface ReplayOptions {
  sfn: SFNClient;
  sqs: SQSClient;
  queueUrl: string;
  aliasArn: string;
  trigger: TargetMapping;
  dryRun: boolean;
  out: (line: string) => void;
}

export interface ReplaySummary {
  messages: number;
  started: number;
  alreadyReplayed: number;
  notReplayed: number;
  deleted: number;
  /** Messages whose execution started (or existed) but that are still in the queue. */
  notDeleted: number;
}

/**
 * Replays every message: StartExecution on the live alias, then DeleteMessage. An event's
 * execution has its id in its name, so a second replay of it answers ExecutionAlreadyExists
 * (or, while it runs, the same execution); a second message of the same event in this run
 * is not started again. Every message's line says what happened.
 */
export async function replay(letters: DeadLetter[], options: ReplayOptions): Promise<ReplaySummary> {
  const { sfn, sqs, out } = options;
  const summary: ReplaySummary = {
    messages: letters.length,
    started: 0,
    alreadyReplayed: 0,
    notReplayed: 0,
    deleted: 0,
    notDeleted: 0,
  };
  /** Executions started (or found) in this run, by event id. */
  const done = new Map<string, string>();

  const remove = async (letter: DeadLetter, what: string, id: string) => {
    try {
      await sqs.send(new DeleteMessageCommand({ QueueUrl: options.queueUrl, ReceiptHandle: letter.receiptHandle }));
      summary.deleted++;
      out(`${id}  ${what}; message deleted`);
    } catch (error) {
      summary.notDeleted++;
      out(
        `${id}  ${what}; the message could not be deleted: ${describeError(error)} (a replay finds the execution and deletes it)`,
      );
    }
  };

  for (const letter of letters) {
    const plan = planReplay(letter, options.trigger);
    const id = letter.eventId ?? `message ${letter.messageId}`;
    if ("problem" in plan) {
      summary.notReplayed++;
      out(`${id}  ${options.dryRun ? "would not replay" : "not replayed"}: ${plan.problem}; message kept`);
      continue;
    }
    const earlier = done.get(plan.eventId);
    if (earlier) {
      summary.alreadyReplayed++;
      if (options.dryRun) out(`${id}  would not start again: the same event as an earlier message (execution ${plan.name})`);
      else await remove(letter, `the same event as an earlier message: execution ${earlier}`, id);
      continue;
    }
    if (options.dryRun) {
      done.set(plan.eventId, plan.name);
      summary.started++;
      out(`${id}  would start execution ${plan.name} on ${options.aliasArn} with input ${plan.input}`);
      continue;
    }
    try {
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({ stateMachineArn: options.aliasArn, name: plan.name, input: plan.input }),
      );
      done.set(plan.eventId, plan.name);
      summary.started++;
      await remove(letter, `started execution ${plan.name} (${executionArn})`, id);
    } catch (error) {
      if ((error as Error).name === "ExecutionAlreadyExists") {
        done.set(plan.eventId, plan.name);
        summary.alreadyReplayed++;
        await remove(letter, `already replayed: execution ${plan.name} exists (ExecutionAlreadyExists)`, id);
      } else {
        summary.notReplayed++;
        out(`${id}  not replayed: StartExecution failed: ${describeError(error)}; message kept`);
      }
    }
  }
  return summary;
}

/** "1 message", "2 messages". */
export const count = (number: number, noun: string) => `${number} ${noun}${number === 1 ? "" : "s"}`;

export function summaryLine(summary: ReplaySummary, dryRun: boolean): string {
  const { messages, started, alreadyReplayed, notReplayed, deleted, notDeleted } = summary;
  if (dryRun) {
    return (
      `dry run: ${count(messages, "message")}; would start ${count(started, "execution")}; ` +
      `${alreadyReplayed} repeat an event of another message, ${notReplayed} cannot be replayed; nothing was changed`
    );
  }
  return (
    `replay: ${count(messages, "message")}: ${started} started, ${alreadyReplayed} already replayed, ${notReplayed} not replayed; ` +
    `${deleted} deleted, ${notReplayed + notDeleted} left in the queue`
  );
}

export interface DlqDependencies {
  /** The rule's pattern and the target's input mapping for the deploying account (default: synthesized from the stack). */
  trigger?: (account: string) => TargetMapping;
  receive?: ReceiveOptions;
}

export async function main(args: string[], io: CommandIO, dependencies: DlqDependencies = {}): Promise<number> {
  return withExitStatus(USAGE, io, async () => {
    const parsed = parseArguments(args, { values: OUTPUT_OPTIONS, flags: ["--dry-run"] });
    if (parsed.help) {
      io.out(USAGE);
      return 0;
    }
    const [command, ...extra] = parsed.positionals;
    if (command === undefined) throw new UsageError("a command is needed: list or replay");
    if (command !== "list" && command !== "replay") throw new UsageError(`unknown command ${command}: list or replay`);
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}`);
    const dryRun = parsed.flags.has("--dry-run");
    if (dryRun && command !== "replay") throw new UsageError("--dry-run goes with replay");

    const { outputs } = readStackOutputs(
      { outputsFile: parsed.values["--outputs"], stack: parsed.values["--stack"] },
      { env: io.env },
    );
    const queueUrl = requireOutput(outputs, "dead_letter_queue_url");
    const aliasArn = requireArnOutput(outputs, "state_machine_alias_arn");
    const config = clientConfig(regionOf(aliasArn));
    // The endpoint the SDK resolves (the Region's, or AWS_ENDPOINT_URL), not the queue URL's host:
    // the same queue either way, without the SDK's warning when the two differ.
    const sqs = new SQSClient({ ...config, useQueueUrlAsEndpoint: false });

    let letters: DeadLetter[];
    try {
      letters = await receiveAll(sqs, queueUrl, dependencies.receive);
    } catch (error) {
      io.err(`cannot read the dead-letter queue ${queueUrl}: ${describeError(error)}`);
      return 1;
    }
    if (letters.length === 0) {
      io.out(`the dead-letter queue ${queueUrl} is empty${command === "replay" ? ": nothing to replay" : ""}`);
      return 0;
    }
    if (command === "list") {
      for (const letter of letters) io.out(listLine(letter));
      const events = new Set(letters.flatMap((letter) => (letter.eventId ? [letter.eventId] : []))).size;
      io.out(
        `${count(letters.length, "message")} (${count(events, "distinct event")}) in the dead-letter queue ${queueUrl}; none consumed`,
      );
      return 0;
    }
    const account = aliasArn.split(":")[4];
    const trigger = (dependencies.trigger ?? defaultTrigger)(account);
    const summary = await replay(letters, {
      sfn: new SFNClient(config),
      sqs,
      queueUrl,
      aliasArn,
      trigger,
      dryRun,
      out: io.out,
    });
    io.out(summaryLine(summary, dryRun));
    return summary.notReplayed + summary.notDeleted > 0 ? 1 : 0;
  });
}

/** The rule and target as synthesized from the stack (loaded only for a replay: it loads cdktf). */
function defaultTrigger(account: string): TargetMapping {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { synthesizeTrigger } = require("../local/synthesized-trigger") as typeof import("../local/synthesized-trigger");
  return synthesizeTrigger(account);
}

if (require.main === module) runAsScript(main);
