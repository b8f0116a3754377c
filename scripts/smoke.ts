/**
 * npm run smoke [-- --outputs <file>] [--stack <name>] [--timeout <seconds>]
 *
 * After a deploy: invokes each function once, starts an execution of the sample order,
 * puts the sample "Order Submitted" event, waits for both executions with a progress
 * line, and reports pass or fail per step with each execution's console link. Uses the
 * stack's outputs (scripts/stack-outputs.ts: a `cdktf deploy --outputs-file` file,
 * `terraform output -json`, or by default `terraform output -json` in the stack's directory
 * under cdktf.out/stacks/, chosen with --stack when there are several) and the usual AWS
 * credentials and endpoint settings (AWS_ENDPOINT_URL points it at an emulator).
 * Exit status 0 when every step passed, 1 otherwise, 2 on bad arguments or unreadable outputs.
 *
 * Every AWS call can fail (access denied, throttling, a proxy's HTML error page, no network):
 * each failure becomes the FAIL line of its step, and the steps that depend on it say why
 * they did not run. Nothing here lets an AWS error escape as a stack trace.
 */
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/bundle";
import { functionOutput, SAMPLE_ORDER } from "../stacks/order-workflow-stack";
import { ServiceName, SERVICES } from "../stacks/services";
import { describeError, oneLine } from "./aws-errors";
import { normalizeOutputs, readStackOutputs, regionOf, requireOutput, StackOutputs } from "./stack-outputs";

export { describeError, normalizeOutputs, regionOf };
export type { StackOutputs };

export interface SmokeClients {
  lambda: LambdaClient;
  sfn: SFNClient;
  events: EventBridgeClient;
}

export interface StepResult {
  step: string;
  ok: boolean;
  /** One line: the report prints one line per step (plus the console link). */
  detail: string;
  link?: string;
}

export interface SmokeOptions {
  outputs: StackOutputs;
  clients: SmokeClients;
  /** A name part unique to this run, for the execution started directly. */
  runId: string;
  progress?: (line: string) => void;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
  timeoutMs?: number;
  pollMs?: number;
}

/** The sample order's total, and the sample event's (99.99 plus 8% tax). */
export const EXPECTED_TOTALS = { direct: 118.77, event: 107.99 };

export const USAGE = "npm run smoke [-- --outputs <file>] [--stack <name>] [--timeout <seconds>]";

const example = (file: string): unknown => JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", file), "utf8"));

const functionNameOutput = (service: ServiceName) => functionOutput(service, "name");

