/**
 * The evaluators on the monitoring this stack synthesizes: its metric filter applied to the
 * lines notification-service's logger writes, and every one of its alarms evaluated, so a
 * later test can run workflow outcomes through them. Terraform expressions are resolved from
 * the variables' defaults; a resource reference stands for itself (the metric names the same
 * resource in the test's datapoints).
 */
import { evaluateAlarmForPeriod } from "../../../local/cloudwatch/alarm";
import { MetricDatapoint, applyMetricFilter } from "../../../local/cloudwatch/metric-filter";
import { TerraformResolver, resolveString, resolveStringMap, variableResolver } from "../../../local/cloudwatch/terraform-values";
import { createLogger, setLogSink } from "../../../functions/shared/logger";
import { resources, synthStack } from "../../helpers/synth";

const { json } = synthStack("archive");

const defaults = Object.fromEntries(Object.entries(json.variable).map(([name, variable]) => [name, variable.default]));
const fromVariables = variableResolver(defaults);
const REFERENCE = /^\$\{[a-z0-9_]+\.[a-z0-9_]+\.[a-z_]+\}$/;
const resolve: TerraformResolver = (expression) =>
  fromVariables(expression) ?? (REFERENCE.test(expression) ? expression : undefined);

const filters = resources(json, "aws_cloudwatch_log_metric_filter");
const alarms = resources(json, "aws_cloudwatch_metric_alarm");

/** The lines notification-service's own logger writes for these calls. */
function loggedLines(write: (log: ReturnType<typeof createLogger>) => void): string[] {
  const lines: string[] = [];
  const level = process.env.LOG_LEVEL;
  process.env.LOG_LEVEL = "INFO";
  setLogSink((line) => lines.push(line.trimEnd()));
  try {
    write(createLogger("notification-service"));
  } finally {
    setLogSink((line) => process.stdout.write(line));
    process.env.LOG_LEVEL = level;
  }
  return lines;
}

describe("the CompensationFailed filter and alarm", () => {
  const filter = filters.alarms_compensation_failed_filter;
  const alarm = alarms.alarms_compensation_failed;

  test("an order closed as COMPENSATION_FAILED publishes 1 and raises the alarm", () => {
    const lines = loggedLines((log) => {
      log.info("notification sent", { action: "ORDER_FAILED", idempotencyKey: "order-1" });
      log.error("compensation failed: an operator must finish this order (README, runbook)", {
        action: "failure",
        idempotencyKey: "order-1",
        orderId: "order-1",
        orderStatus: "COMPENSATION_FAILED",
      });
    });
    const datapoints = applyMetricFilter(filter, lines, resolve);
    expect(datapoints).toEqual([
      { namespace: "microservices-stepfn", name: "CompensationFailed", dimensions: {}, value: 0 },
      { namespace: "microservices-stepfn", name: "CompensationFailed", dimensions: {}, value: 1 },
    ]);
    expect(evaluateAlarmForPeriod(alarm, datapoints, { resolve })).toMatchObject({ state: "ALARM", value: 1 });
  });

  test("orders that close otherwise publish the default 0, and the alarm stays OK", () => {
    const lines = loggedLines((log) => {
      log.info("done", { action: "confirmation", idempotencyKey: "order-2", outcome: "succeeded" });
      log.info("done", { action: "failure", idempotencyKey: "order-3", outcome: "succeeded", orderStatus: "FAILED" });
    });
    const datapoints = applyMetricFilter(filter, lines, resolve);
    expect(datapoints.map((datapoint) => datapoint.value)).toEqual([0, 0]);
    expect(evaluateAlarmForPeriod(alarm, datapoints, { resolve })).toMatchObject({ state: "OK", value: 0 });
  });

  test("no log events: no datapoint, and missing data is not breaching", () => {
    expect(applyMetricFilter(filter, [], resolve)).toEqual([]);
    expect(evaluateAlarmForPeriod(alarm, [], { resolve })).toMatchObject({ state: "OK", value: undefined });
  });
});

describe("every alarm of the stack", () => {
  /** A datapoint of the metric the alarm watches. */
  const datapointFor = (alarm: Record<string, unknown>, value: number): MetricDatapoint => ({
    namespace: resolveString(alarm.namespace, resolve, "namespace"),
    name: resolveString(alarm.metric_name, resolve, "metric_name"),
    dimensions: resolveStringMap(alarm.dimensions, resolve, "dimensions"),
    value,
  });

  test.each(Object.keys(alarms))("%s: OK without data, ALARM on its first occurrence in the period", (id) => {
    const alarm = alarms[id];
    expect(evaluateAlarmForPeriod(alarm, [], { resolve }).state).toBe("OK");
    expect(evaluateAlarmForPeriod(alarm, [datapointFor(alarm, 0)], { resolve }).state).toBe("OK");
    expect(evaluateAlarmForPeriod(alarm, [datapointFor(alarm, 1)], { resolve })).toMatchObject({ state: "ALARM", value: 1 });
  });

  test("an alarm does not react to another alarm's metric", () => {
    const failed = alarms.alarms_executions_failed;
    const timedOut = datapointFor(alarms.alarms_executions_timed_out, 1);
    const otherFunction = datapointFor(alarms.alarms_order_service_errors, 1);
    expect(evaluateAlarmForPeriod(failed, [timedOut, otherFunction], { resolve }).state).toBe("OK");
    expect(evaluateAlarmForPeriod(alarms.alarms_payment_service_errors, [otherFunction], { resolve }).state).toBe("OK");
  });
});
