/**
 * npm run workflow -- [--trace] [--event] [--inject <service>=<ErrorName>[:<times>]]... <input.json>
 *
 * Runs the workflow locally and prints one JSON object on stdout (DESIGN.md section 4).
 * Exit status: 0 SUCCEEDED, 1 FAILED, 2 bad arguments or input file, 3 event not matched.
 */
import { setLogSink } from "../functions/shared/logger";
import { SERVICES, ServiceName } from "../stacks/services";
import { fail, readJsonFile } from "./cli-input";
import { applyInputPath, matchesPattern } from "./event-rule";
import { Injection, LocalWorkflow } from "./runner";

const USAGE = "npm run workflow -- [--trace] [--event] [--inject <service>=<ErrorName>[:<times>]]... <input.json>";

export function parseInjection(text: string): Injection {
  const match = /^([a-z-]+)=([A-Za-z0-9_.]+)(?::(\d+))?$/.exec(text);
  if (!match)
    throw new Error(`--inject ${text}: expected <service>=<ErrorName>[:<times>], e.g. payment-service=ServiceUnavailable:2`);
  const [, service, error, times] = match;
  if (!(SERVICES as readonly string[]).includes(service)) {
    throw new Error(`--inject ${text}: unknown service ${service} (one of: ${SERVICES.join(", ")})`);
  }
  return { service: service as ServiceName, error, times: times === undefined ? undefined : Number(times) };
}

export interface WorkflowArguments {
  trace: boolean;
  event: boolean;
  inject: Injection[];
  file?: string;
}

export function parseArguments(args: string[]): WorkflowArguments {
  const parsed: WorkflowArguments = { trace: false, event: false, inject: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--trace") parsed.trace = true;
    else if (arg === "--event") parsed.event = true;
    else if (arg === "--inject") parsed.inject.push(parseInjection(args[++i] ?? ""));
    else if (arg.startsWith("--inject=")) parsed.inject.push(parseInjection(arg.slice("--inject=".length)));
    else if (arg.startsWith("-")) throw new Error(`unknown option ${arg}`);
    else if (parsed.file === undefined) parsed.file = arg;
    else throw new Error(`unexpected argument ${arg}: give one input file`);
  }
  return parsed;
}

async function main(): Promise<void> {
  let args: WorkflowArguments;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (error) {
    fail(`${(error as Error).message}\nUsage: ${USAGE}`);
  }
  let input = readJsonFile(args.file, USAGE);
  const trace = args.trace ? (line: string) => process.stderr.write(`[trace] ${line}\n`) : undefined;
  if (args.trace) setLogSink((line) => process.stderr.write(line));
  else process.env.LOG_LEVEL = "SILENT";

  if (args.event) {
    // Loaded only here: synthesizing the stack costs a second that plain runs need not pay.
    const { synthesizeTrigger } = await import("./synthesized-trigger");
    const trigger = synthesizeTrigger();
    if (!matchesPattern(trigger.eventPattern, input)) {
      process.stdout.write(`${JSON.stringify({ status: "NOT_MATCHED" })}\n`);
      process.exit(3);
    }
    input = applyInputPath(trigger.inputPath, input);
    trace?.(`event matched the rule; execution input is ${trigger.inputPath ?? "the whole event"}`);
  }

  const result = await new LocalWorkflow().run(input, { inject: args.inject, trace });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  process.exit(result.status === "SUCCEEDED" ? 0 : 1);
}

if (require.main === module) void main();
