/**
 * The synthesized stack through the real Terraform toolchain, offline: init, validate
 * and plan with the real AWS provider from the local mirror, and the variables'
 * validation blocks rejecting bad values at plan time. Synth-time packaging, because
 * hashicorp/archive is not in the mirror (docs/verification.md).
 */
import {
  findToolchain,
  PlannedChange,
  planOffline,
  prepareForOfflinePlan,
  terraform,
  TerraformRun,
  terraformAsync,
} from "../helpers/terraform";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { Json, JsonObject, removeDirectory, synthToDirectory } from "../helpers/synth";
import { describeUnless } from "../helpers/skip";

/** The diagnostic ("Error: ...") of a Terraform run that says `message`, from its title to the next one. */
function diagnosticSaying(run: TerraformRun, message: string): string | undefined {
  return run.text
    .split("Error: ")
    .slice(1)
    .find((diagnostic) => diagnostic.includes(message));
}

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
    "lambda_reserved_concurrency must be -1 (no reservation) or a whole number from 1 to 1000",
  ],
  [
    "lambda_reserved_concurrency",
    "1.5",
    "lambda_reserved_concurrency must be -1 (no reservation) or a whole number from 1 to 1000",
  ],
  // 0 throttles every call, the undos of a failed order included.
  [
    "lambda_reserved_concurrency",
    "0",
    "lambda_reserved_concurrency must be -1 (no reservation) or a whole number from 1 to 1000: 0 would throttle every call, refunds and releases included.",
  ],
  [
    "lambda_reserved_concurrency",
    "1001",
    "lambda_reserved_concurrency must be -1 (no reservation) or a whole number from 1 to 1000",
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
  ["max_order_total", "0", "max_order_total must be an amount above 0 and at most 1080000000000"],
  ["max_order_total", "-5", "max_order_total must be an amount above 0 and at most 1080000000000"],
  ["max_order_total", "100.005", "max_order_total must be an amount above 0 and at most 1080000000000"],
  ["max_order_total", "1080000000001", "max_order_total must be an amount above 0 and at most 1080000000000"],
  ["workflow_rollout_percent", "101", "workflow_rollout_percent must be a whole number of percent from 0 to 100"],
  ["workflow_rollout_percent", "-1", "workflow_rollout_percent must be a whole number of percent from 0 to 100"],
  ["workflow_rollout_percent", "12.5", "workflow_rollout_percent must be a whole number of percent from 0 to 100"],
  ["workflow_stable_version", "0", "workflow_stable_version must be a published version number"],
  ["workflow_stable_version", "2.5", "workflow_stable_version must be a published version number"],
  ["alarm_period_seconds", "30", "alarm_period_seconds must be a whole number of minutes in seconds"],
  ["alarm_period_seconds", "90", "alarm_period_seconds must be a whole number of minutes in seconds"],
  ["alarm_period_seconds", "86460", "alarm_period_seconds must be a whole number of minutes in seconds"],
  ["alarm_evaluation_periods", "0", "alarm_evaluation_periods must be a whole number of periods from 1 to 1440"],
  ["alarm_evaluation_periods", "1.5", "alarm_evaluation_periods must be a whole number of periods from 1 to 1440"],
  [
    "alarm_thresholds",
    "{ compensation_failed = 0 }",
    "alarm_thresholds.compensation_failed must be a whole number of at least 1.",
  ],
  ["alarm_thresholds", "{ function_faults = 2.5 }", "alarm_thresholds.function_faults must be a whole number of at least 1."],
  ["tags", '{ Project = "other" }', "tags cannot set Project, Environment, ManagedBy"],
  ["tags", '{ managedby = "me" }', "tags cannot set Project, Environment, ManagedBy"],
  ["tags", '{ "aws:createdBy" = "me" }', "tags cannot have keys starting with aws:"],
  ["tags", '{ CostCenter = "a<b" }', "tags keys must be 1 to 128 and values at most 256 characters"],
  ["tags", `{ ${"k".repeat(129)} = "v" }`, "tags keys must be 1 to 128 and values at most 256 characters"],
  ["tags", `{ ${Array.from({ length: 48 }, (_, i) => `t${i} = "v"`).join(", ")} }`, "tags may hold at most 47 tags"],
];

// The plans run side by side and each waits for its provider: on a busy 2-core machine that takes minutes.
jest.setTimeout(240000);

const { toolchain, reason } = findToolchain();

