/** Synthesizing the stack in-process for assertions on the Terraform JSON. */
import { App, Testing } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { OrderWorkflowStack, STACK_NAME } from "../../stacks/order-workflow-stack";
import { BackendChoice } from "../../stacks/backend";
import { PackagingMode } from "../../stacks/packaging";

/** Any JSON value: what the synthesized Terraform JSON holds where no shape below says more. */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };

/** Attributes beyond the ones a shape names: any JSON, or absent. */
type MoreAttributes = { [attribute: string]: Json | undefined };

type Lifecycle = { precondition: { condition: string; error_message: string }[] };
/** A `dynamic` block as cdktf writes it: one `content` per element of `for_each`. */
type DynamicBlock = { for_each: string; content: JsonObject };

/** The CloudWatch metric an alarm's metric_query reads. */
export type AlarmMetric = {
  dimensions: Record<string, string>;
  metric_name: string;
  namespace: string;
  period: string;
  stat: string;
};
export type AlarmMetricQuery = {
  id: string;
  metric?: AlarmMetric;
  expression?: string;
  label?: string;
  return_data?: boolean;
};

/**
 * The resource types the tests read, with the attributes they read; expressions are strings.
 * Other resource types, and other attributes, are JSON (`MoreAttributes`).
 */
export type ResourceTypes = {
  aws_cloudwatch_dashboard: { count: string; dashboard_body: string; dashboard_name: string };
  aws_cloudwatch_event_rule: { description: string; event_pattern: string; name: string };
  aws_cloudwatch_event_target: {
    arn: string;
    dead_letter_config: { arn: string };
    depends_on: string[];
    input_transformer: { input_paths: Record<string, string>; input_template: string };
    retry_policy: { maximum_event_age_in_seconds: string; maximum_retry_attempts: string };
    role_arn: string;
    rule: string;
    target_id: string;
  };
  aws_cloudwatch_log_group: { kms_key_id: string; name: string; retention_in_days: string };
  aws_cloudwatch_log_metric_filter: {
    log_group_name: string;
    metric_transformation: {
      name: string;
      namespace: string;
      value: string;
      default_value?: string;
      dimensions?: Record<string, string>;
    };
    name: string;
    pattern: string;
  };
  aws_cloudwatch_metric_alarm: {
    alarm_actions: string;
    alarm_description: string;
    alarm_name: string;
    comparison_operator: string;
    count: string;
    evaluation_periods: string;
    ok_actions: string;
    threshold: string;
    treat_missing_data: string;
    // A metric alarm names its metric; a metric-math alarm has metric_query instead.
    metric_name?: string;
    namespace?: string;
    period?: string;
    statistic?: string;
    dimensions?: Record<string, string>;
    metric_query?: AlarmMetricQuery[];
    lifecycle?: Lifecycle;
  };
  aws_dynamodb_table: {
    attribute: { name: string; type: string }[];
    billing_mode: string;
    deletion_protection_enabled: string;
    hash_key: string;
    name: string;
    point_in_time_recovery: { enabled: boolean };
    server_side_encryption: { enabled: string; kms_key_arn: string };
    ttl?: { attribute_name: string; enabled: boolean };
  };
  aws_iam_role: { assume_role_policy: string; description: string; name: string };
  aws_iam_role_policy: { name: string; policy: string; role: string; count?: string };
  aws_lambda_function: {
    architectures: string[];
    depends_on: string[];
    description: string;
    environment: { variables: Record<string, string> };
    function_name: string;
    handler: string;
    kms_key_arn: string;
    memory_size: string;
    publish: boolean;
    reserved_concurrent_executions: string;
    role: string;
    runtime: string;
    timeout: string;
    tracing_config: { mode: string };
    filename: string;
    source_code_hash: string;
  };
  aws_lambda_invocation: { depends_on: string[]; function_name: string; input: string };
  aws_sfn_alias: { description: string; dynamic: Record<string, DynamicBlock>; lifecycle: Lifecycle; name: string };
  aws_sfn_state_machine: {
    definition: string;
    depends_on: string[];
    dynamic: Record<string, DynamicBlock>;
    lifecycle: Lifecycle;
    logging_configuration: { include_execution_data: string; level: string; log_destination: string };
    name: string;
    publish: boolean;
    role_arn: string;
    tracing_configuration: { enabled: string };
    type: string;
  };
  aws_sns_topic: { count: string; kms_master_key_id: string; name: string };
  aws_sns_topic_subscription: { count: string; endpoint: string; protocol: string; topic_arn: string };
  aws_sqs_queue: {
    kms_master_key_id: string;
    message_retention_seconds: number;
    name: string;
    sqs_managed_sse_enabled: string;
  };
  aws_sqs_queue_policy: { policy: string; queue_url: string };
  terraform_data: {
    depends_on: string[];
    input: JsonObject;
    provisioner: { "local-exec": { command: string; when?: string } }[];
  };
};

