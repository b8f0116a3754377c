/**
 * Security and reliability rules over the synthesized JSON, one test per rule, named
 * after the matching Checkov check where one exists. Rules the project deliberately
 * does not follow by default are tested for the variable that turns them on, and are
 * listed in docs/security.md.
 */
import {
  ALL_ALLOWED_ACTIONS,
  TABLE_ACCESS,
  TABLE_KEY_ACTIONS,
  DEAD_LETTER_SEND_ACTIONS,
  INVOKE_FUNCTION_ACTIONS,
  LAMBDA_LOG_ACTIONS,
  LAMBDA_XRAY_ACTIONS,
  START_EXECUTION_ACTIONS,
  STATES_KEY_ACTIONS,
  STATES_LOG_KEY_ACTIONS,
  STATES_LOG_DELIVERY_ACTIONS,
  STATES_XRAY_ACTIONS,
  WILDCARD_RESOURCE_ACTIONS,
} from "../../stacks/iam";
import { functionFaultsMetric } from "../../stacks/monitoring-signals";
import { SERVICES } from "../../stacks/services";
import { onlyResource, parsePolicy, parseTrustPolicy, reference, resources, synthStack } from "../helpers/synth";

const { json } = synthStack("archive");
const functions = Object.values(resources(json, "aws_lambda_function"));
const logGroups = Object.values(resources(json, "aws_cloudwatch_log_group"));
const stateMachine = onlyResource(json, "aws_sfn_state_machine");
const roles = Object.entries(resources(json, "aws_iam_role"));
const rolePolicies = Object.values(resources(json, "aws_iam_role_policy"));
const statements = rolePolicies.flatMap((policy) =>
  parsePolicy(policy.policy).Statement.map((statement) => ({ role: policy.role, ...statement })),
);

/** The actions each role is allowed, over all its policies. */
function actionsOfRole(roleName: string): string[] {
  const roleId = roles.find(([, role]) => role.name === roleName)![0];
  return statements
    .filter((statement) => statement.role === `\${aws_iam_role.${roleId}.id}`)
    .flatMap((statement) => statement.Action);
}

describe("Lambda", () => {
  test("CKV_AWS_50: X-Ray tracing is Active (enable_xray_tracing, default true)", () => {
    expect(json.variable.enable_xray_tracing.default).toBe(true);
    for (const fn of functions)
      expect(fn.tracing_config).toEqual({ mode: '${var.enable_xray_tracing ? "Active" : "PassThrough"}' });
  });

  test("CKV_AWS_115: concurrency is set from lambda_reserved_concurrency (-1 by default: documented exception)", () => {
    expect(json.variable.lambda_reserved_concurrency.default).toBe(-1);
    for (const fn of functions) expect(fn.reserved_concurrent_executions).toBe("${var.lambda_reserved_concurrency}");
  });

  test("CKV_AWS_116: no DLQ, because no function is ever invoked asynchronously (documented exception)", () => {
    for (const fn of functions) expect(fn.dead_letter_config).toBeUndefined();
    // Step Functions' lambda:invoke is synchronous unless InvocationType is Event; failures go to Catch.
    expect(stateMachine.definition).toContain('"Resource":"arn:aws:states:::lambda:invoke"');
    expect(stateMachine.definition).not.toContain("InvocationType");
    expect(resources(json, "aws_lambda_permission")).toEqual({});
    expect(resources(json, "aws_lambda_event_source_mapping")).toEqual({});
  });

  test("CKV_AWS_173: environment variables are encrypted with kms_key_arn when set (AWS-managed key otherwise)", () => {
    for (const fn of functions) expect(fn.kms_key_arn).toBe("${var.kms_key_arn}");
  });

  test("CKV_AWS_117 and CKV_AWS_272: no VPC and no code signing (documented exceptions)", () => {
    for (const fn of functions) {
      expect(fn.vpc_config).toBeUndefined();
      expect(fn.code_signing_config_arn).toBeUndefined();
    }
  });

  test("every function depends on its own log group, so Lambda never creates one without retention", () => {
    for (const fn of functions)
      expect(fn.depends_on.some((dependency: string) => dependency.startsWith("aws_cloudwatch_log_group."))).toBe(true);
  });
});