/** The stack synthesized once for the file: both parts below plan it, the second only its variables. */
let synthesized: ReturnType<typeof synthToDirectory> | undefined;
const synthesizedStack = () => (synthesized ??= synthToDirectory("synth"));
// After every part's own afterAll, so after every run in its directory has ended.
afterAll(() => removeDirectory(synthesized?.root));
// Printed as SKIPPED, so that a skipped run is never mistaken for a passed one.
const describeWithTerraform = describeUnless(toolchain ? undefined : reason, "offline Terraform tests");

describeWithTerraform("terraform init, validate and plan, offline", () => {
  let stackDir: string;
  // Started together once init is done, awaited by the tests: the plans take no lock and
  // each waits mostly for the provider to start, so side by side they take half the time.
  let runs: {
    validate: Promise<TerraformRun>;
    defaults: ReturnType<typeof planOffline>;
    switched: ReturnType<typeof planOffline>;
    prod: ReturnType<typeof planOffline>;
    refusals: Promise<TerraformRun>[];
  };
  /**
   * [variable, bad value, what the refusal must say], one plan per group: each plan starts
   * the provider (seconds of CPU), and Terraform reports every refusal of a group in one
   * run. Not across groups: a refused variable stops the plan before any precondition, and
   * a failed precondition skips the resources that depend on its resource (the state
   * machine's, here EXPRESS, would hide the live alias's).
   */
  const FULL_STACK_REFUSAL_PLANS: [string, string, string][][] = [
    [
      ["project_name", "UPPER", "project_name may contain only lowercase letters"],
      ["lambda_timeout", "0", "lambda_timeout must be a whole number of seconds from 3 to 900"],
    ],
    [
      // A gradual rollout needs the version that keeps the other executions.
      ["workflow_rollout_percent", "25", "workflow_rollout_percent below 100 needs workflow_stable_version"],
      // FATAL logs no failed call: the alarms on orders and calls would stay silent.
      ["workflow_log_level", "FATAL", "enable_alarms needs workflow_log_level ALL or ERROR"],
      ["alarm_evaluation_periods", "289", "alarm_period_seconds x alarm_evaluation_periods must be at most 86400"],
    ],
    [
      // The default lambda_timeout (30) cannot fit a failed order in an Express execution's 5 minutes.
      ["workflow_type", "EXPRESS", "workflow_type EXPRESS needs lambda_timeout <= 4"],
    ],
  ];
  const FULL_STACK_REFUSALS = FULL_STACK_REFUSAL_PLANS.flatMap((group, plan) =>
    group.map(([name, value, message]) => [name, value, message, plan] as const),
  );
  const SWITCHED = {
    project_name: "shop-orders-2",
    environment: "prod",
    // EXPRESS fits a failed order's retries and compensations only with short functions.
    lambda_timeout: "4",
    lambda_memory_size: "10240",
    lambda_architecture: "x86_64",
    lambda_reserved_concurrency: "5",
    workflow_type: "EXPRESS",
    enable_xray_tracing: "false",
    alarm_email: "ops@example.com",
    kms_key_arn: "arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab",
    log_retention_days: "365",
    event_maximum_retry_attempts: "3",
    table_deletion_protection: "true",
    max_order_total: "2500.50",
    tags: '{ CostCenter = "cc-42", "Data Classification" = "Confidential" }',
    alarm_period_seconds: "60",
    alarm_evaluation_periods: "3",
    alarm_thresholds: "{ service_call_faults = 5 }",
    enable_dashboard: "false",
    // A gradual rollout: a quarter of new executions on the new version, the rest on version 3.
    workflow_rollout_percent: "25",
    workflow_stable_version: "3",
  };

  beforeAll(() => {
    ({ stackDir } = synthesizedStack());
    prepareForOfflinePlan(stackDir, toolchain!);
    const init = terraform(stackDir, ["init", "-input=false"]);
    expect(init.text).toContain("Terraform has been successfully initialized");
    runs = {
      validate: terraformAsync(stackDir, ["validate"]),
      defaults: planOffline(stackDir, "defaults", []),
      switched: planOffline(
        stackDir,
        "switched",
        Object.entries(SWITCHED).flatMap(([name, value]) => ["-var", `${name}=${value}`]),
      ),
      prod: planOffline(stackDir, "prod", [`-var-file=${path.join(PROJECT_ROOT, "env", "prod.tfvars")}`]),
      refusals: FULL_STACK_REFUSAL_PLANS.map((group) =>
        terraformAsync(stackDir, [
          "plan",
          "-refresh=false",
          "-input=false",
          "-lock=false",
          ...group.flatMap(([name, value]) => ["-var", `${name}=${value}`]),
        ]),
      ),
    };
  }, 240000);

  // Every run has ended before the directory goes (after the file's tests).
  afterAll(async () => {
    await Promise.allSettled([runs.validate, runs.defaults, runs.switched, runs.prod, ...runs.refusals]);
  });

  const afterOf = (changes: PlannedChange[], type: string) =>
    changes.filter((change) => change.type === type).map((change) => change.after);

  test("terraform validate accepts the stack", async () => {
    const validate = await runs.validate;
    expect(validate.text).toContain("The configuration is valid");
    expect(validate.status).toBe(0);
  });

  test("terraform plan -refresh=false creates every resource of the system", async () => {
    const { plan, changes } = await runs.defaults;
    expect(plan.status).toBe(0);
    const counts: Record<string, number> = {};
    for (const change of changes) {
      expect(change.actions).toEqual(["create"]);
      counts[change.type] = (counts[change.type] ?? 0) + 1;
    }
    expect(counts).toEqual({
      aws_cloudwatch_dashboard: 1,
      aws_cloudwatch_event_rule: 1,
      aws_cloudwatch_event_target: 1,
      aws_cloudwatch_log_group: 6,
      aws_cloudwatch_log_metric_filter: 14,
      aws_cloudwatch_metric_alarm: 15,
      aws_dynamodb_table: 3,
      aws_iam_role: 7,
      aws_iam_role_policy: 13,
      aws_lambda_function: 5,
      aws_lambda_invocation: 1,
      aws_sfn_alias: 1,
      aws_sfn_state_machine: 1,
      aws_sqs_queue: 1,
      aws_sqs_queue_policy: 1,
      terraform_data: 1,
    });
  });

  test("the plan resolves names and tags from the defaults", async () => {
    const { changes } = await runs.defaults;
    expect(
      afterOf(changes, "aws_lambda_function")
        .map((fn) => fn.function_name as string)
        .sort(),
    ).toEqual([
      "microservices-stepfn-inventory-service",
      "microservices-stepfn-notification-service",
      "microservices-stepfn-order-service",
      "microservices-stepfn-payment-service",
      "microservices-stepfn-user-service",
    ]);
    const [rule] = afterOf(changes, "aws_cloudwatch_event_rule");
    expect(rule.name).toBe("microservices-stepfn-trigger");
    expect(rule.tags_all).toEqual({ Project: "microservices-stepfn", Environment: "dev", ManagedBy: "cdktf" });
    expect(afterOf(changes, "aws_cloudwatch_dashboard")).toEqual([
      expect.objectContaining({ dashboard_name: "microservices-stepfn" }),
    ]);
  });

  test("the defaults plan a dev stack: ALL logs with execution data, X-Ray on, arm64, SQS-managed encryption", async () => {
    const { changes } = await runs.defaults;
    expect(afterOf(changes, "aws_sfn_state_machine")[0]).toMatchObject({
      type: "STANDARD",
      tracing_configuration: [{ enabled: true }],
      logging_configuration: [{ level: "ALL", include_execution_data: true }],
    });
    for (const fn of afterOf(changes, "aws_lambda_function")) {
      expect(fn).toMatchObject({ architectures: ["arm64"], tracing_config: [{ mode: "Active" }] });
    }
    expect(afterOf(changes, "aws_sqs_queue")[0]).toMatchObject({
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1209600,
    });
    // No alarm_email: the alarms exist, with no action to notify (an empty set plans as null).
    for (const alarm of afterOf(changes, "aws_cloudwatch_metric_alarm"))
      expect([alarm.alarm_actions, alarm.ok_actions]).toEqual([null, null]);
    expect(afterOf(changes, "aws_cloudwatch_event_target")[0]).toMatchObject({
      input_transformer: [
        {
          input_paths: { userId: "$.detail.userId", orderData: "$.detail.orderData", eventId: "$.id" },
          input_template: '{"userId": <userId>, "orderData": <orderData>, "eventId": <eventId>}',
        },
      ],
      retry_policy: [{ maximum_event_age_in_seconds: 86400, maximum_retry_attempts: 185 }],
    });
  });

  test("every switch turned the other way plans, and the plan follows each switch", async () => {
    const { plan, changes } = await runs.switched;
    expect(plan.status).toBe(0);
    // The organisation's tags join the stack's own on every resource.
    for (const resource of [...afterOf(changes, "aws_lambda_function"), ...afterOf(changes, "aws_dynamodb_table")]) {
      expect(resource.tags_all).toEqual({
        CostCenter: "cc-42",
        "Data Classification": "Confidential",
        Project: "shop-orders-2",
        Environment: "prod",
        ManagedBy: "cdktf",
      });
    }
    // The alarms count per minute over 3 minutes; the failed-calls alarm waits for 5 a minute, the others for 1.
    const alarms = afterOf(changes, "aws_cloudwatch_metric_alarm");
    expect(alarms).toHaveLength(15);
    for (const alarm of alarms) {
      expect(alarm.evaluation_periods).toBe(3);
      expect(alarm.threshold).toBe(alarm.alarm_name === "shop-orders-2-service-call-faults" ? 5 : 1);
      if ((alarm.metric_query as Json[]).length === 0) expect(alarm.period).toBe(60);
    }
    expect(afterOf(changes, "aws_cloudwatch_dashboard")).toEqual([]);
    expect(afterOf(changes, "aws_sns_topic")).toHaveLength(1);
    expect(afterOf(changes, "aws_sns_topic_subscription")).toEqual([
      expect.objectContaining({ protocol: "email", endpoint: "ops@example.com" }),
    ]);
    // The five functions' own policies, the workflow's and the trigger's, the four table-key policies and the
    // workflow's key policy; no X-Ray policies.
    expect(afterOf(changes, "aws_iam_role_policy")).toHaveLength(12);
    expect(afterOf(changes, "aws_sfn_state_machine")[0]).toMatchObject({
      name: "shop-orders-2-workflow",
      type: "EXPRESS",
      tracing_configuration: [{ enabled: false }],
      logging_configuration: [{ level: "ERROR", include_execution_data: false }],
    });
    for (const fn of afterOf(changes, "aws_lambda_function")) {
      expect(fn).toMatchObject({
        architectures: ["x86_64"],
        timeout: 4,
        memory_size: 10240,
        reserved_concurrent_executions: 5,
        tracing_config: [{ mode: "PassThrough" }],
      });
    }
    const [queue] = afterOf(changes, "aws_sqs_queue");
    expect(queue.kms_master_key_id).toMatch(/^arn:aws:kms:/);
    expect(queue.sqs_managed_sse_enabled).not.toBe(true);
    for (const group of afterOf(changes, "aws_cloudwatch_log_group")) {
      expect([group.retention_in_days, group.kms_key_id]).toEqual([365, SWITCHED.kms_key_arn]);
    }
    for (const table of afterOf(changes, "aws_dynamodb_table")) {
      expect(table).toMatchObject({
        deletion_protection_enabled: true,
        server_side_encryption: [{ enabled: true, kms_key_arn: SWITCHED.kms_key_arn }],
        point_in_time_recovery: [expect.objectContaining({ enabled: true })],
      });
    }
    // With the customer's key, the four functions that use tables may use it through DynamoDB,
    // and the workflow for its execution data, which the key encrypts.
    expect(afterOf(changes, "aws_iam_role_policy").filter((policy) => policy.name === "use-table-key")).toHaveLength(4);
    expect(afterOf(changes, "aws_iam_role_policy").filter((policy) => policy.name === "use-execution-data-key")).toHaveLength(1);
    expect(afterOf(changes, "aws_sfn_state_machine")[0].encryption_configuration).toEqual([
      { type: "CUSTOMER_MANAGED_KMS_KEY", kms_key_id: SWITCHED.kms_key_arn, kms_data_key_reuse_period_seconds: 300 },
    ]);
    // Production: functions log warnings only and no customer data; the order limit reaches order-service.
    const orderService = afterOf(changes, "aws_lambda_function").find((fn) =>
      (fn.function_name as string).endsWith("-order-service"),
    );
    expect((orderService!.environment as { variables: JsonObject }[])[0].variables).toMatchObject({
      LOG_LEVEL: "WARN",
      LOG_CUSTOMER_DATA: "omit",
      MAX_ORDER_TOTAL: "2500.5",
    });
  });

  test("the prod example (env/prod.tfvars) plans a prod stack: ERROR logs without order data, alarms mailed, data kept through a destroy", async () => {
    const { plan, changes } = await runs.prod;
    expect(plan.status).toBe(0);
    expect(afterOf(changes, "aws_sfn_state_machine")[0]).toMatchObject({
      name: "orders-prod-workflow",
      logging_configuration: [{ level: "ERROR", include_execution_data: false }],
    });
    for (const table of afterOf(changes, "aws_dynamodb_table")) expect(table.deletion_protection_enabled).toBe(true);
    expect(afterOf(changes, "terraform_data")[0].input).toEqual({ table_deletion_protection: true });
    const count = (type: string) => afterOf(changes, type).length;
    expect([count("aws_cloudwatch_metric_alarm"), count("aws_sns_topic"), count("aws_sns_topic_subscription")]).toEqual([
      15, 1, 1,
    ]);
  });

  test("the live alias routes every new execution to the published version, or 25/75 during a rollout", async () => {
    const defaults = afterOf((await runs.defaults).changes, "aws_sfn_alias");
    // The version's ARN is known only once the state machine is created, so the plan shows the weights.
    expect(defaults).toEqual([expect.objectContaining({ name: "live", routing_configuration: [{ weight: 100 }] })]);
    // The switched plan's rollout: 25% on the new version, with version 3 as the stable one.
    const { plan, changes } = await runs.switched;
    expect(plan.status).toBe(0);
    expect(afterOf(changes, "aws_sfn_alias")[0].routing_configuration).toEqual([{ weight: 25 }, { weight: 75 }]);
    for (const fn of afterOf(changes, "aws_lambda_function")) expect(fn.publish).toBe(true);
    expect(afterOf(changes, "aws_sfn_state_machine")[0].publish).toBe(true);
  });

  test.each(FULL_STACK_REFUSALS)(
    "the full stack's plan rejects %s=%s with the validation's message",
    async (name, value, message, index) => {
      const plan = await runs.refusals[index];
      expect(plan.status).not.toBe(0);
      // The refusal saying it names this variable (or the local that passes it on) at this value.
      const refusal = diagnosticSaying(plan, message);
      expect(refusal).toMatch(/^(Invalid value for variable|Resource precondition failed) /);
      expect(refusal).toMatch(new RegExp(`(var|local)\\.${name} is "?${value}"? `));
    },
  );
});

