/**
 * The Step Functions state machine, its log group, its role and its `live` alias. The
 * definition is the one built by buildWorkflowDefinition, with the ARNs of the functions'
 * published versions as Terraform references and its timeouts derived from lambda_timeout.
 * Each change publishes a state machine version; the alias routes new executions to it (or
 * shares them with an earlier version during a gradual rollout), and an execution runs the
 * version, and so the function versions, it started with to its end.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnAlias } from "@cdktf/provider-aws/lib/sfn-alias";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { countWhen, countWhenSet } from "./conditions";
import { Deployment, deploymentFrom } from "./deployment";
import {
  allow,
  assumableBy,
  INVOKE_FUNCTION_ACTIONS,
  policyDocument,
  STATES_KEY_ACTIONS,
  STATES_LOG_DELIVERY_ACTIONS,
  STATES_LOG_KEY_ACTIONS,
  STATES_XRAY_ACTIONS,
} from "./iam";
import { PerService, SERVICES } from "./services";
import { jsonWithExpressions, TerraformExpression } from "./terraform-expression";
import { WorkflowVariables } from "./variables";
import {
  buildWorkflowDefinition,
  EXECUTION_MARGIN_SECONDS,
  expressionOptionsFor,
  TASK_TIMEOUT_MARGIN_SECONDS,
  WorstCase,
  worstCaseFrom,
} from "./workflow-definition";

/** How long Step Functions may reuse a data key of the customer's key (60 to 900; AWS's default is 300). */
export const EXECUTION_DATA_KEY_REUSE_SECONDS = 300;

/** The alias EventBridge starts and ops teams start by hand: `<state machine ARN>:live`. */
export const LIVE_ALIAS_NAME = "live";

/** Express workflows run for at most 5 minutes. */
export const EXPRESS_MAX_SECONDS = 300;

/** The longest lambda_timeout with which a failed order's retries and compensations still fit in an Express execution. */
export function longestExpressLambdaTimeout(worst: WorstCase): number {
  return (
    Math.floor((EXPRESS_MAX_SECONDS - worst.waitSeconds - EXECUTION_MARGIN_SECONDS) / worst.attempts) -
    TASK_TIMEOUT_MARGIN_SECONDS
  );
}

export interface WorkflowProps {
  namePrefix: string;
  /** The functions' unqualified ARNs: the role may invoke any of their versions. */
  functionArns: PerService<string>;
  /** The ARNs of the functions' published versions: what the definition calls. */
  functionVersionArns: PerService<string>;
  vars: WorkflowVariables;
}

