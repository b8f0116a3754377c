/**
 * The synthesized Terraform JSON: every resource the system needs, named from
 * ${var.project_name}, with least-privilege policies and no machine-specific paths.
 */
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { CATALOGUE } from "../functions/shared/catalogue";
import { DESTROY_REFUSED } from "../stacks/destroy-guard";
import { PROJECT_ROOT } from "../stacks/bundle";
import { REQUIRED_TERRAFORM_VERSION, SAMPLE_ORDER } from "../stacks/order-workflow-stack";
import { packagingModeFromEnv } from "../stacks/packaging";
import { SERVICES } from "../stacks/services";
import { PerService } from "../stacks/services";
import { buildWorkflowDefinition, optionsFor } from "../stacks/workflow-definition";
import { RENDERED_DEFINITION } from "./helpers/rendered-definition";
import {
  onlyResource,
  reference,
  removeDirectory,
  resources,
  synthStack,
  synthToDirectory,
  TerraformJson,
} from "./helpers/synth";

const { synthesized, json } = synthStack("archive");
/** The stack with synth-time packaging, synthesized once for the tests that compare the two modes. */
let synthModeStack: ReturnType<typeof synthStack> | undefined;
const synthMode = () => (synthModeStack ??= synthStack("synth"));

function policyOf(json: TerraformJson, logicalId: string) {
  const policy = resources(json, "aws_iam_role_policy")[logicalId];
  if (!policy) throw new Error(`no aws_iam_role_policy.${logicalId}`);
  return JSON.parse(policy.policy);
}

function roleOf(json: TerraformJson, name: string) {
  return Object.values(resources(json, "aws_iam_role")).find((role) => role.name === name);
}

function functionRef(json: TerraformJson, service: string, attribute: string): string {
  return reference(json, "aws_lambda_function", (fn) => fn.function_name === `\${var.project_name}-${service}`, attribute);
}

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

describe("variables (docs/inputs-and-names.md)", () => {
  test.each([
    ["project_name", "string", "microservices-stepfn"],
    ["environment", "string", "dev"],
    ["lambda_timeout", "number", 30],
    ["lambda_memory_size", "number", 128],
  ])("%s is a %s defaulting to %p, with a description and a validation", (name, type, defaultValue) => {
    const variable = json.variable[name];
    expect(variable.type).toBe(type);
    expect(variable.default).toBe(defaultValue);
    expect(variable.description.length).toBeGreaterThan(20);
    expect(variable.validation.length).toBeGreaterThan(0);
    for (const rule of variable.validation) {
      expect(rule.condition).toContain(`var.${name}`);
      expect(rule.error_message).toMatch(new RegExp(`^${name} `));
    }
  });

  test("every variable has a description and a type; every string and number a validation (a bool's type check is its own)", () => {
    for (const [name, variable] of Object.entries(json.variable)) {
      const type = /^(string|number|bool|map\(string\)|object\(\{.*\}\))$/;
      expect([name, typeof variable.description, type.test(variable.type)]).toEqual([name, "string", true]);
      if (variable.type !== "bool") expect([name, variable.validation?.length > 0]).toEqual([name, true]);
    }
  });
});

