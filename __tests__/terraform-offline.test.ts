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
import { PROJECT_ROOT } from "../stacks/bundle";
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
  ["lambda_architecture", "arm", "lambda_architecture must be one of: arm64, x86_64."],
  ["lambda_architecture", "X86_64", "lambda_architecture must be one of: arm64, x86_64."],
  [
    "lambda_reserved_concurrency",
    "-2",
    "lambda_reserved_concurrency must be -1 (no reservation) or a whole number from 0 to 1000.",
  ],
  [
    "lambda_reserved_concurrency",
    "1.5",
    "lambda_reserved_concurrency must be -1 (no reservation) or a whole number from 0 to 1000.",
  ],
  ["workflow_type", "express", "workflow_type must be one of: STANDARD, EXPRESS."],
  ["workflow_type", "SYNC", "workflow_type must be one of: STANDARD, EXPRESS."],
  ["workflow_log_level", "DEBUG", "workflow_log_level must be one of ALL, ERROR, FATAL, OFF, or null."],
  ["workflow_log_level", "all", "workflow_log_level must be one of ALL, ERROR, FATAL, OFF, or null."],
  ["kms_key_arn", "alias/aws/sqs", "kms_key_arn must be the ARN of a KMS key"],
  ["kms_key_arn", "arn:aws:kms:us-east-1:12345:key/x", "kms_key_arn must be the ARN of a KMS key"],
  ["alarm_email", "ops", "alarm_email must be one e-mail address, or null."],
  ["alarm_email", "a@b.c d@e.f", "alarm_email must be one e-mail address, or null."],
  ["event_maximum_age_seconds", "59", "event_maximum_age_seconds must be a whole number of seconds from 60 to 86400"],
  ["event_maximum_age_seconds", "86401", "event_maximum_age_seconds must be a whole number of seconds from 60 to 86400"],
  ["event_maximum_retry_attempts", "186", "event_maximum_retry_attempts must be a whole number of attempts from 0 to 185"],
  ["event_maximum_retry_attempts", "-1", "event_maximum_retry_attempts must be a whole number of attempts from 0 to 185"],
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
      aws_cloudwatch_metric_alarm: 14,
      aws_iam_role: 3,
      aws_iam_role_policy: 5,
      aws_lambda_function: 5,
      aws_sfn_state_machine: 1,
      aws_sqs_queue: 1,
      aws_sqs_queue_policy: 1,
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

  test("every switch turned the other way plans, and the plan follows each switch", () => {
    const plan = terraform(stackDir, [
      "plan",
      "-refresh=false",
      "-input=false",
      "-lock=false",
      "-out=switched.tfplan",
      "-var",
      "project_name=shop-orders-2",
      "-var",
      "environment=prod",
      "-var",
      "lambda_timeout=900",
      "-var",
      "lambda_memory_size=10240",
      "-var",
      "lambda_architecture=x86_64",
      "-var",
      "lambda_reserved_concurrency=5",
      "-var",
      "workflow_type=EXPRESS",
      "-var",
      "enable_xray_tracing=false",
      "-var",
      "alarm_email=ops@example.com",
      "-var",
      "kms_key_arn=arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
      "-var",
      "log_retention_days=365",
      "-var",
      "event_maximum_retry_attempts=3",
    ]);
    expect(plan.status).toBe(0);
    const changes: any[] = JSON.parse(terraform(stackDir, ["show", "-json", "switched.tfplan"]).stdout).resource_changes;
    const after = (type: string) => changes.filter((change) => change.type === type).map((change) => change.change.after);
    expect(after("aws_sns_topic")).toHaveLength(1);
    expect(after("aws_sns_topic_subscription")).toEqual([
      expect.objectContaining({ protocol: "email", endpoint: "ops@example.com" }),
    ]);
    expect(after("aws_iam_role_policy")).toHaveLength(3); // no X-Ray policies
    const [stateMachine] = after("aws_sfn_state_machine");
    expect(stateMachine).toMatchObject({
      name: "shop-orders-2-workflow",
      type: "EXPRESS",
      tracing_configuration: [{ enabled: false }],
      logging_configuration: [{ level: "ERROR", include_execution_data: false }],
    });
    for (const fn of after("aws_lambda_function")) {
      expect(fn).toMatchObject({
        architectures: ["x86_64"],
        timeout: 900,
        memory_size: 10240,
        reserved_concurrent_executions: 5,
        tracing_config: [{ mode: "PassThrough" }],
      });
    }
    const [queue] = after("aws_sqs_queue");
    expect(queue.kms_master_key_id).toMatch(/^arn:aws:kms:/);
    expect(queue.sqs_managed_sse_enabled).not.toBe(true);
    expect(
      after("aws_cloudwatch_log_group").every(
        (group) => group.retention_in_days === 365 && group.kms_key_id.startsWith("arn:aws:kms:"),
      ),
    ).toBe(true);
  });

  test("the defaults plan a dev stack: ALL logs with execution data, X-Ray on, arm64, SQS-managed encryption", () => {
    const after = (type: string) => planned.filter((change) => change.type === type).map((change) => change.after);
    expect(after("aws_sfn_state_machine")[0]).toMatchObject({
      type: "STANDARD",
      tracing_configuration: [{ enabled: true }],
      logging_configuration: [{ level: "ALL", include_execution_data: true }],
    });
    for (const fn of after("aws_lambda_function"))
      expect(fn).toMatchObject({ architectures: ["arm64"], tracing_config: [{ mode: "Active" }] });
    expect(after("aws_sqs_queue")[0]).toMatchObject({ sqs_managed_sse_enabled: true, message_retention_seconds: 1209600 });
    expect(after("aws_cloudwatch_event_target")[0]).toMatchObject({
      input_path: "$.detail",
      retry_policy: [{ maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 }],
    });
  });

  test("the prod example (env/prod.tfvars) plans a prod stack: ERROR logs without order data, alarms mailed", () => {
    const plan = terraform(stackDir, [
      "plan",
      "-refresh=false",
      "-input=false",
      "-lock=false",
      "-out=prod.tfplan",
      `-var-file=${path.join(PROJECT_ROOT, "env", "prod.tfvars")}`,
    ]);
    expect(plan.status).toBe(0);
    const changes: any[] = JSON.parse(terraform(stackDir, ["show", "-json", "prod.tfplan"]).stdout).resource_changes;
    const count = (type: string) => changes.filter((change) => change.type === type).length;
    expect(changes.find((change) => change.type === "aws_sfn_state_machine").change.after).toMatchObject({
      name: "orders-prod-workflow",
      logging_configuration: [{ level: "ERROR", include_execution_data: false }],
    });
    expect([count("aws_cloudwatch_metric_alarm"), count("aws_sns_topic"), count("aws_sns_topic_subscription")]).toEqual([
      14, 1, 1,
    ]);
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
      "plan",
      "-input=false",
      "-var",
      `project_name=${"a".repeat(39)}b`,
      "-var",
      "environment=staging",
      "-var",
      "lambda_timeout=3",
      "-var",
      "lambda_memory_size=128",
      "-var",
      "log_retention_days=3653",
      "-var",
      "aws_region=eu-west-2",
    ]);
    expect(plan.status).toBe(0);
  });

  test.each(["env/dev.tfvars", "env/prod.tfvars", "env/terraform.tfvars.example"])(
    "the example %s passes every validation",
    (file) => {
      const plan = terraform(variablesDir, ["plan", "-input=false", `-var-file=${path.join(PROJECT_ROOT, file)}`]);
      expect(plan.stderr).toBe("");
      expect(plan.status).toBe(0);
    },
  );

  test.each(BAD_VARIABLE_VALUES)("plan rejects %s=%s", (name, value, message) => {
    const plan = terraform(variablesDir, ["plan", "-input=false", "-var", `${name}=${value}`]);
    expect(plan.status).not.toBe(0);
    expect(plan.text).toContain(`Invalid value for variable`);
    expect(plan.text).toContain(message);
  });
});