export class Workflow extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly liveAlias: SfnAlias;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;
  /** The partition, Region and account the stack is deployed to. */
  readonly deployment: Deployment;
  /** The log level as deployed, as a reference for Terraform expressions (`local.workflow_log_level`). */
  readonly logLevelReference: string;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const { vars } = props;
    const name = `${props.namePrefix}-workflow`;

    // Vended-logs prefix: CloudWatch Logs accepts the service's resource policy there without a size problem.
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/vendedlogs/states/${name}`,
      retentionInDays: vars.logRetentionDays.numberValue,
      kmsKeyId: vars.kmsKeyArn.stringValue,
    });

    this.deployment = deploymentFrom(this, this.logGroup.arn);
    const { partition, region, account } = this.deployment;
    const stateMachineArn = `arn:${partition}:states:${region}:${account}:stateMachine:${name}`;

    this.role = new IamRole(this, "role", {
      name: `${name}-role`,
      description: "Lets the order workflow invoke its five functions, deliver its logs and send traces",
      // Only this account's state machine of this name (and its versions and aliases) may use the role.
      assumeRolePolicy: assumableBy("states.amazonaws.com", {
        sourceAccount: account,
        sourceArns: [stateMachineArn, `${stateMachineArn}:*`],
      }),
    });
    const functionArns = SERVICES.map((service) => props.functionArns[service]);
    const policy = new IamRolePolicy(this, "policy", {
      name: "invoke-functions-and-log",
      role: this.role.id,
      policy: policyDocument(
        // Any published version of the five functions (`<arn>:*`), not $LATEST: executions that
        // started before a deploy, or on the stable version of a rollout, call earlier versions.
        allow(
          "InvokeWorkflowFunctionVersions",
          INVOKE_FUNCTION_ACTIONS,
          functionArns.map((arn) => `${arn}:*`),
        ),
        // AWS requires "*": the log-delivery actions have no resource-level permissions.
        allow("DeliverExecutionLogs", STATES_LOG_DELIVERY_ACTIONS, ["*"]),
      ),
    });
    const keyPolicy = new IamRolePolicy(this, "key-policy", {
      count: countWhenSet(vars.kmsKeyArn),
      name: "use-execution-data-key",
      role: this.role.id,
      policy: policyDocument(
        allow("EncryptExecutionData", STATES_KEY_ACTIONS, [vars.kmsKeyArn.stringValue], {
          StringEquals: { "kms:EncryptionContext:aws:states:stateMachineArn": stateMachineArn },
        }),
        // The execution logs go to a log group under the same key: log delivery asks for a data key.
        allow("EncryptDeliveredLogs", STATES_LOG_KEY_ACTIONS, [vars.kmsKeyArn.stringValue], {
          StringEquals: { "kms:EncryptionContext:SourceArn": `arn:${partition}:logs:${region}:${account}:*` },
        }),
      ),
    });
    const xrayPolicy = new IamRolePolicy(this, "xray-policy", {
      count: countWhen(vars.enableXrayTracing),
      name: "send-traces",
      role: this.role.id,
      // AWS requires "*": X-Ray's actions have no resource-level permissions.
      policy: policyDocument(allow("SendTraces", STATES_XRAY_ACTIONS, ["*"])),
    });

    // Order data is personal data: prod logs errors only and leaves execution data out, unless told otherwise.
    const logLevel = new TerraformLocal(
      this,
      "workflow_log_level",
      `\${${vars.workflowLogLevel.fqn} != null ? ${vars.workflowLogLevel.fqn} : (${vars.environment.fqn} == "prod" ? "ERROR" : "ALL")}`,
    );
    logLevel.overrideLogicalId("workflow_log_level");
    this.logLevelReference = logLevel.fqn;
    const includeExecutionData = new TerraformLocal(
      this,
      "workflow_log_include_execution_data",
      `\${${vars.workflowLogIncludeExecutionData.fqn} != null ? ${vars.workflowLogIncludeExecutionData.fqn} : ${vars.environment.fqn} != "prod"}`,
    );

    includeExecutionData.overrideLogicalId("workflow_log_include_execution_data");

    // The timeouts are expressions of lambda_timeout, which Terraform knows only when it plans.
    const definition = buildWorkflowDefinition(
      props.functionVersionArns,
      expressionOptionsFor(TerraformExpression.reference(vars.lambdaTimeout.fqn)),
    );
    const worst = worstCaseFrom(definition.States, definition.StartAt);
    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name,
      type: vars.workflowType.stringValue,
      roleArn: this.role.arn,
      definition: jsonWithExpressions(definition),
      // A version for every change. The AWS provider (since 5.61, issue 36272) marks
      // state_machine_version_arn as changing in the same plan, so the alias follows in one apply.
      publish: true,
      loggingConfiguration: {
        logDestination: `${this.logGroup.arn}:*`,
        level: logLevel.asString,
        includeExecutionData: includeExecutionData.asBoolean,
      },
      tracingConfiguration: { enabled: vars.enableXrayTracing.booleanValue },
      // Creating the state machine checks the role's log-delivery and key permissions, so the policies come first.
      dependsOn: [policy, keyPolicy, xrayPolicy],
      lifecycle: {
        precondition: [
          {
            // A failed order's retries and compensations must fit in the execution, or money and stock stay held.
            condition: `\${${vars.workflowType.fqn} != "EXPRESS" || ${definition.TimeoutSeconds.text} <= ${EXPRESS_MAX_SECONDS}}`,
            errorMessage:
              `workflow_type EXPRESS needs lambda_timeout <= ${longestExpressLambdaTimeout(worst)}: a failed order's retries and compensations ` +
              `can take ${worst.attempts} x (lambda_timeout + ${TASK_TIMEOUT_MARGIN_SECONDS}) + ${worst.waitSeconds + EXECUTION_MARGIN_SECONDS} seconds, ` +
              `and an Express execution stops after ${EXPRESS_MAX_SECONDS}. Lower lambda_timeout, or use STANDARD.`,
          },
        ],
      },
    });
    // With kms_key_arn, the definition and the execution history are encrypted with the customer's key.
    // A dynamic block: without a key the block is left out, as AWS leaves it (the AWS-owned key).
    this.stateMachine.addOverride("dynamic.encryption_configuration", {
      for_each: `\${${vars.kmsKeyArn.fqn} == null ? [] : [${vars.kmsKeyArn.fqn}]}`,
      content: {
        type: "CUSTOMER_MANAGED_KMS_KEY",
        kms_key_id: "${encryption_configuration.value}",
        kms_data_key_reuse_period_seconds: EXECUTION_DATA_KEY_REUSE_SECONDS,
      },
    });

    this.liveAlias = liveAlias(this, this.stateMachine, vars);
  }
}

