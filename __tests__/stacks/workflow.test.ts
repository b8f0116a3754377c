/**
 * The state machine (stacks/workflow.ts): its definition, role, logging, and its versions
 * behind the live alias.
 */
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { SERVICES } from "../../stacks/services";
import { PerService } from "../../stacks/services";
import { buildWorkflowDefinition, optionsFor } from "../../stacks/workflow-definition";
import { RENDERED_DEFINITION } from "../helpers/rendered-definition";
import { onlyResource, reference, resources, synthStack, TerraformJson } from "../helpers/synth";

const { synthesized, json } = synthStack("archive");

function functionRef(json: TerraformJson, service: string, attribute: string): string {
  return reference(json, "aws_lambda_function", (fn) => fn.function_name === `\${var.project_name}-${service}`, attribute);
}

describe("state machine", () => {
  const stateMachine = onlyResource(json, "aws_sfn_state_machine");

  test("named <project>-workflow, of the chosen type, traced, logging to its own log group, after its role's policies", () => {
    expect(synthesized).toHaveResourceWithProperties(SfnStateMachine, {
      name: "${var.project_name}-workflow",
      type: "${var.workflow_type}",
      tracing_configuration: { enabled: "${var.enable_xray_tracing}" },
    });
    const logGroupArn = reference(json, "aws_cloudwatch_log_group", (group) => group.name.startsWith("/aws/vendedlogs/"), "arn");
    expect(stateMachine.logging_configuration).toEqual({
      level: "${local.workflow_log_level}",
      include_execution_data: "${local.workflow_log_include_execution_data}",
      log_destination: `${logGroupArn}:*`,
    });
    expect(stateMachine.depends_on).toEqual([
      "aws_iam_role_policy.workflow_policy",
      "aws_iam_role_policy.workflow_key_policy",
      "aws_iam_role_policy.workflow_xray_policy",
    ]);
  });

  test("with kms_key_arn the definition and execution history are encrypted with the customer's key; without, the block is left out", () => {
    expect(stateMachine.dynamic).toEqual({
      encryption_configuration: {
        for_each: "${var.kms_key_arn == null ? [] : [var.kms_key_arn]}",
        content: {
          type: "CUSTOMER_MANAGED_KMS_KEY",
          kms_key_id: "${encryption_configuration.value}",
          kms_data_key_reuse_period_seconds: 300,
        },
      },
    });
    expect(stateMachine.encryption_configuration).toBeUndefined();
  });

  test("order data stays out of prod logs unless asked for: ERROR without execution data in prod, ALL with data elsewhere", () => {
    expect(json.locals).toMatchObject({
      workflow_log_level:
        '${var.workflow_log_level != null ? var.workflow_log_level : (var.environment == "prod" ? "ERROR" : "ALL")}',
      workflow_log_include_execution_data:
        '${var.workflow_log_include_execution_data != null ? var.workflow_log_include_execution_data : var.environment != "prod"}',
    });
  });

  test("the definition in cdk.tf.json is buildWorkflowDefinition of the functions' published versions, timeouts from lambda_timeout", () => {
    const arns = Object.fromEntries(
      SERVICES.map((service) => [service, functionRef(json, service, "qualified_arn")]),
    ) as PerService<string>;
    const expected = buildWorkflowDefinition(arns, optionsFor(30));
    // What Terraform evaluates with lambda_timeout = 30:
    const evaluated = stateMachine.definition
      .replaceAll("${var.lambda_timeout + 5}", "35")
      .replace("${25 * (var.lambda_timeout + 5) + 55}", "930");
    expect(evaluated).not.toContain("lambda_timeout");
    expect(JSON.parse(evaluated)).toEqual(expected);
    expect(25 * (30 + 5) + 55).toBe(expected.TimeoutSeconds);
  });

  test("the definition in cdk.tf.json is, byte for byte, the committed rendering (stacks/workflow-definition/index.test.ts says why)", () => {
    expect(stateMachine.definition).toBe(RENDERED_DEFINITION);
  });

  test("EXPRESS is refused at plan time unless a failed order's retries and compensations fit in its 5 minutes", () => {
    expect(stateMachine.lifecycle.precondition).toEqual([
      {
        condition: '${var.workflow_type != "EXPRESS" || 25 * (var.lambda_timeout + 5) + 55 <= 300}',
        error_message:
          "workflow_type EXPRESS needs lambda_timeout <= 4: a failed order's retries and compensations can take " +
          "25 x (lambda_timeout + 5) + 55 seconds, and an Express execution stops after 300. Lower lambda_timeout, or use STANDARD.",
      },
    ]);
    // The bound holds at 4 and not at 5.
    expect([25 * (4 + 5) + 55 <= 300, 25 * (5 + 5) + 55 <= 300]).toEqual([true, false]);
  });
});

