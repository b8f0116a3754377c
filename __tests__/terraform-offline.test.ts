/**
 * The synthesized stack through the real Terraform toolchain, offline: init, validate
 * and plan with the real AWS provider from the local mirror, and the variables'
 * validation blocks rejecting bad values at plan time. Synth-time packaging, because
 * hashicorp/archive is not in the mirror (DESIGN.md section 5).
 */
import { findToolchain, prepareForOfflinePlan, terraform } from "./helpers/terraform";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { removeDirectory, synthStack, synthToDirectory } from "./helpers/synth";

/** [variable, bad value, what the refusal must say]. */
const BAD_VARIABLE_VALUES: [string, string, string][] = [
  ["project_name", "UPPER", "project_name may contain only lowercase letters"],
  ["project_name", "ab", "project_name must be 3 to 40 characters long"],
  ["project_name", "a".repeat(41), "project_name must be 3 to 40 characters long"],
  ["project_name", "ends-with-", "project_name may contain only lowercase letters"],
  ["project_name", "9starts-with-digit", "project_name may contain only lowercase letters"],
  ["project_name", "has_underscore", "project_name may contain only lowercase letters"],
  ["environment", "qa", "environment must be one of: dev, test, staging, prod."],
  ["environment", "Prod", "environment must be one of: dev, test, staging, prod."],
  ["environment", "", "environment must be one of: dev, test, staging, prod."],
  ["lambda_timeout", "0", "lambda_timeout must be a whole number of seconds from 3 to 900"],
  ["lambda_timeout", "901", "lambda_timeout must be a whole number of seconds from 3 to 900"],
  ["lambda_timeout", "2.5", "lambda_timeout must be a whole number of seconds from 3 to 900"],
  ["lambda_timeout", "-30", "lambda_timeout must be a whole number of seconds from 3 to 900"],
  ["lambda_memory_size", "64", "lambda_memory_size must be a whole number of MB from 128 to 10240"],
  ["lambda_memory_size", "20000", "lambda_memory_size must be a whole number of MB from 128 to 10240"],
  ["lambda_memory_size", "512.5", "lambda_memory_size must be a whole number of MB from 128 to 10240"],
  ["log_retention_days", "10", "log_retention_days must be one of the values CloudWatch Logs accepts"],
  ["log_retention_days", "0", "log_retention_days must be one of the values CloudWatch Logs accepts"],
  ["aws_region", "moon-base-1a", "aws_region must be a Region code"],
  ["aws_region", "US-EAST-1", "aws_region must be a Region code"],
];

const { toolchain, reason } = findToolchain();
if (!toolchain) {
  // Printed, so that a skipped run is never mistaken for a passed one.
  console.warn(`SKIPPED offline Terraform tests: ${reason}`);
}
const describeWithTerraform = toolchain ? describe : describe.skip;