/**
 * The `live` alias: all new executions on the version this apply published, or, during a
 * rollout, workflow_rollout_percent of them, the rest on workflow_stable_version.
 */
function liveAlias(scope: Construct, stateMachine: SfnStateMachine, vars: WorkflowVariables): SfnAlias {
  const percent = vars.workflowRolloutPercent.fqn;
  const stable = vars.workflowStableVersion.fqn;
  const newest = `${stateMachine.fqn}.state_machine_version_arn`;
  const stableArn = `format("%s:%d", ${stateMachine.fqn}.arn, ${stable})`;
  const newestNumber = `tonumber(element(split(":", ${newest}), 7))`;
  // Two parallel lists, not a list of objects: cdktf ends a `${...}` expression at the first "}".
  const versions = new TerraformLocal(
    scope,
    "workflow_alias_versions",
    `\${${percent} == 100 ? [${newest}] : ${percent} == 0 ? [${stableArn}] : [${newest}, ${stableArn}]}`,
  );
  versions.overrideLogicalId("workflow_alias_versions");
  const weights = new TerraformLocal(
    scope,
    "workflow_alias_weights",
    `\${${percent} == 100 || ${percent} == 0 ? [100] : [${percent}, 100 - ${percent}]}`,
  );
  weights.overrideLogicalId("workflow_alias_weights");
  const alias = new SfnAlias(scope, "live-alias", {
    name: LIVE_ALIAS_NAME,
    description: "Where new executions go: EventBridge and ops teams start the workflow here",
    routingConfiguration: [{ stateMachineVersionArn: stateMachine.stateMachineVersionArn, weight: 100 }],
    lifecycle: {
      precondition: [
        {
          condition: `\${${percent} == 100 || ${stable} != null}`,
          errorMessage:
            "workflow_rollout_percent below 100 needs workflow_stable_version: the earlier version that keeps the other executions.",
        },
        {
          // try(): Terraform evaluates both sides of ||, and comparing null is an error (the first check reports it).
          condition: `\${${percent} == 100 || try(${stable} <= ${newestNumber}, true)}`,
          errorMessage:
            "workflow_stable_version must be a version this state machine has published: at most the number in state_machine_version_arn.",
        },
        {
          condition: `\${${percent} == 100 || ${percent} == 0 || try(${stable} < ${newestNumber}, true)}`,
          errorMessage:
            "workflow_stable_version is the version this apply publishes, so the rollout would share nothing: name an earlier version, or set workflow_rollout_percent to 100.",
        },
      ],
    },
  });
  // The routing depends on the variables, so the blocks come from the locals (one or two of them).
  alias.addOverride("routing_configuration", undefined);
  alias.addOverride("dynamic.routing_configuration", {
    for_each: `\${${versions.fqn}}`,
    content: {
      state_machine_version_arn: "${routing_configuration.value}",
      weight: `\${${weights.fqn}[routing_configuration.key]}`,
    },
  });
  return alias;
}
