/**
 * The EventBridge rule that starts the workflow on "Order Submitted" events, its target
 * and the role EventBridge assumes to call StartExecution.
 */
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { allow, assumableBy, policyDocument, START_EXECUTION_ACTIONS } from "./iam";

export const ORDER_EVENT_SOURCE = "microservices.orders";
export const ORDER_EVENT_DETAIL_TYPE = "Order Submitted";

export interface TriggerProps {
  namePrefix: string;
  stateMachineArn: string;
}

export class Trigger extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
  readonly role: IamRole;

  constructor(scope: Construct, id: string, props: TriggerProps) {
    super(scope, id);
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: `${props.namePrefix}-trigger`,
      description: `Starts ${props.namePrefix}-workflow for each "${ORDER_EVENT_DETAIL_TYPE}" event`,
      eventPattern: JSON.stringify({ source: [ORDER_EVENT_SOURCE], "detail-type": [ORDER_EVENT_DETAIL_TYPE] }),
    });

    this.role = new IamRole(this, "role", {
      name: `${props.namePrefix}-trigger-role`,
      description: "Lets EventBridge start the order workflow",
      assumeRolePolicy: assumableBy("events.amazonaws.com"),
    });
    const policy = new IamRolePolicy(this, "policy", {
      name: "start-workflow",
      role: this.role.id,
      policy: policyDocument(allow("StartOrderWorkflow", START_EXECUTION_ACTIONS, [props.stateMachineArn])),
    });

    this.target = new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      targetId: "order-workflow",
      arn: props.stateMachineArn,
      roleArn: this.role.arn,
      // The event's detail is the execution input as is. A path, not an input template:
      // no `<placeholder>` that jsonencode could escape, and no JSON to rebuild by hand.
      inputPath: "$.detail",
      dependsOn: [policy],
    });
  }
}
