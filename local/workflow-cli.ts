/**
 * npm run workflow -- [options] <input.json>...
 *
 * Runs the workflow locally, one execution per file, one after another in one process
 * and on one store (stock, orders and idempotency records carry over from file to file),
 * and prints one JSON object per file on stdout (docs/local-runner.md).
 */
import { setLogSink } from "../functions/shared/logger";
import { MemoryStore } from "../functions/shared/memory-store";
import { executionNameProblem } from "../functions/shared/validation";
import { SERVICES, ServiceName } from "../stacks/services";
import { CliIO, fail, readJsonFile, runAsCommand, withInputErrors } from "./cli-input";
import { executionInputFor } from "./event-rule";
import { unknownErrorProblem } from "./injectable-errors";
import { MAX_INPUT_DEPTH } from "./input-limits";
import { Injection, LocalWorkflow, WorkflowResult } from "./runner";
import { stateSnapshot } from "./state-snapshot";

/** The actions each service has, as the workflow calls them. */
export const SERVICE_ACTIONS: Record<ServiceName, string[]> = {
  "user-service": ["get"],
  "order-service": ["create", "close"],
  "payment-service": ["authorize", "refund", "status"],
  "inventory-service": ["reserve", "release", "status"],
  "notification-service": ["confirmation", "failure"],
};

/** `user-service.get, order-service.create|close, ...`, for the usage, in lines of at most 110 characters. */
const servicesAndActions = SERVICES.map((service) => `${service}.${SERVICE_ACTIONS[service].join("|")}`).reduce(
  (text, item) => `${text},${text.length - text.lastIndexOf("\n") + item.length > 108 ? "\n" : " "}${item}`,
);

export const USAGE = `Usage: npm run workflow -- [options] <input.json>...

Runs the workflow definition on the real handlers, one execution per file, in order,
sharing the services' state; prints one JSON result per file on stdout.

Options:
  --name <executionName>  run every file as an execution of that name (two files: a second run of it);
                          by default each run has a name of its own
  --state                 after the results, print one line {"state": {"stock", "orders", "payments"}}
  --trace                 print each state entered, exited, retried and caught on stderr
  --event                 each file is an EventBridge event: the synthesized rule and target apply first
  --inject <service>[.<action>]=<ErrorName>[:<times>]
                          the first <times> calls (default: all) fail with <ErrorName> before the handler runs
  --inject-after <service>[.<action>]=<ErrorName>[:<times>]
                          the handler runs and acts, then the call fails: the answer is lost
  --help                  print this text

Services and actions: ${servicesAndActions}.
Input files: JSON, at most 262144 bytes (Step Functions' input limit), nested at most ${MAX_INPUT_DEPTH} deep.
Exit status: 0 every run SUCCEEDED, 1 a run FAILED, 2 bad arguments or input file (nothing run),
3 an event did not match the rule.`;

export function parseInjection(text: string, option = "--inject"): Injection {
  const match = /^([a-z-]+)(?:\.([a-z]+))?=([A-Za-z0-9_.]+)(?::(\d+))?$/.exec(text);
  if (!match) {
    throw new Error(
      `${option} ${text}: expected <service>[.<action>]=<ErrorName>[:<times>], e.g. payment-service.refund=ServiceUnavailable:2`,
    );
  }
  const [, service, action, error, times] = match;
  if (!(SERVICES as readonly string[]).includes(service)) {
    throw new Error(`${option} ${text}: unknown service ${service} (one of: ${SERVICES.join(", ")})`);
  }
  const actions = SERVICE_ACTIONS[service as ServiceName];
  if (action !== undefined && !actions.includes(action)) {
    throw new Error(`${option} ${text}: ${service} has no action ${action} (its actions: ${actions.join(", ")})`);
  }
  const unknownError = unknownErrorProblem(error);
  if (unknownError) throw new Error(`${option} ${text}: ${unknownError}`);
  return {
    service: service as ServiceName,
    ...(action === undefined ? {} : { action }),
    error,
    times: times === undefined ? undefined : Number(times),
    ...(option === "--inject-after" ? { after: true } : {}),
  };
}