export function consoleLink(executionArn: string): string {
  const region = regionOf(executionArn);
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** A call's answer, or the one-line reason it failed: a smoke test reports errors, it does not throw them. */
type Attempt<T> = { ok: true; value: T } | { ok: false; reason: string };

async function attempt<T>(call: () => Promise<T>): Promise<Attempt<T>> {
  try {
    return { ok: true, value: await call() };
  } catch (error) {
    return { ok: false, reason: describeError(error) };
  }
}

async function invokeFunction(lambda: LambdaClient, service: string, functionName: string): Promise<StepResult> {
  const step = `invoke ${functionName}`;
  const request = new InvokeCommand({
    FunctionName: functionName,
    Payload: Buffer.from(JSON.stringify(example(`${service}.json`))),
  });
  const call = await attempt(() => lambda.send(request));
  if (!call.ok) return { step, ok: false, detail: call.reason };
  const response = call.value;
  const payload = response.Payload ? new TextDecoder().decode(response.Payload) : "";
  if (response.StatusCode !== 200 || response.FunctionError) {
    return { step, ok: false, detail: oneLine(`${response.FunctionError ?? `status ${response.StatusCode}`}: ${payload}`) };
  }
  // Lambda answers JSON for a Node handler; anything else came from something in between.
  try {
    JSON.parse(payload);
  } catch {
    const what = payload.trimStart().startsWith("<") ? "HTML, not JSON" : "non-JSON";
    return { step, ok: false, detail: `the endpoint answered ${what} (HTTP 200): ${oneLine(payload).slice(0, 80)}` };
  }
  return { step, ok: true, detail: "answered" };
}

interface Execution {
  arn?: string;
  /** Step Functions' status; WAITING until the event's execution is found, NOT_STARTED or UNKNOWN with a problem. */
  status: string;
  output?: string;
  error?: string;
  cause?: string;
  /** Why this execution cannot be checked; its step fails with this. */
  problem?: string;
}

/** The eventId of an execution's input, as the rule's target passes it. */
function eventIdOf(input: string | undefined): unknown {
  try {
    return (JSON.parse(input ?? "null") as { eventId?: unknown } | null)?.eventId;
  } catch {
    return undefined;
  }
}

const isPending = (execution: Execution) => execution.status === "RUNNING" || execution.status === "WAITING";

function executionResult(which: keyof typeof EXPECTED_TOTALS, execution: Execution, timeoutMs: number): StepResult {
  const step = `${which === "direct" ? "sample order" : "event"} execution completes`;
  const link = execution.arn ? { link: consoleLink(execution.arn) } : {};
  const expected = EXPECTED_TOTALS[which];
  const seconds = Math.round(timeoutMs / 1000);
  if (execution.problem) return { step, ok: false, detail: execution.problem, ...link };
  if (execution.status === "SUCCEEDED") {
    let total: unknown;
    try {
      total = (JSON.parse(execution.output ?? "") as { total?: unknown }).total;
    } catch (error) {
      const { name, message } = error as Error;
      return { step, ok: false, detail: `SUCCEEDED, but the output is not JSON: ${name}: ${oneLine(message)}`, ...link };
    }
    return { step, ok: total === expected, detail: `SUCCEEDED, total ${String(total)} (expected ${expected})`, ...link };
  }
  if (execution.status === "WAITING") {
    return { step, ok: false, detail: `no execution started by the event within ${seconds} s` };
  }
  if (execution.status === "RUNNING") return { step, ok: false, detail: `RUNNING after ${seconds} s`, ...link };
  // FAILED, TIMED_OUT or ABORTED; only FAILED carries an error and a cause.
  const ending = [execution.status, execution.error, execution.cause].filter(Boolean).join(": ");
  return { step, ok: false, detail: oneLine(ending), ...link };
}

export async function runSmoke(options: SmokeOptions): Promise<StepResult[]> {
  const { clients, outputs } = options;
  const progress = options.progress ?? (() => undefined);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 180000;
  const pollMs = options.pollMs ?? 2000;
  // Orders start on the live alias, as EventBridge starts them; the state machine lists them all.
  const aliasArn = requireOutput(outputs, "state_machine_alias_arn");
  const stateMachineArn = requireOutput(outputs, "state_machine_arn");
  const functionNames = SERVICES.map((service) => requireOutput(outputs, functionNameOutput(service)));
  const results: StepResult[] = [];

  for (const [index, service] of SERVICES.entries()) {
    results.push(await invokeFunction(clients.lambda, service, functionNames[index]));
  }

  const started = now();
  const start = await attempt(() =>
    clients.sfn.send(
      new StartExecutionCommand({
        stateMachineArn: aliasArn,
        name: `smoke-${options.runId}`,
        input: JSON.stringify(SAMPLE_ORDER),
      }),
    ),
  );
  const directArn = start.ok ? start.value.executionArn : undefined;
  results.push({
    step: "start-execution (sample order, live alias)",
    ok: Boolean(directArn),
    detail: start.ok ? (directArn ?? "no execution ARN in the answer") : start.reason,
  });

  const entries = example("put-events-entries.json") as PutEventsRequestEntry[];
  const put = await attempt(() => clients.events.send(new PutEventsCommand({ Entries: entries })));
  const putOk = put.ok && put.value.FailedEntryCount === 0;
  results.push({
    step: "put-events (Order Submitted)",
    ok: putOk,
    detail: !put.ok ? put.reason : putOk ? `event ${put.value.Entries?.[0]?.EventId}` : JSON.stringify(put.value.Entries),
  });

  const executions: Record<keyof typeof EXPECTED_TOTALS, Execution> = {
    direct: directArn
      ? { arn: directArn, status: "RUNNING" }
      : { status: "NOT_STARTED", problem: "not started: start-execution failed" },
    event: putOk ? { status: "WAITING" } : { status: "NOT_STARTED", problem: "not started: put-events failed" },
  };
  /** Executions started since the put that another input started. */
  const notTheEvent = new Set<string>();
  const deadline = now() + timeoutMs;
  while (Object.values(executions).some(isPending) && now() < deadline) {
    if (executions.event.status === "WAITING") await findEventExecution(executions.event);
    for (const execution of Object.values(executions)) {
      if (execution.status === "RUNNING") await describe(execution);
    }
    progress(
      `waiting: direct ${executions.direct.status}, event ${executions.event.status} (${Math.round((now() - started) / 1000)} s)`,
    );
    if (Object.values(executions).some(isPending)) await sleep(pollMs);
  }

  results.push(executionResult("direct", executions.direct, timeoutMs), executionResult("event", executions.event, timeoutMs));
  return results;

  /**
   * The rule starts its execution with a generated name: the one started since the put whose
   * input carries the put event's id (eventId). Other executions may start meanwhile (other
   * orders, in production or beside this test), so the newest one is not necessarily it.
   */
  async function findEventExecution(event: Execution): Promise<void> {
    const eventId = put.ok ? put.value.Entries?.[0]?.EventId : undefined;
    let nextToken: string | undefined;
    for (let page = 0; page < 5; page++) {
      const listed = await attempt(() =>
        clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 20, nextToken })),
      );
      if (!listed.ok) {
        Object.assign(event, { status: "UNKNOWN", problem: `list-executions failed: ${listed.reason}` });
        return;
      }
      const recent = (listed.value.executions ?? []).filter(
        (execution) => (execution.startDate?.getTime() ?? 0) >= started - 1000,
      );
      for (const { executionArn } of recent) {
        if (!executionArn || executionArn === directArn || notTheEvent.has(executionArn)) continue;
        if (eventId === undefined) return void Object.assign(event, { arn: executionArn, status: "RUNNING" });
        const described = await attempt(() => clients.sfn.send(new DescribeExecutionCommand({ executionArn })));
        if (!described.ok) {
          Object.assign(event, { status: "UNKNOWN", problem: `describe-execution failed: ${described.reason}` });
          return;
        }
        if (eventIdOf(described.value.input) === eventId)
          return void Object.assign(event, { arn: executionArn, status: "RUNNING" });
        notTheEvent.add(executionArn);
      }
      nextToken = listed.value.nextToken;
      // Newest first: a page that reaches back before the put holds the last candidates.
      if (!nextToken || recent.length < (listed.value.executions ?? []).length) return;
    }
  }

  async function describe(execution: Execution): Promise<void> {
    const described = await attempt(() => clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution.arn })));
    if (!described.ok) {
      Object.assign(execution, { status: "UNKNOWN", problem: `describe-execution failed: ${described.reason}` });
      return;
    }
    const { status, output, error, cause } = described.value;
    Object.assign(execution, { status, output, error, cause });
  }
}

