/**
 * The Step Functions state machine, its log group and its role. The definition is the
 * one built by buildWorkflowDefinition, with the functions' ARNs as Terraform references.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Construct } from "constructs";
import { allow, assumableBy, INVOKE_FUNCTION_ACTIONS, policyDocument, STATES_LOG_DELIVERY_ACTIONS } from "./iam";
import { PerService, SERVICES } from "./services";
import { buildWorkflowDefinition } from "./workflow-definition";

export interface WorkflowProps {
  namePrefix: string;
  functionArns: PerService<string>;
  retentionInDays: number;
}

export class Workflow extends Construct {
  readonly stateMachine: SfnStateMachine;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: WorkflowProps) {
    super(scope, id);
    const name = `${props.namePrefix}-workflow`;

    // Vended-logs prefix: CloudWatch Logs accepts the service's resource policy there without a size problem.
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/vendedlogs/states/${name}`,
      retentionInDays: props.retentionInDays,
    });

    this.role = new IamRole(this, "role", {
      name: `${name}-role`,
      description: "Lets the order workflow invoke its five functions and deliver its logs",
      assumeRolePolicy: assumableBy("states.amazonaws.com"),
    });
    const functionArns = SERVICES.map((service) => props.functionArns[service]);
    const policy = new IamRolePolicy(this, "policy", {
      name: "invoke-functions-and-log",
      role: this.role.id,
      policy: policyDocument(
        // The function and any of its versions or aliases (`<arn>:*`).
        allow("InvokeWorkflowFunctions", INVOKE_FUNCTION_ACTIONS, functionArns.flatMap((arn) => [arn, `${arn}:*`])),
        // AWS requires "*": the log-delivery actions have no resource-level permissions.
        allow("DeliverExecutionLogs", STATES_LOG_DELIVERY_ACTIONS, ["*"]),
      ),
    });

    this.stateMachine = new SfnStateMachine(this, "state-machine", {
      name,
      type: "STANDARD",
      roleArn: this.role.arn,
      definition: JSON.stringify(buildWorkflowDefinition(props.functionArns)),
      loggingConfiguration: {
        logDestination: `${this.logGroup.arn}:*`,
        level: "ALL",
        includeExecutionData: true,
      },
      // Creating the state machine checks the role's log-delivery permissions, so the policy comes first.
      dependsOn: [policy],
    });
  }
}
