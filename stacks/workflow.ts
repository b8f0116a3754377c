/**
 * The Step Functions state machine, its log group and its role. The definition is the
 * one built by buildWorkflowDefinition, with the functions' ARNs as Terraform references
 * and its timeouts derived from lambda_timeout.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { countWhen } from "./conditions";
import {
  allow,
  assumableBy,
  INVOKE_FUNCTION_ACTIONS,
  policyDocument,
  STATES_LOG_DELIVERY_ACTIONS,
  STATES_XRAY_ACTIONS,
} from "./iam";
import { PerService, SERVICES } from "./services";
import { WorkflowVariables } from "./variables";
import {
  buildWorkflowDefinition,
  longestPathAttempts,
  MAX_RETRY_DELAY_SECONDS,
  TASK_TIMEOUT_MARGIN_SECONDS,
  WorkflowDefinition,
} from "./workflow-definition";

/** Express workflows run for at most 5 minutes. */
export const EXPRESS_MAX_SECONDS = 300;

/** Terraform expressions for the definition's timeouts, the same arithmetic as the builder's. */
export function timeoutExpressions(definition: WorkflowDefinition, lambdaTimeout: string, workflowType: string) {
  const task = `${lambdaTimeout} + ${TASK_TIMEOUT_MARGIN_SECONDS}`;
  const attempts = longestPathAttempts(definition.States, definition.StartAt);
  const execution = `${attempts} * (${task} + ${MAX_RETRY_DELAY_SECONDS})`;
  return { task, execution: `${workflowType} == "EXPRESS" ? min(${EXPRESS_MAX_SECONDS}, ${execution}) : ${execution}` };
}

/**
 * The definition as cdk.tf.json carries it: JSON text whose timeouts are Terraform
 * expressions. The builder is given an improbable task timeout as a marker; the numbers
 * it yields are swapped for `${...}` expressions that Terraform turns back into numbers.
 */
export function renderDefinition(functionArns: PerService<string>, lambdaTimeout: string, workflowType: string): string {
  const marker = 987_654_321;
  const definition = buildWorkflowDefinition(functionArns, { taskTimeoutSeconds: marker });
  const expressions = timeoutExpressions(definition, lambdaTimeout, workflowType);
  // The builder derived the execution's limit from the marker, so it is a marker too.
  const executionMarker = definition.TimeoutSeconds;
  const rendered = JSON.stringify(definition)
    .replaceAll(`"TimeoutSeconds":${marker}`, `"TimeoutSeconds":\${${expressions.task}}`)
    .replace(`"TimeoutSeconds":${executionMarker}`, `"TimeoutSeconds":\${${expressions.execution}}`);
  if (rendered.includes(String(marker)) || rendered.includes(String(executionMarker))) {
    throw new Error("a timeout of the workflow definition was left unreplaced");
  }
  return rendered;
}

export interface WorkflowProps {
  namePrefix: string;
  functionArns: PerService<string>;
  vars: WorkflowVariables;
}

export class Workflow extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;

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

    this.role = new IamRole(this, "role", {
      name: `${name}-role`,
      description: "Lets the order workflow invoke its five functions, deliver its logs and send traces",
      assumeRolePolicy: assumableBy("states.amazonaws.com", `arn:*:states:*:*:stateMachine:${name}`),
    });
    const functionArns = SERVICES.map((service) => props.functionArns[service]);
    const policy = new IamRolePolicy(this, "policy", {
      name: "invoke-functions-and-log",
      role: this.role.id,
      policy: policyDocument(
        // The function and any of its versions or aliases (`<arn>:*`).
        allow(
          "InvokeWorkflowFunctions",
          INVOKE_FUNCTION_ACTIONS,
          functionArns.flatMap((arn) => [arn, `${arn}:*`]),
        ),
        // AWS requires "*": the log-delivery actions have no resource-level permissions.
        allow("DeliverExecutionLogs", STATES_LOG_DELIVERY_ACTIONS, ["*"]),
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
    const includeExecutionData = new TerraformLocal(
      this,
      "workflow_log_include_execution_data",
      `\${${vars.workflowLogIncludeExecutionData.fqn} != null ? ${vars.workflowLogIncludeExecutionData.fqn} : ${vars.environment.fqn} != "prod"}`,
    );

    includeExecutionData.overrideLogicalId("workflow_log_include_execution_data");

    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name,
      type: vars.workflowType.stringValue,
      roleArn: this.role.arn,
      definition: renderDefinition(props.functionArns, vars.lambdaTimeout.fqn, vars.workflowType.fqn),
      loggingConfiguration: {
        logDestination: `${this.logGroup.arn}:*`,
        level: logLevel.asString,
        includeExecutionData: includeExecutionData.asBoolean,
      },
      tracingConfiguration: { enabled: vars.enableXrayTracing.booleanValue },
      // Creating the state machine checks the role's log-delivery permissions, so the policies come first.
      dependsOn: [policy, xrayPolicy],
    });
  }
}
