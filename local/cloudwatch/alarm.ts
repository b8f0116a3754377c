/**
 * A CloudWatch metric alarm (`aws_cloudwatch_metric_alarm` in synthesized Terraform JSON)
 * evaluated against metric datapoints, period by period, as CloudWatch evaluates it. Follows
 * the CloudWatch User Guide, "Using Amazon CloudWatch alarms" (AlarmThatSendsEmail.html):
 * "Evaluating an alarm", "Configuring how CloudWatch alarms treat missing data", "How alarm
 * state is evaluated when data is missing" with its two tables, "Avoiding premature
 * transitions to alarm state" and "Alarms on math expressions"; the statistics of
 * "CloudWatch statistics definitions" (Sum, Maximum, Minimum, Average, SampleCount); and
 * PutMetricAlarm's ComparisonOperator. Metric math lives in metric-math.ts.
 *
 * The caller groups datapoints by period: `periods[0]` is the oldest period of the
 * evaluation range and the last one the period being evaluated. A metric with no datapoint
 * in a period is missing there. The evaluation range is the periods given (at least
 * `evaluation_periods`: fewer are padded with missing periods before the first).
 */
import { MetricDatapoint } from "./metric-filter";
import { MathValue, Series, evaluateMetricMath, parseMetricMath, referencedIds } from "./metric-math";
import {
  TerraformResolver,
  resolveNumber,
  resolveOptionalNumber,
  resolveString,
  resolveStringMap,
  resolveValue,
  repeatedBlocks,
  singleBlock,
} from "./terraform-values";

export type AlarmState = "OK" | "ALARM" | "INSUFFICIENT_DATA";
export type TreatMissingData = "missing" | "ignore" | "breaching" | "notBreaching";
/** How one period's datapoint counts: "0", "X" and "-" in the guide's tables. */
export type DatapointClass = "notBreaching" | "breaching" | "missing";

export const STATISTICS = ["Sum", "Maximum", "Minimum", "Average", "SampleCount"] as const;
export type Statistic = (typeof STATISTICS)[number];

/** The four static-threshold operators of PutMetricAlarm's ComparisonOperator. */
export const COMPARISON_OPERATORS = {
  GreaterThanOrEqualToThreshold: (value: number, threshold: number) => value >= threshold,
  GreaterThanThreshold: (value: number, threshold: number) => value > threshold,
  LessThanThreshold: (value: number, threshold: number) => value < threshold,
  LessThanOrEqualToThreshold: (value: number, threshold: number) => value <= threshold,
} as const;
export type ComparisonOperator = keyof typeof COMPARISON_OPERATORS;

const TREAT_MISSING_DATA: readonly TreatMissingData[] = ["missing", "ignore", "breaching", "notBreaching"];

/** "A math expression used for an alarm can include as many as 10 metrics" (Alarms on math expressions). */
const MAX_METRICS_IN_MATH_ALARM = 10;

export interface AlarmEvaluationOptions {
  /** Resolves attribute values that hold Terraform expressions; by default none are resolved. */
  resolve?: TerraformResolver;
  /** The alarm's state before this evaluation, kept when `ignore` applies. A new alarm's is INSUFFICIENT_DATA. */
  currentState?: AlarmState;
}

export interface AlarmEvaluation {
  /** `alarm_name` as written in the block (not resolved: it plays no part in the evaluation). */
  alarmName: string | undefined;
  state: AlarmState;
  /** The alarm's condition is met: the state is ALARM. */
  conditionMet: boolean;
  /** The metric's (or expression's) value in the most recent period; undefined when missing. */
  value: number | undefined;
  /** The value in each period of the evaluation range, oldest first. */
  values: Series;
  /** How each period's value compares with the threshold. */
  datapoints: DatapointClass[];
  threshold: number;
  comparisonOperator: ComparisonOperator;
  /** `ignore` kept the current state because the data could not decide it. */
  retainedCurrentState: boolean;
}

/**
 * One statistic over the values of one period ("CloudWatch statistics definitions"):
 * undefined when the period has no datapoint, which makes it missing.
 */
export function aggregate(statistic: Statistic, values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  switch (statistic) {
    case "Sum":
      return values.reduce((sum, value) => sum + value, 0);
    case "Maximum":
      return Math.max(...values);
    case "Minimum":
      return Math.min(...values);
    case "Average":
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case "SampleCount":
      return values.length;
  }
}

export interface AlarmRules {
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: TreatMissingData;
  currentState: AlarmState;
}