describeWithTerraform("terraform init, validate and plan, offline", () => {
  let root: string | undefined;
  let stackDir: string;
  let planned: { type: string; actions: string[]; address: string; after: Record<string, unknown> }[];

  beforeAll(() => {
    ({ root, stackDir } = synthToDirectory("synth"));
    prepareForOfflinePlan(stackDir, toolchain!);
    const init = terraform(stackDir, ["init", "-input=false"]);
    expect(init.text).toContain("Terraform has been successfully initialized");
  }, 120000);

  afterAll(() => removeDirectory(root));

  test("terraform validate accepts the stack", () => {
    const validate = terraform(stackDir, ["validate"]);
    expect(validate.text).toContain("The configuration is valid");
    expect(validate.status).toBe(0);
  });

  test("terraform plan -refresh=false creates every resource of the system", () => {
    const plan = terraform(stackDir, ["plan", "-refresh=false", "-input=false", "-lock=false", "-out=offline.tfplan"]);
    expect(plan.status).toBe(0);
    const show = terraform(stackDir, ["show", "-json", "offline.tfplan"]);
    planned = JSON.parse(show.stdout).resource_changes.map((change: any) => ({
      type: change.type,
      address: change.address,
      actions: change.change.actions,
      after: change.change.after,
    }));
    const counts: Record<string, number> = {};
    for (const change of planned) {
      expect(change.actions).toEqual(["create"]);
      counts[change.type] = (counts[change.type] ?? 0) + 1;
    }
    expect(counts).toEqual({
      aws_cloudwatch_event_rule: 1,
      aws_cloudwatch_event_target: 1,
      aws_cloudwatch_log_group: 6,
      aws_iam_role: 3,
      aws_iam_role_policy: 3,
      aws_lambda_function: 5,
      aws_sfn_state_machine: 1,
    });
  });

  test("the plan resolves names and tags from the defaults", () => {
    const names = planned.filter((change) => change.type === "aws_lambda_function").map((change) => change.after.function_name);
    expect(names.sort()).toEqual([
      "microservices-stepfn-inventory-service",
      "microservices-stepfn-notification-service",
      "microservices-stepfn-order-service",
      "microservices-stepfn-payment-service",
      "microservices-stepfn-user-service",
    ]);
    const rule = planned.find((change) => change.type === "aws_cloudwatch_event_rule")!;
    expect(rule.after.name).toBe("microservices-stepfn-trigger");
    expect(rule.after.tags_all).toEqual({ Project: "microservices-stepfn", Environment: "dev", ManagedBy: "cdktf" });
  });

  test("a valid non-default set of variables plans", () => {
    const plan = terraform(stackDir, [
      "plan", "-refresh=false", "-input=false", "-lock=false",
      "-var", "project_name=shop-orders-2", "-var", "environment=prod",
      "-var", "lambda_timeout=900", "-var", "lambda_memory_size=10240",
    ]);
    expect(plan.status).toBe(0);
    expect(plan.text).toContain('"shop-orders-2-workflow"');
  });

  test.each([
    ["project_name", "UPPER", "project_name may contain only lowercase letters"],
    ["lambda_timeout", "0", "lambda_timeout must be a whole number of seconds from 3 to 900"],
  ])("the full stack's plan rejects %s=%s with the validation's message", (name, value, message) => {
    const plan = terraform(stackDir, ["plan", "-refresh=false", "-input=false", "-lock=false", "-var", `${name}=${value}`]);
    expect(plan.status).not.toBe(0);
    expect(plan.text).toContain(`Invalid value for variable`);
    expect(plan.text).toContain(message);
  });
});

/**
 * The same validation blocks, copied verbatim from the synthesized stack into a
 * configuration of their own: planning it starts no provider, so each bad value costs
 * a tenth of a second instead of four.
 */
describeWithTerraform("variable validation at plan time", () => {
  let root: string | undefined;
  let variablesDir: string;

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "order-workflow-variables-"));
    variablesDir = root;
    const { json } = synthStack("synth");
    writeFileSync(path.join(variablesDir, "variables.tf.json"), JSON.stringify({ variable: json.variable }, null, 2));
    writeFileSync(path.join(variablesDir, "offline.tfrc"), "");
    expect(terraform(variablesDir, ["init", "-input=false"]).status).toBe(0);
  });

  afterAll(() => removeDirectory(root));

  test("the defaults and valid edge values pass", () => {
    const plan = terraform(variablesDir, [
      "plan", "-input=false",
      "-var", `project_name=${"a".repeat(39)}b`, "-var", "environment=staging",
      "-var", "lambda_timeout=3", "-var", "lambda_memory_size=128", "-var", "log_retention_days=3653",
      "-var", "aws_region=eu-west-2",
    ]);
    expect(plan.status).toBe(0);
  });

  test.each(BAD_VARIABLE_VALUES)("plan rejects %s=%s", (name, value, message) => {
    const plan = terraform(variablesDir, ["plan", "-input=false", "-var", `${name}=${value}`]);
    expect(plan.status).not.toBe(0);
    expect(plan.text).toContain(`Invalid value for variable`);
    expect(plan.text).toContain(message);
  });
});
