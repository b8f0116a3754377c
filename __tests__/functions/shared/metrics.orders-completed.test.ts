/**
 * The names a metric line is published and configured by (functions/shared/metrics.ts):
 * what docs/operations.md and the alarms call the completed-orders metric, and the
 * environment variable the stack sets the namespace in. Both are read outside this code
 * (CloudWatch, an operator's query, Lambda's configuration), so they are checked as written.
 */
import { setLogSink } from "../../../functions/shared/logger";
import { orderCompleted } from "../../../functions/shared/metrics";
import { embeddedMetrics } from "../../../local/cloudwatch/embedded-metric-format";

const saved = { level: process.env.LOG_LEVEL, namespace: process.env.METRICS_NAMESPACE };
const lines: string[] = [];
beforeEach(() => {
  lines.splice(0);
  setLogSink((line) => lines.push(line));
  process.env.LOG_LEVEL = "INFO";
});
afterEach(() => {
  setLogSink((line) => process.stdout.write(line));
  process.env.LOG_LEVEL = saved.level;
  if (saved.namespace === undefined) delete process.env.METRICS_NAMESPACE;
  else process.env.METRICS_NAMESPACE = saved.namespace;
});

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
