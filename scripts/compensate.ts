/**
 * npm run compensate -- <orderId> [--outputs <file>] [--stack <name>]
 *
 * Finishes a CompensationFailed order (docs/recovery.md): reads its record (output
 * `orders_table_name`), takes its idempotency key (`idempotencyKey`, or the last part of
 * `executionId` for a record of version 2), asks payment-service to `refund` and
 * inventory-service to `release` under that key (both idempotent: a second run replays),
 * and when both answer done (REFUNDED or NOTHING_TO_REFUND; RELEASED or NOTHING_TO_RELEASE)
 * asks order-service to `resolve` it: the record becomes FAILED with its root cause,
 * closed by the operator. An undo that fails is checked with the service's `status`: one
 * whose answer was lost after it acted is done; otherwise what is still held is printed.
 *
 * Exit status: 0 the order is finished (now, or already by an operator); 1 it is not (the
 * record is left as it is and what is still held is printed), it is not COMPENSATION_FAILED,
 * it does not exist, or AWS failed; 2 bad arguments or unreadable outputs.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { unmarshalItem } from "../functions/shared/dynamodb-store";
import { CLOSERS } from "../functions/shared/order-record";
import { functionOutput } from "../stacks/order-workflow-stack";
import { ServiceName } from "../stacks/services";
import { describeError, oneLine } from "./aws-errors";
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
import { readStackOutputs, regionOf, requireArnOutput, requireOutput, StackOutputs } from "./stack-outputs";

export const USAGE = `usage: npm run compensate -- <orderId> ${OUTPUT_OPTIONS_USAGE}`;

/** An order id as order-service derives it, or any identifier the services accept. */
const ORDER_ID = /^[A-Za-z0-9_:.-]{1,128}$/;

export const REFUND_DONE = ["REFUNDED", "NOTHING_TO_REFUND"];
export const RELEASE_DONE = ["RELEASED", "NOTHING_TO_RELEASE"];

type Answer = { ok: true; result: Record<string, unknown> } | { ok: false; reason: string };

