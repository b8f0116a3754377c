/**
 * One CloudWatch dashboard, `<project_name>`, for the people on call: how orders end
 * (completed, rejected by reason, failed technically, compensation failures), how long
 * executions take, how the functions do (technical faults, Lambda's errors, throttles and
 * duration), and the dead-letter queue. Its address is the dashboard_url output.
 */
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { countWhen } from "./conditions";
import { Deployment } from "./deployment";
import { functionFaultsMetric, METRIC, REASON_DIMENSION } from "./monitoring-signals";
import { PerService, SERVICES } from "./services";
import { WorkflowVariables } from "./variables";

export interface DashboardProps {
  namePrefix: string;
  namespace: string;
  stateMachineName: string;
  deadLetterQueueName: string;
  functionNames: PerService<string>;
  deployment: Deployment;
  vars: WorkflowVariables;
}

/** Each graph point sums (or averages) 5 minutes, whatever the alarms' period. */
export const DASHBOARD_PERIOD_SECONDS = 300;

/** Widgets are laid out two per row, each half the dashboard's 24 columns wide. */
const WIDTH = 12;
const HEIGHT = 6;

type MetricLine = (string | Record<string, unknown>)[];

interface Graph {
  title: string;
  metrics: MetricLine[];
  stat?: string;
  /** Left axis label, for graphs whose unit is not a count. */
  unit?: string;
}

/** The graphs, in reading order: outcomes first, then time, then the functions and the trigger. */
export function dashboardGraphs(props: Omit<DashboardProps, "deployment" | "vars">, period = DASHBOARD_PERIOD_SECONDS): Graph[] {
  const { namespace } = props;
  const perFunction = (namespaceOf: string, metric: (service: (typeof SERVICES)[number]) => string, withName: boolean) =>
    SERVICES.map((service): MetricLine =>
      withName
        ? [namespaceOf, metric(service), "FunctionName", props.functionNames[service], { label: service }]
        : [namespaceOf, metric(service), { label: service }],
    );
  // Step Functions may publish an execution's metrics under the ARN it was started with (the
  // state machine, a version or the live alias): a search finds every one of them.
  const executionTime = (stat: string, id: string): MetricLine => [
    {
      expression: `SEARCH('{AWS/States,StateMachineArn} MetricName="ExecutionTime" "${props.stateMachineName}"', '${stat}', ${period})`,
      id,
      label: stat,
    },
  ];
  return [
    {
      title: "Orders",
      metrics: [
        [namespace, METRIC.ordersCompleted, { label: "completed" }],
        [namespace, METRIC.ordersFailedTechnically, { label: "failed technically" }],
        [namespace, METRIC.compensationFailed, { label: "compensation failed (needs an operator)" }],
      ],
    },
    {
      title: "Orders rejected, by reason",
      metrics: [
        [
          {
            expression: `SEARCH('{${namespace},${REASON_DIMENSION}} MetricName="${METRIC.ordersRejected}"', 'Sum', ${period})`,
            id: "rejected",
          },
        ],
      ],
    },
    { title: "Execution time", metrics: [executionTime("Average", "average"), executionTime("p99", "p99")], unit: "ms" },
    {
      title: "Service calls that failed technically (workflow)",
      metrics: [[namespace, METRIC.serviceCallFaults, { label: "faults, retried or not" }]],
    },
    { title: "Function faults (technical)", metrics: perFunction(namespace, functionFaultsMetric, false) },
    { title: "Function errors (Lambda, refusals included)", metrics: perFunction("AWS/Lambda", () => "Errors", true) },
    { title: "Function throttles", metrics: perFunction("AWS/Lambda", () => "Throttles", true) },
    { title: "Function duration (p99)", metrics: perFunction("AWS/Lambda", () => "Duration", true), stat: "p99", unit: "ms" },
    {
      title: "Dead-letter queue (events that could not start the workflow)",
      metrics: [["AWS/SQS", "ApproximateNumberOfMessagesVisible", "QueueName", props.deadLetterQueueName, { label: "waiting" }]],
      stat: "Maximum",
    },
  ];
}

export class Dashboard extends Construct {
  readonly dashboard: CloudwatchDashboard;
  /** The dashboard's address in the AWS console; "" without a dashboard. */
  readonly url: string;

  constructor(scope: Construct, id: string, props: DashboardProps) {
    super(scope, id);
    const { vars, deployment } = props;
    const widgets = dashboardGraphs(props).map((graph, index) => ({
      type: "metric",
      x: (index % 2) * WIDTH,
      y: Math.floor(index / 2) * HEIGHT,
      width: WIDTH,
      height: HEIGHT,
      properties: {
        title: graph.title,
        region: deployment.region,
        view: "timeSeries",
        stacked: false,
        stat: graph.stat ?? "Sum",
        period: DASHBOARD_PERIOD_SECONDS,
        metrics: graph.metrics,
        ...(graph.unit ? { yAxis: { left: { label: graph.unit, showUnits: false } } } : {}),
      },
    }));
    this.dashboard = new CloudwatchDashboard(this, "dashboard", {
      count: countWhen(vars.enableDashboard),
      dashboardName: props.namePrefix,
      // JSON text with Terraform references in its strings (names, the Region), like the IAM policies.
      dashboardBody: JSON.stringify({ widgets }),
    });
    const { partition, region } = deployment.references;
    const host = `${partition} == "aws-cn" ? "console.amazonaws.cn" : ${partition} == "aws-us-gov" ? "console.amazonaws-us-gov.com" : "console.aws.amazon.com"`;
    this.url = Token.asString(
      `\${join("", [for name in ${this.dashboard.fqn}[*].dashboard_name : format("https://%s/cloudwatch/home?region=%s#dashboards/dashboard/%s", ${host}, ${region}, name)])}`,
    );
  }
}