describe("CloudWatch Logs", () => {
  test("CKV_AWS_66 and CKV_AWS_338: every log group has a retention, from log_retention_days (30 by default: documented exception to the 1-year rule)", () => {
    expect(logGroups).toHaveLength(6);
    for (const group of logGroups) expect(group.retention_in_days).toBe("${var.log_retention_days}");
  });

  test("CKV_AWS_158: every log group is encrypted with kms_key_arn when set", () => {
    for (const group of logGroups) expect(group.kms_key_id).toBe("${var.kms_key_arn}");
  });
});

describe("Step Functions", () => {
  test("CKV_AWS_284: X-Ray tracing enabled (enable_xray_tracing)", () => {
    expect(stateMachine.tracing_configuration).toEqual({ enabled: "${var.enable_xray_tracing}" });
  });

  test("CKV_AWS_285: execution logging to its own log group", () => {
    expect(stateMachine.logging_configuration.log_destination).toBe("${aws_cloudwatch_log_group.workflow_logs.arn}:*");
    expect(stateMachine.logging_configuration.level).toBe("${local.workflow_log_level}");
  });

  test("the execution has a timeout, and every Task a shorter one", () => {
    const execution = /^\{"Comment":"[^"]*","StartAt":"GetUser","TimeoutSeconds":\$\{([^}]+)\}/.exec(stateMachine.definition);
    expect(execution).not.toBeNull();
    const taskCount = stateMachine.definition.split('"Type":"Task"').length - 1;
    const taskTimeout = "var.lambda_timeout + 5";
    expect(taskCount).toBe(14);
    expect(stateMachine.definition.split(`"TimeoutSeconds":\${${taskTimeout}}`).length - 1).toBe(taskCount);
    // The execution's limit: every attempt on the worst path timing out, plus the longest retry waits.
    expect(execution![1]).toBe(`25 * (${taskTimeout}) + 55`);
  });
});

describe("DynamoDB", () => {
  const tables = Object.values(resources(json, "aws_dynamodb_table"));

  test("CKV_AWS_28: every table has point-in-time recovery", () => {
    expect(tables).toHaveLength(3);
    for (const table of tables) expect(table.point_in_time_recovery).toEqual({ enabled: true });
  });

  test("CKV_AWS_119: every table uses the customer's key when kms_key_arn is set (documented exception otherwise)", () => {
    for (const table of tables) expect(table.server_side_encryption.kms_key_arn).toBe("${var.kms_key_arn}");
  });
});

describe("SQS and SNS", () => {
  test("CKV_AWS_27: the dead-letter queue is encrypted (SQS-managed keys, or kms_key_arn)", () => {
    const queue = onlyResource(json, "aws_sqs_queue");
    expect(queue.sqs_managed_sse_enabled).toBe("${var.kms_key_arn == null ? true : null}");
    expect(queue.kms_master_key_id).toBe("${var.kms_key_arn}");
  });

  test("the dead-letter queue accepts messages only from EventBridge, for this rule", () => {
    const policy = parsePolicy(onlyResource(json, "aws_sqs_queue_policy").policy);
    expect(policy.Statement).toEqual([
      {
        Sid: "OnlyThisRuleMayDeadLetter",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: [...DEAD_LETTER_SEND_ACTIONS],
        Resource: [reference(json, "aws_sqs_queue", () => true, "arn")],
        Condition: { ArnEquals: { "aws:SourceArn": reference(json, "aws_cloudwatch_event_rule", () => true, "arn") } },
      },
    ]);
  });

  test("CKV_AWS_26: the alarm topic is encrypted with kms_key_arn when set (documented exception otherwise)", () => {
    expect(onlyResource(json, "aws_sns_topic").kms_master_key_id).toBe("${var.kms_key_arn}");
  });
});

