/**
 * Every synth-time input that breaks its rule (environment variables and cdktf.json
 * context entries) fails the synth with one line naming the input, the rule and the
 * value, no stack trace, and a non-zero exit status: when the app runs by itself, and
 * through `cdktf synth`, which frames the app's stderr with its own report.
 *
 * Every case is checked in-process, where the app adds its stacks (stacks/app.ts): the
 * refusal and its exact line. A few also run as the app itself and through cdktf, each a
 * process that loads cdktf and the provider bindings: they show how main.ts prints that line.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { addEnvironmentStacks } from "../stacks/app";
import { PROJECT_ROOT } from "../stacks/bundle";
import { InputError } from "../stacks/input-error";
import { testApp } from "./helpers/synth";

const APP = path.join(PROJECT_ROOT, "scripts", "run-app.mjs");
const CDKTF = path.join(PROJECT_ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");

const work = mkdtempSync(path.join(tmpdir(), "order-workflow-input-errors-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", ...options.env };
    // None of the caller's own backend settings may leak into a case.
    for (const name of ["TF_CLOUD_ORGANIZATION", "TF_WORKSPACE", "TF_CLOUD_HOSTNAME", "TF_STATE_BUCKET", "TF_STATE_KEY"]) {
      if (!options.env || !(name in options.env)) delete env[name];
    }
    const child = spawn(command, args, { cwd: options.cwd ?? PROJECT_ROOT, env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The app as cdktf runs it: context comes in CDKTF_CONTEXT_JSON, as the CLI passes cdktf.json's. */
const runApp = (env: NodeJS.ProcessEnv, context?: object) =>
  run(process.execPath, [APP], {
    env: {
      ...env,
      CDKTF_OUTDIR: path.join(work, "direct.out"),
      ...(context ? { CDKTF_CONTEXT_JSON: JSON.stringify(context) } : {}),
    },
  });

type Case = [what: string, env: NodeJS.ProcessEnv, context: object | undefined, line: string];

const CASES: Case[] = [
  ["LAMBDA_PACKAGING", { LAMBDA_PACKAGING: "zip" }, undefined, 'LAMBDA_PACKAGING must be one of: archive, synth (got "zip")'],
  [
    "TF_STATE_BUCKET",
    { TF_STATE_BUCKET: "Acme_State" },
    undefined,
    'TF_STATE_BUCKET "Acme_State" is not a valid S3 bucket name: it may contain only lowercase letters, digits, dots (.) and hyphens (-)',
  ],
  [
    "TF_STATE_KEY",
    { TF_STATE_BUCKET: "acme-state", TF_STATE_KEY: "/orders/terraform.tfstate" },
    undefined,
    'TF_STATE_KEY "/orders/terraform.tfstate" is not a valid S3 state key: it must not start or end with "/"',
  ],
  [
    "TF_STATE_REGION",
    { TF_STATE_BUCKET: "acme-state", TF_STATE_REGION: "Europe" },
    undefined,
    'TF_STATE_REGION "Europe" is not a valid AWS Region: it must be a Region code such as "eu-west-1"',
  ],
  [
    "TF_STATE_KEY without a bucket",
    { TF_STATE_KEY: "orders/terraform.tfstate" },
    undefined,
    'TF_STATE_KEY is set but no state bucket is: set TF_STATE_BUCKET (or "s3State": { "bucket" } in cdktf.json context), or unset TF_STATE_KEY for local state',
  ],
  [
    "TF_CLOUD_ORGANIZATION",
    { TF_CLOUD_ORGANIZATION: "acme corp" },
    { terraformCloud: { workspace: "orders-{stack}" } },
    'TF_CLOUD_ORGANIZATION "acme corp" is not a valid Terraform Cloud organization: it may contain only letters, digits, "-" and "_"',
  ],
  [
    "TF_CLOUD_ORGANIZATION without TF_WORKSPACE",
    { TF_CLOUD_ORGANIZATION: "acme" },
    undefined,
    'Terraform Cloud organization "acme" needs a workspace: set TF_WORKSPACE (or "terraformCloud": { "organization", "workspace" } in cdktf.json context), or unset the organization for local state',
  ],
  [
    "TF_WORKSPACE with a stack per environment",
    { TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "orders" },
    undefined,
    'TF_WORKSPACE names one Terraform Cloud workspace, and the app has one stack per environment (dev, prod): name them with "terraformCloud": { "workspace": "orders-{stack}" } in cdktf.json context, and unset TF_WORKSPACE (Terraform itself reads it, and would select that one workspace for every stack)',
  ],
  [
    "TF_CLOUD_HOSTNAME",
    { TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_HOSTNAME: "https://tfe.example.com" },
    { terraformCloud: { workspace: "orders-{stack}" } },
    'TF_CLOUD_HOSTNAME "https://tfe.example.com" is not a valid host name: it must be a host name such as "app.terraform.io", without "https://"',
  ],
  [
    "Terraform Cloud and S3 together",
    { TF_CLOUD_ORGANIZATION: "acme", TF_STATE_BUCKET: "acme-state" },
    undefined,
    "Both Terraform Cloud (TF_CLOUD_ORGANIZATION) and S3 state (TF_STATE_BUCKET) are chosen: the state can live in one place only, unset one of them",
  ],
  [
    "context terraformCloud not an object",
    {},
    { terraformCloud: "acme" },
    'cdktf.json context "terraformCloud" must be an object { "organization", "workspace", "hostname" }, got "acme"',
  ],
  [
    "context terraformCloud with a misspelt field",
    {},
    { terraformCloud: { organization: "acme", workspce: "orders" } },
    'cdktf.json context "terraformCloud" has an unknown field "workspce" (its fields: organization, workspace, hostname)',
  ],
  [
    "context terraformCloud.workspace not a string",
    {},
    { terraformCloud: { organization: "acme", workspace: 7 } },
    'cdktf.json context "terraformCloud.workspace" must be a string, got 7',
  ],
  [
    "context terraformCloud.workspace breaking the rule",
    {},
    { terraformCloud: { organization: "acme", workspace: "orders {stack}" } },
    'cdktf.json context "terraformCloud.workspace" "orders {stack}" is not a valid Terraform Cloud workspace: it may contain only letters, digits, "-" and "_"',
  ],
  [
    "context terraformCloud.workspace without {stack}",
    {},
    { terraformCloud: { organization: "acme", workspace: "orders" } },
    'cdktf.json context "terraformCloud.workspace" "orders" names one workspace, and the app has one stack per environment (dev, prod): put {stack} in it, for example "orders-{stack}"',
  ],
  [
    "TF_STATE_KEY without {stack}",
    { TF_STATE_BUCKET: "acme-state", TF_STATE_KEY: "orders/terraform.tfstate" },
    undefined,
    'TF_STATE_KEY "orders/terraform.tfstate" names one state, and the app has one stack per environment (dev, prod): put {stack} in the key (for example orders/{stack}/terraform.tfstate), or leave it out for the default microservices-stepfn/{stack}/terraform.tfstate',
  ],
  [
    "context s3State not an object",
    {},
    { s3State: ["acme-state"] },
    'cdktf.json context "s3State" must be an object { "bucket", "key", "region" }, got ["acme-state"]',
  ],
  [
    "context s3State with a misspelt field",
    {},
    { s3State: { bucekt: "acme-state" } },
    'cdktf.json context "s3State" has an unknown field "bucekt" (its fields: bucket, key, region)',
  ],
  [
    "context s3State.bucket breaking the rule",
    {},
    { s3State: { bucket: "Acme" } },
    'cdktf.json context "s3State.bucket" "Acme" is not a valid S3 bucket name: it may contain only lowercase letters, digits, dots (.) and hyphens (-)',
  ],
];

