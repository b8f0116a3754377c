/**
 * The stack's own metrics, published by CloudWatch Logs metric filters in the namespace
 * project_name (monitoring-signals.ts says which signal each comes from and why):
 *   - from the workflow's execution log: OrdersRejected by Reason, OrdersFailedTechnically,
 *     CompensationFailed and ServiceCallFaults;
 *   - from each function's log group: <Service>Faults.
 * OrdersCompleted needs no filter: the services write it in embedded metric format.
 * The filters exist whether or not alarms do: the dashboard shows the business metrics.
 */
import {
  CloudwatchLogMetricFilter,
  CloudwatchLogMetricFilterMetricTransformation,
} from "@cdktf/provider-aws/lib/cloudwatch-log-metric-filter";
import { Construct } from "constructs";
import {
  FUNCTION_LOG_PATTERNS,
  functionFaultsMetric,
  METRIC,
  REASON_DIMENSION,
  WORKFLOW_LOG_PATTERNS,
} from "./monitoring-signals";
import { PerService, SERVICES } from "./services";

export interface OrderMetricsProps {
  namePrefix: string;
  /** The namespace of every metric here (the project_name). */
  namespace: string;
  workflowLogGroupName: string;
  functionLogGroupNames: PerService<string>;
}

export class OrderMetrics extends Construct {
  readonly filters: CloudwatchLogMetricFilter[] = [];
  private readonly namePrefix: string;

  constructor(scope: Construct, id: string, props: OrderMetricsProps) {
    super(scope, id);
    this.namePrefix = props.namePrefix;
    const { namespace } = props;
    const count = (metricName: string, withZero = true): CloudwatchLogMetricFilterMetricTransformation => ({
      name: metricName,
      namespace,
      value: "1",
      // 0 for every event that does not match, so a graph shows 0 rather than a gap.
      ...(withZero ? { defaultValue: "0" } : {}),
    });

    this.add("orders-rejected", props.workflowLogGroupName, WORKFLOW_LOG_PATTERNS.ordersRejected, {
      // CloudWatch takes no default value with dimensions.
      ...count(METRIC.ordersRejected, false),
      dimensions: { [REASON_DIMENSION]: "$.details.error" },
    });
    this.add(
      "orders-failed-technically",
      props.workflowLogGroupName,
      WORKFLOW_LOG_PATTERNS.ordersFailedTechnically,
      count(METRIC.ordersFailedTechnically),
    );
    this.add(
      "compensation-failed",
      props.workflowLogGroupName,
      WORKFLOW_LOG_PATTERNS.compensationFailed,
      count(METRIC.compensationFailed),
    );
    this.add(
      "service-call-faults",
      props.workflowLogGroupName,
      WORKFLOW_LOG_PATTERNS.serviceCallFaults,
      count(METRIC.serviceCallFaults),
    );
    for (const service of SERVICES) {
      const logGroup = props.functionLogGroupNames[service];
      // No default value: two filters publish to the metric, and each would add a 0 per unmatched line.
      this.add(`${service}-handled-faults`, logGroup, FUNCTION_LOG_PATTERNS.handled, count(functionFaultsMetric(service), false));
      this.add(
        `${service}-platform-faults`,
        logGroup,
        FUNCTION_LOG_PATTERNS.platform,
        count(functionFaultsMetric(service), false),
      );
    }
  }

  private add(
    id: string,
    logGroupName: string,
    pattern: string,
    metricTransformation: CloudwatchLogMetricFilterMetricTransformation,
  ): void {
    this.filters.push(
      new CloudwatchLogMetricFilter(this, id, {
        name: `${this.namePrefix}-${id}`,
        logGroupName,
        pattern,
        metricTransformation,
      }),
    );
  }
}
