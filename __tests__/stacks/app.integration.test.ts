/**
 * A bad synth-time input as a user meets it: the app run by itself and through `cdktf synth`
 * prints the one line, no stack trace, and exits non-zero (the in-process cases:
 * stacks/app.test.ts).
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { CASES } from "../helpers/input-error-cases";
import { Run, spawnCollected } from "../helpers/cli";

const APP = path.join(PROJECT_ROOT, "scripts", "run-app.mjs");
const CDKTF = path.join(PROJECT_ROOT, "node_modules", "cdktf-cli", "bundle", "bin", "cdktf");

const work = mkdtempSync(path.join(tmpdir(), "order-workflow-input-errors-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

function run(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string } = {}): Promise<Run> {
  const env: NodeJS.ProcessEnv = { ...process.env, CHECKPOINT_DISABLE: "1", ...options.env };
  // None of the caller's own backend settings may leak into a case.
  for (const name of ["TF_CLOUD_ORGANIZATION", "TF_WORKSPACE", "TF_CLOUD_HOSTNAME", "TF_STATE_BUCKET", "TF_STATE_KEY"]) {
    if (!options.env || !(name in options.env)) delete env[name];
  }
  return spawnCollected(command, args, { cwd: options.cwd, env });
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
