/**
 * The business metric lines (functions/shared/metrics.ts): embedded metric format that
 * CloudWatch publishes from, written at every log level but SILENT, once per completed order.
 */
import { countMetric, DEFAULT_METRICS_NAMESPACE, METRICS_NAMESPACE_ENV } from "../../../functions/shared/metrics";
import { embeddedMetrics } from "../../../local/cloudwatch/embedded-metric-format";
import { captureLogLines } from "../../helpers/logs";

// Each test sets LOG_LEVEL and the namespace it is about; the namespace is unset otherwise.
const lines = captureLogLines({ [METRICS_NAMESPACE_ENV]: undefined });

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