describe("IAM", () => {
  test("CKV_AWS_60: every role can be assumed by one AWS service only; the workflow's and the trigger's only for this account's own resource", () => {
    const trustOf = (name: string) =>
      parseTrustPolicy(roles.find(([, role]) => role.name === name)![1].assume_role_policy).Statement;
    for (const service of SERVICES) {
      expect(trustOf(`\${var.project_name}-${service}`)).toEqual([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
    }
    // Confused-deputy protection: only this account's state machine of this name (its versions and aliases too).
    const stateMachineArn =
      "arn:${local.deployment_partition}:states:${local.deployment_region}:${local.deployment_account}:stateMachine:${var.project_name}-workflow";
    expect(trustOf("${var.project_name}-workflow-role")).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "states.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "${local.deployment_account}" },
          ArnLike: { "aws:SourceArn": [stateMachineArn, `${stateMachineArn}:*`] },
        },
      },
    ]);
    // Only this rule, in this account.
    expect(trustOf("${var.project_name}-trigger-role")).toEqual([
      {
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: "sts:AssumeRole",
        Condition: {
          StringEquals: { "aws:SourceAccount": "${local.deployment_account}" },
          ArnLike: { "aws:SourceArn": ["${aws_cloudwatch_event_rule.trigger_rule.arn}"] },
        },
      },
    ]);
    expect(roles).toHaveLength(7);
  });

  test("CKV_AWS_62 and CKV_AWS_63: no '*' action and no service-wide wildcard", () => {
    for (const statement of statements) {
      for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
    }
  });

  test("CKV_AWS_355, CKV_AWS_290 and CKV_AWS_111: Resource '*' only for actions AWS offers no resource-level permissions for", () => {
    const wildcard = statements.filter((statement) => statement.Resource.includes("*"));
    expect(wildcard.length).toBeGreaterThan(0);
    for (const statement of wildcard) {
      expect(statement.Resource).toEqual(["*"]);
      for (const action of statement.Action) expect(WILDCARD_RESOURCE_ACTIONS).toContain(action);
    }
  });

  test("no policy grows an action that no list in stacks/iam.ts names", () => {
    for (const statement of statements) for (const action of statement.Action) expect(ALL_ALLOWED_ACTIONS).toContain(action);
  });

  test("every other resource in a policy is one of this stack's resources, or the customer's key", () => {
    const ownReference = /^\$\{aws_[a-z_]+\.[\w-]+\.arn\}(:\*)?$/;
    for (const statement of statements.filter((s) => !s.Resource.includes("*"))) {
      for (const resource of statement.Resource) {
        if (resource !== "${var.kms_key_arn}") expect(resource).toMatch(ownReference);
        // The customer's key: only through DynamoDB, or only for this state machine's data.
        else expect(Object.keys(statement.Condition!)).toHaveLength(1);
      }
    }
  });

  test("each role is allowed exactly what its code calls", () => {
    for (const service of SERVICES) {
      const tableActions = Object.values(TABLE_ACCESS[service]).flat();
      expect(actionsOfRole(`\${var.project_name}-${service}`)).toEqual([
        ...LAMBDA_LOG_ACTIONS,
        ...tableActions,
        ...(tableActions.length > 0 ? TABLE_KEY_ACTIONS : []),
        ...LAMBDA_XRAY_ACTIONS,
      ]);
    }
    expect(actionsOfRole("${var.project_name}-workflow-role")).toEqual([
      ...STATES_KEY_ACTIONS,
      ...STATES_LOG_KEY_ACTIONS,
      ...INVOKE_FUNCTION_ACTIONS,
      ...STATES_LOG_DELIVERY_ACTIONS,
      ...STATES_XRAY_ACTIONS,
    ]);
    expect(actionsOfRole("${var.project_name}-trigger-role")).toEqual([...START_EXECUTION_ACTIONS]);
  });

  test("the table key is usable only with kms_key_arn set, only through DynamoDB, only by the functions that use tables", () => {
    const keyPolicies = rolePolicies.filter((policy) => policy.name === "use-table-key");
    expect(keyPolicies.map((policy) => policy.role).sort()).toEqual(
      ["inventory_service", "notification_service", "order_service", "payment_service"].map(
        (key) => `\${aws_iam_role.${key}_execution_role.id}`,
      ),
    );
    for (const policy of keyPolicies) expect(policy.count).toBe("${var.kms_key_arn != null ? 1 : 0}");
  });

  test("with kms_key_arn, the workflow may use the key only for this state machine's execution data (Step Functions' encryption context) and for delivering its logs (CloudWatch Logs' encryption context, this account)", () => {
    const policy = rolePolicies.find((candidate) => candidate.name === "use-execution-data-key")!;
    expect(policy.count).toBe("${var.kms_key_arn != null ? 1 : 0}");
    expect(parsePolicy(policy.policy).Statement).toEqual([
      {
        Sid: "EncryptExecutionData",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey"],
        Resource: ["${var.kms_key_arn}"],
        Condition: {
          StringEquals: {
            "kms:EncryptionContext:aws:states:stateMachineArn":
              "arn:${local.deployment_partition}:states:${local.deployment_region}:${local.deployment_account}:stateMachine:${var.project_name}-workflow",
          },
        },
      },
      {
        // Step Functions developer guide, "Data at rest encryption": log delivery to a log group under the key.
        Sid: "EncryptDeliveredLogs",
        Effect: "Allow",
        Action: ["kms:GenerateDataKey"],
        Resource: ["${var.kms_key_arn}"],
        Condition: {
          StringEquals: {
            "kms:EncryptionContext:SourceArn":
              "arn:${local.deployment_partition}:logs:${local.deployment_region}:${local.deployment_account}:*",
          },
        },
      },
    ]);
  });

  test("the X-Ray permissions exist only while tracing is on", () => {
    const xray = rolePolicies.filter((policy) => policy.name === "send-traces");
    expect(xray).toHaveLength(6);
    for (const policy of xray) expect(policy.count).toBe("${var.enable_xray_tracing ? 1 : 0}");
  });
});