/** A resource of `type`: its shape above if it has one, with any other attribute as JSON. */
export type Resource<Type extends string = string> = (Type extends keyof ResourceTypes ? ResourceTypes[Type] : unknown) &
  MoreAttributes;

/** A Terraform variable's declaration. */
export type Variable = {
  type: string;
  description: string;
  default?: Json;
  nullable?: boolean;
  validation?: { condition: string; error_message: string }[];
} & MoreAttributes;

/** The state backend block (terraform.backend): local, or s3 with its settings. */
export type Backend = {
  local?: { path: string };
  s3?: { bucket: string; key: string; region?: string; encrypt: boolean; use_lockfile: boolean } & MoreAttributes;
} & Record<string, JsonObject | undefined>;

export type TerraformJson = {
  terraform: {
    backend?: Backend;
    cloud?: { organization: string; workspaces: { name: string } };
    required_providers: Record<string, { source: string; version: string }>;
    required_version: string;
  } & MoreAttributes;
  provider: Record<string, JsonObject[]>;
  variable: Record<string, Variable>;
  locals: Record<string, Json>;
  /** An output's value: an expression, or a map of them (lambda_log_group_names). */
  output: Record<string, { value: string | Record<string, string>; description: string } & MoreAttributes>;
  resource: { [Type in keyof ResourceTypes]?: Record<string, Resource<Type>> } & Record<string, Record<string, Resource>>;
  /** The archive mode's archive_file data sources. */
  data?: {
    archive_file: Record<string, { output_file_mode: string; output_path: string; source_dir: string; type: string }>;
  } & Record<string, Record<string, JsonObject>>;
};

/** An IAM policy document (a role's, or a resource policy), as the stack writes its JSON. */
export type PolicyStatement = {
  Sid?: string;
  Effect: "Allow" | "Deny";
  Principal?: { Service: string };
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
};
export type PolicyDocument = { Version?: string; Statement: PolicyStatement[] };

/** A role's trust policy: who may assume it (one service each, as the stack writes them). */
export type TrustStatement = {
  Effect: "Allow" | "Deny";
  Principal: { Service: string };
  Action: string;
  Condition?: Record<string, Record<string, string | string[]>>;
};

/** Parses a permission policy (aws_iam_role_policy's or aws_sqs_queue_policy's `policy`). */
export function parsePolicy(text: string): PolicyDocument {
  return JSON.parse(text) as PolicyDocument;
}

/** Parses a role's assume_role_policy. */
export function parseTrustPolicy(text: string): { Version?: string; Statement: TrustStatement[] } {
  return JSON.parse(text) as { Version?: string; Statement: TrustStatement[] };
}

const testOutdirs: string[] = [];

/** Testing.app() with an outdir that removeTestOutdirs() (run after each test file) deletes; `context` as cdktf.json's. */
export function testApp(context?: Record<string, unknown>): App {
  const outdir = mkdtempSync(path.join(tmpdir(), "order-workflow-test-"));
  testOutdirs.push(outdir);
  return Testing.app({ outdir, context });
}

export function removeTestOutdirs(): void {
  for (const outdir of testOutdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
}

export function synthStack(
  packaging: PackagingMode = "archive",
  backend?: BackendChoice,
): { stack: OrderWorkflowStack; synthesized: string; json: TerraformJson } {
  const stack = new OrderWorkflowStack(testApp(), STACK_NAME, { packaging, backend });
  const synthesized = Testing.synth(stack);
  return { stack, synthesized, json: JSON.parse(synthesized) as TerraformJson };
}

/** A full synth into a fresh directory, as `cdktf synth` writes it; the caller removes `root`. */
export function synthToDirectory(packaging: PackagingMode): { root: string; stackDir: string; json: TerraformJson } {
  const root = mkdtempSync(path.join(tmpdir(), "order-workflow-"));
  const app = new App({ outdir: root, skipValidation: false });
  new OrderWorkflowStack(app, STACK_NAME, { packaging });
  app.synth();
  const stackDir = path.join(root, "stacks", STACK_NAME);
  return { root, stackDir, json: JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) as TerraformJson };
}

export function removeDirectory(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** The resources of one type, by logical id. */
export function resources<Type extends string>(json: TerraformJson, type: Type): Record<string, Resource<Type>> {
  return (json.resource[type] ?? {}) as Record<string, Resource<Type>>;
}

export function onlyResource<Type extends string>(json: TerraformJson, type: Type): Resource<Type> {
  const found = Object.values(resources(json, type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** The Terraform reference to a resource's attribute, as cdktf writes it. */
export function reference<Type extends string>(
  json: TerraformJson,
  type: Type,
  predicate: (resource: Resource<Type>) => boolean,
  attribute: string,
): string {
  const entry = Object.entries(resources(json, type)).find(([, resource]) => predicate(resource));
  if (!entry) throw new Error(`no ${type} matches`);
  return `\${${type}.${entry[0]}.${attribute}}`;
}
