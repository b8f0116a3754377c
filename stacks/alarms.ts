/**
 * CloudWatch alarms that tell an ops team an order needs them: an order whose refund or
 * release could not be done (CompensationFailed: money or stock held until an operator
 * finishes it), failed, timed-out or throttled executions, any event in the dead-letter
 * queue, and each function's errors (a confirmation that could not be sent shows here)
 * and throttles. Optionally an SNS topic with an e-mail subscription receives them.
 */
import { CloudwatchLogMetricFilter } from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { countWhen, countWhenSet } from "./conditions";
import { PerService, SERVICES, ServiceName } from "./services";
import { WorkflowVariables } from "./variables";

export interface AlarmsProps {
  namePrefix: string;
  stateMachineArn: string;
  deadLetterQueueName: string;
  functionNames: PerService<string>;
  /** notification-service writes one line per order it closes as COMPENSATION_FAILED. */
  notificationLogGroupName: string;
  vars: WorkflowVariables;
}

/** The metric the CompensationFailed alarm watches, in a namespace of the project's own. */
export const COMPENSATION_FAILED_METRIC = "CompensationFailed";
export const COMPENSATION_FAILED_PATTERN = '{ $.orderStatus = "COMPENSATION_FAILED" }';

/** One alarm: `name` also serves as its construct id and the suffix of its AWS name. */
interface AlarmSpec {
  name: string;
  description: string;
  namespace: string;
  metricName: string;
  statistic: "Sum" | "Maximum";
  dimensions: Record<string, string>;
}

/** Each alarm fires on the first occurrence in 5 minutes: every one of these means an order needs a look. */
function alarmSpecs(props: AlarmsProps): AlarmSpec[] {
  const workflow = (name: string, metricName: string, description: string): AlarmSpec => ({
    name,
    description,
    namespace: "AWS/States",
    metricName,
    statistic: "Sum",
    dimensions: { StateMachineArn: props.stateMachineArn },
  });
  const lambda = (service: ServiceName, name: string, metricName: string, description: string): AlarmSpec => ({
    name: `${service}-${name}`,
    description,
    namespace: "AWS/Lambda",
    metricName,
    statistic: "Sum",
    dimensions: { FunctionName: props.functionNames[service] },
  });
  return [
    {
      name: "compensation-failed",
      description:
        "An order could not be fully compensated: money or stock is held until an operator finishes it (README, runbook CompensationFailed).",
      namespace: props.namePrefix,
      metricName: COMPENSATION_FAILED_METRIC,
      statistic: "Sum",
      dimensions: {},
    },
    workflow(
      "executions-failed",
      "ExecutionsFailed",
      "An order workflow execution failed: see its Error and Cause in the console.",
    ),
    workflow("executions-timed-out", "ExecutionsTimedOut", "An order workflow execution timed out."),
    workflow("executions-throttled", "ExecutionThrottled", "Step Functions throttled the order workflow."),
    {
      name: "trigger-dead-letters",
      description: "An Order Submitted event could not start the workflow and waits in the dead-letter queue.",
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      statistic: "Maximum",
      dimensions: { QueueName: props.deadLetterQueueName },
    },
    ...SERVICES.flatMap((service) => [
      lambda(
        service,
        "errors",
        "Errors",
        `${service} reported errors (a business refusal, a fault, or an undelivered notification).`,
      ),
      lambda(service, "throttles", "Throttles", `${service} was throttled.`),
    ]),
  ];
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
    new CloudwatchLogMetricFilter(this, "compensation-failed-filter", {
      count: countWhen(vars.enableAlarms),
      name: `${props.namePrefix}-compensation-failed`,
      logGroupName: props.notificationLogGroupName,
      pattern: COMPENSATION_FAILED_PATTERN,
      metricTransformation: { name: COMPENSATION_FAILED_METRIC, namespace: props.namePrefix, value: "1", defaultValue: "0" },
    });
    // The topic's ARN when it exists, else no action: derived from the topic's own count.
    const actions = Token.asList(`\${${this.topic.fqn}[*].arn}`);

    this.alarms = alarmSpecs(props).map(
      (spec) =>
        new CloudwatchMetricAlarm(this, spec.name, {
          count: countWhen(vars.enableAlarms),
          alarmName: `${props.namePrefix}-${spec.name}`,
          alarmDescription: spec.description,
          namespace: spec.namespace,
          metricName: spec.metricName,
          statistic: spec.statistic,
          ...(Object.keys(spec.dimensions).length > 0 ? { dimensions: spec.dimensions } : {}),
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
