/**
 * npm run bench: measures synth speed, function size and load time, workflow cost and
 * local runner throughput on this machine. Every timing is the median of RUNS runs after
 * one warm-up. Prints a short table on stderr and the JSON report on stdout.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import * as path from "node:path";
import { seededMemoryStore } from "../functions/shared/default-store";
import { Injection, LocalWorkflow, RunOptions, WorkflowResult } from "../local/runner";
import { PROJECT_ROOT } from "../stacks/bundle";
import { SAMPLE_ORDER } from "../stacks/order-workflow-stack";
import { SERVICES } from "../stacks/services";

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const prices = JSON.parse(readFileSync(path.join(__dirname, "aws-prices.json"), "utf8")) as typeof import("./aws-prices.json");
const env = { ...process.env, CHECKPOINT_DISABLE: "1", LOG_LEVEL: "SILENT" };

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const round = (value: number, digits = 3) => Number(value.toFixed(digits));

/** Median wall time in seconds of a command, after one warm-up run. */
function timeCommand(command: string, args: string[], cwd: string, extraEnv: NodeJS.ProcessEnv = {}): number {
  const once = () => {
    const start = process.hrtime.bigint();
    const result = spawnSync(command, args, { cwd, env: { ...env, ...extraEnv }, stdio: "ignore" });
    if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed in ${cwd}`);
    return Number(process.hrtime.bigint() - start) / 1e9;
  };
  once();
  return median(Array.from({ length: RUNS }, once));
}

/** A project with an empty stack and the same providers: the floor any cdktf synth pays. */
function emptyStackProject(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "bench-floor-"));
  symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(dir, "node_modules"));
  writeFileSync(
    path.join(dir, "app.js"),
    [
      'const { App, TerraformStack } = require("cdktf");',
      'const { AwsProvider } = require("@cdktf/provider-aws/lib/provider");',
      'const { ArchiveProvider } = require("@cdktf/provider-archive/lib/provider");',
      "const app = new App();",
      'const stack = new TerraformStack(app, "empty");',
      'new AwsProvider(stack, "aws", {});',
      'new ArchiveProvider(stack, "archive");',
      "app.synth();",
    ].join("\n"),
  );
  writeFileSync(
    path.join(dir, "cdktf.json"),
    JSON.stringify({ language: "typescript", app: "node app.js", terraformProviders: [], terraformModules: [] }),
  );
  return dir;
}

function benchSynth() {
  const cdktf = path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf");
  // Warm: nothing changed since the last synth, esbuild is skipped. Cold: as after an edit.
  const app = timeCommand(process.execPath, ["scripts/run-app.mjs"], PROJECT_ROOT);
  const appCold = timeCommand(process.execPath, ["scripts/run-app.mjs"], PROJECT_ROOT, { CDKTF_APP_REBUILD: "1" });
  const cli = timeCommand(cdktf, ["synth"], PROJECT_ROOT);
  const floorDir = emptyStackProject();
  try {
    const floor = timeCommand(cdktf, ["synth"], floorDir);
    return {
      appSeconds: round(app),
      appAfterEditSeconds: round(appCold),
      cdktfSynthSeconds: round(cli),
      emptyStackFloorSeconds: round(floor),
      overFloor: round(cli / floor, 2),
    };
  } finally {
    rmSync(floorDir, { recursive: true, force: true });
  }
}

/** Zips as Lambda receives them (synth-time packaging), and each bundle's load time in a fresh Node process. */
function benchFunctions() {
  const outdir = mkdtempSync(path.join(tmpdir(), "bench-zips-"));
  try {
    execFileSync(process.execPath, ["scripts/run-app.mjs"], {
      cwd: PROJECT_ROOT,
      env: { ...env, LAMBDA_PACKAGING: "synth", CDKTF_OUTDIR: outdir },
    });
    const stack = JSON.parse(readFileSync(path.join(outdir, "stacks", "dev", "cdk.tf.json"), "utf8")) as {
      resource: { aws_lambda_function: Record<string, { function_name: string; filename: string }> };
    };
    const zipOf = (service: string) => {
      const fn = Object.values(stack.resource.aws_lambda_function).find((f) => f.function_name.endsWith(`-${service}`));
      if (!fn) throw new Error(`no aws_lambda_function named *-${service} in the synthesized stack`);
      return statSync(path.join(outdir, "stacks", "dev", fn.filename)).size;
    };
    const loadMs = (file: string) => {
      const probe = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
      const once = () => Number(execFileSync(process.execPath, ["-e", probe], { env }).toString());
      once();
      return median(Array.from({ length: RUNS }, once));
    };
    const emptyModule = path.join(outdir, "empty.js");
    writeFileSync(emptyModule, "");
    const baseline = loadMs(emptyModule);
    return Object.fromEntries(
      SERVICES.map((service) => {
        const bundle = path.join(PROJECT_ROOT, ".build", "functions", service, "index.js");
        return [
          service,
          {
            zipBytes: zipOf(service),
            bundleBytes: statSync(bundle).size,
            loadMs: round(Math.max(0, loadMs(bundle) - baseline), 2),
          },
        ];
      }),
    );
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** Cost of one million executions that follow `result`'s path, per workflow type and architecture. */
export function costPerMillion(result: Pick<WorkflowResult, "transitions" | "invocations" | "requestUnits">) {
  const { stepFunctions: sfn, lambda, dynamodb, assumptions } = prices;
  // The services' state: the same for both workflow types and architectures.
  const state =
    result.requestUnits.read * dynamodb.onDemandPerReadRequestUnit +
    result.requestUnits.write * dynamodb.onDemandPerWriteRequestUnit;
  const invocations = result.invocations.length;
  const lambdaGbSeconds = ((invocations * assumptions.lambdaBilledMsPerInvocation) / 1000) * (assumptions.lambdaMemoryMb / 1024);
  const lambdaCost = (architecture: "x86_64" | "arm64") =>
    invocations * lambda.perRequest + lambdaGbSeconds * lambda.perGbSecond[architecture];
  const expressMs = Math.max(
    sfn.expressMinimumBilledMs,
    invocations * assumptions.lambdaBilledMsPerInvocation + result.transitions * assumptions.expressOverheadMsPerTransition,
  );
  const express = sfn.expressPerRequest + (expressMs / 1000) * (sfn.expressBilledMemoryMb / 1024) * sfn.expressPerGbSecond;
  const standard = result.transitions * sfn.standardPerStateTransition;
  const perMillion = (value: number) => round(value * 1e6, 2);
  return {
    STANDARD: {
      x86_64: perMillion(standard + lambdaCost("x86_64") + state),
      arm64: perMillion(standard + lambdaCost("arm64") + state),
    },
    EXPRESS: {
      x86_64: perMillion(express + lambdaCost("x86_64") + state),
      arm64: perMillion(express + lambdaCost("arm64") + state),
    },
    dynamoDbShare: perMillion(state),
  };
}

/** Every path the closing note and the README list, each run on a fresh store (the duplicate runs its event twice). */
export async function workflowPaths(workflow = new LocalWorkflow()) {
  // The same orders `npm run workflow` users try: examples/failures/<kind>.json, examples/order-submitted-event.json.
  const example = (file: string): unknown => JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", file), "utf8"));
  const event = example("order-submitted-event.json") as { id: string; detail: Record<string, unknown> };
  const eventInput = { ...event.detail, eventId: event.id };
  const inject = (...injections: Injection[]): RunOptions => ({ inject: injections });
  const paths: Record<string, [unknown, RunOptions?]> = {
    happy: [SAMPLE_ORDER],
    "InvalidInput (userId)": [{ userId: "not valid!", orderData: SAMPLE_ORDER.orderData }],
    "InvalidInput (an item)": [example("failures/invalid-input.json")],
    PaymentDeclined: [example("failures/payment-declined.json")],
    ProductNotFound: [example("failures/product-not-found.json")],
    InsufficientInventory: [example("failures/insufficient-inventory.json")],
    "ServiceUnavailable (authorize, retries exhausted)": [
      SAMPLE_ORDER,
      inject({ service: "payment-service", action: "authorize", error: "ServiceUnavailable" }),
    ],
    "lost answer (authorize acted, then Lambda.Unknown)": [
      SAMPLE_ORDER,
      inject({ service: "payment-service", action: "authorize", error: "Lambda.Unknown", after: true }),
    ],
    "CompensationFailed (refund)": [
      example("failures/product-not-found.json"),
      inject({ service: "payment-service", action: "refund", error: "ServiceUnavailable" }),
    ],
    "CompensationFailed (release)": [
      example("failures/payment-declined.json"),
      inject({ service: "inventory-service", action: "release", error: "ServiceUnavailable" }),
    ],
    "CompensationFailed (refund and release)": [
      SAMPLE_ORDER,
      inject(
        { service: "payment-service", action: "authorize", error: "Lambda.Unknown", after: true },
        { service: "payment-service", action: "refund", error: "ServiceUnavailable" },
        { service: "inventory-service", action: "release", error: "ServiceUnavailable" },
      ),
    ],
    "confirmation not delivered": [SAMPLE_ORDER, inject({ service: "notification-service", error: "ServiceUnavailable" })],
    "confirmation sent, every answer lost": [
      SAMPLE_ORDER,
      inject({ service: "notification-service", action: "confirmation", error: "Lambda.Unknown", after: true }),
    ],
    "release done, every answer lost (the check finds it)": [
      example("failures/payment-declined.json"),
      inject({ service: "inventory-service", action: "release", error: "Lambda.Unknown", after: true }),
    ],
    "CreateOrder acted, every answer lost": [
      SAMPLE_ORDER,
      inject({ service: "order-service", action: "create", error: "Lambda.Unknown", after: true }),
    ],
    duplicate: [eventInput],
    "second run of an ended execution": [SAMPLE_ORDER],
  };
  const report: Record<string, PathReport> = {};
  for (const [name, [input, options]] of Object.entries(paths)) {
    const store = seededMemoryStore();
    if (name === "duplicate") await workflow.run(input, { store });
    // The same execution (same name) a second time, after its first run completed.
    const executionName = name === "second run of an ended execution" ? "bench-second-run" : undefined;
    if (executionName) await workflow.run(input, { store, executionName });
    const result = await workflow.run(input, { ...options, store, ...(executionName ? { executionName } : {}) });
    report[name] = {
      status: result.status,
      outcome: result.error ?? (result.output as { status: string }).status,
      transitions: result.transitions,
      lambdaInvocations: result.invocations.length,
      dynamoDbRequestUnits: result.requestUnits,
      costPerMillionUsd: costPerMillion(result),
      states: result.states,
    };
  }
  return report;
}

interface PathReport {
  status: string;
  outcome: string;
  transitions: number;
  lambdaInvocations: number;
  dynamoDbRequestUnits: { read: number; write: number };
  costPerMillionUsd: ReturnType<typeof costPerMillion>;
  states: string[];
}

async function benchWorkflow() {
  const workflow = new LocalWorkflow();
  const report = await workflowPaths(workflow);
  const happy = await workflow.run(SAMPLE_ORDER, { store: seededMemoryStore() });
  const batch = 500;
  const rate = async () => {
    const start = process.hrtime.bigint();
    // A fresh store per order, or the sample would run out of PROD002 after 25.
    for (let i = 0; i < batch; i++) await workflow.run(SAMPLE_ORDER, { store: seededMemoryStore() });
    return batch / (Number(process.hrtime.bigint() - start) / 1e9);
  };
  await rate();
  const rates: number[] = [];
  for (let i = 0; i < RUNS; i++) rates.push(await rate());
  return {
    paths: report,
    costPerMillionHappyOrdersUsd: costPerMillion(happy),
    localRunnerExecutionsPerSecond: Math.round(median(rates)),
  };
}

async function main() {
  process.env.LOG_LEVEL = "SILENT";
  const started = Date.now();
  const synth = benchSynth();
  const functions = benchFunctions();
  const workflow = await benchWorkflow();
  const happy = workflow.paths.happy;
  const targets = {
    appUnder1s: synth.appSeconds < 1 && synth.appAfterEditSeconds < 1,
    cdktfSynthWithin1_3xFloor: synth.overFloor <= 1.3,
    zipsUnder30KB: Object.values(functions).every((fn) => fn.zipBytes < 30 * 1024),
    loadUnder15ms: Object.values(functions).every((fn) => fn.loadMs < 15),
    happyPathTransitions: happy.transitions,
    recipeHappyPathTransitions: 11,
    happyPathWithin10WruAnd6Rru: happy.dynamoDbRequestUnits.write <= 10 && happy.dynamoDbRequestUnits.read <= 6,
  };
  const report = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpuModel: cpus()[0]?.model,
      node: process.version,
      platform: `${process.platform}/${process.arch}`,
    },
    runsPerFigure: RUNS,
    prices: { date: prices.date, region: prices.region, source: prices.source, assumptions: prices.assumptions },
    synth,
    functions,
    workflow,
    targets,
    benchSeconds: Math.round((Date.now() - started) / 1000),
  };
  const costs = workflow.costPerMillionHappyOrdersUsd;
  const table = [
    `synth: app ${synth.appSeconds} s (after an edit ${synth.appAfterEditSeconds} s) | cdktf synth ${synth.cdktfSynthSeconds} s | empty-stack floor ${synth.emptyStackFloorSeconds} s | ratio ${synth.overFloor}`,
    ...Object.entries(functions).map(
      ([service, fn]) => `${service.padEnd(21)} zip ${fn.zipBytes} B  bundle ${fn.bundleBytes} B  load ${fn.loadMs} ms`,
    ),
    `${"path".padEnd(52)} ${"outcome".padEnd(22)} trans inv RRU WRU  USD per 1M: STANDARD EXPRESS (arm64)`,
    ...Object.entries(workflow.paths).map(
      ([name, p]) =>
        `${name.padEnd(52)} ${p.outcome.padEnd(22)} ${String(p.transitions).padStart(5)} ${String(p.lambdaInvocations).padStart(3)} ${String(p.dynamoDbRequestUnits.read).padStart(3)} ${String(p.dynamoDbRequestUnits.write).padStart(3)}  ${String(p.costPerMillionUsd.STANDARD.arm64).padStart(19)} ${String(p.costPerMillionUsd.EXPRESS.arm64).padStart(7)}`,
    ),
    `cost per 1M happy orders (USD): STANDARD x86 ${costs.STANDARD.x86_64}, arm ${costs.STANDARD.arm64} | EXPRESS x86 ${costs.EXPRESS.x86_64}, arm ${costs.EXPRESS.arm64} (DynamoDB ${costs.dynamoDbShare} of each)`,
    `local runner: ${workflow.localRunnerExecutionsPerSecond} happy executions/s`,
    `targets: ${JSON.stringify(targets)}`,
  ];
  process.stderr.write(`${table.join("\n")}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
}

if (require.main === module) void main();