describe("versions and the live alias", () => {
  const stateMachine = onlyResource(json, "aws_sfn_state_machine");
  const alias = onlyResource(json, "aws_sfn_alias");
  const machine = "aws_sfn_state_machine.workflow_state_machine";
  const stableArn = `format("%s:%d", ${machine}.arn, var.workflow_stable_version)`;

  test("every change publishes a version of each function and of the state machine", () => {
    for (const fn of Object.values(resources(json, "aws_lambda_function"))) expect(fn.publish).toBe(true);
    expect(stateMachine.publish).toBe(true);
  });

  test("the definition calls each function's published version, never $LATEST", () => {
    for (const service of SERVICES) {
      expect(stateMachine.definition).toContain(`"FunctionName":"${functionRef(json, service, "qualified_arn")}"`);
      expect(stateMachine.definition).not.toContain(`"${functionRef(json, service, "arn")}"`);
    }
  });

  test("GIVEN workflow_rollout_percent WHEN 100, 0 or between THEN the alias routes to the new version, the stable one, or both", () => {
    expect(alias.name).toBe("live");
    expect(alias.routing_configuration).toBeUndefined();
    expect(alias.dynamic.routing_configuration).toEqual({
      for_each: "${local.workflow_alias_versions}",
      content: {
        state_machine_version_arn: "${routing_configuration.value}",
        weight: "${local.workflow_alias_weights[routing_configuration.key]}",
      },
    });
    const newest = `${machine}.state_machine_version_arn`;
    expect(json.locals).toMatchObject({
      workflow_alias_versions:
        `\${var.workflow_rollout_percent == 100 ? [${newest}] : var.workflow_rollout_percent == 0 ? [${stableArn}] : ` +
        `[${newest}, ${stableArn}]}`,
      workflow_alias_weights:
        "${var.workflow_rollout_percent == 100 || var.workflow_rollout_percent == 0 ? [100] : " +
        "[var.workflow_rollout_percent, 100 - var.workflow_rollout_percent]}",
    });
  });

  test("a rollout without a stable version, or with one not published before, is refused before the alias changes", () => {
    const newestNumber = `tonumber(element(split(":", ${machine}.state_machine_version_arn), 7))`;
    expect(alias.lifecycle.precondition).toEqual([
      {
        condition: "${var.workflow_rollout_percent == 100 || var.workflow_stable_version != null}",
        error_message:
          "workflow_rollout_percent below 100 needs workflow_stable_version: the earlier version that keeps the other executions.",
      },
      {
        condition: `\${var.workflow_rollout_percent == 100 || try(var.workflow_stable_version <= ${newestNumber}, true)}`,
        error_message:
          "workflow_stable_version must be a version this state machine has published: at most the number in state_machine_version_arn.",
      },
      {
        condition: `\${var.workflow_rollout_percent == 100 || var.workflow_rollout_percent == 0 || try(var.workflow_stable_version < ${newestNumber}, true)}`,
        error_message:
          "workflow_stable_version is the version this apply publishes, so the rollout would share nothing: name an earlier version, or set workflow_rollout_percent to 100.",
      },
    ]);
  });

  test("the rollout variables default to everything on the new version", () => {
    expect(json.variable.workflow_rollout_percent).toMatchObject({ type: "number", default: 100 });
    expect(json.variable.workflow_stable_version).toMatchObject({ type: "number", default: null, nullable: true });
  });
});