/**
 * The same validation blocks, copied verbatim from the synthesized stack into a
 * configuration of their own: planning it starts no provider, so each bad value costs
 * a tenth of a second instead of four. The bad values share plans, one value of each
 * variable per plan: Terraform reports every refused variable of a plan, and no
 * validation reads another variable (checked below), so each refusal is the same as
 * with that value alone.
 */
describeWithTerraform("variable validation at plan time", () => {
  let root: string | undefined;
  let variablesDir: string;
  let variables: Record<string, { validation?: { condition: string }[] }>;
  /** The plan of each bad value: the n-th bad value of a variable goes into the n-th plan. */
  const planOf = BAD_VARIABLE_VALUES.map(
    ([name], index) => BAD_VARIABLE_VALUES.slice(0, index).filter(([other]) => other === name).length,
  );
  let refusals: TerraformRun[];

  beforeAll(() => {
    root = mkdtempSync(path.join(tmpdir(), "order-workflow-variables-"));
    variablesDir = root;
    // As synthesized: the offline preparation changes only the provider and its version.
    variables = synthesizedStack().json.variable;
    writeFileSync(path.join(variablesDir, "variables.tf.json"), JSON.stringify({ variable: variables }, null, 2));
    writeFileSync(path.join(variablesDir, "offline.tfrc"), "");
    expect(terraform(variablesDir, ["init", "-input=false"]).status).toBe(0);
    refusals = Array.from({ length: Math.max(...planOf) + 1 }, (_, plan) =>
      terraform(variablesDir, [
        "plan",
        "-input=false",
        ...BAD_VARIABLE_VALUES.filter((_, index) => planOf[index] === plan).flatMap(([name, value]) => [
          "-var",
          `${name}=${value}`,
        ]),
      ]),
    );
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
      "-var",
      "alarm_period_seconds=86400",
      "-var",
      "alarm_thresholds={ dead_letters = 10 }",
      "-var",
      `tags={ "Équipe" = "Opérations", "a.b:c/d=e+f-g@h_i" = "", ${"k".repeat(128)} = "${"v".repeat(256)}" }`,
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

  test("no validation reads another variable, so bad values of different variables can share a plan", () => {
    for (const [name, variable] of Object.entries(variables)) {
      for (const { condition } of variable.validation ?? []) {
        const others = [...condition.matchAll(/var\.(\w+)/g)].map(([, read]) => read).filter((read) => read !== name);
        expect({ name, condition, others }).toEqual({ name, condition, others: [] });
      }
    }
  });

  test.each(BAD_VARIABLE_VALUES.map(([name, value, message], index) => [name, value, message, index] as const))(
    "plan rejects %s=%s",
    (name, _value, message, index) => {
      const plan = refusals[planOf[index]];
      expect(plan.status).not.toBe(0);
      // That plan has no other value of this variable: the refusal saying the message is this value's.
      const refusal = diagnosticSaying(plan, message);
      expect(refusal).toMatch(
        new RegExp(`^Invalid value for variable on variables\\.tf\\.json line (\\d+), in variable: \\1: "${name}": \\{`),
      );
    },
  );
});