/**
 * The state an alarm goes to, from how each period of the evaluation range counts (oldest
 * first), per "How alarm state is evaluated when data is missing":
 *
 * 1. At least N (Evaluation Periods) real datapoints in the range: the most recent N real
 *    ones are evaluated and the missing-data setting "is not needed and is ignored".
 *    ALARM when at least M (Datapoints to Alarm) of them are breaching, else OK.
 * 2. Fewer: "CloudWatch fills in the missing data points with the result you specified for
 *    how to treat missing data ... all real data points in the evaluation range are included
 *    ... missing data points only as few times as possible": with `breaching` or
 *    `notBreaching`, N minus the real count are filled that way, then M of N decides.
 * 3. Fewer, and `missing` or `ignore`: no real datapoint gives INSUFFICIENT_DATA
 *    (`missing`) or keeps the current state (`ignore`). Otherwise M breaching real
 *    datapoints give ALARM, and a non-breaching one gives OK. When every real datapoint is
 *    breaching but there are fewer than M, the "premature alarm state" rule decides: ALARM
 *    "when the oldest available breaching datapoint ... is at least as old as the value of
 *    Datapoints to Alarm, and all other more recent data points are breaching or missing";
 *    otherwise INSUFFICIENT_DATA (the earlier edition's row `- - - - X`). With `ignore` the
 *    current state is kept instead (the tables' "Retain current state").
 *
 * The guide states these rules in prose and two tables; step 3 is the reading that gives
 * every row of both tables (the tests check each row).
 */
export function decideAlarmState(
  datapoints: readonly DatapointClass[],
  rules: AlarmRules,
): { state: AlarmState; retainedCurrentState: boolean } {
  const { evaluationPeriods, datapointsToAlarm, treatMissingData, currentState } = rules;
  const decided = (state: AlarmState) => ({ state, retainedCurrentState: false });
  const retained = { state: currentState, retainedCurrentState: true };
  const mOfN = (breaching: number) => decided(breaching >= datapointsToAlarm ? "ALARM" : "OK");

  const real = datapoints.filter((datapoint) => datapoint !== "missing");
  const breachingCount = (classes: readonly DatapointClass[]) => classes.filter((datapoint) => datapoint === "breaching").length;
  if (real.length >= evaluationPeriods) return mOfN(breachingCount(real.slice(-evaluationPeriods)));

  const fills = evaluationPeriods - real.length;
  if (treatMissingData === "breaching") return mOfN(breachingCount(real) + fills);
  if (treatMissingData === "notBreaching") return mOfN(breachingCount(real));

  if (real.length === 0) return treatMissingData === "missing" ? decided("INSUFFICIENT_DATA") : retained;
  if (breachingCount(real) >= datapointsToAlarm) return decided("ALARM");
  if (real.some((datapoint) => datapoint === "notBreaching")) return decided("OK");
  if (treatMissingData === "ignore") return retained;
  // Every real datapoint is breaching; its age counts 1 for the most recent period.
  const oldestBreachingAge = datapoints.length - datapoints.findIndex((datapoint) => datapoint === "breaching");
  return decided(oldestBreachingAge >= datapointsToAlarm ? "ALARM" : "INSUFFICIENT_DATA");
}

/** A metric as an alarm (or a metric query) names it. */
interface MetricIdentity {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
}

/** A datapoint belongs to the metric with the same namespace, name and full set of dimensions. */
function isOfMetric(datapoint: MetricDatapoint, metric: MetricIdentity): boolean {
  if (datapoint.namespace !== metric.namespace || datapoint.name !== metric.name) return false;
  const keys = Object.keys(metric.dimensions);
  return (
    Object.keys(datapoint.dimensions).length === keys.length &&
    keys.every((key) => Object.hasOwn(datapoint.dimensions, key) && datapoint.dimensions[key] === metric.dimensions[key])
  );
}

function metricSeries(metric: MetricIdentity, statistic: Statistic, periods: readonly (readonly MetricDatapoint[])[]): Series {
  return periods.map((datapoints) =>
    aggregate(
      statistic,
      datapoints.filter((datapoint) => isOfMetric(datapoint, metric)).map((datapoint) => datapoint.value),
    ),
  );
}

function readStatistic(value: unknown, resolve: TerraformResolver, attribute: string): Statistic {
  const statistic = resolveString(value, resolve, attribute);
  if (!(STATISTICS as readonly string[]).includes(statistic))
    throw new Error(
      `${attribute}: the statistic ${JSON.stringify(statistic)} is not supported (supported: ${STATISTICS.join(", ")})`,
    );
  return statistic as Statistic;
}

function readBoolean(value: unknown, resolve: TerraformResolver, attribute: string): boolean {
  const resolved = resolveValue(value, resolve, attribute);
  if (resolved === undefined || resolved === null) return false;
  if (resolved === true || resolved === "true") return true;
  if (resolved === false || resolved === "false") return false;
  throw new Error(`${attribute}: expected true or false, got ${JSON.stringify(resolved)}`);
}

