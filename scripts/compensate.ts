/**
 * npm run compensate -- <orderId> [--outputs <file>] [--stack <name>]
 *
 * Finishes an order an operator has to finish (docs/recovery.md), from its record (output
 * `orders_table_name`) and its idempotency key (`idempotencyKey`, or the last part of
 * `executionId` for a record of version 2):
 *
 * - COMPENSATION_FAILED: asks payment-service to `refund` and inventory-service to `release`
 *   under that key (both idempotent: a second run replays), and when both answer done
 *   (REFUNDED or NOTHING_TO_REFUND; RELEASED or NOTHING_TO_RELEASE) asks order-service to
 *   `resolve` it: the record becomes FAILED with its root cause, closed by the operator. An
 *   undo that fails is checked with the service's `status`: one whose answer was lost after it
 *   acted is done; otherwise what is still held is printed.
 * - PENDING after its execution ended (order-service could not be reached to close it; a
 *   Standard execution's name cannot be started again once it closed): DescribeExecution on
 *   its `executionId` says how it ended. SUCCEEDED: order-service `close`s it COMPLETED, as
 *   RecordCompletion would have. FAILED with the contract's Error: `close` with the failure
 *   RecordFailure would have passed (CompensationFailed then goes on as above). TIMED_OUT,
 *   ABORTED or FAILED with any other Error (the workflow's compensation never ran): refund and
 *   release as above, then `close` FAILED (ServiceUnavailable). RUNNING: nothing to do. An
 *   Express execution cannot be described: the command says so.
 *
 * Exit status: 0 the order is finished (now, or already by an operator); 1 it is not (the
 * record is left as it is and what is still held is printed), there is nothing to do (another
 * status, a running execution), it does not exist, or AWS failed; 2 bad arguments or
 * unreadable outputs.
 */
import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { DescribeExecutionCommand, SFNClient } from "@aws-sdk/client-sfn";
import { unmarshalItem } from "../functions/shared/dynamodb-store";
import { COMPENSATION_FAILED, CONTRACT_ERROR_NAMES, ContractErrorName, SERVICE_UNAVAILABLE } from "../functions/shared/errors";
import { CLOSERS } from "../functions/shared/order-record";
import { Item, storedText } from "../functions/shared/store";
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
  sfn: SFNClient;
}

/** What one run works with. */
interface Run {
  orderId: string;
  table: string;
  functions: { payment: string; inventory: string; order: string };
  clients: CompensateClients;
  io: Pick<CommandIO, "out" | "err">;
}

/** The order's record (undefined when it does not exist), or the exit status when it cannot be read. */
async function readRecord(run: Run): Promise<Item | undefined | number> {
  try {
    const found = await run.clients.dynamodb.send(
      new GetItemCommand({ TableName: run.table, Key: { orderId: { S: run.orderId } }, ConsistentRead: true }),
    );
    return found.Item ? unmarshalItem(found.Item) : undefined;
  } catch (error) {
    run.io.err(`cannot read order ${run.orderId} from ${run.table}: ${describeError(error)}`);
    return 1;
  }
}

/** The key the order's payment and reservation were made under: `idempotencyKey`, or (version 2) the last part of `executionId`. */
function keyOf(record: Item): string | undefined {
  if (typeof record.idempotencyKey === "string" && record.idempotencyKey !== "") return record.idempotencyKey;
  return typeof record.executionId === "string" ? record.executionId.split(":").pop()! : undefined;
}

const totalOf = (record: Item) => (typeof record.total === "number" ? `; total ${usd(record.total)}` : "");

