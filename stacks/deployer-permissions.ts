/**
 * What the identity that deploys the stack needs: for every Terraform resource type, data
 * source type and provider the synthesized stack uses, the IAM actions the AWS provider
 * (hashicorp/aws 5.x and 6.x) needs to plan (read and refresh, and validate the workflow's
 * definition) and to apply (create, update, delete, tag, untag, and everything plan needs).
 *
 * Nothing here is applied by the stack: docs/deploying-identity.md is generated from it
 * (npm run docs:permissions), __tests__/stacks/deployer-permissions.test.ts checks that every type
 * the synthesized stack uses has an entry and no entry is left over, and the end-to-end
 * lifecycle records every AWS API call the provider makes against the emulator and checks
 * each one against these policies (emulator/api-calls.ts).
 *
 * Sources: the calls recorded on the emulator (hashicorp/aws 5.100.0), the provider's source
 * for what a run does not exercise (updates, untagging, a customer managed key), the API
 * reference of each operation and the Service Authorization Reference for IAM's names.
 */

/** plan: a plan needs it (and so does an apply); apply: only an apply (or destroy) does. */
export type Phase = "plan" | "apply";

export interface Permission {
  action: string;
  phase: Phase;
  /** One line: what the provider does with it. */
  why: string;
  /** Only needed in some configurations (`kms_key_arn`, ...); absent: always. */
  when?: string;
  /**
   * Why the end-to-end run on the emulator does not call it, for every action it does not
   * (the lifecycle checks that every other action is called: RECORDED_ON_EMULATOR).
   */
  notRecorded?: string;
}

export type EntryKind = "resource" | "data" | "removed" | "provider";

export interface TypePermissions {
  kind: EntryKind;
  /** `aws_lambda_function`, or the provider's name for a provider. */
  type: string;
  /** What the entry is, in a few words; for types without AWS calls, why none. */
  summary: string;
  permissions: Permission[];
  /** The ARNs its actions act on, for scoping a policy to the project's names (`<project>` is project_name). */
  arns?: string[];
  /** The attribute that names each resource, and the patterns every synthesized name must match (tested). */
  nameAttribute?: string;
  names?: string[];
}

const KMS_KEY = "only with `kms_key_arn`";
const KMS_OFF = "the run leaves `kms_key_arn` unset (moto does not enforce KMS permissions)";
const NO_TAG_REMOVED = "the run adds a tag (tags, in its update) but removes no tag key";

/** PassRole: not an API call, the permission to hand one of the stack's roles to a service. */
const passRole = (service: string, role: string): Permission => ({
  action: "iam:PassRole",
  phase: "apply",
  why: `hands ${role} to ${service} (condition \`iam:PassedToService\` = \`${service}\`); not an API operation, so never recorded`,
  notRecorded: "a permission checked by the service, not an API call",
});

const tagging = (prefix: string, tagAction = "TagResource", untagAction = "UntagResource", createCall: string): Permission[] => [
  {
    action: `${prefix}:${tagAction}`,
    phase: "apply",
    why: `the provider's default tags (Project, Environment, ManagedBy, and those of \`tags\`): ${createCall} with tags needs it, and adding a tag or changing one's value calls it`,
  },
  {
    action: `${prefix}:${untagAction}`,
    phase: "apply",
    why: "removes a tag key that is no longer configured (a default tag dropped, a tag added by hand)",
    notRecorded: NO_TAG_REMOVED,
  },
];