/** Attributes this evaluator does not model: refused rather than ignored, so no result is silently wrong. */
const UNSUPPORTED_ATTRIBUTES: Record<string, string> = {
  extended_statistic: "percentile statistics (extended_statistic) are not supported",
  threshold_metric_id: "anomaly detection alarms (threshold_metric_id) are not supported",
  unit: "alarms restricted to a unit are not supported (datapoints here carry no unit)",
};

/** The series the alarm watches: its metric's statistic, or the expression whose return_data is true. */
function watchedSeries(
  alarm: Record<string, unknown>,
  periods: readonly (readonly MetricDatapoint[])[],
  resolve: TerraformResolver,
): Series {
  const queries = repeatedBlocks(alarm.metric_query, "metric_query");
  if (queries.length === 0) {
    const metric: MetricIdentity = {
      namespace: resolveString(alarm.namespace, resolve, "namespace"),
      name: resolveString(alarm.metric_name, resolve, "metric_name"),
      dimensions: resolveStringMap(alarm.dimensions, resolve, "dimensions"),
    };
    return metricSeries(metric, readStatistic(alarm.statistic, resolve, "statistic"), periods);
  }
  if (alarm.metric_name !== undefined || alarm.namespace !== undefined || alarm.statistic !== undefined)
    throw new Error("an alarm has either metric_name/namespace/statistic or metric_query blocks, not both");
  return mathAlarmSeries(queries, periods, resolve);
}

/**
 * A metric math alarm: every `metric_query` with a `metric` block is a metric with its stat;
 * every one with an `expression` is computed from the others by id; the one with
 * `return_data = true` is what the alarm watches ("For all other metrics and expressions in
 * the same PutMetricAlarm operation, specify ReturnData as False").
 */
function mathAlarmSeries(
  queries: Record<string, unknown>[],
  periods: readonly (readonly MetricDatapoint[])[],
  resolve: TerraformResolver,
): Series {
  const byId = new Map<string, Record<string, unknown>>();
  for (const [index, query] of queries.entries()) {
    const id = resolveString(query.id, resolve, `metric_query[${index}].id`);
    if (!/^[a-z][A-Za-z0-9_]*$/.test(id))
      throw new Error(
        `metric_query[${index}].id: ${JSON.stringify(id)} must start with a lowercase letter and hold only letters, digits and _`,
      );
    if (byId.has(id)) throw new Error(`metric_query: the id ${id} is used twice`);
    byId.set(id, query);
  }
  const returned = [...byId.entries()].filter(([id]) =>
    readBoolean(byId.get(id)!.return_data, resolve, `metric_query ${id}.return_data`),
  );
  if (returned.length !== 1)
    throw new Error(`metric_query: exactly one query must have return_data = true, found ${returned.length}`);

  const metricQueries = [...byId.values()].filter((query) => query.metric !== undefined);
  if (metricQueries.length > MAX_METRICS_IN_MATH_ALARM)
    throw new Error(`metric_query: a math expression alarm can include at most ${MAX_METRICS_IN_MATH_ALARM} metrics`);
  // "Each metric must be using the same period" (Alarms on math expressions).
  const metricPeriods = new Set(
    metricQueries.map((query) =>
      resolveOptionalNumber(singleBlock(query.metric, "metric_query.metric").period, resolve, "metric_query.metric.period"),
    ),
  );
  if (metricPeriods.size > 1)
    throw new Error(`metric_query: every metric must use the same period, found ${[...metricPeriods].join(", ")}`);

  const computed = new Map<string, Series>();
  const inProgress = new Set<string>();
  const seriesOf = (id: string): Series => {
    const cached = computed.get(id);
    if (cached) return cached;
    const query = byId.get(id);
    if (!query) throw new Error(`metric_query: the expression refers to ${id}, which is not a query id`);
    if (inProgress.has(id)) throw new Error(`metric_query: the expressions refer to each other in a cycle through ${id}`);
    inProgress.add(id);
    const result = querySeries(id, query);
    inProgress.delete(id);
    computed.set(id, result);
    return result;
  };
  const querySeries = (id: string, query: Record<string, unknown>): Series => {
    const where = `metric_query ${id}`;
    if ((query.metric === undefined) === (query.expression === undefined))
      throw new Error(`${where}: a query has either a metric block or an expression`);
    if (query.metric !== undefined) {
      const metric = singleBlock(query.metric, `${where}.metric`);
      const identity: MetricIdentity = {
        namespace: resolveString(metric.namespace, resolve, `${where}.metric.namespace`),
        name: resolveString(metric.metric_name, resolve, `${where}.metric.metric_name`),
        dimensions: resolveStringMap(metric.dimensions, resolve, `${where}.metric.dimensions`),
      };
      if (metric.unit !== undefined) throw new Error(`${where}.metric: ${UNSUPPORTED_ATTRIBUTES.unit}`);
      return metricSeries(identity, readStatistic(metric.stat, resolve, `${where}.metric.stat`), periods);
    }
    const expression = resolveString(query.expression, resolve, `${where}.expression`);
    const parsed = parseMetricMath(expression);
    for (const reference of referencedIds(parsed))
      if (!byId.has(reference)) throw new Error(`${where}: the expression refers to ${reference}, which is not a query id`);
    const value: MathValue = evaluateMetricMath(parsed, { periodCount: periods.length, seriesOf });
    if (value.kind !== "series")
      throw new Error(
        `${where}: the expression ${JSON.stringify(expression)} gives ${value.kind === "scalar" ? "a number" : "an array of time series"}; an alarm's expression must give one time series`,
      );
    return value.values;
  };
  return seriesOf(returned[0][0]);
}