/** Finishes one order: CompensationFailed, or PENDING after its execution ended; returns the exit status. */
export async function compensate(
  orderId: string,
  outputs: StackOutputs,
  clients: CompensateClients,
  io: Pick<CommandIO, "out" | "err">,
): Promise<number> {
  const run: Run = {
    orderId,
    table: requireOutput(outputs, "orders_table_name"),
    functions: {
      payment: requireOutput(outputs, functionOutput("payment-service", "name")),
      inventory: requireOutput(outputs, functionOutput("inventory-service", "name")),
      order: requireOutput(outputs, functionOutput("order-service", "name")),
    },
    clients,
    io,
  };
  const record = await readRecord(run);
  if (typeof record === "number") return record;
  if (!record) {
    io.err(`order ${orderId} does not exist in ${run.table}`);
    return 1;
  }
  if (record.status === "FAILED" && record.closedBy === CLOSERS.operator) {
    io.out(
      `order ${orderId} was already finished by an operator (${storedText(record.updatedAt)}): FAILED, ${storedText(record.error)}; nothing to do`,
    );
    return 0;
  }
  if (record.status === "PENDING") return finishPending(run, record);
  if (record.status !== "COMPENSATION_FAILED") {
    const closedBy = typeof record.closedBy === "string" ? ` (closed by ${record.closedBy})` : "";
    io.err(`order ${orderId} is ${storedText(record.status)}${closedBy}, neither PENDING nor COMPENSATION_FAILED: nothing to do`);
    return 1;
  }
  return finishCompensationFailed(run, record);
}

/** Both undos under the key, at once; each one's lines printed together, the refund's first. */
async function undoBoth(run: Run, idempotencyKey: string): Promise<{ refund: Undo; release: Undo; held: string[] }> {
  const call = { orderId: run.orderId, idempotencyKey };
  const lines: [string[], string[]] = [[], []];
  const [refund, release] = await Promise.all([
    undo(REFUND, run.clients.lambda, run.functions.payment, call, (line) => lines[0].push(line)),
    undo(RELEASE, run.clients.lambda, run.functions.inventory, call, (line) => lines[1].push(line)),
  ]);
  for (const line of lines.flat()) run.io.out(line);
  return { refund, release, held: [refund, release].flatMap((outcome) => (outcome.done ? [] : [outcome.held])) };
}

