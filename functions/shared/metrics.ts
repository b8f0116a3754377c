/**
 * Business metrics as CloudWatch's embedded metric format: one JSON line on stdout, from
 * which CloudWatch Logs publishes the metric ("Embedding metrics within logs",
 * CloudWatch User Guide, CloudWatch_Embedded_Metric_Format_Specification.html). No API
 * call, no extra permission, nothing lost when CloudWatch is slow. The line is written at
 * every LOG_LEVEL (a metric is not a message), except SILENT.
 *
 * The namespace is the stack's project_name, given as METRICS_NAMESPACE; the workflow's
 * own metrics (stacks/monitoring-signals.ts) are published in the same one.
 */
import { writeLine } from "./logger";

/** The metric an order closed COMPLETED adds 1 to, once per order (the closing write succeeded). */
export const ORDERS_COMPLETED_METRIC = "OrdersCompleted";

/** Where the namespace comes from, and the one used outside Lambda (the local runner, the CLIs). */
export const METRICS_NAMESPACE_ENV = "METRICS_NAMESPACE";
export const DEFAULT_METRICS_NAMESPACE = "microservices-stepfn";

/** One count, without dimensions, with properties that say what it counted (searchable in Logs Insights). */
export function countMetric(name: string, properties: Record<string, string>, now: Date = new Date()): void {
  const document = {
    _aws: {
      Timestamp: now.getTime(),
      CloudWatchMetrics: [
        {
          Namespace: process.env[METRICS_NAMESPACE_ENV] || DEFAULT_METRICS_NAMESPACE,
          Dimensions: [[]],
          Metrics: [{ Name: name, Unit: "Count" }],
        },
      ],
    },
    ...properties,
    [name]: 1,
  };
  writeLine(JSON.stringify(document));
}

/** An order was closed COMPLETED by `service` (notification-service with its notice, or order-service's close). */
export function orderCompleted(service: string, orderId: string): void {
  countMetric(ORDERS_COMPLETED_METRIC, { service, orderId });
}
