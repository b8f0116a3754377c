/**
 * The stack's Terraform variables (docs/inputs-and-names.md, and the switches ops teams need).
 * They are declared on the stack itself, so `-var`, `*.tfvars`, `cdktf deploy --var` and
 * Terraform Cloud workspace variables bind by these exact names. Every one has a
 * description, a type and a default that works; every string and number has a validation
 * whose message names the variable and the rule (a bool's type check is its validation).
 */
import { TerraformVariable, TerraformVariableValidationConfig } from "cdktf";
import { Construct } from "constructs";

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];
export const ENVIRONMENTS = ["dev", "test", "staging", "prod"];
export const WORKFLOW_TYPES = ["STANDARD", "EXPRESS"];
export const LAMBDA_ARCHITECTURES = ["arm64", "x86_64"];
export const WORKFLOW_LOG_LEVELS = ["ALL", "ERROR", "FATAL", "OFF"];

/**
 * The alarms' thresholds (alarm_thresholds), each the count in one period at which its
 * alarm fires; 1 by default, since each of these means a technical incident (docs/operations.md).
 */
export const ALARM_THRESHOLDS = {
  compensation_failed: "orders that ended CompensationFailed",
  orders_failed_technically: "orders that failed for a technical reason, timed out or were aborted",
  service_call_faults: "calls of a service that failed technically, retried or not",
  function_faults: "faults of one function (each function has its alarm)",
  function_throttles: "throttled invocations of one function",
  dead_letters: "Order Submitted events waiting in the dead-letter queue (the most seen in the period)",
  executions_throttled: "throttled state transitions of the workflow",
} as const;
export type AlarmThresholdName = keyof typeof ALARM_THRESHOLDS;

/** The tags the stack sets itself on every resource: `tags` cannot override them. */
export const STACK_TAGS = ["Project", "Environment", "ManagedBy"] as const;
/** AWS allows 50 tags per resource; the stack's own take 3. */
export const MAX_EXTRA_TAGS = 50 - STACK_TAGS.length;

/** `${...}` around a Terraform expression, as a validation condition. */
const expression = (text: string) => `\${${text}}`;

function wholeNumberBetween(
  name: string,
  min: number,
  max: number,
  unit: string,
  why: string,
): TerraformVariableValidationConfig {
  const ref = `var.${name}`;
  return {
    condition: expression(`${ref} == floor(${ref}) && ${ref} >= ${min} && ${ref} <= ${max}`),
    errorMessage: `${name} must be a whole number of ${unit} from ${min} to ${max} (${why}).`,
  };
}

function oneOf(name: string, allowed: readonly (string | number)[], what = "one of"): TerraformVariableValidationConfig {
  return {
    condition: expression(`contains(${JSON.stringify(allowed)}, var.${name})`),
    errorMessage: `${name} must be ${what}: ${allowed.join(", ")}.`,
  };
}

/** For optional strings: null, or a value matching the pattern. */
function nullOrMatching(name: string, pattern: string, message: string): TerraformVariableValidationConfig {
  return {
    condition: expression(`var.${name} == null || can(regex(${JSON.stringify(pattern)}, var.${name}))`),
    errorMessage: `${name} must be ${message}, or null.`,
  };
}

export class WorkflowVariables {
  readonly projectName: TerraformVariable;
  readonly environment: TerraformVariable;
  readonly lambdaTimeout: TerraformVariable;
  readonly lambdaMemorySize: TerraformVariable;
  readonly lambdaArchitecture: TerraformVariable;
  readonly lambdaReservedConcurrency: TerraformVariable;
  readonly workflowType: TerraformVariable;
  readonly workflowRolloutPercent: TerraformVariable;
  readonly workflowStableVersion: TerraformVariable;
  readonly logRetentionDays: TerraformVariable;
  readonly workflowLogLevel: TerraformVariable;
  readonly workflowLogIncludeExecutionData: TerraformVariable;
  readonly enableXrayTracing: TerraformVariable;
  readonly tableDeletionProtection: TerraformVariable;
  readonly maxOrderTotal: TerraformVariable;
  readonly kmsKeyArn: TerraformVariable;
  readonly enableAlarms: TerraformVariable;
  readonly alarmEmail: TerraformVariable;
  readonly alarmPeriodSeconds: TerraformVariable;
  readonly alarmEvaluationPeriods: TerraformVariable;
  readonly alarmThresholds: TerraformVariable;
  readonly enableDashboard: TerraformVariable;
  readonly tags: TerraformVariable;
  readonly eventMaximumAgeSeconds: TerraformVariable;
  readonly eventMaximumRetryAttempts: TerraformVariable;
  readonly awsRegion: TerraformVariable;