/** A CompensationFailed order: refund, release, then `resolve` (FAILED with its root cause, closed by the operator). */
async function finishCompensationFailed(run: Run, record: Item): Promise<number> {
  const { orderId, io } = run;
  const rootError = typeof record.rootError === "string" ? record.rootError : undefined;
  const idempotencyKey = keyOf(record);
  if (!idempotencyKey) {
    io.err(
      `order ${orderId} has neither idempotencyKey nor executionId: the key its payment and reservation were made under is unknown`,
    );
    return 1;
  }
  io.out(`order ${orderId}: COMPENSATION_FAILED, root cause ${rootError ?? "unknown"}; key ${idempotencyKey}${totalOf(record)}`);
  const { refund, release, held } = await undoBoth(run, idempotencyKey);
  if (refund.done && release.done) {
    const resolved = await invokeService(run.clients.lambda, run.functions.order, {
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

/** Whether an execution ARN is an Express execution's (`arn:<partition>:states:<region>:<account>:express:...`). */
const isExpressExecution = (executionArn: string) => executionArn.split(":")[5] === "express";

/**
 * The sentence the workflow adds to a failure's Cause when order-service could not close
 * the record (FailureUnrecorded, CreateRecordUnknown): not part of the failure it passes to `close`.
 */
const UNRECORDED_NOTE =
  /; the order record (?:is|, if one was made, may be) left PENDING: order-service did not answer \(last error: [^()]*\)$/;

/** A CompensationFailed Cause's root cause (`... Root cause: <error>: <message>`), as the workflow passes it as `rootError`. */
function rootErrorOf(cause: string): ContractErrorName | undefined {
  const found = / is not fully compensated: [\s\S]*?Root cause: ([A-Za-z]+): /.exec(cause)?.[1];
  return (CONTRACT_ERROR_NAMES as readonly string[]).includes(found ?? "") ? (found as ContractErrorName) : undefined;
}

function parseJson(text: string | undefined): { ok: true; value: unknown } | { ok: false } {
  try {
    return { ok: true, value: JSON.parse(text ?? "") };
  } catch {
    return { ok: false };
  }
}

/** The execution as `close` needs it: its input (the request), name (the key) and ARN. */
interface Ended {
  executionArn: string;
  idempotencyKey: string;
  request: unknown;
}

/**
 * Asks order-service to `close` the execution's record as the workflow's Record* states do.
 * Returns its answer for this order, or undefined (printed) when there is none.
 */
async function closeRecord(run: Run, ended: Ended, outcome: Record<string, unknown>) {
  const answer = await invokeService(run.clients.lambda, run.functions.order, {
    action: "close",
    request: ended.request,
    idempotencyKey: ended.idempotencyKey,
    executionId: ended.executionArn,
    ...outcome,
  });
  if (!answer.ok) {
    run.io.out(`close: failed: ${answer.reason}`);
    return undefined;
  }
  if (answer.result.orderId !== run.orderId) {
    // null: the record under the execution's key is another execution's (or the key is not this order's).
    run.io.out(`close: order-service answered for ${String(answer.result.orderId)}, not order ${run.orderId}: nothing closed`);
    return undefined;
  }
  return answer.result as { status: string; closedNow: boolean };
}

const closedLine = (orderId: string, closed: { status: string; closedNow: boolean }, what: string) =>
  closed.closedNow
    ? `closed: order ${orderId} is ${closed.status}${what}, closed by ${CLOSERS.fallback}`
    : `closed: order ${orderId} was already closed meanwhile: ${closed.status}`;

/**
 * An order left PENDING: how its execution ended (DescribeExecution) says what finishes it.
 * SUCCEEDED: `close` COMPLETED. FAILED with the contract's Error: `close` with that failure
 * (CompensationFailed then goes on as above). TIMED_OUT, ABORTED or FAILED with any other
 * Error: the workflow never finished (its compensation may not have run): refund, release,
 * then `close` FAILED.
 */
async function finishPending(run: Run, record: Item): Promise<number> {
  const { orderId, io } = run;
  const executionArn = typeof record.executionId === "string" ? record.executionId : undefined;
  const idempotencyKey = keyOf(record);
  if (!executionArn || !idempotencyKey) {
    io.err(`order ${orderId} is PENDING but names no execution (executionId): it was not made by the workflow; nothing to do`);
    return 1;
  }
  if (isExpressExecution(executionArn)) {
    io.err(
      `order ${orderId} is PENDING and its execution ${executionArn} is an Express execution, which DescribeExecution cannot read: find how it ended in the workflow's log group (output state_machine_log_group_name) and finish it by hand (docs/operations.md, "Runbook: an order left PENDING")`,
    );
    return 1;
  }
  let execution;
  try {
    execution = await run.clients.sfn.send(new DescribeExecutionCommand({ executionArn }));
  } catch (error) {
    io.err(`cannot describe execution ${executionArn}: ${describeError(error)}`);
    return 1;
  }
  const status = String(execution.status);
  if (status === "RUNNING" || status === "PENDING_REDRIVE") {
    io.err(
      `order ${orderId} is PENDING and its execution is still ${status} (${executionArn}): nothing to do; the workflow closes the record when it ends`,
    );
    return 1;
  }
  if (execution.name !== undefined && execution.name !== idempotencyKey) {
    io.err(`execution ${executionArn} is named ${execution.name}, not ${idempotencyKey} as order ${orderId}'s key: nothing done`);
    return 1;
  }
  const input = parseJson(execution.input);
  if (!input.ok) {
    io.err(`execution ${executionArn}'s input is not JSON: nothing done`);
    return 1;
  }
  const ended: Ended = { executionArn, idempotencyKey, request: input.value };
  const error = execution.error;
  const cause = (execution.cause ?? "").replace(UNRECORDED_NOTE, "");
  const how = status === "FAILED" ? `FAILED (${String(error)})` : status;
  io.out(`order ${orderId}: PENDING, its execution ${how}; key ${idempotencyKey}${totalOf(record)}`);

  if (status === "SUCCEEDED") {
    const output = parseJson(execution.output);
    const summary = (output.ok ? output.value : null) as {
      status?: unknown;
      orderId?: unknown;
      transactionId?: unknown;
      reservations?: unknown;
    } | null;
    if (
      summary?.status !== "COMPLETED" ||
      summary.orderId !== orderId ||
      typeof summary.transactionId !== "string" ||
      !Array.isArray(summary.reservations)
    ) {
      io.out(
        `execution ${executionArn} did not output order ${orderId} COMPLETED (${oneLine(String(execution.output)).slice(0, 200)}): nothing closed`,
      );
      return 1;
    }
    const reservations = summary.reservations as Reservation[];
    const closed = await closeRecord(run, ended, { order: { transactionId: summary.transactionId, reservations } });
    if (!closed) return stillPending(run);
    io.out(
      closedLine(orderId, closed, ` (transaction ${summary.transactionId}, reservations ${reservationsText(reservations)})`),
    );
    return 0;
  }

  if (status === "FAILED" && (CONTRACT_ERROR_NAMES as readonly string[]).includes(String(error))) {
    // The failure as the workflow's RecordFailure passes it: the Cause without the note it added when that failed.
    const rootError = error === COMPENSATION_FAILED ? rootErrorOf(cause) : undefined;
    const failure = {
      error,
      detail: { errorMessage: cause || `the execution failed with ${String(error)}` },
      orderId,
      ...(rootError ? { rootError } : {}),
    };
    const closed = await closeRecord(run, ended, { failure });
    if (!closed) return stillPending(run);
    if (closed.status === "COMPENSATION_FAILED") {
      io.out(`${closedLine(orderId, closed, ` (root cause ${rootError ?? "unknown"})`)}; finishing its compensation`);
      const compensationFailed = await readRecord(run);
      if (typeof compensationFailed === "number") return compensationFailed;
      if (compensationFailed?.status !== "COMPENSATION_FAILED") {
        io.out(`order ${orderId} is now ${storedText(compensationFailed?.status)}: run npm run compensate -- ${orderId} again`);
        return 1;
      }
      return finishCompensationFailed(run, compensationFailed);
    }
    io.out(closedLine(orderId, closed, ` (${String(error)})`));
    return 0;
  }

  if (status !== "TIMED_OUT" && status !== "ABORTED" && status !== "FAILED") {
    io.out(`execution ${executionArn} is ${status}, which this command does not know: nothing done`);
    return 1;
  }
  // The workflow stopped before its end: its compensation never ran, so payment may be authorized and stock reserved.
  io.out(
    `the workflow stopped before its end, so its compensation may not have run: refund and release under key ${idempotencyKey}`,
  );
  const { refund, release, held } = await undoBoth(run, idempotencyKey);
  if (!refund.done || !release.done) {
    for (const what of held) io.out(`still held: ${what}`);
    io.out(`order ${orderId} is left PENDING: run npm run compensate -- ${orderId} again once the cause is fixed`);
    return 1;
  }
  const stopped = status === "FAILED" ? `failed with ${String(error)}` : status;
  const failure = {
    error: SERVICE_UNAVAILABLE,
    detail: {
      errorMessage: `the execution ${stopped} before it ended${cause ? `: ${cause}` : ""}; finished by an operator: refund ${refund.status}, release ${release.status}`,
    },
    orderId,
  };
  const closed = await closeRecord(run, ended, { failure });
  if (!closed) {
    io.out(`nothing is held, but order ${orderId} is still PENDING: run this again`);
    return 1;
  }
  if (!closed.closedNow) {
    // A call still in flight when the execution stopped (the confirmation) closed it after the undos above.
    io.out(`close: order ${orderId} was closed ${closed.status} meanwhile, after the refund and release above: check it by hand`);
    return 1;
  }
  io.out(closedLine(orderId, closed, ` (${SERVICE_UNAVAILABLE})`));
  return 0;
}

function stillPending(run: Run): number {
  run.io.out(`order ${run.orderId} is still PENDING: run npm run compensate -- ${run.orderId} again`);
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
      clients ?? { dynamodb: new DynamoDBClient(config), lambda: new LambdaClient(config), sfn: new SFNClient(config) },
      io,
    );
  });
}

if (require.main === module) runAsScript(main);