export interface WorkflowArguments {
  help: boolean;
  trace: boolean;
  state: boolean;
  name?: string;
  event: boolean;
  inject: Injection[];
  files: string[];
}

export function parseArguments(args: string[]): WorkflowArguments {
  const parsed: WorkflowArguments = { help: false, trace: false, state: false, event: false, inject: [], files: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const [option, inlineValue] =
      arg.startsWith("--") && arg.includes("=")
        ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)]
        : [arg, undefined];
    if (arg === "--help" || arg === "-h") parsed.help = true;
    else if (arg === "--trace") parsed.trace = true;
    else if (arg === "--event") parsed.event = true;
    else if (arg === "--state") parsed.state = true;
    else if (option === "--name") {
      const value = inlineValue ?? args[++i];
      if (value === undefined) throw new Error("--name needs a value: the execution's name");
      const problem = executionNameProblem(value);
      // StartExecution would refuse it: no run of it could ever happen on AWS.
      if (problem) throw new Error(`--name ${JSON.stringify(value)}: an execution name ${problem}`);
      parsed.name = value;
    } else if (option === "--inject" || option === "--inject-after") {
      const value = inlineValue ?? args[++i];
      if (value === undefined) throw new Error(`${option} needs a value: <service>[.<action>]=<ErrorName>[:<times>]`);
      parsed.inject.push(parseInjection(value, option));
    } else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
    else parsed.files.push(arg);
  }
  if (!parsed.help && parsed.files.length === 0) throw new Error("missing input file");
  return parsed;
}

type Printed = WorkflowResult | { status: "NOT_MATCHED"; field: string; reason: string };

/** 3 when an event matched nothing, else 1 when a run failed, else 0. */
export function exitStatus(results: Printed[]): number {
  if (results.some((result) => result.status === "NOT_MATCHED")) return 3;
  return results.some((result) => result.status === "FAILED") ? 1 : 0;
}

/** The command: its output through `io`, its exit status returned (docs/local-runner.md). */
export async function main(argv: string[], io: CliIO): Promise<number> {
  return withInputErrors(io, async () => {
    let args: WorkflowArguments;
    try {
      args = parseArguments(argv);
    } catch (error) {
      fail(`${(error as Error).message}\n${USAGE}`);
    }
    if (args.help) {
      io.stdout(`${USAGE}\n`);
      return 0;
    }
    // Every file is read and checked before anything runs.
    const inputs = args.files.map((file) => readJsonFile(file, undefined, io.cwd));
    const trace = args.trace ? (line: string) => io.stderr(`[trace] ${line}\n`) : undefined;
    if (args.trace) setLogSink((line) => io.stderr(line));
    else process.env.LOG_LEVEL = "SILENT";

    // Loaded only for --event: synthesizing the stack costs a second that plain runs need not pay.
    const trigger = args.event ? (await import("./synthesized-trigger")).synthesizeTrigger() : undefined;
    const workflow = new LocalWorkflow();
    const results: Printed[] = [];
    for (const [index, file] of args.files.entries()) {
      let input = inputs[index];
      let result: Printed;
      if (trigger) {
        const mapped = executionInputFor(trigger, input);
        if (!mapped.matched) {
          result = { status: "NOT_MATCHED", field: mapped.field, reason: mapped.reason };
          results.push(result);
          io.stdout(`${JSON.stringify(args.files.length > 1 ? { file, ...result } : result)}\n`);
          continue;
        }
        input = mapped.input;
        trace?.(`${file}: the event matched the rule; execution input ${JSON.stringify(input)}`);
      }
      result = await workflow.run(input, { inject: args.inject, trace, executionName: args.name });
      results.push(result);
      io.stdout(`${JSON.stringify(args.files.length > 1 ? { file, ...result } : result, null, 2)}\n`);
    }
    if (args.state) io.stdout(`${JSON.stringify({ state: await stateSnapshot(workflow.store as MemoryStore) })}\n`);
    return exitStatus(results);
  });
}

if (require.main === module) runAsCommand(main);