export function report(results: StepResult[]): string {
  return results
    .map(
      (result) =>
        `${result.ok ? "PASS" : "FAIL"}  ${result.step}: ${result.detail}${result.link ? `\n      ${result.link}` : ""}`,
    )
    .join("\n");
}

export interface SmokeArguments {
  help: boolean;
  outputs?: string;
  stack?: string;
  timeoutSeconds: number;
}

/** Throws a one-line message for anything it does not understand (exit status 2). */
export function parseSmokeArguments(args: string[]): SmokeArguments {
  const parsed: SmokeArguments = { help: false, timeoutSeconds: 180 };
  for (let i = 0; i < args.length; i++) {
    const [name, inline] = args[i].startsWith("--") ? args[i].split(/=(.*)/s) : [args[i]];
    // `--outputs --timeout 5` must not read "--timeout" as the file name.
    const value = () => inline ?? (args[i + 1]?.startsWith("--") ? undefined : args[++i]);
    if (name === "--help" || name === "-h") parsed.help = true;
    else if (name === "--outputs") {
      parsed.outputs = value();
      if (!parsed.outputs) throw new Error("--outputs needs a file: --outputs <file>");
    } else if (name === "--stack") {
      parsed.stack = value();
      if (!parsed.stack) throw new Error("--stack needs a name: --stack <name>");
    } else if (name === "--timeout") {
      const text = value();
      const seconds = Number(text);
      if (!text || !Number.isFinite(seconds) || seconds <= 0) {
        throw new Error(`--timeout needs a positive number of seconds, got ${text === undefined ? "nothing" : text}`);
      }
      parsed.timeoutSeconds = seconds;
    } else if (name.startsWith("-")) throw new Error(`unknown option ${name}`);
    else throw new Error(`unexpected argument ${name}`);
  }
  return parsed;
}

