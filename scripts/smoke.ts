/**
 * npm run smoke [-- --outputs <file>] [--timeout <seconds>]
 *
 * After a deploy: invokes each function once, starts an execution of the sample order,
 * puts the sample "Order Submitted" event, waits for both executions with a progress
 * line, and reports pass or fail per step with each execution's console link. Uses the
 * stack's outputs (a `cdktf deploy --outputs-file` file, `terraform output -json`, or by
 * default `terraform output -json` in cdktf.out/stacks/microservices-stepfn) and the usual
 * AWS credentials. Exit status 0 when every step passed, 1 otherwise, 2 on bad arguments.
 */
import { DescribeExecutionCommand, ListExecutionsCommand, SFNClient, StartExecutionCommand } from "@aws-sdk/client-sfn";
import { EventBridgeClient, PutEventsCommand, PutEventsRequestEntry } from "@aws-sdk/client-eventbridge";
import { InvokeCommand, LambdaClient } from "@aws-sdk/client-lambda";
import { spawnSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/bundle";
import { SAMPLE_ORDER, STACK_NAME } from "../stacks/order-workflow-stack";
import { SERVICES } from "../stacks/services";

export type StackOutputs = Record<string, unknown>;

export interface SmokeClients {
  lambda: LambdaClient;
  sfn: SFNClient;
  events: EventBridgeClient;
}

export interface StepResult {
  step: string;
  ok: boolean;
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

const example = (file: string) => JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", file), "utf8"));

/** Accepts `terraform output -json` ({ name: { value } }) and `cdktf deploy --outputs-file` ({ stack: { name: value } }). */
export function normalizeOutputs(raw: Record<string, any>): StackOutputs {
  const stackLevel = raw[STACK_NAME];
  const flat = stackLevel && typeof stackLevel === "object" && !("value" in stackLevel) ? stackLevel : raw;
  return Object.fromEntries(
    Object.entries(flat).map(([name, entry]) => [
      name,
      entry !== null && typeof entry === "object" && "value" in entry ? entry.value : entry,
    ]),
  );
}

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

export async function runSmoke(options: SmokeOptions): Promise<StepResult[]> {
  const { clients, outputs } = options;
  const progress = options.progress ?? (() => undefined);
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 180000;
  const pollMs = options.pollMs ?? 2000;
  const stateMachineArn = requireOutput(outputs, "state_machine_arn");
  const results: StepResult[] = [];

  for (const service of SERVICES) {
    const functionName = requireOutput(outputs, `${service.replace(/-/g, "_")}_function_name`);
    try {
      const response = await clients.lambda.send(
        new InvokeCommand({ FunctionName: functionName, Payload: Buffer.from(JSON.stringify(example(`${service}.json`))) }),
      );
      const payload = response.Payload ? new TextDecoder().decode(response.Payload) : "";
      const ok = response.StatusCode === 200 && !response.FunctionError;
      results.push({ step: `invoke ${functionName}`, ok, detail: ok ? "answered" : `${response.FunctionError}: ${payload}` });
    } catch (error) {
      results.push({ step: `invoke ${functionName}`, ok: false, detail: (error as Error).message });
    }
  }

  const started = now();
  const direct = await clients.sfn.send(
    new StartExecutionCommand({ stateMachineArn, name: `smoke-${options.runId}`, input: JSON.stringify(SAMPLE_ORDER) }),
  );
  results.push({
    step: "start-execution (sample order)",
    ok: Boolean(direct.executionArn),
    detail: direct.executionArn ?? "no execution ARN",
  });

  const entries: PutEventsRequestEntry[] = example("put-events-entries.json");
  const put = await clients.events.send(new PutEventsCommand({ Entries: entries }));
  const putOk = put.FailedEntryCount === 0;
  results.push({
    step: "put-events (Order Submitted)",
    ok: putOk,
    detail: putOk ? `event ${put.Entries?.[0]?.EventId}` : JSON.stringify(put.Entries),
  });

  // The rule starts its execution with a generated name: the newest one started since the put.
  let eventExecutionArn: string | undefined;
  const executions: Record<string, { arn?: string; status: string; output?: string; error?: string; cause?: string }> = {
    direct: { arn: direct.executionArn, status: "RUNNING" },
    event: { status: putOk ? "WAITING" : "NOT_SENT" },
  };
  const deadline = now() + timeoutMs;
  while (now() < deadline) {
    if (putOk && !eventExecutionArn) {
      const listed = await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 20 }));
      eventExecutionArn = listed.executions?.find(
        (execution) => execution.executionArn !== direct.executionArn && (execution.startDate?.getTime() ?? 0) >= started - 1000,
      )?.executionArn;
      if (eventExecutionArn) executions.event = { arn: eventExecutionArn, status: "RUNNING" };
    }
    for (const execution of Object.values(executions)) {
      if (execution.arn && execution.status === "RUNNING") {
        const described = await clients.sfn.send(new DescribeExecutionCommand({ executionArn: execution.arn }));
        Object.assign(execution, {
          status: described.status,
          output: described.output,
          error: described.error,
          cause: described.cause,
        });
      }
    }
    progress(
      `waiting: direct ${executions.direct.status}, event ${executions.event.status} (${Math.round((now() - started) / 1000)} s)`,
    );
    if (Object.values(executions).every((execution) => !["RUNNING", "WAITING"].includes(execution.status))) break;
    await sleep(pollMs);
  }

  for (const [which, execution] of Object.entries(executions) as [
    keyof typeof EXPECTED_TOTALS,
    (typeof executions)["direct"],
  ][]) {
    const total = execution.output ? JSON.parse(execution.output).total : undefined;
    const ok = execution.status === "SUCCEEDED" && total === EXPECTED_TOTALS[which];
    results.push({
      step: `${which === "direct" ? "sample order" : "event"} execution completes`,
      ok,
      detail:
        execution.status === "SUCCEEDED"
          ? `SUCCEEDED, total ${total} (expected ${EXPECTED_TOTALS[which]})`
          : execution.status === "FAILED"
            ? `FAILED: ${execution.error}: ${execution.cause}`
            : `${execution.status} after ${Math.round(timeoutMs / 1000)} s`,
      ...(execution.arn ? { link: consoleLink(execution.arn) } : {}),
    });
  }
  return results;
}

