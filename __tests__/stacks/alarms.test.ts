/**
 * The evaluators on the monitoring this stack synthesizes: every metric filter is accepted
 * as CloudWatch would accept it, and every alarm is OK without data and in ALARM at its
 * threshold on its own metric, not on another's. Terraform expressions are resolved from the
 * variables' defaults; a resource reference stands for itself (the metric names the same
 * resource in the test's datapoints). What each way an order ends does to the alarms is
 * __tests__/system/alarm-conditions.test.ts.
 */
import { evaluateAlarmForPeriod } from "../../local/cloudwatch/alarm";
import { compileMetricFilter, MetricDatapoint } from "../../local/cloudwatch/metric-filter";
import { TerraformResolver, resolveString, resolveStringMap, variableResolver } from "../../local/cloudwatch/terraform-values";
import { Resource, resources, synthStack } from "../helpers/synth";

const { json } = synthStack("archive");

const defaults: Record<string, unknown> = Object.fromEntries(
  Object.entries(json.variable).map(([name, variable]) => [name, variable.default]),
);
// Terraform fills in the optional attributes of alarm_thresholds: every one is 1.
defaults.alarm_thresholds = Object.fromEntries(
  [...String(json.variable.alarm_thresholds.type).matchAll(/(\w+) = optional\(number, 1\)/g)].map(([, name]) => [name, 1]),
);
const fromVariables = variableResolver(defaults);
const REFERENCE = /^\$\{[a-z0-9_]+\.[a-z0-9_]+\.[a-z_]+\}$/;
const resolve: TerraformResolver = (expression) =>
  fromVariables(expression) ?? (REFERENCE.test(expression) ? expression : undefined);

const filters = resources(json, "aws_cloudwatch_log_metric_filter");
const alarms = resources(json, "aws_cloudwatch_metric_alarm");

test("every threshold has its default of 1, and every alarm reads one", () => {
  expect(Object.keys(defaults.alarm_thresholds as object)).toHaveLength(7);
  for (const alarm of Object.values(alarms)) expect(resolve(alarm.threshold)).toBe(1);
});

test.each(Object.keys(filters))("metric filter %s is one CloudWatch accepts", (id) => {
  const compiled = compileMetricFilter(filters[id], resolve);
  expect(compiled.namespace).toBe("microservices-stepfn");
  expect(compiled.name).toMatch(/^[A-Z][A-Za-z]+$/);
});

describe("every alarm of the stack", () => {
  /** The datapoints of the metric(s) the alarm watches. */
  const datapointsFor = (alarm: Resource<"aws_cloudwatch_metric_alarm">, value: number): MetricDatapoint[] =>
    alarm.metric_query
      ? alarm.metric_query
          .filter((query) => query.metric)
          .map((query) => ({
            namespace: query.metric!.namespace,
            name: query.metric!.metric_name,
            dimensions: resolveStringMap(query.metric!.dimensions, resolve, "dimensions"),
            value,
          }))
      : [
          {
            namespace: resolveString(alarm.namespace, resolve, "namespace"),
            name: resolveString(alarm.metric_name, resolve, "metric_name"),
            dimensions: resolveStringMap(alarm.dimensions, resolve, "dimensions"),
            value,
          },
        ];

  test.each(Object.keys(alarms))("%s: OK without data, ALARM on its first occurrence in the period", (id) => {
    const alarm = alarms[id];
    expect(evaluateAlarmForPeriod(alarm, [], { resolve }).state).toBe("OK");
    expect(evaluateAlarmForPeriod(alarm, datapointsFor(alarm, 0), { resolve }).state).toBe("OK");
    expect(evaluateAlarmForPeriod(alarm, datapointsFor(alarm, 1).slice(0, 1), { resolve })).toMatchObject({
      state: "ALARM",
      value: 1,
    });
  });

  test.each(Object.keys(alarms))("%s reacts to no other alarm's metric", (id) => {
    const others = Object.keys(alarms)
      .filter((other) => other !== id)
      .flatMap((other) => datapointsFor(alarms[other], 1));
    expect(evaluateAlarmForPeriod(alarms[id], others, { resolve }).state).toBe("OK");
  });
});
