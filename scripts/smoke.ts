/**
 * npm run smoke [-- --outputs <file>] [--timeout <seconds>]
 *
 * After a deploy: invokes each function once, starts an execution of the sample order,
 * puts the sample "Order Submitted" event, waits for both executions with a progress
 * line, and reports pass or fail per step with each execution's console link. Uses the
 * stack's outputs (a `cdktf deploy --outputs-file` file, `terraform output -json`, or by
 * default `terraform output -json` in cdktf.out/stacks/microservices-stepfn) and the usual
 * AWS credentials and endpoint settings (AWS_ENDPOINT_URL points it at an emulator).
 * Exit status 0 when every step passed, 1 otherwise, 2 on bad arguments or unreadable outputs.
 *
 * Every AWS call can fail (access denied, throttling, a proxy's HTML error page, no network):
 * each failure becomes the FAIL line of its step, and the steps that depend on it say why
 * they did not run. Nothing here lets an AWS error escape as a stack trace.
 */
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/bundle";
import { functionOutput, SAMPLE_ORDER, STACK_NAME } from "../stacks/order-workflow-stack";
import { ServiceName, SERVICES } from "../stacks/services";

export type StackOutputs = Record<string, unknown>;

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

export const USAGE = "npm run smoke [-- --outputs <file>] [--timeout <seconds>]";

const example = (file: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", file), "utf8"));

/**
 * Accepts `terraform output -json` ({ name: { value } }) and `cdktf deploy --outputs-file`
 * ({ <stack>: { name: value } }, one stack: the one deployed).
 */
export function normalizeOutputs(raw: Record<string, any>): StackOutputs {
  const entries = Object.values(raw);
  const stackLevel = entries.length === 1 && !("state_machine_arn" in raw) ? entries[0] : undefined;
  const flat = stackLevel && typeof stackLevel === "object" && !("value" in stackLevel) ? stackLevel : raw;
  return Object.fromEntries(
    Object.entries(flat).map(([name, entry]) => [
      name,
      entry !== null && typeof entry === "object" && "value" in entry ? entry.value : entry,
    ]),
  );
}

const functionNameOutput = (service: ServiceName) => functionOutput(service, "name");

function requireOutput(outputs: StackOutputs, name: string): string {
  const value = outputs[name];
  if (typeof value !== "string" || value === "") throw new Error(`the stack outputs have no ${name}`);
  return value;
}

export function regionOf(arn: string): string {
  return arn.split(":")[3];
}

export function consoleLink(executionArn: string): string {
  const region = regionOf(executionArn);
  return `https://${region}.console.aws.amazon.com/states/home?region=${region}#/v2/executions/details/${executionArn}`;
}

/** What an AWS SDK v3 error carries besides name and message (see @smithy/core's ServiceException). */
interface SdkErrorFields {
  code?: string;
  $fault?: "client" | "server";
  $metadata?: { httpStatusCode?: number; requestId?: string };
  /** Hidden (non-enumerable) field the SDK sets when it could not read the answer. */
  $response?: { statusCode?: number; headers?: Record<string, string | undefined> };
}

const oneLine = (text: string) => text.replace(/\s+/g, " ").trim();

/**
 * One line naming an error from an AWS call: `<name> (HTTP <status>, request <id>): <message>`
 * for an AWS error answer; for an answer the SDK could not parse (a proxy's or load
 * balancer's HTML error page, a wrong AWS_ENDPOINT_URL), what the endpoint answered; for no
 * answer at all (connection refused, timeout), the error's name and message.
 */
export function describeError(thrown: unknown): string {
  // Duck-typed: errors made by Node itself (ECONNREFUSED) fail `instanceof Error` in another realm, such as jest's.
  if (typeof (thrown as Error | undefined)?.message !== "string") return `thrown ${oneLine(String(thrown))}`;
  const error = thrown as Error & SdkErrorFields;
  const { code, $fault, $metadata, $response } = error;
  // The SDK appends a hint about its hidden $response field; meaningless in a report.
  const message = oneLine(error.message.replace(/Deserialization error:[\s\S]*$/, ""));
  const status = $metadata?.httpStatusCode ?? $response?.statusCode;
  // An AWS error answer is a ServiceException ($fault set). An answer the SDK failed to
  // parse keeps the parser's error (a SyntaxError for HTML) with the HTTP status attached.
  if ($fault === undefined && status !== undefined) {
    const contentType = Object.entries($response?.headers ?? {}).find(([name]) => name.toLowerCase() === "content-type")?.[1];
    const html = /html/i.test(contentType ?? "") || /Unexpected token '<'/.test(message);
    const what = html ? "HTML, not JSON" : error.name === "SyntaxError" ? "non-JSON" : "an answer the SDK could not read";
    return `the endpoint answered ${what} (${[`HTTP ${status}`, contentType].filter(Boolean).join(", ")}): ${error.name}: ${message}`;
  }
  if (status !== undefined) {
    const requestId = $metadata?.requestId ? `, request ${$metadata.requestId}` : "";
    return `${error.name} (HTTP ${status}${requestId}): ${message}`;
  }
  const name = code && !message.includes(code) ? `${error.name} ${code}` : error.name;
  return `${name} (no HTTP answer): ${message}`;
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
      total = JSON.parse(execution.output ?? "").total;
    } catch (error) {
      const { name, message } = error as Error;
      return { step, ok: false, detail: `SUCCEEDED, but the output is not JSON: ${name}: ${oneLine(message)}`, ...link };
    }
    return { step, ok: total === expected, detail: `SUCCEEDED, total ${total} (expected ${expected})`, ...link };
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

  const entries: PutEventsRequestEntry[] = example("put-events-entries.json");
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

  // The rule starts its execution with a generated name: the newest one started since the put.
  async function findEventExecution(event: Execution): Promise<void> {
    const listed = await attempt(() => clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 20 })));
    if (!listed.ok) {
      Object.assign(event, { status: "UNKNOWN", problem: `list-executions failed: ${listed.reason}` });
      return;
    }
    const found = listed.value.executions?.find(
      (execution) => execution.executionArn !== directArn && (execution.startDate?.getTime() ?? 0) >= started - 1000,
    );
    if (found?.executionArn) Object.assign(event, { arn: found.executionArn, status: "RUNNING" });
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

