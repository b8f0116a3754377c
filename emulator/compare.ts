/**
 * Every example order on both interpreters: aws-local-stepfunctions (the project's
 * LocalWorkflow, against the handlers in-process) and the emulator's Step Functions
 * (moto's own ASL interpreter, against the deployed zips). They must agree on the status,
 * the error, the cause, the output and the states entered; a disagreement names the first
 * state where the two runs part.
 *
 * Both runs use the same execution name, so the idempotency keys, and with them every id
 * the services derive, are the same. The states entered are compared as a multiset: the
 * two branches of a Parallel state run concurrently, so their order may differ.
 */
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  GetExecutionHistoryCommand,
  HistoryEvent,
  SFNClient,
  StartExecutionCommand,
} from "@aws-sdk/client-sfn";
import { readdirSync, readFileSync } from "node:fs";
import { isDeepStrictEqual } from "node:util";
import * as path from "node:path";
import { LocalWorkflow } from "../local/runner";
import { PROJECT_ROOT } from "../stacks/bundle";
import { PerService } from "../stacks/services";
import { KNOWN_DEFECTS, KnownDefect } from "./known-defects";

export interface ExampleOrder {
  /** Path relative to the project, e.g. examples/failures/payment-declined.json. */
  file: string;
  input: unknown;
}

/** examples/sample-order.json and every examples/failures/*.json. */
export function exampleOrders(root = PROJECT_ROOT): ExampleOrder[] {
  const failures = path.join("examples", "failures");
  const files = [
    path.join("examples", "sample-order.json"),
    ...readdirSync(path.join(root, failures))
      .filter((name) => name.endsWith(".json"))
      .sort()
      .map((name) => path.join(failures, name)),
  ];
  return files.map((file) => ({ file, input: JSON.parse(readFileSync(path.join(root, file), "utf8")) as unknown }));
}

export interface InterpreterRun {
  status: string;
  error?: string;
  cause?: string;
  output?: unknown;
  /** States entered, in the order the interpreter reported them. */
  states: string[];
}

export interface Comparison {
  file: string;
  executionName: string;
  local: InterpreterRun;
  emulator: InterpreterRun;
  /** "agree", "disagree" (a failure), or "blocked" by a known emulator defect. */
  verdict: "agree" | "disagree" | "blocked";
  /** For disagree and blocked: one sentence naming the state. */
  detail?: string;
  defect?: KnownDefect;
}

/** Each name with its count: the states entered as a multiset. */
function counts(states: string[]): Map<string, number> {
  const result = new Map<string, number>();
  for (const state of states) result.set(state, (result.get(state) ?? 0) + 1);
  return result;
}

/** The first state (in either run's order) entered a different number of times by the two runs. */
export function firstDifferentState(local: string[], emulator: string[]): string | undefined {
  const [a, b] = [counts(local), counts(emulator)];
  const limit = Math.max(local.length, emulator.length);
  for (let i = 0; i < limit; i++) {
    for (const state of [local[i], emulator[i]]) {
      if (state !== undefined && a.get(state) !== b.get(state)) return state;
    }
  }
  return undefined;
}

/** The last state both runs entered before `state`, for messages ("after GetUser"). */
function describeDifference(local: InterpreterRun, emulator: InterpreterRun, state: string): string {
  const times = (run: InterpreterRun) => run.states.filter((entered) => entered === state).length;
  return `state ${state} entered ${times(local)}x by aws-local-stepfunctions, ${times(emulator)}x by the emulator`;
}

/** What decides the verdict; undefined when the two runs agree. */
export function disagreement(local: InterpreterRun, emulator: InterpreterRun): string | undefined {
  const state = firstDifferentState(local.states, emulator.states);
  if (state) return describeDifference(local, emulator, state);
  const last = local.states[local.states.length - 1] ?? "(none)";
  if (local.status !== emulator.status)
    return `status ${local.status} locally, ${emulator.status} on the emulator (last state ${last})`;
  if (local.error !== emulator.error) return `error ${local.error} locally, ${emulator.error} on the emulator (state ${last})`;
  if (local.cause !== emulator.cause)
    return `cause differs at state ${last}: ${JSON.stringify(local.cause)} locally, ${JSON.stringify(emulator.cause)} on the emulator`;
  if (!isDeepStrictEqual(local.output, emulator.output)) {
    return `output differs at state ${last}: ${JSON.stringify(local.output)} locally, ${JSON.stringify(emulator.output)} on the emulator`;
  }
  return undefined;
}

