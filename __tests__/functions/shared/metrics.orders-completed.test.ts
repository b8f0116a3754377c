/**
 * The names a metric line is published and configured by (functions/shared/metrics.ts):
 * what docs/operations.md and the alarms call the completed-orders metric, and the
 * environment variable the stack sets the namespace in. Both are read outside this code
 * (CloudWatch, an operator's query, Lambda's configuration), so they are checked as written.
 */
import { orderCompleted } from "../../../functions/shared/metrics";
import { embeddedMetrics } from "../../../local/cloudwatch/embedded-metric-format";
import { captureLogLines } from "../../helpers/logs";

const lines = captureLogLines({ METRICS_NAMESPACE: undefined });

test("a completed order counts 1 OrdersCompleted, in the namespace METRICS_NAMESPACE names, with its service and order", () => {
  process.env.METRICS_NAMESPACE = "orders-prod";
  orderCompleted("notification-service", "ord-1");
  expect(lines).toHaveLength(1);
  expect(embeddedMetrics(lines[0])).toEqual([{ namespace: "orders-prod", name: "OrdersCompleted", dimensions: {}, value: 1 }]);
  // The properties say which order was counted (searchable in Logs Insights), and the unit makes it a count.
  const document = JSON.parse(lines[0]) as { _aws: { CloudWatchMetrics: { Metrics: unknown[] }[] } };
  expect(document).toMatchObject({ service: "notification-service", orderId: "ord-1", OrdersCompleted: 1 });
  expect(document._aws.CloudWatchMetrics[0].Metrics).toEqual([{ Name: "OrdersCompleted", Unit: "Count" }]);
});