export const PERMISSIONS: TypePermissions[] = [
  {
    kind: "provider",
    type: "aws",
    summary: "the AWS provider itself, when it starts",
    permissions: [
      {
        action: "sts:GetCallerIdentity",
        phase: "plan",
        why: "checks the credentials and finds the account ID; needs no permission (STS API reference: no permissions are required, even an explicit deny does not stop it), so it is in no policy",
      },
    ],
  },
  {
    kind: "resource",
    type: "aws_cloudwatch_event_rule",
    summary: "the rule that starts the workflow's live alias",
    arns: ["arn:aws:events:<region>:<account>:rule/<project>-*"],
    nameAttribute: "name",
    names: ["<project>-*"],
    permissions: [
      { action: "events:DescribeRule", phase: "plan", why: "reads the rule" },
      { action: "events:ListTagsForResource", phase: "plan", why: "reads its tags" },
      { action: "events:PutRule", phase: "apply", why: "creates and updates the rule" },
      ...tagging("events", undefined, undefined, "PutRule"),
      { action: "events:DeleteRule", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_cloudwatch_event_target",
    summary: "the rule's target: the live alias, with its role, input transformer and dead-letter queue",
    arns: ["arn:aws:events:<region>:<account>:rule/<project>-*"],
    permissions: [
      { action: "events:ListTargetsByRule", phase: "plan", why: "reads the target" },
      { action: "events:PutTargets", phase: "apply", why: "creates and updates it" },
      { action: "events:RemoveTargets", phase: "apply", why: "destroys it" },
      passRole("events.amazonaws.com", "`<project>-trigger-role`"),
    ],
  },
  {
    kind: "resource",
    type: "aws_cloudwatch_log_group",
    summary: "each function's log group and the workflow's",
    arns: [
      "arn:aws:logs:<region>:<account>:log-group:/aws/lambda/<project>-*",
      "arn:aws:logs:<region>:<account>:log-group:/aws/vendedlogs/states/<project>-*",
    ],
    nameAttribute: "name",
    names: ["/aws/lambda/<project>-*", "/aws/vendedlogs/states/<project>-*"],
    permissions: [
      { action: "logs:DescribeLogGroups", phase: "plan", why: "reads the log group" },
      { action: "logs:ListTagsForResource", phase: "plan", why: "reads its tags" },
      { action: "logs:CreateLogGroup", phase: "apply", why: "creates it (with the key when `kms_key_arn` is set)" },
      {
        action: "logs:PutRetentionPolicy",
        phase: "apply",
        why: "sets `log_retention_days` (never 0, so logs:DeleteRetentionPolicy is never needed)",
      },
      {
        action: "logs:AssociateKmsKey",
        phase: "apply",
        why: "sets `kms_key_arn` on an existing log group (the key's policy must let CloudWatch Logs use it; the caller needs no kms action)",
        when: "only when `kms_key_arn` is set or changed after the log groups exist",
        notRecorded: KMS_OFF,
      },
      {
        action: "logs:DisassociateKmsKey",
        phase: "apply",
        why: "unsets `kms_key_arn` on an existing log group",
        when: "only when `kms_key_arn` is removed",
        notRecorded: KMS_OFF,
      },
      ...tagging("logs", undefined, undefined, "CreateLogGroup (API reference: logs:TagResource or logs:TagLogGroup)"),
      { action: "logs:DeleteLogGroup", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_cloudwatch_log_metric_filter",
    summary: "the metric filters on the workflow's and each function's log group (docs/operations.md)",
    arns: [
      "arn:aws:logs:<region>:<account>:log-group:/aws/lambda/<project>-*",
      "arn:aws:logs:<region>:<account>:log-group:/aws/vendedlogs/states/<project>-workflow",
    ],
    permissions: [
      { action: "logs:DescribeMetricFilters", phase: "plan", why: "reads the filter" },
      { action: "logs:PutMetricFilter", phase: "apply", why: "creates and updates it" },
      { action: "logs:DeleteMetricFilter", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_cloudwatch_dashboard",
    summary: "the dashboard (enable_dashboard)",
    // Dashboards are global: their ARNs have no Region.
    arns: ["arn:aws:cloudwatch::<account>:dashboard/<project>"],
    nameAttribute: "dashboard_name",
    names: ["<project>"],
    permissions: [
      { action: "cloudwatch:GetDashboard", phase: "plan", why: "reads the dashboard" },
      { action: "cloudwatch:PutDashboard", phase: "apply", why: "creates and updates it" },
      { action: "cloudwatch:DeleteDashboards", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_cloudwatch_metric_alarm",
    summary: "the alarms (workflow, dead-letter queue, each function)",
    arns: ["arn:aws:cloudwatch:<region>:<account>:alarm:<project>-*"],
    nameAttribute: "alarm_name",
    names: ["<project>-*"],
    permissions: [
      { action: "cloudwatch:DescribeAlarms", phase: "plan", why: "reads the alarm" },
      { action: "cloudwatch:ListTagsForResource", phase: "plan", why: "reads its tags" },
      { action: "cloudwatch:PutMetricAlarm", phase: "apply", why: "creates and updates it" },
      ...tagging("cloudwatch", undefined, undefined, "PutMetricAlarm"),
      { action: "cloudwatch:DeleteAlarms", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_dynamodb_table",
    summary: "the orders, idempotency and stock tables",
    arns: ["arn:aws:dynamodb:<region>:<account>:table/<project>-*"],
    nameAttribute: "name",
    names: ["<project>-*"],
    permissions: [
      { action: "dynamodb:DescribeTable", phase: "plan", why: "reads the table (and waits for it to be active or gone)" },
      { action: "dynamodb:DescribeContinuousBackups", phase: "plan", why: "reads point-in-time recovery" },
      { action: "dynamodb:DescribeTimeToLive", phase: "plan", why: "reads the TTL setting" },
      { action: "dynamodb:ListTagsOfResource", phase: "plan", why: "reads its tags" },
      { action: "dynamodb:CreateTable", phase: "apply", why: "creates it" },
      {
        action: "dynamodb:UpdateTable",
        phase: "apply",
        why: "turns `table_deletion_protection` on and off, changes the encryption key",
      },
      { action: "dynamodb:UpdateContinuousBackups", phase: "apply", why: "turns point-in-time recovery on" },
      { action: "dynamodb:UpdateTimeToLive", phase: "apply", why: "turns TTL on (`expiresAt`)" },
      ...tagging("dynamodb", undefined, undefined, "CreateTable"),
      { action: "dynamodb:DeleteTable", phase: "apply", why: "destroys it (refused while deletion protection is on)" },
      ...(
        ["kms:DescribeKey", "kms:CreateGrant", "kms:Encrypt", "kms:Decrypt", "kms:ReEncrypt*", "kms:GenerateDataKey*"] as const
      ).map((action): Permission => ({
        action,
        phase: "apply",
        why: "DynamoDB uses the key on behalf of whoever creates or re-keys the table, and must be able to create its grants (DynamoDB Developer Guide, encryption at rest, key policy for a customer managed key)",
        when: `${KMS_KEY}; through DynamoDB (\`kms:ViaService\`)`,
        notRecorded: KMS_OFF,
      })),
    ],
  },
  {
    kind: "removed",
    type: "aws_dynamodb_table_item",
    summary: "version 2's stock seed items, forgotten by `removed` blocks (destroy = false), never deleted",
    arns: ["arn:aws:dynamodb:<region>:<account>:table/<project>-stock"],
    permissions: [
      {
        action: "dynamodb:GetItem",
        phase: "plan",
        why: "Terraform refreshes an item still in the state (a deployment last applied by version 2) before it forgets it",
        when: "only while the state still holds version 2's seed items (the first plan or apply after upgrading)",
        notRecorded: "the run starts from an empty state, so no seed item is in it",
      },
    ],
  },
  {
    kind: "resource",
    type: "aws_iam_role",
    summary: "each function's execution role, the workflow's role and the trigger's role",
    arns: ["arn:aws:iam::<account>:role/<project>-*"],
    nameAttribute: "name",
    names: ["<project>-*"],
    permissions: [
      { action: "iam:GetRole", phase: "plan", why: "reads the role" },
      { action: "iam:ListRolePolicies", phase: "plan", why: "reads its inline policies' names (`inline_policy`)" },
      { action: "iam:GetRolePolicy", phase: "plan", why: "reads each inline policy (`inline_policy`)" },
      { action: "iam:ListAttachedRolePolicies", phase: "plan", why: "reads its managed policies (`managed_policy_arns`)" },
      { action: "iam:CreateRole", phase: "apply", why: "creates it" },
      ...tagging("iam", "TagRole", "UntagRole", "CreateRole"),
      {
        action: "iam:UpdateAssumeRolePolicy",
        phase: "apply",
        why: "changes who may assume the role (the trust policies name the project's account and ARNs)",
        notRecorded: "the run never changes a trust policy",
      },
      {
        action: "iam:UpdateRoleDescription",
        phase: "apply",
        why: "changes a role's description",
        notRecorded: "the run never changes a description",
      },
      {
        action: "iam:ListInstanceProfilesForRole",
        phase: "apply",
        why: "before deleting the role, finds instance profiles to detach",
      },
      { action: "iam:DeleteRole", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_iam_role_policy",
    summary: "the roles' inline policies",
    arns: ["arn:aws:iam::<account>:role/<project>-*"],
    permissions: [
      { action: "iam:GetRolePolicy", phase: "plan", why: "reads the policy" },
      { action: "iam:PutRolePolicy", phase: "apply", why: "creates and updates it" },
      { action: "iam:DeleteRolePolicy", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_lambda_function",
    summary: "the functions, one per service, each change publishing a version",
    arns: ["arn:aws:lambda:<region>:<account>:function:<project>-*"],
    nameAttribute: "function_name",
    names: ["<project>-*"],
    permissions: [
      { action: "lambda:GetFunction", phase: "plan", why: "reads the function, its concurrency and its tags" },
      {
        action: "lambda:ListVersionsByFunction",
        phase: "plan",
        why: "finds the newest published version (`version`, `qualified_arn`)",
      },
      {
        action: "lambda:GetFunctionCodeSigningConfig",
        phase: "plan",
        why: "reads `code_signing_config_arn` (in the aws partition, where AWS Signer is available)",
      },
      {
        action: "kms:Decrypt",
        phase: "plan",
        why: "to read environment variables encrypted with the key (Lambda Developer Guide, securing environment variables)",
        when: `${KMS_KEY}; through Lambda (\`kms:ViaService\`)`,
        notRecorded: KMS_OFF,
      },
      { action: "lambda:CreateFunction", phase: "apply", why: "creates it with its zip" },
      { action: "lambda:GetFunctionConfiguration", phase: "apply", why: "waits until a create, update or publish is done" },
      {
        action: "lambda:UpdateFunctionConfiguration",
        phase: "apply",
        why: "changes memory, timeout, environment, architecture, tracing, the key",
      },
      {
        action: "lambda:UpdateFunctionCode",
        phase: "apply",
        why: "uploads a new zip when the bundle changes",
        notRecorded: "the run deploys one build, so the code never changes",
      },
      { action: "lambda:PublishVersion", phase: "apply", why: "publishes a version after each change (`publish = true`)" },
      {
        action: "lambda:PutFunctionConcurrency",
        phase: "apply",
        why: "reserves `lambda_reserved_concurrency`",
        when: "only with `lambda_reserved_concurrency` other than -1",
      },
      {
        action: "lambda:DeleteFunctionConcurrency",
        phase: "apply",
        why: "releases the reservation when `lambda_reserved_concurrency` goes back to -1",
        when: "only when `lambda_reserved_concurrency` goes back to -1",
        notRecorded: "the run never takes a reservation back (prod keeps env/prod.tfvars' 50 until it is destroyed)",
      },
      ...tagging("lambda", undefined, undefined, "CreateFunction"),
      { action: "lambda:DeleteFunction", phase: "apply", why: "destroys it" },
      passRole("lambda.amazonaws.com", "each function's execution role `<project>-<service>`"),
      ...(["kms:CreateGrant", "kms:Encrypt", "kms:Decrypt"] as const).map((action): Permission => ({
        action,
        phase: "apply",
        why: "Lambda uses the caller's permissions to create a grant on the key and encrypt the environment (Lambda Developer Guide, securing environment variables)",
        when: `${KMS_KEY}; through Lambda (\`kms:ViaService\`)`,
        notRecorded: KMS_OFF,
      })),
    ],
  },
  {
    kind: "resource",
    type: "aws_lambda_invocation",
    summary: "seeds the stock table through inventory-service (no read API: plan calls nothing)",
    arns: ["arn:aws:lambda:<region>:<account>:function:<project>-inventory-service"],
    permissions: [
      {
        action: "lambda:InvokeFunction",
        phase: "apply",
        why: "calls `seed` on create and whenever the catalogue (the input) changes; the API operation is Invoke, the action InvokeFunction",
      },
    ],
  },
  {
    kind: "resource",
    type: "aws_sfn_alias",
    summary: "the workflow's `live` alias",
    arns: ["arn:aws:states:<region>:<account>:stateMachine:<project>-workflow:live"],
    permissions: [
      { action: "states:DescribeStateMachineAlias", phase: "plan", why: "reads the alias and its routing" },
      { action: "states:CreateStateMachineAlias", phase: "apply", why: "creates it" },
      { action: "states:UpdateStateMachineAlias", phase: "apply", why: "moves it to the published version, or splits a rollout" },
      { action: "states:DeleteStateMachineAlias", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_sfn_state_machine",
    summary: "the order workflow, each change publishing a version",
    arns: [
      "arn:aws:states:<region>:<account>:stateMachine:<project>-workflow",
      "arn:aws:states:<region>:<account>:stateMachine:<project>-workflow:*",
    ],
    nameAttribute: "name",
    names: ["<project>-workflow"],
    permissions: [
      { action: "states:DescribeStateMachine", phase: "plan", why: "reads the state machine and its definition" },
      { action: "states:ListStateMachineVersions", phase: "plan", why: "finds the newest version (`state_machine_version_arn`)" },
      { action: "states:ListTagsForResource", phase: "plan", why: "reads its tags" },
      {
        action: "states:ValidateStateMachineDefinition",
        phase: "plan",
        why: "the provider validates a changed definition while it plans (the diff's CustomizeDiff), before anything is applied; when the definition is not known until apply (it interpolates new function versions) the same call happens during the apply",
      },
      {
        action: "kms:Decrypt",
        phase: "plan",
        why: "DescribeStateMachine returns a definition encrypted with the key only to callers with kms:Decrypt (Step Functions API reference)",
        when: `${KMS_KEY}; through Step Functions (\`kms:ViaService\`)`,
        notRecorded: KMS_OFF,
      },
      { action: "states:CreateStateMachine", phase: "apply", why: "creates it (and publishes version 1)" },
      { action: "states:UpdateStateMachine", phase: "apply", why: "changes it and publishes the next version" },
      ...tagging("states", undefined, undefined, "CreateStateMachine"),
      { action: "states:DeleteStateMachine", phase: "apply", why: "destroys it (and waits until it is gone)" },
      passRole("states.amazonaws.com", "`<project>-workflow-role`"),
      {
        action: "kms:GenerateDataKey",
        phase: "apply",
        why: "Step Functions encrypts the definition with the key when it creates or updates the state machine; AWS documents the role's and the reader's key permissions, not the creator's, so this one is inferred",
        when: `${KMS_KEY}; through Step Functions (\`kms:ViaService\`)`,
        notRecorded: KMS_OFF,
      },
    ],
  },
  {
    kind: "resource",
    type: "aws_sns_topic",
    summary: "the alarm topic",
    arns: ["arn:aws:sns:<region>:<account>:<project>-*"],
    nameAttribute: "name",
    names: ["<project>-*"],
    permissions: [
      { action: "sns:GetTopicAttributes", phase: "plan", why: "reads the topic" },
      { action: "sns:ListTagsForResource", phase: "plan", why: "reads its tags" },
      { action: "sns:CreateTopic", phase: "apply", why: "creates it (with the key when `kms_key_arn` is set)" },
      { action: "sns:SetTopicAttributes", phase: "apply", why: "sets its attributes (policy, delivery policy, key)" },
      ...tagging("sns", undefined, undefined, "CreateTopic (API reference)"),
      { action: "sns:DeleteTopic", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_sns_topic_subscription",
    summary: "the e-mail subscription of `alarm_email`",
    arns: ["arn:aws:sns:<region>:<account>:<project>-*"],
    permissions: [
      { action: "sns:GetSubscriptionAttributes", phase: "plan", why: "reads the subscription" },
      { action: "sns:Subscribe", phase: "apply", why: "subscribes `alarm_email`" },
      {
        action: "sns:SetSubscriptionAttributes",
        phase: "apply",
        why: "changes a subscription attribute in place",
        notRecorded: "the run never changes the subscription",
      },
      { action: "sns:Unsubscribe", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_sqs_queue",
    summary: "the trigger's dead-letter queue",
    arns: ["arn:aws:sqs:<region>:<account>:<project>-*"],
    nameAttribute: "name",
    names: ["<project>-*"],
    permissions: [
      { action: "sqs:GetQueueAttributes", phase: "plan", why: "reads the queue (and waits until its attributes settle)" },
      { action: "sqs:ListQueueTags", phase: "plan", why: "reads its tags" },
      { action: "sqs:CreateQueue", phase: "apply", why: "creates it" },
      { action: "sqs:SetQueueAttributes", phase: "apply", why: "changes its attributes (retention, encryption)" },
      ...tagging("sqs", "TagQueue", "UntagQueue", "CreateQueue (API reference)"),
      { action: "sqs:DeleteQueue", phase: "apply", why: "destroys it" },
    ],
  },
  {
    kind: "resource",
    type: "aws_sqs_queue_policy",
    summary: "the queue policy that lets only the rule dead-letter",
    arns: ["arn:aws:sqs:<region>:<account>:<project>-*"],
    permissions: [
      { action: "sqs:GetQueueAttributes", phase: "plan", why: "reads the policy (the queue's Policy attribute)" },
      { action: "sqs:SetQueueAttributes", phase: "apply", why: "sets the policy, and empties it on destroy" },
    ],
  },
  {
    kind: "resource",
    type: "terraform_data",
    summary: "the destroy guard: Terraform's built-in resource, no AWS call",
    permissions: [],
  },
  {
    kind: "data",
    type: "archive_file",
    summary: "hashicorp/archive zips each bundle on the machine that plans (LAMBDA_PACKAGING=archive): no AWS call",
    permissions: [],
  },
  {
    kind: "provider",
    type: "archive",
    summary: "hashicorp/archive (LAMBDA_PACKAGING=archive): no AWS call",
    permissions: [],
  },
];

/**
 * The actions the end-to-end lifecycle (emulator/lifecycle.ts) makes the provider call on
 * the emulator, by the first policy they are called under: "plan" when a plan calls them,
 * else "apply". emulator/api-calls.ts checks this both ways after every run: each one is
 * called, and each call's action is here. Everything else in PERMISSIONS says why it is not.
 */
export const RECORDED_ON_EMULATOR: ReadonlyMap<string, Phase> = new Map<string, Phase>(
  Object.entries({
    "cloudwatch:DeleteAlarms": "apply",
    "cloudwatch:DeleteDashboards": "apply",
    "cloudwatch:DescribeAlarms": "plan",
    "cloudwatch:GetDashboard": "plan",
    "cloudwatch:ListTagsForResource": "plan",
    "cloudwatch:PutDashboard": "apply",
    "cloudwatch:PutMetricAlarm": "apply",
    "cloudwatch:TagResource": "apply",
    "dynamodb:CreateTable": "apply",
    "dynamodb:DeleteTable": "apply",
    "dynamodb:DescribeContinuousBackups": "plan",
    "dynamodb:DescribeTable": "plan",
    "dynamodb:DescribeTimeToLive": "plan",
    "dynamodb:ListTagsOfResource": "plan",
    "dynamodb:TagResource": "apply",
    "dynamodb:UpdateContinuousBackups": "apply",
    "dynamodb:UpdateTable": "apply",
    "dynamodb:UpdateTimeToLive": "apply",
    "events:DeleteRule": "apply",
    "events:DescribeRule": "plan",
    "events:ListTagsForResource": "plan",
    "events:ListTargetsByRule": "plan",
    "events:PutRule": "apply",
    "events:PutTargets": "apply",
    "events:RemoveTargets": "apply",
    "events:TagResource": "apply",
    "iam:CreateRole": "apply",
    "iam:DeleteRole": "apply",
    "iam:DeleteRolePolicy": "apply",
    "iam:GetRole": "plan",
    "iam:GetRolePolicy": "plan",
    "iam:ListAttachedRolePolicies": "plan",
    "iam:ListInstanceProfilesForRole": "apply",
    "iam:ListRolePolicies": "plan",
    "iam:PutRolePolicy": "apply",
    "iam:TagRole": "apply",
    "lambda:CreateFunction": "apply",
    "lambda:DeleteFunction": "apply",
    "lambda:GetFunction": "plan",
    "lambda:GetFunctionCodeSigningConfig": "plan",
    "lambda:GetFunctionConfiguration": "apply",
    "lambda:InvokeFunction": "apply",
    "lambda:ListVersionsByFunction": "plan",
    "lambda:PublishVersion": "apply",
    "lambda:PutFunctionConcurrency": "apply",
    "lambda:TagResource": "apply",
    "lambda:UpdateFunctionConfiguration": "apply",
    "logs:CreateLogGroup": "apply",
    "logs:DeleteLogGroup": "apply",
    "logs:DeleteMetricFilter": "apply",
    "logs:DescribeLogGroups": "plan",
    "logs:DescribeMetricFilters": "plan",
    "logs:ListTagsForResource": "plan",
    "logs:PutMetricFilter": "apply",
    "logs:PutRetentionPolicy": "apply",
    "logs:TagResource": "apply",
    "sns:CreateTopic": "apply",
    "sns:DeleteTopic": "apply",
    "sns:GetSubscriptionAttributes": "plan",
    "sns:GetTopicAttributes": "plan",
    "sns:ListTagsForResource": "plan",
    "sns:SetTopicAttributes": "apply",
    "sns:Subscribe": "apply",
    "sns:TagResource": "apply",
    "sns:Unsubscribe": "apply",
    "sqs:CreateQueue": "apply",
    "sqs:DeleteQueue": "apply",
    "sqs:GetQueueAttributes": "plan",
    "sqs:ListQueueTags": "plan",
    "sqs:SetQueueAttributes": "apply",
    "sqs:TagQueue": "apply",
    "states:CreateStateMachine": "apply",
    "states:CreateStateMachineAlias": "apply",
    "states:DeleteStateMachine": "apply",
    "states:DeleteStateMachineAlias": "apply",
    "states:DescribeStateMachine": "plan",
    "states:DescribeStateMachineAlias": "plan",
    "states:ListStateMachineVersions": "plan",
    "states:ListTagsForResource": "plan",
    "states:TagResource": "apply",
    "states:UpdateStateMachine": "apply",
    "states:UpdateStateMachineAlias": "apply",
    // The run's plans change no definition (the provider validates only a changed, known one):
    // the calls come from the applies, whose definitions interpolate new function versions.
    "states:ValidateStateMachineDefinition": "apply",
    "sts:GetCallerIdentity": "plan",
  }) as [string, Phase][],
);

/** Actions the provider's calls need no permission for (in no policy). */
export const NO_PERMISSION_NEEDED: ReadonlySet<string> = new Set(["sts:GetCallerIdentity"]);

/**
 * IAM's service prefix of each botocore service name the recorder writes, where they differ
 * (every other one is its own prefix: lambda, logs, events, dynamodb, iam, sns, sqs, sts, kms).
 */
const IAM_PREFIX: Record<string, string> = { stepfunctions: "states", cloudwatch: "cloudwatch" };

/**
 * API operations whose IAM action has another name, with where the Service Authorization
 * Reference (or the API reference) says so. Every other operation is `<prefix>:<Operation>`.
 */
export const ACTION_NAME_EXCEPTIONS: { service: string; operation: string; action: string; source: string }[] = [
  ...(["Invoke", "InvokeWithResponseStream"] as const).map((operation) => ({
    service: "lambda",
    operation,
    action: "lambda:InvokeFunction",
    source: `Lambda API reference, ${operation}: "This operation requires permission for the lambda:InvokeFunction action"; the Service Authorization Reference (AWS Lambda) lists InvokeFunction, no ${operation}`,
  })),
  ...(["SendMessage", "DeleteMessage", "ChangeMessageVisibility"] as const).map((single) => ({
    service: "sqs",
    operation: `${single}Batch`,
    action: `sqs:${single}`,
    source: `Amazon SQS Developer Guide, "Amazon SQS API permissions: Actions and resource reference": ${single}Batch is authorized by ${single}`,
  })),
];

/** The IAM action an API call needs: `<prefix>:<Operation>`, or its listed exception. */
export function iamActionOf(service: string, operation: string): string {
  const exception = ACTION_NAME_EXCEPTIONS.find((entry) => entry.service === service && entry.operation === operation);
  return exception ? exception.action : `${IAM_PREFIX[service] ?? service}:${operation}`;
}

export const serviceOfAction = (action: string): string => action.split(":")[0];

/** Whether `action` matches a policy action, which may end in `*` (`kms:GenerateDataKey*`). */
export function actionMatches(policyAction: string, action: string): boolean {
  return policyAction.endsWith("*") ? action.startsWith(policyAction.slice(0, -1)) : policyAction === action;
}

const allPermissions = () => PERMISSIONS.flatMap((entry) => entry.permissions);
const inPolicy = (permission: Permission) => !NO_PERMISSION_NEEDED.has(permission.action);

/** Every action a plan needs (in the plan policy). */
export const PLAN_ACTIONS: ReadonlySet<string> = new Set(
  allPermissions()
    .filter((permission) => permission.phase === "plan" && inPolicy(permission))
    .map((permission) => permission.action),
);

/** Every action an apply, a `cdktf deploy` or a destroy needs: plan's and its own. */
export const APPLY_ACTIONS: ReadonlySet<string> = new Set(
  allPermissions()
    .filter(inPolicy)
    .map((permission) => permission.action),
);

/** Whether a policy's actions allow `action` (wildcards included). */
export function allows(actions: ReadonlySet<string>, action: string): boolean {
  return [...actions].some((policyAction) => actionMatches(policyAction, action));
}

/** The services whose roles the stack passes (iam:PassRole's condition), from the PassRole entries. */
export function passedToServices(): string[] {
  const services = allPermissions()
    .filter((permission) => permission.action === "iam:PassRole")
    .map((permission) => /`iam:PassedToService` = `([^`]+)`/.exec(permission.why)![1]);
  return [...new Set(services)].sort();
}

/** The services that use the customer managed key on the caller's behalf (`kms:ViaService`), as they are named in `when`. */
const KEY_SERVICES: [string, string][] = [
  ["dynamodb", "DynamoDB"],
  ["lambda", "Lambda"],
  ["states", "StepFunctions"],
];

/** Through which service a key action is used: every kms: permission says so in its `when`. */
export function keyServiceOf(permission: Permission): string {
  const label = /through (DynamoDB|Lambda|Step Functions)/.exec(permission.when ?? "")?.[1];
  if (!label) throw new Error(`${permission.action}: a key action must say through which service it is used (kms:ViaService)`);
  return KEY_SERVICES.find(([, name]) => name === label.replace(" ", ""))![0];
}

export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string;
  Condition?: Record<string, Record<string, string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

/**
 * The policy for a plan or an apply: the API actions on "*", iam:PassRole only to the three
 * services, and the key's actions only through the services that use it (a statement needed
 * only with `kms_key_arn`). Scoping to the project's names: docs/deploying-identity.md.
 */
export function policyDocument(phase: Phase): PolicyDocument {
  const permissions = allPermissions().filter(
    (permission) => inPolicy(permission) && (phase === "apply" || permission.phase === "plan"),
  );
  // Sorted, without an action that a wildcard in the same list already allows.
  const sorted = (actions: string[]) =>
    [...new Set(actions)]
      .filter((action) => !actions.some((other) => other !== action && other.endsWith("*") && actionMatches(other, action)))
      .sort();
  const plain = sorted(
    permissions
      .map((permission) => permission.action)
      .filter((action) => action !== "iam:PassRole" && !action.startsWith("kms:")),
  );
  const statements: PolicyStatement[] = [
    {
      Sid: phase === "plan" ? "PlanReadsTheStack" : "ApplyManagesTheStack",
      Effect: "Allow",
      Action: plain,
      Resource: "*",
    },
  ];
  if (phase === "apply") {
    statements.push({
      Sid: "PassTheStacksRolesToTheirServices",
      Effect: "Allow",
      Action: ["iam:PassRole"],
      Resource: "*",
      Condition: { StringEquals: { "iam:PassedToService": passedToServices() } },
    });
  }
  for (const [service, label] of KEY_SERVICES) {
    const actions = sorted(
      permissions
        .filter((permission) => permission.action.startsWith("kms:") && keyServiceOf(permission) === service)
        .map((permission) => permission.action),
    );
    if (actions.length === 0) continue;
    statements.push({
      Sid: `OnlyWithKmsKeyArnUseTheKeyThrough${label}`,
      Effect: "Allow",
      Action: actions,
      Resource: "*",
      Condition: { StringLike: { "kms:ViaService": [`${service}.*.amazonaws.com`] } },
    });
  }
  return { Version: "2012-10-17", Statement: statements };
}

/** The entries of a synthesized stack: `kind type`, as PERMISSIONS keys them. */
export interface StackJson {
  provider?: Record<string, unknown>;
  resource?: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  removed?: { from: string }[];
}

export const entryKey = (kind: EntryKind, type: string) => `${kind} ${type}`;

/**
 * Every provider, resource type, data source type and `removed` type a synthesized stack
 * uses, as `kind type`. A `removed` block names a type that is only in old states.
 */
export function stackEntries(json: StackJson): string[] {
  const entries = [
    ...Object.keys(json.provider ?? {}).map((name) => entryKey("provider", name)),
    ...Object.keys(json.resource ?? {}).map((type) => entryKey("resource", type)),
    ...Object.keys(json.data ?? {}).map((type) => entryKey("data", type)),
    ...(json.removed ?? []).map((block) => entryKey("removed", block.from.split(".")[0])),
  ];
  return [...new Set(entries)].sort();
}
