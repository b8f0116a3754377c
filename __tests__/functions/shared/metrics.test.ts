/**
 * The business metric lines (functions/shared/metrics.ts): embedded metric format that
 * CloudWatch publishes from, written at every log level but SILENT, once per completed order.
 */
import { setLogSink } from "../../../functions/shared/logger";
import { countMetric, DEFAULT_METRICS_NAMESPACE, METRICS_NAMESPACE_ENV } from "../../../functions/shared/metrics";
import { embeddedMetrics } from "../../../local/cloudwatch/embedded-metric-format";

const saved = { level: process.env.LOG_LEVEL, namespace: process.env[METRICS_NAMESPACE_ENV] };
const lines: string[] = [];
beforeEach(() => {
  lines.splice(0);
  setLogSink((line) => lines.push(line));
});
afterEach(() => {
  setLogSink((line) => process.stdout.write(line));
  process.env.LOG_LEVEL = saved.level;
  if (saved.namespace === undefined) delete process.env[METRICS_NAMESPACE_ENV];
  else process.env[METRICS_NAMESPACE_ENV] = saved.namespace;
});

test.each(["DEBUG", "INFO", "WARN", "ERROR"])("at LOG_LEVEL=%s a count is one line CloudWatch publishes 1 from", (level) => {
  process.env.LOG_LEVEL = level;
  process.env[METRICS_NAMESPACE_ENV] = "orders-prod";
  countMetric("OrdersCompleted", { service: "order-service", orderId: "ord-1" }, new Date(1796617880185));
  expect(lines).toHaveLength(1);
  expect(lines[0].endsWith("\n")).toBe(true);
  expect(JSON.parse(lines[0])).toMatchObject({ _aws: { Timestamp: 1796617880185 }, service: "order-service", orderId: "ord-1" });
  expect(embeddedMetrics(lines[0].trimEnd())).toEqual([
    { namespace: "orders-prod", name: "OrdersCompleted", dimensions: {}, value: 1 },
  ]);
});

test("at LOG_LEVEL=SILENT nothing is written", () => {
  process.env.LOG_LEVEL = "SILENT";
  countMetric("OrdersCompleted", { service: "s", orderId: "o" });
  expect(lines).toEqual([]);
});

test("without METRICS_NAMESPACE (the local runner) the default namespace", () => {
  process.env.LOG_LEVEL = "INFO";
  delete process.env[METRICS_NAMESPACE_ENV];
  countMetric("OrdersCompleted", { service: "s", orderId: "o" });
  expect(embeddedMetrics(lines[0])[0].namespace).toBe(DEFAULT_METRICS_NAMESPACE);
});