  /** `deploying`: the environment of the stack, when it is one environment's (environments.ts); it then accepts no other. */
  constructor(
    private readonly scope: Construct,
    deploying?: string,
  ) {
    // docs/inputs-and-names.md: the four inputs of the original recipe.
    this.projectName = this.string(
      "project_name",
      "microservices-stepfn",
      "Prefix of every resource name (<project_name>-user-service, <project_name>-workflow, ...). 3 to 40 characters so that derived names stay within AWS limits.",
      [
        {
          condition: expression("length(var.project_name) >= 3 && length(var.project_name) <= 40"),
          errorMessage:
            "project_name must be 3 to 40 characters long, so that every derived name stays within AWS's 64-character limits.",
        },
        {
          condition: expression('can(regex("^[a-z][a-z0-9-]*[a-z0-9]$", var.project_name))'),
          errorMessage:
            "project_name may contain only lowercase letters, digits and hyphens, must start with a letter and must end with a letter or digit.",
        },
      ],
    );
    this.environment = this.string(
      "environment",
      deploying ?? "dev",
      "Deployment environment, written to the Environment tag of every resource (never into names). prod also turns the workflow's logs down to ERROR without execution data.",
      [
        oneOf("environment", ENVIRONMENTS),
        ...(deploying
          ? [
              {
                condition: expression(`var.environment == ${JSON.stringify(deploying)}`),
                errorMessage: `environment must be "${deploying}" in the ${deploying} stack (its settings are env/${deploying}.tfvars): another environment deploys with its own stack, cdktf deploy <environment>.`,
              },
            ]
          : []),
      ],
    );
    this.lambdaTimeout = this.number("lambda_timeout", 30, "Timeout of each Lambda function, in whole seconds (3 to 900).", [
      wholeNumberBetween("lambda_timeout", 3, 900, "seconds", "Lambda's maximum"),
    ]);
    this.lambdaMemorySize = this.number(
      "lambda_memory_size",
      128,
      "Memory of each Lambda function, in whole MB (128 to 10240).",
      [wholeNumberBetween("lambda_memory_size", 128, 10240, "MB", "Lambda's limits")],
    );

    this.maxOrderTotal = this.number(
      "max_order_total",
      100000,
      "The largest order total accepted, tax included, in USD: a larger order is refused with InvalidInput before anything is charged. Clients set the prices (docs/security.md), so this caps a runaway or forged order.",
      [
        {
          condition: expression(
            'var.max_order_total > 0 && var.max_order_total <= 1080000000000 && can(regex("^[0-9]+([.][0-9]{1,2})?$", tostring(var.max_order_total)))',
          ),
          errorMessage:
            "max_order_total must be an amount above 0 and at most 1080000000000 (the largest order the input rules allow), with at most 2 decimals.",
        },
      ],
    );

    // Cost and capacity.
    this.lambdaArchitecture = this.string(
      "lambda_architecture",
      "arm64",
      "Instruction set of the functions: arm64 (Graviton, about 20% cheaper per GB-second) or x86_64. The bundles are plain JavaScript and run on both.",
      [oneOf("lambda_architecture", LAMBDA_ARCHITECTURES)],
    );
    this.lambdaReservedConcurrency = this.number(
      "lambda_reserved_concurrency",
      -1,
      "Concurrent executions reserved for each function; -1 reserves none (the account's unreserved pool is shared). Reserving caps a runaway workload but takes capacity from the account, which keeps at least 100 unreserved. 0 is refused: it throttles every call, the undos of a failed order included.",
      [
        {
          condition: expression(
            "var.lambda_reserved_concurrency == -1 || (var.lambda_reserved_concurrency == floor(var.lambda_reserved_concurrency) && var.lambda_reserved_concurrency >= 1 && var.lambda_reserved_concurrency <= 1000)",
          ),
          errorMessage:
            "lambda_reserved_concurrency must be -1 (no reservation) or a whole number from 1 to 1000: 0 would throttle every call, refunds and releases included.",
        },
      ],
    );
    this.workflowType = this.string(
      "workflow_type",
      "STANDARD",
      "STANDARD (exactly-once, up to a year, billed per state transition) or EXPRESS (at-least-once, up to 5 minutes, billed per request and duration; cheaper at volume).",
      [oneOf("workflow_type", WORKFLOW_TYPES)],
    );

    // Deploying: how new executions are shared between the version this apply publishes and an earlier one.
    this.workflowRolloutPercent = this.number(
      "workflow_rollout_percent",
      100,
      "Share of new executions, in whole percent (0 to 100), that the live alias routes to the state machine version this apply publishes; the rest go to workflow_stable_version. 100: all to the new version. 0: all to workflow_stable_version (a rollback).",
      [wholeNumberBetween("workflow_rollout_percent", 0, 100, "percent", "a share of the executions")],
    );
    this.workflowStableVersion = this.number(
      "workflow_stable_version",
      null,
      "The state machine version (its number, as in the state_machine_version_arn output) that keeps the executions the new version does not take when workflow_rollout_percent is below 100. null: none, so workflow_rollout_percent must be 100.",
      [
        {
          condition: expression(
            // try(): Terraform evaluates both sides of ||, and floor(null) is an error.
            "var.workflow_stable_version == null || try(var.workflow_stable_version == floor(var.workflow_stable_version) && var.workflow_stable_version >= 1, false)",
          ),
          errorMessage:
            "workflow_stable_version must be a published version number (a whole number from 1, the last part of a state_machine_version_arn), or null.",
        },
      ],
    );

    // Logs, tracing and encryption.
    this.logRetentionDays = this.number(
      "log_retention_days",
      30,
      "How long CloudWatch keeps the functions' and the workflow's logs, in days.",
      [oneOf("log_retention_days", LOG_RETENTION_DAYS, "one of the values CloudWatch Logs accepts")],
    );
    this.workflowLogLevel = this.string(
      "workflow_log_level",
      null,
      "Step Functions logging level (ALL, ERROR, FATAL or OFF). null: ERROR in prod, ALL elsewhere.",
      [nullOrMatching("workflow_log_level", "^(ALL|ERROR|FATAL|OFF)$", `one of ${WORKFLOW_LOG_LEVELS.join(", ")}`)],
    );
    this.workflowLogIncludeExecutionData = this.bool(
      "workflow_log_include_execution_data",
      null,
      "Whether the workflow's logs include execution input and output (order data is personal data). null: false in prod, true elsewhere.",
    );
    this.enableXrayTracing = this.bool("enable_xray_tracing", true, "X-Ray tracing on the state machine and the functions.");
    this.tableDeletionProtection = this.bool(
      "table_deletion_protection",
      false,
      "Keeps the orders, idempotency and stock tables and their data: DynamoDB deletion protection, and a destroy that stops before destroying anything, saying so, until this is turned off and applied. On in env/prod.tfvars.",
    );
    this.kmsKeyArn = this.string(
      "kms_key_arn",
      null,
      "ARN of a customer-managed KMS key for the tables, the log groups, the workflow's data, the dead-letter queue, the alarm topic and the functions' environment. null: AWS-managed encryption. The key policy must allow CloudWatch Logs, log delivery, SQS and SNS to use it (docs/security.md).",
      [
        nullOrMatching(
          "kms_key_arn",
          "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/[a-zA-Z0-9-]+$",
          "the ARN of a KMS key (arn:aws:kms:<region>:<account>:key/<id>)",
        ),
      ],
    );

    // Alarms and event delivery.
    this.enableAlarms = this.bool(
      "enable_alarms",
      true,
      "CloudWatch alarms that each mean a technical incident, never a business refusal: compensation failures, orders failed technically, failed service calls, each function's faults and throttles, the dead-letter queue and throttled executions (docs/operations.md). They need workflow_log_level ALL or ERROR.",
    );
    this.alarmEmail = this.string(
      "alarm_email",
      null,
      "E-mail address subscribed to the alarms through an SNS topic. null: no topic.",
      [nullOrMatching("alarm_email", "^[^@\\s]+@[^@\\s]+\\.[^@\\s]+$", "one e-mail address")],
    );
    this.alarmPeriodSeconds = this.number(
      "alarm_period_seconds",
      300,
      "The period over which each alarm counts, in seconds: a whole number of minutes from 60 to 86400.",
      [
        {
          condition: expression(
            "var.alarm_period_seconds >= 60 && var.alarm_period_seconds <= 86400 && var.alarm_period_seconds % 60 == 0",
          ),
          errorMessage:
            "alarm_period_seconds must be a whole number of minutes in seconds (60, 120, ..., 300, ...) from 60 to 86400: CloudWatch's periods for these metrics.",
        },
      ],
    );
    this.alarmEvaluationPeriods = this.number(
      "alarm_evaluation_periods",
      1,
      "How many consecutive periods must each reach the threshold before an alarm fires (1 to 1440); alarm_period_seconds x alarm_evaluation_periods must be at most a day.",
      [wholeNumberBetween("alarm_evaluation_periods", 1, 1440, "periods", "CloudWatch evaluates at most a day")],
    );
    this.alarmThresholds = this.declare(
      "alarm_thresholds",
      `object({ ${Object.keys(ALARM_THRESHOLDS)
        .map((name) => `${name} = optional(number, 1)`)
        .join(", ")} })`,
      {},
      `The count in one period at which each alarm fires; any left out is 1. ${Object.entries(ALARM_THRESHOLDS)
        .map(([name, what]) => `${name}: ${what}`)
        .join("; ")}.`,
      Object.keys(ALARM_THRESHOLDS).map((name) => {
        const ref = `var.alarm_thresholds.${name}`;
        return {
          condition: expression(`${ref} == floor(${ref}) && ${ref} >= 1`),
          errorMessage: `alarm_thresholds.${name} must be a whole number of at least 1.`,
        };
      }),
    );
    this.enableDashboard = this.bool(
      "enable_dashboard",
      true,
      "A CloudWatch dashboard <project_name>: orders completed, rejected by reason and failed technically, execution latency, the functions' errors, throttles and duration, the dead-letter queue and compensation failures (its address is the dashboard_url output).",
    );
    this.tags = this.declare(
      "tags",
      "map(string)",
      {},
      `Tags added to every resource, for example those an organisation's tag policy requires. The stack's own (${STACK_TAGS.join(", ")}) cannot be replaced.`,
      [
        {
          condition: expression(`length(var.tags) <= ${MAX_EXTRA_TAGS}`),
          errorMessage: `tags may hold at most ${MAX_EXTRA_TAGS} tags: AWS allows 50 per resource and the stack sets ${STACK_TAGS.length}.`,
        },
        {
          condition: expression(
            `alltrue([for key in keys(var.tags) : !contains(${JSON.stringify(STACK_TAGS.map((tag) => tag.toLowerCase()))}, lower(key))])`,
          ),
          errorMessage: `tags cannot set ${STACK_TAGS.join(", ")}: the stack sets them (project_name, environment).`,
        },
        {
          condition: expression('alltrue([for key in keys(var.tags) : !startswith(lower(key), "aws:")])'),
          errorMessage: "tags cannot have keys starting with aws: (AWS reserves them).",
        },
        {
          condition: expression(
            'alltrue([for key, value in var.tags : length(key) >= 1 && length(key) <= 128 && length(value) <= 256 && can(regex("^[\\\\pL\\\\pZ\\\\pN_.:/=+@-]*$", key)) && can(regex("^[\\\\pL\\\\pZ\\\\pN_.:/=+@-]*$", value))])',
          ),
          errorMessage:
            "tags keys must be 1 to 128 and values at most 256 characters, of letters, digits, spaces and _ . : / = + - @ (AWS's tag rules).",
        },
      ],
    );
    this.eventMaximumAgeSeconds = this.number(
      "event_maximum_age_seconds",
      86400,
      "How long EventBridge keeps retrying to start the workflow for an event before it goes to the dead-letter queue, in seconds (60 to 86400).",
      [wholeNumberBetween("event_maximum_age_seconds", 60, 86400, "seconds", "EventBridge's limits")],
    );
    this.eventMaximumRetryAttempts = this.number(
      "event_maximum_retry_attempts",
      185,
      "How many times EventBridge retries to start the workflow for an event (0 to 185).",
      [wholeNumberBetween("event_maximum_retry_attempts", 0, 185, "attempts", "EventBridge's limits")],
    );

    this.awsRegion = this.string(
      "aws_region",
      null,
      "AWS Region to deploy to. null: the usual AWS environment (AWS_REGION, AWS_DEFAULT_REGION or the profile's region).",
      [nullOrMatching("aws_region", "^[a-z]{2}(-[a-z]+)+-[0-9]+$", 'a Region code such as "us-east-1"')],
    );
  }

  private declare(
    name: string,
    type: string,
    defaultValue: unknown,
    description: string,
    validation?: TerraformVariableValidationConfig[],
  ) {
    const variable = new TerraformVariable(this.scope, name, {
      type,
      description,
      validation,
      ...(defaultValue === null ? { nullable: true } : { default: defaultValue, nullable: false }),
    });
    // cdktf drops a null default; set it raw so that the variable stays optional.
    if (defaultValue === null) variable.addOverride("default", null);
    return variable;
  }

  private string(
    name: string,
    defaultValue: string | null,
    description: string,
    validation: TerraformVariableValidationConfig[],
  ) {
    return this.declare(name, "string", defaultValue, description, validation);
  }

  private number(
    name: string,
    defaultValue: number | null,
    description: string,
    validation: TerraformVariableValidationConfig[],
  ) {
    return this.declare(name, "number", defaultValue, description, validation);
  }

  private bool(name: string, defaultValue: boolean | null, description: string) {
    return this.declare(name, "bool", defaultValue, description);
  }
}
