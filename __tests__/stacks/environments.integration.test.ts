/**
 * One stack per environment (stacks/environments.ts): the app has a stack for each
 * env/<environment>.tfvars, each in its own directory with its own state and its settings
 * as <environment>.auto.tfvars, and a stack refuses another environment's settings.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { ENV_DIRECTORY, environmentFiles, projectNameIn, settingsFileName } from "../../stacks/environments";
import { findToolchain, planOffline, prepareForOfflinePlan, terraformAsync } from "../helpers/terraform";
import { describeUnless } from "../helpers/skip";
import type { TerraformJson } from "../helpers/synth";

const work = mkdtempSync(path.join(tmpdir(), "order-workflow-environments-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** The cdktf app, as `cdktf synth` runs it, into `outdir` (synth-time packaging unless `env` says otherwise). */
function synthApp(outdir: string, env: NodeJS.ProcessEnv = {}) {
  execFileSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "run-app.mjs")], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, LAMBDA_PACKAGING: "synth", CDKTF_OUTDIR: outdir, ...env },
    stdio: "pipe",
  });
}

/** A directory of settings files, as env/ would hold them. */
function settingsDirectory(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(work, "env-"));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

describe("the environments", () => {
  test("GIVEN env/dev.tfvars and env/prod.tfvars THEN two environments, dev then prod, each with its file", () => {
    expect(environmentFiles()).toEqual([
      { name: "dev", file: path.join(ENV_DIRECTORY, "dev.tfvars") },
      { name: "prod", file: path.join(ENV_DIRECTORY, "prod.tfvars") },
    ]);
    // The example of every variable is no environment.
    expect(readdirSync(ENV_DIRECTORY)).toContain("terraform.tfvars.example");
  });

  test("a settings file named after no environment is refused, naming it and the environments", () => {
    const dir = settingsDirectory({ "qa.tfvars": 'project_name = "orders-qa"\n' });
    expect(() => environmentFiles(dir)).toThrow(
      `${path.relative(PROJECT_ROOT, path.join(dir, "qa.tfvars"))}: "qa" is not an environment (the settings files are named after one of dev, test, staging, prod)`,
    );
  });

  test("two environments with one project_name are refused: their resources would be the same", () => {
    const dir = settingsDirectory({
      "dev.tfvars": '# dev\nproject_name = "orders"\n',
      "staging.tfvars": 'environment  = "staging"\n  project_name="orders"\n',
    });
    expect(() => environmentFiles(dir)).toThrow(
      'env/dev.tfvars and env/staging.tfvars both set project_name = "orders": every resource name derives from it, so the two environments would fight over the same resources',
    );
    expect(projectNameIn('x = 1\nproject_name = "a-b"\n')).toBe("a-b");
    expect(projectNameIn("x = 1\n")).toBeUndefined();
  });

  test("the committed environments have distinct project names", () => {
    const names = environmentFiles().map(({ file }) => projectNameIn(readFileSync(file, "utf8")));
    expect(names).toEqual(["orders-dev", "orders-prod"]);
  });
});

/**
 * The app synthesized once for the file: the tests below read it, then the Terraform tests
 * plan its prod stack (which adds Terraform's files to that directory only after the
 * reading tests are done).
 */
const outdir = path.join(work, "cdktf.out");
let synthesized = false;
function synthesizedApp(): string {
  if (!synthesized) synthApp(outdir);
  synthesized = true;
  return outdir;
}

describe("the app: a stack per environment", () => {
  beforeAll(() => void synthesizedApp(), 120000);
  const stackJson = (stack: string) =>
    JSON.parse(readFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson;

  test("each in its own directory, with its settings file beside its configuration, for Terraform to load by itself", () => {
    expect(readdirSync(path.join(outdir, "stacks")).sort()).toEqual(["dev", "prod"]);
    for (const stack of ["dev", "prod"]) {
      expect(readFileSync(path.join(outdir, "stacks", stack, settingsFileName(stack)), "utf8")).toBe(
        readFileSync(path.join(ENV_DIRECTORY, `${stack}.tfvars`), "utf8"),
      );
    }
  });

  test("each with its own state: local state in its own directory", () => {
    for (const stack of ["dev", "prod"])
      expect(stackJson(stack).terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });

  test("each accepts only its own environment, and defaults to it", () => {
    const environment = stackJson("prod").variable.environment;
    expect(environment.default).toBe("prod");
    expect(environment.validation).toContainEqual({
      condition: '${var.environment == "prod"}',
      error_message:
        'environment must be "prod" in the prod stack (its settings are env/prod.tfvars): another environment deploys with its own stack, cdktf deploy <environment>.',
    });
    expect(stackJson("dev").variable.environment.default).toBe("dev");
  });

  test("with S3 state, each stack's key is its own", () => {
    const s3out = path.join(work, "cdktf.out.s3");
    // The default packaging: this test reads only the backend, and archive mode zips nothing at synth time.
    synthApp(s3out, { TF_STATE_BUCKET: "acme-tf-state", LAMBDA_PACKAGING: "archive" });
    const key = (stack: string) =>
      (JSON.parse(readFileSync(path.join(s3out, "stacks", stack, "cdk.tf.json"), "utf8")) as TerraformJson).terraform.backend!.s3!
        .key;
    expect([key("dev"), key("prod")]).toEqual([
      "microservices-stepfn/dev/terraform.tfstate",
      "microservices-stepfn/prod/terraform.tfstate",
    ]);
  }, 120000);
});

const { toolchain, reason } = findToolchain();
describeUnless(toolchain ? undefined : reason, "environments with Terraform")("with Terraform", () => {
  jest.setTimeout(240000);
  let runs: { own: ReturnType<typeof planOffline>; other: ReturnType<typeof terraformAsync> };
  beforeAll(async () => {
    const prodDir = path.join(synthesizedApp(), "stacks", "prod");
    mkdirSync(prodDir, { recursive: true });
    prepareForOfflinePlan(prodDir, toolchain!);
    const init = await terraformAsync(prodDir, ["init", "-input=false"]);
    if (init.status !== 0) throw new Error(init.text);
    runs = {
      own: planOffline(prodDir, "own", []),
      other: terraformAsync(prodDir, [
        "plan",
        "-refresh=false",
        "-input=false",
        `-var-file=${path.join(ENV_DIRECTORY, "dev.tfvars")}`,
      ]),
    };
  });
  afterAll(async () => {
    await Promise.allSettled(runs ? [runs.own, runs.other] : []);
  });

  test("the prod stack plans with env/prod.tfvars without being given it: its names, its settings", async () => {
    const { plan, changes } = await runs.own;
    expect(plan.status).toBe(0);
    const workflow = changes.find((change) => change.type === "aws_sfn_state_machine")!.after;
    expect(workflow.name).toBe("orders-prod-workflow");
    const tables = changes.filter((change) => change.type === "aws_dynamodb_table");
    for (const table of tables) expect(table.after.deletion_protection_enabled).toBe(true);
  });

  test("the prod stack refuses dev's settings at plan time", async () => {
    const plan = await runs.other;
    expect(plan.status).not.toBe(0);
    expect(plan.text).toContain('environment must be "prod" in the prod stack');
  });
});