describe("functions", () => {
  test.each(SERVICES)("%s: nodejs22.x, sized by the variables, named from project_name, after its log group", (service) => {
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: `\${var.project_name}-${service}`,
      runtime: "nodejs22.x",
      handler: "index.handler",
      timeout: "${var.lambda_timeout}",
      memory_size: "${var.lambda_memory_size}",
    });
    const fn = Object.values(resources(json, "aws_lambda_function")).find((f) => f.function_name.endsWith(`-${service}`));
    const logGroup = Object.entries(resources(json, "aws_cloudwatch_log_group")).find(
      ([, group]) => group.name === `/aws/lambda/\${var.project_name}-${service}`,
    );
    expect(logGroup).toBeDefined();
    expect(logGroup![1].retention_in_days).toBe("${var.log_retention_days}");
    expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${logGroup![0]}`);
    const key = service.replace(/-/g, "_");
    expect(fn.role).toBe(`\${aws_iam_role.${key}_execution_role.arn}`);
    expect(fn.depends_on).toContain(`aws_iam_role_policy.${key}_execution_policy`);
  });

  test.each([
    ["user-service", {}],
    ["order-service", { ORDERS_TABLE: "${aws_dynamodb_table.state_orders.name}" }],
    ["payment-service", { IDEMPOTENCY_TABLE: "${aws_dynamodb_table.state_idempotency.name}" }],
    [
      "inventory-service",
      {
        IDEMPOTENCY_TABLE: "${aws_dynamodb_table.state_idempotency.name}",
        STOCK_TABLE: "${aws_dynamodb_table.state_stock.name}",
      },
    ],
    [
      "notification-service",
      {
        ORDERS_TABLE: "${aws_dynamodb_table.state_orders.name}",
        IDEMPOTENCY_TABLE: "${aws_dynamodb_table.state_idempotency.name}",
      },
    ],
  ])("%s is told the names of exactly the tables it uses, and logs by environment", (service, tables) => {
    const fn = Object.values(resources(json, "aws_lambda_function")).find((f) => f.function_name.endsWith(`-${service}`));
    expect(fn.environment.variables).toEqual({
      LOG_LEVEL: '${var.environment == "prod" ? "WARN" : "INFO"}',
      LOG_CUSTOMER_DATA: '${var.environment == "prod" ? "omit" : "include"}',
      METRICS_NAMESPACE: "${var.project_name}",
      ...tables,
      ...(service === "order-service" ? { MAX_ORDER_TOTAL: "${tostring(var.max_order_total)}" } : {}),
    });
  });

  test("the state machine has its own log group under /aws/vendedlogs/states/", () => {
    const names = Object.values(resources(json, "aws_cloudwatch_log_group")).map((group) => group.name);
    expect(names).toContain("/aws/vendedlogs/states/${var.project_name}-workflow");
    expect(names).toHaveLength(6);
  });
});

describe("IAM, least privilege", () => {
  const allPolicies = Object.values(resources(json, "aws_iam_role_policy")).map((policy) => JSON.parse(policy.policy));

  test("no policy allows a '*' action or a service-wide wildcard action", () => {
    for (const document of allPolicies) {
      for (const statement of document.Statement) {
        expect(statement.Effect).toBe("Allow");
        for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      }
    }
  });

  const table = (name: string) => `\${aws_dynamodb_table.state_${name}.arn}`;
  test.each([
    ["user-service", []],
    [
      "order-service",
      [
        {
          Sid: "OrdersTable",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [table("orders")],
        },
      ],
    ],
    [
      "payment-service",
      [
        {
          Sid: "IdempotencyTable",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [table("idempotency")],
        },
      ],
    ],
    [
      "inventory-service",
      [
        {
          Sid: "IdempotencyTable",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [table("idempotency")],
        },
        {
          Sid: "StockTable",
          Action: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"],
          Resource: [table("stock")],
        },
      ],
    ],
    [
      "notification-service",
      [
        { Sid: "IdempotencyTable", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: [table("idempotency")] },
        { Sid: "OrdersTable", Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"], Resource: [table("orders")] },
      ],
    ],
  ])(
    "%s's role may write its own log streams and use exactly its tables, with exactly the actions its code calls",
    (service, tableStatements) => {
      const key = service.replace(/-/g, "_");
      const role = roleOf(json, `\${var.project_name}-${service}`);
      expect(JSON.parse(role.assume_role_policy).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      expect(policyOf(json, `${key}_execution_policy`).Statement).toEqual([
        {
          Sid: "WriteOwnLogGroup",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`\${aws_cloudwatch_log_group.${key}_logs.arn}:*`],
        },
        ...(tableStatements as object[]).map((statement) => ({ Effect: "Allow", ...statement })),
      ]);
    },
  );

  test("the state machine role may invoke only the five functions' published versions (not $LATEST) and deliver its logs", () => {
    const role = roleOf(json, "${var.project_name}-workflow-role");
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "states.amazonaws.com" });
    const [invoke, logs, ...rest] = policyOf(json, "workflow_policy").Statement;
    expect(rest).toEqual([]);
    expect(invoke.Action).toEqual(["lambda:InvokeFunction"]);
    expect(invoke.Resource).toEqual(SERVICES.map((service) => `${functionRef(json, service, "arn")}:*`));
    // The recipe's state machine role lacked these, so its logging_configuration failed at apply.
    expect(logs).toEqual({
      Sid: "DeliverExecutionLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ],
      Resource: ["*"],
    });
  });

  test("the EventBridge role may only start the workflow's live alias", () => {
    const role = roleOf(json, "${var.project_name}-trigger-role");
    expect(JSON.parse(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(policyOf(json, "trigger_policy").Statement).toEqual([
      {
        Sid: "StartOrderWorkflow",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [reference(json, "aws_sfn_alias", () => true, "arn")],
      },
    ]);
  });
});

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
    expect((json as any).locals).toMatchObject({
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

  test("the definition in cdk.tf.json is, byte for byte, the committed rendering (workflow-definition-rendered.test.ts says why)", () => {
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
    expect((json as any).locals).toMatchObject({
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

describe("trigger", () => {
  test("the rule matches source microservices.orders and detail-type Order Submitted", () => {
    const rule = onlyResource(json, "aws_cloudwatch_event_rule");
    expect(rule.name).toBe("${var.project_name}-trigger");
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["microservices.orders"],
      "detail-type": ["Order Submitted"],
      account: ["${local.deployment_account}"],
    });
  });

  test("the deploying account, partition and Region come from the workflow log group's ARN: no data source asks STS at plan time", () => {
    const arn = "aws_cloudwatch_log_group.workflow_logs.arn";
    expect((json as any).locals).toMatchObject({
      deployment_partition: `\${element(split(":", ${arn}), 1)}`,
      deployment_region: `\${element(split(":", ${arn}), 3)}`,
      deployment_account: `\${element(split(":", ${arn}), 4)}`,
    });
    expect(json.data?.aws_caller_identity).toBeUndefined();
  });

  test("the target starts the live alias with the event's detail fields and the event's id as input", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventTarget, {
      arn: reference(json, "aws_sfn_alias", () => true, "arn"),
      input_transformer: {
        input_paths: { userId: "$.detail.userId", orderData: "$.detail.orderData", eventId: "$.id" },
        input_template: '{"userId": <userId>, "orderData": <orderData>, "eventId": <eventId>}',
      },
    });
    const target = onlyResource(json, "aws_cloudwatch_event_target");
    expect(target.role_arn).toBe(
      reference(json, "aws_iam_role", (role) => role.name === "${var.project_name}-trigger-role", "arn"),
    );
    expect(target.input_path).toBeUndefined();
    // The recipe's jsonencode'd template turned <detail> into \u003cdetail\u003e.
    expect(synthesized).not.toMatch(/\\u003[ce]|jsonencode/);
  });
});

describe("durable state (docs/durable-state.md)", () => {
  test("three on-demand tables keyed by a string, with point-in-time recovery, deletion protection from its variable", () => {
    expect(
      Object.fromEntries(
        Object.entries(resources(json, "aws_dynamodb_table")).map(([id, table]) => [
          id,
          [
            table.name,
            table.hash_key,
            table.attribute,
            table.billing_mode,
            table.point_in_time_recovery,
            table.deletion_protection_enabled,
          ],
        ]),
      ),
    ).toEqual({
      state_orders: [
        "${var.project_name}-orders",
        "orderId",
        [{ name: "orderId", type: "S" }],
        "PAY_PER_REQUEST",
        { enabled: true },
        "${var.table_deletion_protection}",
      ],
      state_idempotency: [
        "${var.project_name}-idempotency",
        "recordKey",
        [{ name: "recordKey", type: "S" }],
        "PAY_PER_REQUEST",
        { enabled: true },
        "${var.table_deletion_protection}",
      ],
      state_stock: [
        "${var.project_name}-stock",
        "productId",
        [{ name: "productId", type: "S" }],
        "PAY_PER_REQUEST",
        { enabled: true },
        "${var.table_deletion_protection}",
      ],
    });
  });

  test("encrypted with the customer's key when kms_key_arn is set, else with DynamoDB's own key", () => {
    for (const table of Object.values(resources(json, "aws_dynamodb_table"))) {
      expect(table.server_side_encryption).toEqual({ enabled: "${var.kms_key_arn != null}", kms_key_arn: "${var.kms_key_arn}" });
    }
  });

  test("idempotency records expire (TTL on expiresAt); orders and stock are kept", () => {
    const tables = resources(json, "aws_dynamodb_table");
    expect(tables.state_idempotency.ttl).toEqual({ attribute_name: "expiresAt", enabled: true });
    expect([tables.state_orders.ttl, tables.state_stock.ttl]).toEqual([undefined, undefined]);
  });

  test("Terraform writes no item: the stock is seeded by inventory-service, which adds only the products the table lacks", () => {
    expect(json.resource.aws_dynamodb_table_item).toBeUndefined();
    expect(resources(json, "aws_lambda_invocation")).toEqual({
      stock_seed: expect.objectContaining({
        function_name: "${aws_lambda_function.inventory_service_function.function_name}",
        depends_on: ["aws_dynamodb_table.state_stock"],
      }),
    });
    // A change of the catalogue changes the input: the next apply seeds the new products.
    expect(JSON.parse(resources(json, "aws_lambda_invocation").stock_seed.input)).toEqual({
      action: "seed",
      stock: [...CATALOGUE].map(([productId, available]) => ({ productId, available })),
    });
  });

  test("version 2's seed items are forgotten, never deleted, by the first apply of this version", () => {
    expect((json as { removed?: unknown }).removed).toEqual(
      ["prod001", "prod002", "prod003", "prod004", "prod005"].map((product) => ({
        from: `aws_dynamodb_table_item.state_stock_${product}`,
        lifecycle: { destroy: false },
      })),
    );
  });

  test("with table_deletion_protection, a destroy stops at its first step, the guard every other resource depends on, naming the variable", () => {
    const guard = resources(json, "terraform_data").destroy_guard;
    expect(guard.input).toEqual({ table_deletion_protection: "${var.table_deletion_protection}" });
    const every = Object.entries(json.resource)
      .flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`))
      .filter((address) => address !== "terraform_data.destroy_guard");
    expect([...guard.depends_on].sort()).toEqual(every.sort());
    expect(guard.provisioner).toEqual([
      {
        "local-exec": {
          when: "destroy",
          command: `\${self.input.table_deletion_protection ? "echo ${DESTROY_REFUSED} 1>&2 && exit 1" : "echo table_deletion_protection is false: the tables are destroyed with the stack"}`,
        },
      },
    ]);
    expect(DESTROY_REFUSED).toContain("table_deletion_protection is true");
    // Plain words only: cmd and sh print the message alike.
    expect(DESTROY_REFUSED).not.toMatch(/[<>|&^%"'`$;()]/);
  });

  test("a CompensationFailed order raises its own alarm, from the workflow's execution log (Step Functions writes it, not a service)", () => {
    expect(resources(json, "aws_cloudwatch_log_metric_filter").metrics_compensation_failed).toMatchObject({
      name: "${var.project_name}-compensation-failed",
      log_group_name: "${aws_cloudwatch_log_group.workflow_logs.name}",
      pattern: '{ $.type = "ExecutionFailed" && $.details.error = "CompensationFailed" }',
      metric_transformation: { name: "CompensationFailed", namespace: "${var.project_name}", value: "1", default_value: "0" },
    });
    expect(resources(json, "aws_cloudwatch_metric_alarm").alarms_compensation_failed).toMatchObject({
      alarm_name: "${var.project_name}-compensation-failed",
      namespace: "${var.project_name}",
      metric_name: "CompensationFailed",
      statistic: "Sum",
      period: "${var.alarm_period_seconds}",
      threshold: "${var.alarm_thresholds.compensation_failed}",
      comparison_operator: "GreaterThanOrEqualToThreshold",
    });
  });

  test("the metric filters exist whether or not the alarms do (the dashboard shows the business metrics)", () => {
    const filters = Object.values(resources(json, "aws_cloudwatch_log_metric_filter"));
    expect(filters).toHaveLength(4 + 2 * SERVICES.length);
    for (const filter of filters) expect(filter.count).toBeUndefined();
  });
});

