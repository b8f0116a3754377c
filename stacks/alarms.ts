/**
 * CloudWatch alarms, each of which means a technical incident: a business refusal
 * (PaymentDeclined, InsufficientInventory, ProductNotFound, InvalidInput, a duplicate)
 * never puts one in ALARM. docs/operations.md lists each alarm, what it means and the first
 * thing to do. Thresholds, the period and the evaluation periods are variables; an SNS topic
 * with an e-mail subscription receives the alarms when alarm_email is set.
 */
import { CloudwatchMetricAlarm, CloudwatchMetricAlarmConfig } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { countWhen, countWhenSet } from "./conditions";
import { functionFaultsMetric, LOG_LEVELS_FOR_METRICS, METRIC } from "./monitoring-signals";
import { PerService, SERVICES } from "./services";
import { AlarmThresholdName, WorkflowVariables } from "./variables";

export interface AlarmsProps {
  namePrefix: string;
  /** The namespace of the stack's own metrics (order-metrics.ts). */
  namespace: string;
  stateMachineArn: string;
  /** The live alias: Step Functions may publish an execution's metrics under the ARN it was started with. */
  liveAliasArn: string;
  deadLetterQueueName: string;
  functionNames: PerService<string>;
  /** The workflow's log level as deployed (a Terraform expression): the alarms need ALL or ERROR. */
  workflowLogLevel: string;
  vars: WorkflowVariables;
}

/** One alarm: `name` is its construct id and the suffix of its AWS name (`<project>-<name>`). */
export interface AlarmSpec {
  name: string;
  threshold: AlarmThresholdName;
  description: string;
  /** The watched metric: one metric, or metric math over several (`metricQuery`). */
  metric: Pick<CloudwatchMetricAlarmConfig, "namespace" | "metricName" | "statistic" | "dimensions" | "metricQuery">;
}

function ownMetric(namespace: string, metricName: string): AlarmSpec["metric"] {
  return { namespace, metricName, statistic: "Sum" };
}

/** Every alarm of the stack, in the order docs/operations.md lists them. */
export function alarmSpecs(props: AlarmsProps): AlarmSpec[] {
  const { namespace } = props;
  const period = props.vars.alarmPeriodSeconds.numberValue;
  const statesThrottled = (id: string, arn: string) => ({
    id,
    metric: {
      namespace: "AWS/States",
      metricName: "ExecutionThrottled",
      dimensions: { StateMachineArn: arn },
      period,
      stat: "Sum",
    },
  });
  return [
    {
      name: "compensation-failed",
      threshold: "compensation_failed",
      description:
        "An order ended CompensationFailed: money or stock is held until an operator finishes it. First: npm run compensate -- <orderId> (docs/operations.md).",
      metric: ownMetric(namespace, METRIC.compensationFailed),
    },
    {
      name: "orders-failed-technically",
      threshold: "orders_failed_technically",
      description:
        "Orders failed for a technical reason (ServiceUnavailable, CompensationFailed), timed out or were aborted; business refusals are not counted. First: the failed executions' Error and Cause (docs/operations.md).",
      metric: ownMetric(namespace, METRIC.ordersFailedTechnically),
    },
    {
      name: "service-call-faults",
      threshold: "service_call_faults",
      description:
        "Calls from the workflow to a service failed technically (a crash, a timeout, throttling, ServiceUnavailable), whether a retry then worked or not. First: the <service>-faults and -throttles alarms and the dashboard name the function.",
      metric: ownMetric(namespace, METRIC.serviceCallFaults),
    },
    ...SERVICES.map((service): AlarmSpec => ({
      name: `${service}-faults`,
      threshold: "function_faults",
      description: `${service} failed other than by answering about the order: ServiceUnavailable (its table), an unexpected error, a timeout or a crash. First: its log group's WARN lines and Lambda's "Task timed out" / "Runtime exited" lines.`,
      metric: ownMetric(namespace, functionFaultsMetric(service)),
    })),
    ...SERVICES.map((service): AlarmSpec => ({
      name: `${service}-throttles`,
      threshold: "function_throttles",
      description: `Lambda throttled ${service}: the account's concurrency (or lambda_reserved_concurrency) is used up.`,
      metric: {
        namespace: "AWS/Lambda",
        metricName: "Throttles",
        statistic: "Sum",
        dimensions: { FunctionName: props.functionNames[service] },
      },
    })),
    {
      name: "trigger-dead-letters",
      threshold: "dead_letters",
      description:
        "Order Submitted events could not start the workflow and wait in the dead-letter queue. First: npm run dlq -- list, then npm run dlq -- replay (docs/operations.md).",
      metric: {
        namespace: "AWS/SQS",
        metricName: "ApproximateNumberOfMessagesVisible",
        statistic: "Maximum",
        dimensions: { QueueName: props.deadLetterQueueName },
      },
    },
    {
      name: "executions-throttled",
      threshold: "executions_throttled",
      description: "Step Functions throttled the order workflow's state transitions.",
      metric: {
        metricQuery: [
          statesThrottled("unqualified", props.stateMachineArn),
          statesThrottled("alias", props.liveAliasArn),
          { id: "throttled", expression: "FILL(unqualified, 0) + FILL(alias, 0)", label: "ExecutionThrottled", returnData: true },
        ],
      },
    },
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
    // The topic's ARN when it exists, else no action: derived from the topic's own count.
    const actions = Token.asList(`\${${this.topic.fqn}[*].arn}`);
    const period = vars.alarmPeriodSeconds.numberValue;
    const evaluationPeriods = vars.alarmEvaluationPeriods.numberValue;

    this.alarms = alarmSpecs(props).map((spec, index) => {
      const { metricQuery, ...single } = spec.metric;
      return new CloudwatchMetricAlarm(this, spec.name, {
        count: countWhen(vars.enableAlarms),
        alarmName: `${props.namePrefix}-${spec.name}`,
        alarmDescription: spec.description,
        ...(metricQuery ? { metricQuery } : { ...single, period }),
        evaluationPeriods,
        threshold: Token.asNumber(`\${${vars.alarmThresholds.fqn}.${spec.threshold}}`),
        comparisonOperator: "GreaterThanOrEqualToThreshold",
        // No data is no incident: most of these metrics are published only when something happens.
        treatMissingData: "notBreaching",
        alarmActions: actions,
        okActions: actions,
        // Checked once, on the first alarm: the rule is the stack's, not each alarm's.
        ...(index === 0 ? { lifecycle: { precondition: preconditions(props) } } : {}),
      });
    });
  }
}

function preconditions(props: AlarmsProps) {
  const { vars } = props;
  return [
    {
      condition: `\${contains(${JSON.stringify(LOG_LEVELS_FOR_METRICS)}, ${props.workflowLogLevel})}`,
      errorMessage: `enable_alarms needs workflow_log_level ${LOG_LEVELS_FOR_METRICS.join(" or ")}: the alarms on orders and service calls read the workflow's execution log, which logs failed calls from ERROR up. Set workflow_log_level = "ERROR" (or null), or enable_alarms = false.`,
    },
    {
      condition: `\${${vars.alarmPeriodSeconds.fqn} * ${vars.alarmEvaluationPeriods.fqn} <= 86400}`,
      errorMessage:
        "alarm_period_seconds x alarm_evaluation_periods must be at most 86400 (a day): CloudWatch evaluates alarms over at most a day.",
    },
  ];
}
