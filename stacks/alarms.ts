/**
 * CloudWatch alarms that tell an ops team an order needs them: failed, timed-out or
 * throttled executions, any event in the dead-letter queue, and each function's errors
 * (a confirmation that could not be sent shows here) and throttles. Optionally an SNS
 * topic with an e-mail subscription receives them.
 */
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { countWhen, countWhenSet } from "./conditions";
import { PerService, SERVICES } from "./services";
import { WorkflowVariables } from "./variables";

export interface AlarmsProps {
  namePrefix: string;
  stateMachineArn: string;
  deadLetterQueueName: string;
  functionNames: PerService<string>;
  vars: WorkflowVariables;
}

interface AlarmSpec {
  id: string;
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  statistic: "Sum" | "Maximum";
  dimensions: Record<string, string>;
}

export class Alarms extends Construct {
  readonly topic: SnsTopic;
  readonly alarms: CloudwatchMetricAlarm[];

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    const { vars } = props;
    this.topic = new SnsTopic(this, "topic", {
      count: countWhenSet(vars.alarmEmail, vars.enableAlarms),
      name: `${props.namePrefix}-alarms`,
      // CloudWatch cannot publish to a topic under the AWS-managed SNS key, so only a customer key encrypts it.
      kmsMasterKeyId: vars.kmsKeyArn.stringValue,
    });
    new SnsTopicSubscription(this, "email", {
      count: countWhenSet(vars.alarmEmail, vars.enableAlarms),
      topicArn: `\${${this.topic.fqn}[0].arn}`,
      protocol: "email",
      endpoint: vars.alarmEmail.stringValue,
    });
    const actions = Token.asList(`\${${vars.alarmEmail.fqn} != null && ${vars.enableAlarms.fqn} ? [${this.topic.fqn}[0].arn] : []}`);

    const workflow = { StateMachineArn: props.stateMachineArn };
    const specs: AlarmSpec[] = [
      { id: "executions-failed", name: "executions-failed", description: "An order workflow execution failed: see its Error and Cause in the console.", namespace: "AWS/States", metricName: "ExecutionsFailed", statistic: "Sum", dimensions: workflow },
      { id: "executions-timed-out", name: "executions-timed-out", description: "An order workflow execution timed out.", namespace: "AWS/States", metricName: "ExecutionsTimedOut", statistic: "Sum", dimensions: workflow },
      { id: "executions-throttled", name: "executions-throttled", description: "Step Functions throttled the order workflow.", namespace: "AWS/States", metricName: "ExecutionThrottled", statistic: "Sum", dimensions: workflow },
      { id: "dead-letter-queue", name: "trigger-dead-letters", description: "An Order Submitted event could not start the workflow and waits in the dead-letter queue.", namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", statistic: "Maximum", dimensions: { QueueName: props.deadLetterQueueName } },
      ...SERVICES.flatMap((service): AlarmSpec[] => [
        { id: `${service}-errors`, name: `${service}-errors`, description: `${service} reported errors (a business refusal, a fault, or an undelivered notification).`, namespace: "AWS/Lambda", metricName: "Errors", statistic: "Sum", dimensions: { FunctionName: props.functionNames[service] } },
        { id: `${service}-throttles`, name: `${service}-throttles`, description: `${service} was throttled.`, namespace: "AWS/Lambda", metricName: "Throttles", statistic: "Sum", dimensions: { FunctionName: props.functionNames[service] } },
      ]),
    ];

    this.alarms = specs.map(
      (spec) =>
        new CloudwatchMetricAlarm(this, spec.id, {
          count: countWhen(vars.enableAlarms),
          alarmName: `${props.namePrefix}-${spec.name}`,
          alarmDescription: spec.description,
          namespace: spec.namespace,
          metricName: spec.metricName,
          statistic: spec.statistic,
          dimensions: spec.dimensions,
          period: 300,
          evaluationPeriods: 1,
          threshold: 1,
          comparisonOperator: "GreaterThanOrEqualToThreshold",
          treatMissingData: "notBreaching",
          alarmActions: actions,
          okActions: actions,
        }),
    );
  }
}