describe("dashboard", () => {
  const dashboard = resources(json, "aws_cloudwatch_dashboard").dashboard_dashboard;
  const body = JSON.parse(dashboard.dashboard_body);

  test("one dashboard named after the project, with enable_dashboard; its address is dashboard_url, or empty", () => {
    expect(dashboard).toMatchObject({ count: "${var.enable_dashboard ? 1 : 0}", dashboard_name: "${var.project_name}" });
    expect(json.output.dashboard_url.value).toContain("aws_cloudwatch_dashboard.dashboard_dashboard[*].dashboard_name");
    expect(json.output.dashboard_url.value).toMatch(/^\$\{join\("", \[for name in /);
  });

  test("orders completed, rejected by reason, failed technically and compensation failures; latency; each function; the queue", () => {
    const titles = body.widgets.map((widget: any) => widget.properties.title);
    expect(titles).toEqual([
      "Orders",
      "Orders rejected, by reason",
      "Execution time",
      "Service calls that failed technically (workflow)",
      "Function faults (technical)",
      "Function errors (Lambda, refusals included)",
      "Function throttles",
      "Function duration (p99)",
      "Dead-letter queue (events that could not start the workflow)",
    ]);
    const metrics = JSON.stringify(body.widgets.map((widget: any) => widget.properties.metrics));
    for (const name of ["OrdersCompleted", "OrdersRejected", "OrdersFailedTechnically", "CompensationFailed", "ExecutionTime"])
      expect(metrics).toContain(name);
    for (const service of SERVICES)
      expect(metrics).toContain(`\${aws_lambda_function.${service.replace(/-/g, "_")}_function.function_name}`);
    expect(metrics).toContain("${aws_sqs_queue.trigger_dead_letter_queue.name}");
  });

  test("every widget is in the deployed Region, 12 columns wide, in two columns without overlap", () => {
    const cells = new Set<string>();
    for (const widget of body.widgets) {
      expect(widget).toMatchObject({
        type: "metric",
        width: 12,
        height: 6,
        properties: { region: "${local.deployment_region}" },
      });
      expect([0, 12]).toContain(widget.x);
      const cell = `${widget.x},${widget.y}`;
      expect(cells.has(cell)).toBe(false);
      cells.add(cell);
    }
  });
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
      expect([name, String(output.value)]).not.toEqual([name, expect.stringContaining("one(")]);
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

describe("packaging", () => {
  const machinePaths = [PROJECT_ROOT, tmpdir(), homedir(), process.cwd()];
  /** Two full synths with synth-time packaging (each zips five bundles), made once for the tests that read the zips. */
  let fullSynths: ReturnType<typeof synthToDirectory>[] | undefined;
  const twoFullSynths = () => (fullSynths ??= [synthToDirectory("synth"), synthToDirectory("synth")]);
  afterAll(() => fullSynths?.forEach(({ root }) => removeDirectory(root)));

  test.each(["archive", "synth"] as const)("%s mode: no absolute path of the build machine in cdk.tf.json", (mode) => {
    const text = mode === "archive" ? synthesized : synthMode().synthesized;
    for (const machinePath of machinePaths) expect(text).not.toContain(machinePath);
    expect(text).not.toMatch(/"(source_dir|source_file|output_path|filename)":\s*"\//);
  });

  test("archive mode: archive_file zips the bundle copied into the stack directory, with a fixed file mode", () => {
    const archives = Object.values(json.data?.archive_file ?? {});
    expect(archives).toHaveLength(5);
    for (const archive of archives) {
      expect(archive.type).toBe("zip");
      expect(archive.output_file_mode).toBe("0644");
      expect(archive.source_dir).toMatch(/^\$\{path\.module\}\/assets\/[\w-]+\/[0-9A-F]+$/);
      expect(archive.output_path).toMatch(/^\$\{path\.module\}\/\.archives\/[a-z-]+\.zip$/);
    }
    const fn = Object.values(resources(json, "aws_lambda_function"))[0];
    expect(fn.filename).toMatch(/^\$\{data\.archive_file\.[\w-]+\.output_path\}$/);
    expect(fn.source_code_hash).toMatch(/^\$\{data\.archive_file\.[\w-]+\.output_base64sha256\}$/);
  });

  test("archive mode: the stack directory holds each service's bundle", () => {
    const { root, stackDir, json: written } = synthToDirectory("archive");
    try {
      for (const archive of Object.values(written.data!.archive_file)) {
        const bundleDir = path.join(stackDir, archive.source_dir.replace("${path.module}/", ""));
        expect(readdirSync(bundleDir)).toEqual(["index.js"]);
        expect(readFileSync(path.join(bundleDir, "index.js"), "utf8")).toMatch(/handler/);
      }
    } finally {
      removeDirectory(root);
    }
  });

  test("each zip stays under 30 KB: the AWS SDK the Lambda runtime carries is required, not bundled", () => {
    const [{ stackDir, json: written }] = twoFullSynths();
    for (const fn of Object.values(resources(written, "aws_lambda_function"))) {
      const zip = readFileSync(path.join(stackDir, fn.filename));
      expect([fn.function_name, zip.length < 30 * 1024]).toEqual([fn.function_name, true]);
    }
    for (const service of SERVICES) {
      const bundle = readFileSync(path.join(PROJECT_ROOT, ".build", "functions", service, "index.js"), "utf8");
      expect(bundle).toContain('require("@aws-sdk/client-dynamodb")');
      expect(bundle).not.toMatch(/@smithy|DynamoDBServiceException/);
    }
  });

  test("synth mode: two synths of unchanged code give byte-identical zips and the same source_code_hash", () => {
    const [first, second] = twoFullSynths();
    const functions = (written: TerraformJson) => Object.values(resources(written, "aws_lambda_function"));
    expect(functions(first.json).map((fn) => [fn.filename, fn.source_code_hash])).toEqual(
      functions(second.json).map((fn) => [fn.filename, fn.source_code_hash]),
    );
    for (const fn of functions(first.json)) {
      expect(fn.filename).toMatch(/^assets\/[\w-]+\/[0-9A-F]+\/archive\.zip$/);
      expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
      const digest = (root: string) =>
        createHash("sha256")
          .update(readFileSync(path.join(root, fn.filename)))
          .digest("hex");
      expect(digest(first.stackDir)).toBe(digest(second.stackDir));
    }
  });

  test("LAMBDA_PACKAGING accepts archive (the default) and synth, and names the rule otherwise", () => {
    expect(packagingModeFromEnv({})).toBe("archive");
    expect(packagingModeFromEnv({ LAMBDA_PACKAGING: "synth" })).toBe("synth");
    expect(() => packagingModeFromEnv({ LAMBDA_PACKAGING: "zip" })).toThrow(
      'LAMBDA_PACKAGING must be one of: archive, synth (got "zip")',
    );
  });
});

describe("what Terraform the stack needs", () => {
  test("Terraform 1.7 or later (removed blocks), stated in the stack, not checked at synth: synth needs no Terraform installed", () => {
    expect((json.terraform as { required_version?: string }).required_version).toBe(">= 1.7");
    expect(REQUIRED_TERRAFORM_VERSION).toBe(">= 1.7");
  });
});