/** A service's answer: its result, or one line saying why there is none (a refusal, a crash, an AWS error). */
export async function invokeService(lambda: LambdaClient, functionName: string, payload: unknown): Promise<Answer> {
  try {
    const response = await lambda.send(
      new InvokeCommand({ FunctionName: functionName, Payload: new TextEncoder().encode(JSON.stringify(payload)) }),
    );
    const text = response.Payload ? new TextDecoder().decode(response.Payload) : "";
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return { ok: false, reason: `${functionName} answered non-JSON: ${oneLine(text).slice(0, 200)}` };
    }
    if (response.FunctionError) {
      const { errorType, errorMessage } = (body ?? {}) as { errorType?: string; errorMessage?: string };
      return { ok: false, reason: oneLine(`${errorType ?? response.FunctionError}: ${errorMessage ?? text}`) };
    }
    if (body === null || typeof body !== "object") return { ok: false, reason: `${functionName} answered ${oneLine(text)}` };
    return { ok: true, result: body as Record<string, unknown> };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

const usd = (amount: unknown) => `${typeof amount === "number" ? amount.toFixed(2) : String(amount)} USD`;

interface Reservation {
  reservationId: string;
  productId: string;
  quantity: number;
}

const reservationsText = (reservations: Reservation[]) =>
  reservations
    .map((reservation) => `${reservation.reservationId} (${reservation.productId} x ${reservation.quantity})`)
    .join(", ");

/** One undo's outcome: done with the service's status, or what is still held. */
type Undo = { done: true; status: string } | { done: false; held: string };

interface UndoSpec {
  what: "refund" | "release";
  service: ServiceName;
  done: string[];
  /** What a key's `status` holding something (AUTHORIZED, RESERVED) means, from its answer. */
  heldBy: (status: Record<string, unknown>) => string | undefined;
  /** The line for a done undo. */
  describe: (result: Record<string, unknown>) => string;
}

const REFUND: UndoSpec = {
  what: "refund",
  service: "payment-service",
  done: REFUND_DONE,
  heldBy: (status) =>
    status.status === "AUTHORIZED" ? `transaction ${String(status.transactionId)} of ${usd(status.amount)}` : undefined,
  describe: (result) =>
    result.status === "REFUNDED"
      ? `REFUNDED transaction ${String(result.transactionId)} of ${usd(result.amount)} (refund ${String(result.refundId)})`
      : String(result.status),
};

const RELEASE: UndoSpec = {
  what: "release",
  service: "inventory-service",
  done: RELEASE_DONE,
  heldBy: (status) =>
    status.status === "RESERVED" ? `reservations ${reservationsText((status.reservations ?? []) as Reservation[])}` : undefined,
  describe: (result) =>
    result.status === "RELEASED"
      ? `RELEASED reservations ${reservationsText((result.released ?? []) as Reservation[])}`
      : String(result.status),
};

/**
 * Asks for the undo; when it fails, asks the key's `status`: done after all (its answer was
 * lost), or still held, and what.
 */
async function undo(
  spec: UndoSpec,
  lambda: LambdaClient,
  functionName: string,
  call: { orderId: string; idempotencyKey: string },
  out: (line: string) => void,
): Promise<Undo> {
  const answer = await invokeService(lambda, functionName, { action: spec.what, ...call });
  if (answer.ok && spec.done.includes(String(answer.result.status))) {
    out(`${spec.what}: ${spec.describe(answer.result)}`);
    return { done: true, status: String(answer.result.status) };
  }
  const failure = answer.ok ? `answered ${JSON.stringify(answer.result)}` : answer.reason;
  out(`${spec.what}: failed: ${failure}`);
  const status = await invokeService(lambda, functionName, { action: "status", ...call });
  if (!status.ok) {
    return {
      done: false,
      held: `whatever ${spec.service} holds under key ${call.idempotencyKey} (its status could not be read either: ${status.reason})`,
    };
  }
  const found = String(status.result.status);
  if (spec.done.includes(found)) {
    out(`${spec.what}: ${spec.service} says ${found}: done (the answer was lost)`);
    return { done: true, status: found };
  }
  return {
    done: false,
    held: spec.heldBy(status.result) ?? `${spec.service}'s key ${call.idempotencyKey}, not confirmed undone (status ${found})`,
  };
}

export interface CompensateClients {
  dynamodb: DynamoDBClient;
  lambda: LambdaClient;
}

/** Finishes one order; returns the exit status. */
export async function compensate(
  orderId: string,
  outputs: StackOutputs,
  clients: CompensateClients,
  io: Pick<CommandIO, "out" | "err">,
): Promise<number> {
  const table = requireOutput(outputs, "orders_table_name");
  const functions = {
    payment: requireOutput(outputs, functionOutput("payment-service", "name")),
    inventory: requireOutput(outputs, functionOutput("inventory-service", "name")),
    order: requireOutput(outputs, functionOutput("order-service", "name")),
  };
  let found;
  try {
    found = await clients.dynamodb.send(
      new GetItemCommand({ TableName: table, Key: { orderId: { S: orderId } }, ConsistentRead: true }),
    );
  } catch (error) {
    io.err(`cannot read order ${orderId} from ${table}: ${describeError(error)}`);
    return 1;
  }
  if (!found.Item) {
    io.err(`order ${orderId} does not exist in ${table}`);
    return 1;
  }
  const record = unmarshalItem(found.Item);
  const rootError = typeof record.rootError === "string" ? record.rootError : undefined;
  if (record.status === "FAILED" && record.closedBy === CLOSERS.operator) {
    io.out(
      `order ${orderId} was already finished by an operator (${String(record.updatedAt)}): FAILED, ${String(record.error)}; nothing to do`,
    );
    return 0;
  }
  if (record.status !== "COMPENSATION_FAILED") {
    io.err(`order ${orderId} is ${String(record.status)}, not COMPENSATION_FAILED: nothing to compensate`);
    return 1;
  }
  // Version 3 keeps the key; version 2's record has the execution's ARN, whose last part is its name, the key.
  const idempotencyKey =
    typeof record.idempotencyKey === "string" && record.idempotencyKey !== ""
      ? record.idempotencyKey
      : typeof record.executionId === "string"
        ? record.executionId.split(":").pop()!
        : undefined;
  if (!idempotencyKey) {
    io.err(
      `order ${orderId} has neither idempotencyKey nor executionId: the key its payment and reservation were made under is unknown`,
    );
    return 1;
  }
  const total = typeof record.total === "number" ? `; total ${usd(record.total)}` : "";
  io.out(`order ${orderId}: COMPENSATION_FAILED, root cause ${rootError ?? "unknown"}; key ${idempotencyKey}${total}`);
  const call = { orderId, idempotencyKey };
  // Both undos at once; each one's lines printed together, the refund's first.
  const lines: [string[], string[]] = [[], []];
  const [refund, release] = await Promise.all([
    undo(REFUND, clients.lambda, functions.payment, call, (line) => lines[0].push(line)),
    undo(RELEASE, clients.lambda, functions.inventory, call, (line) => lines[1].push(line)),
  ]);
  for (const line of lines.flat()) io.out(line);
  const held = [refund, release].flatMap((outcome) => (outcome.done ? [] : [outcome.held]));
  if (refund.done && release.done) {
    const resolved = await invokeService(clients.lambda, functions.order, {
      action: "resolve",
      orderId,
      refund: refund.status,
      release: release.status,
    });
    if (!resolved.ok) {
      io.out(`resolve: failed: ${resolved.reason}`);
      io.out(`nothing is held, but order ${orderId} is still COMPENSATION_FAILED: run this again`);
      return 1;
    }
    const now = resolved.result.resolvedNow === false ? "already " : "";
    io.out(`resolved: order ${orderId} is ${now}FAILED (${rootError ?? "ServiceUnavailable"}), closed by ${CLOSERS.operator}`);
    return 0;
  }
  for (const what of held) io.out(`still held: ${what}`);
  io.out(`order ${orderId} is left COMPENSATION_FAILED: run npm run compensate -- ${orderId} again once the cause is fixed`);
  return 1;
}

export async function main(args: string[], io: CommandIO, clients?: CompensateClients): Promise<number> {
  return withExitStatus(USAGE, io, async () => {
    const parsed = parseArguments(args, { values: OUTPUT_OPTIONS });
    if (parsed.help) {
      io.out(USAGE);
      return 0;
    }
    const [orderId, ...extra] = parsed.positionals;
    if (orderId === undefined) throw new UsageError("an order id is needed");
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0]}: one order at a time`);
    if (!ORDER_ID.test(orderId))
      throw new UsageError(`${JSON.stringify(orderId)} is not an order id (1 to 128 of A-Z a-z 0-9 _ : . -)`);
    const { outputs } = readStackOutputs(
      { outputsFile: parsed.values["--outputs"], stack: parsed.values["--stack"] },
      { env: io.env },
    );
    const region = regionOf(requireArnOutput(outputs, "state_machine_arn"));
    // An undo may take as long as its function may run (lambda_timeout, at most 900 s).
    const config = clientConfig(region, 910000);
    return compensate(
      orderId,
      outputs,
      clients ?? { dynamodb: new DynamoDBClient(config), lambda: new LambdaClient(config) },
      io,
    );
  });
}

if (require.main === module) runAsScript(main);