/** Where the command writes: the process's stdout and stderr, or a test's. */
export interface SmokeIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

/** The command: its output through `io`, its exit status returned. */
export async function main(argv: string[], io: SmokeIO): Promise<number> {
  let args: SmokeArguments;
  try {
    args = parseSmokeArguments(argv);
  } catch (error) {
    io.stderr(`${(error as Error).message} (usage: ${USAGE})\n`);
    return 2;
  }
  if (args.help) {
    io.stdout(`${USAGE}\n`);
    return 0;
  }
  let outputs: StackOutputs;
  try {
    outputs = readStackOutputs({ outputsFile: args.outputs, stack: args.stack }).outputs;
    for (const name of ["state_machine_arn", "state_machine_alias_arn", ...SERVICES.map(functionNameOutput)])
      requireOutput(outputs, name);
    if (!regionOf(outputs.state_machine_arn as string)) throw new Error(`state_machine_arn is not an ARN`);
  } catch (error) {
    io.stderr(`cannot read the stack's outputs (deploy first, or pass --outputs <file>): ${oneLine((error as Error).message)}\n`);
    return 2;
  }
  const timeoutMs = args.timeoutSeconds * 1000;
  // No endpoint here: the SDK's own settings (AWS_ENDPOINT_URL, profiles) choose it, so an
  // emulator works too. Without a request timeout a silent endpoint would hang the run.
  const config = {
    region: regionOf(outputs.state_machine_arn as string),
    requestHandler: { connectionTimeout: 10000, requestTimeout: timeoutMs, throwOnRequestTimeout: true },
  };
  const clients = { lambda: new LambdaClient(config), sfn: new SFNClient(config), events: new EventBridgeClient(config) };
  let waited = false;
  const results = await runSmoke({
    outputs,
    clients,
    runId: new Date().toISOString().replace(/[^0-9]/g, ""),
    timeoutMs,
    progress: (line) => {
      waited = true;
      io.stderr(`\r${line}   `);
    },
  });
  if (waited) io.stderr("\n");
  io.stdout(`${report(results)}\n`);
  return results.every((result) => result.ok) ? 0 : 1;
}

if (require.main === module) {
  main(process.argv.slice(2), {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
  }).then(
    (status) => process.exit(status),
    (error) => {
      // Only a bug gets here (AWS errors are steps' FAIL lines); still one line, no stack trace.
      process.stderr.write(`smoke: unexpected ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}
