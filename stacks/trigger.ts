/**
 * The EventBridge rule that starts the workflow on "Order Submitted" events, its target,
 * the role EventBridge assumes to call StartExecution, and the dead-letter queue that
 * keeps every event whose StartExecution still fails after EventBridge's retries.
 */
import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { allow, assumableBy, DEAD_LETTER_SEND_ACTIONS, policyDocument, resourcePolicy, START_EXECUTION_ACTIONS } from "./iam";
import { WorkflowVariables } from "./variables";

export const ORDER_EVENT_SOURCE = "microservices.orders";
export const ORDER_EVENT_DETAIL_TYPE = "Order Submitted";
/** 14 days, SQS's maximum: time enough to notice the alarm and redrive. */
export const DEAD_LETTER_RETENTION_SECONDS = 1209600;

/**
 * What the target sends Step Functions: the event's detail fields as the execution input,
 * plus the event's id, by which order-service recognizes the same event delivered twice.
 * Unquoted placeholders: EventBridge inserts each value as JSON (a string with its quotes,
 * an object as an object). A literal string, not jsonencode, which would escape < and >.
 */
export const TARGET_INPUT_PATHS = { userId: "$.detail.userId", orderData: "$.detail.orderData", eventId: "$.id" };
export const TARGET_INPUT_TEMPLATE = '{"userId": <userId>, "orderData": <orderData>, "eventId": <eventId>}';

export interface TriggerProps {
  namePrefix: string;
  /** The workflow's live alias: EventBridge starts it and may start nothing else. */
  stateMachineArn: string;
  /** The deploying account: only its events start orders, only its rule may use the role. */
  account: string;
  vars: WorkflowVariables;
}

export class Trigger extends Construct {
  readonly rule: CloudwatchEventRule;
  readonly target: CloudwatchEventTarget;
  readonly role: IamRole;
  readonly deadLetterQueue: SqsQueue;

  constructor(scope: Construct, id: string, props: TriggerProps) {
    super(scope, id);
    const { vars } = props;
    this.rule = new CloudwatchEventRule(this, "rule", {
      name: `${props.namePrefix}-trigger`,
      description: `Starts ${props.namePrefix}-workflow for each "${ORDER_EVENT_DETAIL_TYPE}" event`,
      // The account too: an event another account puts on this bus (where a bus policy lets it) starts nothing.
      eventPattern: JSON.stringify({
        source: [ORDER_EVENT_SOURCE],
        "detail-type": [ORDER_EVENT_DETAIL_TYPE],
        account: [props.account],
      }),
    });

    this.role = new IamRole(this, "role", {
      name: `${props.namePrefix}-trigger-role`,
      description: "Lets EventBridge start the order workflow",
      // EventBridge sets aws:SourceArn (the rule) and aws:SourceAccount (the rule's account)
      // (EventBridge user guide, "Using IAM policy conditions"): only this rule may use the role.
      assumeRolePolicy: assumableBy("events.amazonaws.com", { sourceAccount: props.account, sourceArns: [this.rule.arn] }),
    });
    const policy = new IamRolePolicy(this, "policy", {
      name: "start-workflow",
      role: this.role.id,
      policy: policyDocument(allow("StartOrderWorkflow", START_EXECUTION_ACTIONS, [props.stateMachineArn])),
    });

    this.deadLetterQueue = new SqsQueue(this, "dead-letter-queue", {
      name: `${props.namePrefix}-trigger-dlq`,
      messageRetentionSeconds: DEAD_LETTER_RETENTION_SECONDS,
      // Encrypted either way: with the customer's key when one is given, else with SQS-managed keys.
      kmsMasterKeyId: vars.kmsKeyArn.stringValue,
      // null rather than false with a key: the provider refuses both arguments set together.
      sqsManagedSseEnabled: Token.asAny(`\${${vars.kmsKeyArn.fqn} == null ? true : null}`),
    });
    const queuePolicy = new SqsQueuePolicy(this, "dead-letter-queue-policy", {
      queueUrl: this.deadLetterQueue.url,
      policy: resourcePolicy({
        Sid: "OnlyThisRuleMayDeadLetter",
        Effect: "Allow",
        Principal: { Service: "events.amazonaws.com" },
        Action: [...DEAD_LETTER_SEND_ACTIONS],
        Resource: [this.deadLetterQueue.arn],
        Condition: { ArnEquals: { "aws:SourceArn": this.rule.arn } },
      }),
    });

    this.target = new CloudwatchEventTarget(this, "target", {
      rule: this.rule.name,
      targetId: "order-workflow",
      arn: props.stateMachineArn,
      roleArn: this.role.arn,
      inputTransformer: { inputPaths: TARGET_INPUT_PATHS, inputTemplate: TARGET_INPUT_TEMPLATE },
      retryPolicy: {
        maximumEventAgeInSeconds: vars.eventMaximumAgeSeconds.numberValue,
        maximumRetryAttempts: vars.eventMaximumRetryAttempts.numberValue,
      },
      deadLetterConfig: { arn: this.deadLetterQueue.arn },
      dependsOn: [policy, queuePolicy],
    });
  }
}