/**
 * Evaluates an `aws_cloudwatch_metric_alarm` block against the datapoints of each period of
 * the evaluation range (oldest first; the last is the period being evaluated).
 */
export function evaluateAlarm(
  alarm: Record<string, unknown>,
  periods: readonly (readonly MetricDatapoint[])[],
  options: AlarmEvaluationOptions = {},
): AlarmEvaluation {
  const resolve = options.resolve ?? (() => undefined);
  for (const [attribute, reason] of Object.entries(UNSUPPORTED_ATTRIBUTES))
    if (alarm[attribute] !== undefined && alarm[attribute] !== null) throw new Error(`${attribute}: ${reason}`);

  const comparisonOperator = resolveString(alarm.comparison_operator, resolve, "comparison_operator");
  if (!Object.hasOwn(COMPARISON_OPERATORS, comparisonOperator))
    throw new Error(
      `comparison_operator: ${JSON.stringify(comparisonOperator)} is not supported (supported: ${Object.keys(COMPARISON_OPERATORS).join(", ")}; anomaly detection operators are not)`,
    );
  const threshold = resolveNumber(alarm.threshold, resolve, "threshold");
  const evaluationPeriods = resolveNumber(alarm.evaluation_periods, resolve, "evaluation_periods");
  if (!Number.isInteger(evaluationPeriods) || evaluationPeriods < 1)
    throw new Error(`evaluation_periods: expected a whole number of at least 1, got ${evaluationPeriods}`);
  // DatapointsToAlarm defaults to EvaluationPeriods (an "N out of N" alarm).
  const datapointsToAlarm = resolveOptionalNumber(alarm.datapoints_to_alarm, resolve, "datapoints_to_alarm") ?? evaluationPeriods;
  if (!Number.isInteger(datapointsToAlarm) || datapointsToAlarm < 1 || datapointsToAlarm > evaluationPeriods)
    throw new Error(
      `datapoints_to_alarm: expected a whole number from 1 to evaluation_periods (${evaluationPeriods}), got ${datapointsToAlarm}`,
    );
  // "The default behavior is missing."
  const treatMissingData = (
    alarm.treat_missing_data === undefined ? "missing" : resolveString(alarm.treat_missing_data, resolve, "treat_missing_data")
  ) as TreatMissingData;
  if (!TREAT_MISSING_DATA.includes(treatMissingData))
    throw new Error(`treat_missing_data: ${JSON.stringify(treatMissingData)} is not one of ${TREAT_MISSING_DATA.join(", ")}`);

  // A range shorter than evaluation_periods: the periods before it had no data.
  const padding = Math.max(0, evaluationPeriods - periods.length);
  const range = [...new Array<MetricDatapoint[]>(padding).fill([]), ...periods];
  const values = watchedSeries(alarm, range, resolve);
  const breaches = COMPARISON_OPERATORS[comparisonOperator as ComparisonOperator];
  const datapoints: DatapointClass[] = values.map((value) =>
    value === undefined ? "missing" : breaches(value, threshold) ? "breaching" : "notBreaching",
  );
  const { state, retainedCurrentState } = decideAlarmState(datapoints, {
    evaluationPeriods,
    datapointsToAlarm,
    treatMissingData,
    currentState: options.currentState ?? "INSUFFICIENT_DATA",
  });
  return {
    alarmName: typeof alarm.alarm_name === "string" ? alarm.alarm_name : undefined,
    state,
    conditionMet: state === "ALARM",
    value: values[values.length - 1],
    values,
    datapoints,
    threshold,
    comparisonOperator: comparisonOperator as ComparisonOperator,
    retainedCurrentState,
  };
}

/** Evaluates an alarm on the datapoints of a single period (the evaluation range is that period). */
export function evaluateAlarmForPeriod(
  alarm: Record<string, unknown>,
  datapoints: readonly MetricDatapoint[],
  options: AlarmEvaluationOptions = {},
): AlarmEvaluation {
  return evaluateAlarm(alarm, [datapoints], options);
}
