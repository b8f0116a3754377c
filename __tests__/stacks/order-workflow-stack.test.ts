/**
 * The stack as a whole (stacks/order-workflow-stack.ts): its providers, the Terraform it needs,
 * its resources' addresses and names derived from ${var.project_name}, and its outputs.
 */
import { expect } from "@jest/globals";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { REQUIRED_TERRAFORM_VERSION, SAMPLE_ORDER } from "../../stacks/order-workflow-stack";
import { SERVICES } from "../../stacks/services";
import { reference, resources, synthStack } from "../helpers/synth";

const { json } = synthStack("archive");
/** The stack with synth-time packaging, synthesized once for the tests that compare the two modes. */
let synthModeStack: ReturnType<typeof synthStack> | undefined;
const synthMode = () => (synthModeStack ??= synthStack("synth"));

describe("providers", () => {
  test("GIVEN the stack WHEN synthesized THEN aws takes its region from aws_region (null: the AWS environment) and tags every resource, the tags variable's and then its own", () => {
    expect(json.provider.aws).toEqual([
      {
        region: "${var.aws_region}",
        default_tags: [
          {
            tags: '${merge(var.tags, {"Project" = var.project_name, "Environment" = var.environment, "ManagedBy" = "cdktf"})}',
          },
        ],
      },
    ]);
    expect(json.terraform.required_providers.aws.source).toBe("aws");
  });

  test("archive packaging declares hashicorp/archive; synth packaging needs no archive provider at all", () => {
    expect(json.terraform.required_providers.archive.source).toBe("hashicorp/archive");
    expect(json.provider.archive).toEqual([{}]);
    const synthModeJson = synthMode().json;
    expect(synthModeJson.terraform.required_providers.archive).toBeUndefined();
    expect(synthModeJson.provider.archive).toBeUndefined();
  });

  test("the local backend's state path is relative to the stack directory", () => {
    expect(json.terraform.backend).toEqual({ local: { path: "terraform.tfstate" } });
  });
});

describe("Terraform addresses", () => {
  test("every resource is named after its place in the stack, with no hash, as ops teams type it", () => {
    const addresses = Object.entries(json.resource).flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`));
    // 72 planned by default, plus the alarm topic and subscription (count 0 without alarm_email), the four
    // table-key policies and the workflow's key policy (count 0 without kms_key_arn).
    expect(addresses).toHaveLength(79);
    for (const address of addresses) expect(address).toMatch(/^(aws_[a-z0-9_]+|terraform_data)\.[a-z0-9_]+$/);
    expect(addresses).toEqual(
      expect.arrayContaining([
        "aws_lambda_function.user_service_function",
        "aws_cloudwatch_log_group.user_service_logs",
        "aws_sfn_state_machine.workflow_state_machine",
        "aws_sfn_alias.workflow_live_alias",
        "aws_cloudwatch_event_rule.trigger_rule",
        "aws_cloudwatch_event_target.trigger_target",
        "aws_iam_role.order_service_execution_role",
        "aws_dynamodb_table.state_orders",
        "aws_lambda_invocation.stock_seed",
        "terraform_data.destroy_guard",
        "aws_sqs_queue.trigger_dead_letter_queue",
        "aws_cloudwatch_metric_alarm.alarms_orders_failed_technically",
        "aws_cloudwatch_log_metric_filter.metrics_compensation_failed",
        "aws_cloudwatch_dashboard.dashboard_dashboard",
      ]),
    );
    expect(Object.keys(json.data!.archive_file)).toContain("user_service_archive");
  });
});

describe("names derived from project_name", () => {
  // AWS's limits on the names this stack sets.
  const LIMITS: Record<string, [string, number]> = {
    aws_lambda_function: ["function_name", 64],
    aws_iam_role: ["name", 64],
    aws_cloudwatch_event_rule: ["name", 64],
    aws_sfn_state_machine: ["name", 80],
    aws_sqs_queue: ["name", 80],
    aws_sns_topic: ["name", 256],
    aws_cloudwatch_metric_alarm: ["alarm_name", 255],
    aws_cloudwatch_log_metric_filter: ["name", 512],
    aws_cloudwatch_dashboard: ["dashboard_name", 255],
    aws_cloudwatch_log_group: ["name", 512],
  };

  test.each(Object.entries(LIMITS))(
    "%s names stay within AWS's limit with the longest project_name (40 characters)",
    (type, [attribute, limit]) => {
      const names = Object.values(resources(json, type)).map((resource) => resource[attribute] as string);
      expect(names.length).toBeGreaterThan(0);
      for (const name of names) {
        expect(name).toContain("${var.project_name}");
        expect(name.replace("${var.project_name}", "p".repeat(40)).length).toBeLessThanOrEqual(limit);
      }
    },
  );
});

describe("outputs", () => {
  test("every identifier ops teams need is an output", () => {
    expect(Object.keys(json.output).sort()).toEqual(
      [
        "state_machine_arn",
        "state_machine_name",
        "state_machine_alias_arn",
        "state_machine_version_arn",
        "event_rule_name",
        "event_rule_arn",
        "lambda_log_group_names",
        "state_machine_log_group_name",
        "start_execution_command",
        "dead_letter_queue_url",
        "dead_letter_queue_arn",
        "alarm_topic_arn",
        "dashboard_url",
        "orders_table_name",
        "idempotency_table_name",
        "stock_table_name",
        ...SERVICES.flatMap((service) => [
          `${service.replace(/-/g, "_")}_function_name`,
          `${service.replace(/-/g, "_")}_function_arn`,
          `${service.replace(/-/g, "_")}_function_qualified_arn`,
        ]),
      ].sort(),
    );
  });

  test("alarm_topic_arn is the topic's ARN, or empty (never null: cdktf deploy crashes printing a null output)", () => {
    expect(json.output.alarm_topic_arn.value).toBe('${join("", aws_sns_topic.alarms_topic[*].arn)}');
    for (const [name, output] of Object.entries(json.output))
      expect([name, typeof output.value === "string" ? output.value : JSON.stringify(output.value)]).not.toEqual([
        name,
        expect.stringContaining("one("),
      ]);
  });

  test("examples/sample-order.json is that same sample order", () => {
    expect(JSON.parse(readFileSync(path.join(PROJECT_ROOT, "examples", "sample-order.json"), "utf8"))).toEqual(SAMPLE_ORDER);
  });

  test("start_execution_command is a ready-to-paste command that starts the live alias with the sample order", () => {
    const arn = reference(json, "aws_sfn_alias", () => true, "arn");
    expect(json.output.start_execution_command.value).toBe(
      `aws stepfunctions start-execution --state-machine-arn ${arn} --input '${JSON.stringify(SAMPLE_ORDER)}'`,
    );
  });
});

describe("what Terraform the stack needs", () => {
  test("Terraform 1.7 or later (removed blocks), stated in the stack, not checked at synth: synth needs no Terraform installed", () => {
    expect((json.terraform as { required_version?: string }).required_version).toBe(">= 1.7");
    expect(REQUIRED_TERRAFORM_VERSION).toBe(">= 1.7");
  });
});