export function report(results: StepResult[]): string {
  return results
    .map(
      (result) =>
        `${result.ok ? "PASS" : "FAIL"}  ${result.step}: ${result.detail}${result.link ? `\n      ${result.link}` : ""}`,
    )
    .join("\n");
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

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const option = (name: string) => {
    const index = args.indexOf(name);
    return index >= 0 ? args[index + 1] : undefined;
  };
  let outputs: StackOutputs;
  try {
    outputs = readOutputs(option("--outputs"));
    requireOutput(outputs, "state_machine_arn");
  } catch (error) {
    process.stderr.write(
      `cannot read the stack's outputs (deploy first, or pass --outputs <file>): ${(error as Error).message}\n`,
    );
    process.exit(2);
  }
  const region = regionOf(outputs.state_machine_arn as string);
  const clients = {
    lambda: new LambdaClient({ region }),
    sfn: new SFNClient({ region }),
    events: new EventBridgeClient({ region }),
  };
  const results = await runSmoke({
    outputs,
    clients,
    runId: new Date().toISOString().replace(/[^0-9]/g, ""),
    timeoutMs: Number(option("--timeout") ?? 180) * 1000,
    progress: (line) => process.stderr.write(`\r${line}   `),
  });
  process.stderr.write("\n");
  process.stdout.write(`${report(results)}\n`);
  process.exit(results.every((result) => result.ok) ? 0 : 1);
}

if (require.main === module) void main();