describe("no lost events, no silent failures", () => {
  test("the EventBridge target retries, then keeps the event in the dead-letter queue", () => {
    const target = onlyResource(json, "aws_cloudwatch_event_target");
    expect(target.retry_policy).toEqual({
      maximum_event_age_in_seconds: "${var.event_maximum_age_seconds}",
      maximum_retry_attempts: "${var.event_maximum_retry_attempts}",
    });
    expect(target.dead_letter_config).toEqual({ arn: reference(json, "aws_sqs_queue", () => true, "arn") });
  });

  test("alarms (enable_alarms): compensation failures, technical order failures, failed calls, each function's faults and throttles, dead letters, throttled executions", () => {
    const alarms = Object.values(resources(json, "aws_cloudwatch_metric_alarm"));
    const watched = (alarm: (typeof alarms)[number]) =>
      alarm.metric_query
        ? alarm.metric_query
            .filter((query) => query.metric)
            .map((query) => `${query.metric!.namespace} ${query.metric!.metric_name}`)
            .join(" + ")
        : `${alarm.namespace} ${alarm.metric_name}`;
    expect(alarms.map(watched).sort()).toEqual(
      [
        "${var.project_name} CompensationFailed",
        "${var.project_name} OrdersFailedTechnically",
        "${var.project_name} ServiceCallFaults",
        ...SERVICES.map((service) => `\${var.project_name} ${functionFaultsMetric(service)}`),
        ...SERVICES.map(() => "AWS/Lambda Throttles"),
        "AWS/SQS ApproximateNumberOfMessagesVisible",
        "AWS/States ExecutionThrottled + AWS/States ExecutionThrottled",
      ].sort(),
    );
    for (const alarm of alarms) {
      expect(alarm.count).toBe("${var.enable_alarms ? 1 : 0}");
      expect(alarm.threshold).toMatch(/^\$\{var\.alarm_thresholds\.[a-z_]+\}$/);
      expect(alarm.evaluation_periods).toBe("${var.alarm_evaluation_periods}");
      expect(alarm.treat_missing_data).toBe("notBreaching");
      expect([alarm.alarm_actions, alarm.ok_actions]).toEqual([
        "${aws_sns_topic.alarms_topic[*].arn}",
        "${aws_sns_topic.alarms_topic[*].arn}",
      ]);
    }
  });

  test("the alarm e-mail topic and its subscription exist only when alarm_email is set", () => {
    const condition = "${var.alarm_email != null && var.enable_alarms ? 1 : 0}";
    expect(onlyResource(json, "aws_sns_topic").count).toBe(condition);
    expect(onlyResource(json, "aws_sns_topic_subscription")).toMatchObject({
      count: condition,
      protocol: "email",
      endpoint: "${var.alarm_email}",
    });
  });
});
