/**
 * `cdktf deploy`, `destroy` and `output` as ops teams run them in CI, with a stand-in
 * `terraform` first on the PATH that records how the CLI calls it: the flags must reach
 * Terraform, inside the synthesized stack directory, with no prompt.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { normalizeOutputs } from "../../scripts/smoke";

const work = mkdtempSync(path.join(tmpdir(), "order-workflow-cdktf-cli-"));
const outdir = path.join(work, "cdktf.out");
// One stack per environment (env/<environment>.tfvars): the CLI is told which one.
const stackDir = path.join(outdir, "stacks", "prod");
const log = path.join(work, "terraform-calls.log");

writeFileSync(
  path.join(work, "terraform"),
  `#!/usr/bin/env node
// Records each call; answers like Terraform after a successful apply.
const fs = require("node:fs");
const args = process.argv.slice(2);
fs.appendFileSync(${JSON.stringify(log)}, process.cwd() + " :: " + args.join(" ") + "\\n");
if (args[0] === "version" && args[1] === "-json") {
  console.log(JSON.stringify({ terraform_version: "1.11.4", platform: "linux_amd64", provider_selections: {}, terraform_outdated: false }));
} else if (args[0] === "-v" || args[0] === "version") {
  console.log("Terraform v1.11.4\\non linux_amd64");
} else if (args[0] === "output") {
  const outputs = JSON.parse(fs.readFileSync("cdk.tf.json", "utf8")).output;
  const value = (name) => (name === "lambda_log_group_names" ? { "user-service": "/aws/lambda/x" } : "value-of-" + name);
  console.log(JSON.stringify(Object.fromEntries(Object.keys(outputs).map((name) => [name, { value: value(name), type: "string", sensitive: false }]))));
}
`,
);
chmodSync(path.join(work, "terraform"), 0o755);

afterAll(() => rmSync(work, { recursive: true, force: true }));

/** Runs the project's cdktf CLI; returns the Terraform calls it made, as "<dir> :: <args>". */
function cdktf(args: string[]): { status: number | null; output: string; calls: string[] } {
  writeFileSync(log, "");
  const result = spawnSync(path.join(PROJECT_ROOT, "node_modules", ".bin", "cdktf"), [...args, "--output", outdir], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 120000,
    env: { ...process.env, PATH: `${work}:${process.env.PATH}`, CHECKPOINT_DISABLE: "1", CI: "1" },
  });
  const calls = readFileSync(log, "utf8").trim().split("\n").filter(Boolean);
  return { status: result.status, output: `${result.stdout}${result.stderr}`, calls };
}

const inStack = (calls: string[]) =>
  calls.filter((call) => call.startsWith(`${stackDir} :: `)).map((call) => call.slice(stackDir.length + 4));

describe("cdktf CLI", () => {
  test("GIVEN --auto-approve, --var and --var-file WHEN deploying THEN terraform apply gets them in the stack directory, and the outputs file is written", () => {
    const varFile = path.join(PROJECT_ROOT, "env", "prod.tfvars");
    const outputsFile = path.join(work, "outputs.json");
    const { status, calls } = cdktf([
      "deploy",
      "prod",
      "--auto-approve",
      "--var=environment=prod",
      `--var-file=${varFile}`,
      `--outputs-file=${outputsFile}`,
    ]);
    expect(status).toBe(0);
    expect(inStack(calls)).toEqual([
      "init",
      "providers lock -platform=linux_amd64",
      `apply -auto-approve -var=environment=prod -var-file=${varFile}`,
      "output -json",
    ]);
    // The file npm run smoke -- --outputs reads.
    expect(normalizeOutputs(JSON.parse(readFileSync(outputsFile, "utf8")))).toMatchObject({
      state_machine_arn: "value-of-state_machine_arn",
      user_service_function_name: "value-of-user_service_function_name",
    });
  }, 120000);

  test("destroy --auto-approve passes its variables to terraform destroy", () => {
    const { status, calls } = cdktf(["destroy", "prod", "--auto-approve", "--var=project_name=orders-prod-2"]);
    expect(status).toBe(0);
    expect(inStack(calls)).toContain("destroy -auto-approve -var=project_name=orders-prod-2");
  }, 120000);

  test("output shows the stack's outputs", () => {
    const { status, output, calls } = cdktf(["output", "prod"]);
    expect(status).toBe(0);
    expect(inStack(calls)).toContain("output -json");
    expect(output).toContain("state_machine_arn = value-of-state_machine_arn");
  }, 120000);
});

test("with one stack per environment, a command that names none is refused by the CLI, listing them", () => {
  const { status, output } = cdktf(["deploy", "--auto-approve"]);
  expect(status).not.toBe(0);
  expect(output).toMatch(/dev/);
  expect(output).toMatch(/prod/);
}, 120000);