describe("the app's stacks, added in-process with the case's environment and cdktf.json context", () => {
  test.each(CASES)("%s: refused with an InputError whose message is the one line", (_what, env, context, line) => {
    let thrown: unknown;
    try {
      addEnvironmentStacks(testApp(context as Record<string, unknown> | undefined), { ...env });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).message).toBe(line);
    expect(line).not.toContain("\n");
  });
});

/** An environment variable of the packaging, one of the backend, and a cdktf.json context entry. */
const RUN_BY_ITSELF = ["LAMBDA_PACKAGING", "TF_STATE_BUCKET", "context terraformCloud not an object"].map((what) =>
  CASES.find((item) => item[0] === what)!,
);

describe("the app run by itself (node scripts/run-app.mjs)", () => {
  let runs: Run[];
  beforeAll(async () => {
    // One run first: it builds the app, which the others then reuse.
    const first = await runApp(RUN_BY_ITSELF[0][1], RUN_BY_ITSELF[0][2]);
    runs = [first, ...(await Promise.all(RUN_BY_ITSELF.slice(1).map(([, env, context]) => runApp(env, context))))];
  }, 120000);

  test.each(RUN_BY_ITSELF.map((item, index) => [item[0], index] as const))(
    "%s: exactly one line on stderr naming the input, rule and value; nothing on stdout; exit 1",
    (_what, index) => {
      const { status, stdout, stderr } = runs[index];
      expect({ status, stdout, stderr }).toEqual({ status: 1, stdout: "", stderr: `${RUN_BY_ITSELF[index][3]}\n` });
    },
  );

  test("a valid input still synthesizes (exit 0, no output on stderr)", async () => {
    const result = await runApp({ TF_STATE_BUCKET: "acme-state", TF_STATE_REGION: "eu-west-1" });
    expect([result.status, result.stderr]).toEqual([0, ""]);
  }, 60000);
});

describe("through cdktf synth", () => {
  /** The block cdktf-cli prints after "Command output on stderr:", unindented. */
  function appStderrAsReported(stderr: string): string[] {
    const block = stderr.split("Command output on stderr:\n\n")[1] ?? "";
    return block
      .split("\n\n")[0]
      .split("\n")
      .map((line) => line.replace(/^ {4}/, ""));
  }

  function expectOneLineFailure(result: Run, line: string) {
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).toBe(1);
    // No stack frame anywhere: neither in the CLI's live log nor in its report.
    expect(output).not.toMatch(/^\s+at /m);
    expect(result.stderr).toContain("ERROR: cdktf encountered an error while synthesizing");
    expect(appStderrAsReported(result.stderr)).toEqual([line]);
  }

  // One environment variable: every case reaches cdktf as the same one line on the app's stderr.
  test.each([CASES[0]])(
    "%s: cdktf reports the app's one line as its whole stderr, no stack trace, exit 1",
    async (_what, env, _context, line) => {
      expectOneLineFailure(await run(process.execPath, [CDKTF, "synth", "--output", path.join(work, "cli.out")], { env }), line);
    },
    120000,
  );

  test("a cdktf.json context entry: the same, from the project's own cdktf.json", async () => {
    const project = mkdtempSync(path.join(work, "project-"));
    const [, , context, line] = CASES.find(([what]) => what === "context s3State with a misspelt field")!;
    writeFileSync(path.join(project, "cdktf.json"), JSON.stringify({ language: "typescript", app: `node ${APP}`, context }));
    expectOneLineFailure(await run(process.execPath, [CDKTF, "synth"], { cwd: project }), line);
  }, 120000);
});