async function runLocally(workflow: LocalWorkflow, input: unknown, executionName: string): Promise<InterpreterRun> {
  const states: string[] = [];
  const result = await workflow.run(input, {
    executionName,
    trace: (line) => {
      const entered = /^entered (.+) \([A-Za-z]+\)$/.exec(line);
      if (entered) states.push(entered[1]);
    },
  });
  return { status: result.status, error: result.error, cause: result.cause, output: result.output, states };
}

async function history(sfn: SFNClient, executionArn: string): Promise<HistoryEvent[]> {
  const events: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    events.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return events;
}

export async function waitForExecution(sfn: SFNClient, executionArn: string, timeoutMs: number) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
    if (described.status !== "RUNNING") return described;
    if (Date.now() > deadline) throw new Error(`execution ${executionArn} still RUNNING after ${timeoutMs / 1000} s`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** An emulator execution's outcome and the states it entered, from its history. */
export async function emulatorRun(sfn: SFNClient, executionArn: string, timeoutMs: number) {
  const described = await waitForExecution(sfn, executionArn, timeoutMs);
  const events = await history(sfn, executionArn);
  const run: InterpreterRun = {
    status: described.status!,
    error: described.error,
    cause: described.cause,
    output: described.output === undefined ? undefined : JSON.parse(described.output),
    states: events.flatMap((event) => (event.stateEnteredEventDetails?.name ? [event.stateEnteredEventDetails.name] : [])),
  };
  return { run, events };
}

/** The known defect this emulator history ran into, and where. */
export function knownDefectIn(definition: unknown, events: HistoryEvent[]): { defect: KnownDefect; state: string } | undefined {
  for (const defect of KNOWN_DEFECTS) {
    const state = defect.hitIn!(definition, events);
    if (state) return { defect, state };
  }
  return undefined;
}

/** True when every state the emulator entered up to `state` was entered as often locally: the runs agreed until then. */
function agreedUpTo(local: string[], emulator: string[], state: string): boolean {
  const upTo = emulator.slice(0, emulator.indexOf(state) + 1);
  const localCounts = counts(local);
  return [...counts(upTo)].every(([name, times]) => (localCounts.get(name) ?? 0) >= times);
}

export interface CompareOptions {
  sfn: SFNClient;
  /** Where the orders start: the live alias. */
  stateMachineArn: string;
  /** The version the alias routes to, whose definition LocalWorkflow must match. */
  versionArn: string;
  functionArns: PerService<string>;
  orders: ExampleOrder[];
  runId: string;
  timeoutMs: number;
}

/** Runs every order on both interpreters (the emulator's side by side) and compares them. */
export async function compareInterpreters(
  options: CompareOptions,
): Promise<{ definitionDiffers?: string; comparisons: Comparison[] }> {
  const { sfn } = options;
  const workflow = new LocalWorkflow({ functionArns: options.functionArns });
  // The comparison is only meaningful when both interpreters run the same program.
  const deployed: unknown = JSON.parse(
    (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: options.versionArn }))).definition ?? "null",
  );
  const definitionDiffers = isDeepStrictEqual(deployed, JSON.parse(JSON.stringify(workflow.definition)))
    ? undefined
    : "the deployed definition is not the one LocalWorkflow builds for the deployed function ARNs";

  const started = await Promise.all(
    options.orders.map(async (order, index) => {
      const executionName = `compare-${options.runId}-${index}-${path.basename(order.file, ".json")}`.slice(0, 80);
      const { executionArn } = await sfn.send(
        new StartExecutionCommand({
          stateMachineArn: options.stateMachineArn,
          name: executionName,
          input: JSON.stringify(order.input),
        }),
      );
      return { order, executionName, executionArn: executionArn! };
    }),
  );
  const comparisons: Comparison[] = [];
  for (const { order, executionName, executionArn } of started) {
    const local = await runLocally(workflow, order.input, executionName);
    const { run: emulator, events } = await emulatorRun(sfn, executionArn, options.timeoutMs);
    const detail = disagreement(local, emulator);
    const hit = detail ? knownDefectIn(deployed, events) : undefined;
    if (hit && agreedUpTo(local.states, emulator.states, hit.state)) {
      comparisons.push({
        file: order.file,
        executionName,
        local,
        emulator,
        verdict: "blocked",
        detail: `blocked at state ${hit.state} by known emulator defect ${hit.defect.id}; the runs agreed until then`,
        defect: hit.defect,
      });
    } else {
      comparisons.push({ file: order.file, executionName, local, emulator, verdict: detail ? "disagree" : "agree", detail });
    }
  }
  return { definitionDiffers, comparisons };
}