function readOutputs(file: string | undefined): StackOutputs {
  if (file) return normalizeOutputs(JSON.parse(readFileSync(file, "utf8")));
  const stackDir = path.join(PROJECT_ROOT, "cdktf.out", "stacks", STACK_NAME);
  if (!existsSync(stackDir)) throw new Error(`${path.relative(process.cwd(), stackDir)} does not exist`);
  const result = spawnSync("terraform", ["output", "-json", "-no-color"], {
    cwd: stackDir,
    encoding: "utf8",
    env: { ...process.env, CHECKPOINT_DISABLE: "1" },
  });
  if (result.status !== 0) {
    const reason = /Error: (.*)/.exec(result.stderr ?? "")?.[1] ?? result.error?.message ?? `exit status ${result.status}`;
    throw new Error(`terraform output -json failed in ${path.relative(process.cwd(), stackDir) || "."}: ${reason}`);
  }
  return normalizeOutputs(JSON.parse(result.stdout));
}

function usageError(message: string): never {
  process.stderr.write(`${message} (usage: ${USAGE})\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let args: SmokeArguments;
  try {
    args = parseSmokeArguments(process.argv.slice(2));
  } catch (error) {
    usageError((error as Error).message);
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return;
  }
  let outputs: StackOutputs;
  try {
    outputs = readOutputs(args.outputs);
    for (const name of ["state_machine_arn", "state_machine_alias_arn", ...SERVICES.map(functionNameOutput)])
      requireOutput(outputs, name);
    if (!regionOf(outputs.state_machine_arn as string)) throw new Error(`state_machine_arn is not an ARN`);
  } catch (error) {
    process.stderr.write(
      `cannot read the stack's outputs (deploy first, or pass --outputs <file>): ${oneLine((error as Error).message)}\n`,
    );
    process.exit(2);
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
      process.stderr.write(`\r${line}   `);
    },
  });
  if (waited) process.stderr.write("\n");
  process.stdout.write(`${report(results)}\n`);
  process.exit(results.every((result) => result.ok) ? 0 : 1);
}

if (require.main === module) {
  main().catch((error) => {
    // Only a bug gets here (AWS errors are steps' FAIL lines); still one line, no stack trace.
    process.stderr.write(`smoke: unexpected ${describeError(error)}\n`);
    process.exit(1);
  });
}
