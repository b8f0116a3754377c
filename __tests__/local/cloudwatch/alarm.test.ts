/**
 * Alarm evaluation as the CloudWatch User Guide's "Using Amazon CloudWatch alarms" describes
 * it: each comparison operator, each statistic, the M out of N rule, every row of the
 * missing-data tables (current edition and the earlier one), and metric math alarms.
 */
import {
  AlarmState,
  DatapointClass,
  TreatMissingData,
  aggregate,
  decideAlarmState,
  evaluateAlarm,
  evaluateAlarmForPeriod,
} from "../../../local/cloudwatch/alarm";
import { MetricDatapoint } from "../../../local/cloudwatch/metric-filter";
import { variableResolver } from "../../../local/cloudwatch/terraform-values";

/** The guide's notation: 0 not breaching, X breaching, - missing; oldest first. */
function classes(row: string): DatapointClass[] {
  return row
    .split(" ")
    .map((symbol) =>
      symbol === "X" ? "breaching" : symbol === "0" ? "notBreaching" : symbol === "-" ? "missing" : fail(symbol),
    );
}

function fail(symbol: string): never {
  throw new Error(`unknown symbol ${symbol}`);
}

const TREATMENTS: TreatMissingData[] = ["missing", "ignore", "breaching", "notBreaching"];
/** "Retain current state": checked from two different current states. */
const RETAIN = "retain";
type Outcome = AlarmState | typeof RETAIN;

/** One row of a table: the data points and the state for MISSING, IGNORE, BREACHING, NOT BREACHING. */
function expectRow(row: string, datapointsToAlarm: number, outcomes: [Outcome, Outcome, Outcome, Outcome]): void {
  TREATMENTS.forEach((treatMissingData, column) => {
    for (const currentState of ["OK", "ALARM"] as const) {
      const decided = decideAlarmState(classes(row), { evaluationPeriods: 3, datapointsToAlarm, treatMissingData, currentState });
      const expected =
        outcomes[column] === RETAIN
          ? { state: currentState, retainedCurrentState: true }
          : { state: outcomes[column], retainedCurrentState: false };
      expect({ row, treatMissingData, currentState, ...decided }).toEqual({ row, treatMissingData, currentState, ...expected });
    }
  });
}

describe("how alarm state is evaluated when data is missing (evaluation range 5, Evaluation Periods 3)", () => {
  test("current edition, Datapoints to Alarm 3", () => {
    expectRow("0 - X - X", 3, ["OK", "OK", "OK", "OK"]);
    expectRow("0 - - - -", 3, ["OK", "OK", "OK", "OK"]);
    expectRow("- - - - -", 3, ["INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"]);
    expectRow("0 X X - X", 3, ["ALARM", "ALARM", "ALARM", "ALARM"]);
    expectRow("- - X - -", 3, ["ALARM", RETAIN, "ALARM", "OK"]);
  });

  test("current edition, 2 out of 3", () => {
    expectRow("0 - X - X", 2, ["ALARM", "ALARM", "ALARM", "ALARM"]);
    expectRow("0 0 X 0 X", 2, ["ALARM", "ALARM", "ALARM", "ALARM"]);
    expectRow("0 - X - -", 2, ["OK", "OK", "ALARM", "OK"]);
    expectRow("- - - - 0", 2, ["OK", "OK", "ALARM", "OK"]);
    expectRow("- - - X -", 2, ["ALARM", RETAIN, "ALARM", "OK"]);
  });

  test("earlier edition's rows not in the current one", () => {
    expectRow("- - - - X", 3, ["INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"]);
    expectRow("X - - - -", 3, ["ALARM", RETAIN, "ALARM", "OK"]);
    expectRow("- - - - X", 2, ["INSUFFICIENT_DATA", RETAIN, "ALARM", "OK"]);
  });

  test("avoiding premature transitions: - - - - X and - - - X - do not alarm with Datapoints to Alarm 3, - - X - - does", () => {
    const rules = { evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "missing", currentState: "OK" } as const;
    expect(decideAlarmState(classes("- - - - X"), rules).state).not.toBe("ALARM");
    expect(decideAlarmState(classes("- - - X -"), rules).state).not.toBe("ALARM");
    expect(decideAlarmState(classes("- - X - -"), rules).state).toBe("ALARM");
    // "... the next data point is non-breaching and causes the data to be - - - X O or - - X - O".
    expect(decideAlarmState(classes("- - - X 0"), rules).state).toBe("OK");
    expect(decideAlarmState(classes("- - X - 0"), rules).state).toBe("OK");
  });

  test("the figure: 3 of 3 breaching alarm; one dip below the threshold is OK again", () => {
    const rules = { evaluationPeriods: 3, datapointsToAlarm: 3, treatMissingData: "missing", currentState: "OK" } as const;
    expect(decideAlarmState(classes("0 0 X X X"), rules).state).toBe("ALARM");
    expect(decideAlarmState(classes("0 X X X 0"), rules).state).toBe("OK");
  });
});

// ---------------------------------------------------------------------------------------

const FUNCTION = { FunctionName: "payment-service" };
const errorsOf = (value: number, dimensions: Record<string, string> = FUNCTION): MetricDatapoint => ({
  namespace: "AWS/Lambda",
  name: "Errors",
  dimensions,
  value,
});

/** An alarm block as cdktf synthesizes the stack's function alarms. */
function lambdaAlarm(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alarm_name: "orders-payment-service-errors",
    namespace: "AWS/Lambda",
    metric_name: "Errors",
    statistic: "Sum",
    dimensions: FUNCTION,
    period: 300,
    evaluation_periods: 1,
    threshold: 1,
    comparison_operator: "GreaterThanOrEqualToThreshold",
    treat_missing_data: "notBreaching",
    ...overrides,
  };
}

describe("single-metric alarms", () => {
  test.each([
    ["GreaterThanOrEqualToThreshold", [false, true, true]],
    ["GreaterThanThreshold", [false, false, true]],
    ["LessThanThreshold", [true, false, false]],
    ["LessThanOrEqualToThreshold", [true, true, false]],
  ] as const)("%s at 1 below, at, and 1 above the threshold", (comparison_operator, expected) => {
    const alarm = lambdaAlarm({ comparison_operator, threshold: 5 });
    expect([4, 5, 6].map((value) => evaluateAlarmForPeriod(alarm, [errorsOf(value)], {}).conditionMet)).toEqual(expected);
  });

  test.each([
    ["Sum", 9],
    ["Maximum", 5],
    ["Minimum", 1],
    ["Average", 3],
    ["SampleCount", 3],
  ] as const)("the %s of 1, 5 and 3 in the period is %i", (statistic, value) => {
    const datapoints = [errorsOf(1), errorsOf(5), errorsOf(3)];
    const atValue = evaluateAlarmForPeriod(lambdaAlarm({ statistic, threshold: value }), datapoints);
    const above = evaluateAlarmForPeriod(lambdaAlarm({ statistic, threshold: value + 0.5 }), datapoints);
    expect([atValue.value, atValue.state, above.state]).toEqual([value, "ALARM", "OK"]);
  });

  test("aggregate: no values give no statistic (a missing datapoint)", () => {
    expect(aggregate("Sum", [])).toBeUndefined();
    expect(aggregate("SampleCount", [0, 0])).toBe(2);
  });

  test("only datapoints of the alarm's namespace, metric and exact dimensions count", () => {
    const alarm = lambdaAlarm();
    const others = [
      errorsOf(1, { FunctionName: "order-service" }),
      errorsOf(1, { ...FUNCTION, Resource: "payment-service:live" }),
      errorsOf(1, {}),
      { ...errorsOf(1), name: "Throttles" },
      { ...errorsOf(1), namespace: "Custom" },
    ];
    expect(evaluateAlarmForPeriod(alarm, others)).toMatchObject({ state: "OK", value: undefined, datapoints: ["missing"] });
    expect(evaluateAlarmForPeriod(alarm, [...others, errorsOf(2)])).toMatchObject({ state: "ALARM", value: 2 });
    const noDimensions = lambdaAlarm({ dimensions: undefined });
    expect(evaluateAlarmForPeriod(noDimensions, [errorsOf(1)]).value).toBeUndefined();
    expect(evaluateAlarmForPeriod(noDimensions, [errorsOf(1, {})]).value).toBe(1);
  });

  test.each([
    ["notBreaching", "OK"],
    ["breaching", "ALARM"],
    ["missing", "INSUFFICIENT_DATA"],
  ] as const)("a period without datapoints, treat_missing_data = %s: %s", (treat_missing_data, state) => {
    expect(evaluateAlarmForPeriod(lambdaAlarm({ treat_missing_data }), [])).toMatchObject({
      state,
      value: undefined,
      conditionMet: state === "ALARM",
    });
  });

  test("treat_missing_data = ignore keeps the current state (INSUFFICIENT_DATA for a new alarm); the default is missing", () => {
    const ignore = lambdaAlarm({ treat_missing_data: "ignore" });
    expect(evaluateAlarmForPeriod(ignore, [], { currentState: "ALARM" })).toMatchObject({
      state: "ALARM",
      retainedCurrentState: true,
    });
    expect(evaluateAlarmForPeriod(ignore, [])).toMatchObject({ state: "INSUFFICIENT_DATA", retainedCurrentState: true });
    expect(evaluateAlarmForPeriod(lambdaAlarm({ treat_missing_data: undefined }), []).state).toBe("INSUFFICIENT_DATA");
  });

  test("M out of N over the periods given, the most recent last", () => {
    const alarm = lambdaAlarm({ evaluation_periods: 3, datapoints_to_alarm: 2, treat_missing_data: "missing" });
    const periods = (...values: (number | undefined)[]) => values.map((value) => (value === undefined ? [] : [errorsOf(value)]));
    expect(evaluateAlarm(alarm, periods(1, 0, 1))).toMatchObject({ state: "ALARM", values: [1, 0, 1], value: 1 });
    expect(evaluateAlarm(alarm, periods(1, 0, 0))).toMatchObject({
      state: "OK",
      datapoints: ["breaching", "notBreaching", "notBreaching"],
    });
    // Only the most recent three real datapoints count when there are enough.
    expect(evaluateAlarm(alarm, periods(1, 1, 0, 0, 1)).state).toBe("OK");
  });

  test("datapoints_to_alarm defaults to evaluation_periods", () => {
    const alarm = lambdaAlarm({ evaluation_periods: 2 });
    expect(evaluateAlarm(alarm, [[errorsOf(1)], [errorsOf(0)]]).state).toBe("OK");
    expect(evaluateAlarm(alarm, [[errorsOf(1)], [errorsOf(1)]]).state).toBe("ALARM");
  });

  test("fewer periods than evaluation_periods: the earlier periods had no data", () => {
    const alarm = lambdaAlarm({ evaluation_periods: 3, treat_missing_data: "breaching" });
    expect(evaluateAlarm(alarm, [[errorsOf(1)]])).toMatchObject({ state: "ALARM", values: [undefined, undefined, 1] });
    expect(evaluateAlarm(lambdaAlarm({ evaluation_periods: 3, treat_missing_data: "notBreaching" }), [[errorsOf(1)]]).state).toBe(
      "OK",
    );
  });

  test("the result names the alarm and carries the threshold and operator", () => {
    expect(evaluateAlarmForPeriod(lambdaAlarm(), [errorsOf(3)])).toEqual({
      alarmName: "orders-payment-service-errors",
      state: "ALARM",
      conditionMet: true,
      value: 3,
      values: [3],
      datapoints: ["breaching"],
      threshold: 1,
      comparisonOperator: "GreaterThanOrEqualToThreshold",
      retainedCurrentState: false,
    });
  });
});

describe("Terraform values in the alarm block", () => {
  test("expressions are resolved: the threshold from a variable, the metric from resource references", () => {
    const alarm = lambdaAlarm({
      threshold: "${var.alarm_threshold}",
      namespace: "${var.namespace}",
      dimensions: { FunctionName: "${aws_lambda_function.payment.function_name}" },
      evaluation_periods: "1",
    });
    const resolve = (expression: string) =>
      expression === "${aws_lambda_function.payment.function_name}"
        ? "payment-service"
        : variableResolver({ alarm_threshold: "2", namespace: "AWS/Lambda" })(expression);
    expect(evaluateAlarmForPeriod(alarm, [errorsOf(1)], { resolve })).toMatchObject({ threshold: 2, state: "OK" });
    expect(evaluateAlarmForPeriod(alarm, [errorsOf(2)], { resolve })).toMatchObject({ threshold: 2, state: "ALARM" });
  });

  test("an expression the resolver cannot resolve is an error naming the attribute", () => {
    expect(() => evaluateAlarmForPeriod(lambdaAlarm({ threshold: "${var.alarm_threshold}" }), [])).toThrow(
      'threshold: cannot resolve the Terraform expression "${var.alarm_threshold}"',
    );
    expect(() =>
      evaluateAlarmForPeriod(lambdaAlarm({ dimensions: { FunctionName: "${aws_lambda_function.x.function_name}" } }), [], {
        resolve: variableResolver({}),
      }),
    ).toThrow('dimensions.FunctionName: cannot resolve the Terraform expression "${aws_lambda_function.x.function_name}"');
  });

  test.each([
    [{ comparison_operator: "LessThanLowerOrGreaterThanUpperThreshold" }, "anomaly detection operators are not"],
    [{ statistic: "p99" }, 'the statistic "p99" is not supported'],
    [{ statistic: undefined, extended_statistic: "p99" }, "extended_statistic: percentile statistics"],
    [{ threshold_metric_id: "ad1" }, "threshold_metric_id: anomaly detection alarms"],
    [{ unit: "Count" }, "unit: alarms restricted to a unit"],
    [{ evaluation_periods: 0 }, "evaluation_periods: expected a whole number of at least 1"],
    [
      { evaluation_periods: 2, datapoints_to_alarm: 3 },
      "datapoints_to_alarm: expected a whole number from 1 to evaluation_periods (2)",
    ],
    [{ treat_missing_data: "sometimes" }, 'treat_missing_data: "sometimes" is not one of'],
    [{ threshold: "high" }, 'threshold: expected a number, got "high"'],
    [
      {
        metric_query: [
          { id: "m1", return_data: true, metric: { metric_name: "Errors", namespace: "AWS/Lambda", stat: "Sum", period: 300 } },
        ],
      },
      "not both",
    ],
  ])("refused: %j gives %s", (overrides, message) => {
    expect(() => evaluateAlarmForPeriod(lambdaAlarm(overrides), [errorsOf(1)])).toThrow(message);
  });
});

// ---------------------------------------------------------------------------------------

const invocationsOf = (value: number): MetricDatapoint => ({
  namespace: "AWS/Lambda",
  name: "Invocations",
  dimensions: FUNCTION,
  value,
});

/** A metric query block for one Lambda metric. */
function metricQuery(id: string, metric_name: string, stat = "Sum", period: unknown = 300): Record<string, unknown> {
  return { id, return_data: false, metric: { metric_name, namespace: "AWS/Lambda", dimensions: FUNCTION, stat, period } };
}

/** A metric math alarm: error rate in percent over invocations. */
function errorRateAlarm(expression: string, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    alarm_name: "error-rate",
    comparison_operator: "GreaterThanThreshold",
    evaluation_periods: 1,
    threshold: 5,
    treat_missing_data: "missing",
    metric_query: [
      metricQuery("errors", "Errors"),
      metricQuery("calls", "Invocations"),
      { id: "rate", expression, return_data: true },
    ],
    ...overrides,
  };
}

describe("metric math alarms", () => {
  const rate = "IF(calls > 0, errors / calls * 100, 0)";

  test("the expression with return_data = true is what the alarm watches", () => {
    const periodWith = (errors: number, calls: number) => [
      ...Array.from({ length: errors }, () => errorsOf(1)),
      invocationsOf(calls),
    ];
    expect(evaluateAlarmForPeriod(errorRateAlarm(rate), periodWith(1, 10))).toMatchObject({ value: 10, state: "ALARM" });
    expect(evaluateAlarmForPeriod(errorRateAlarm(rate), periodWith(1, 50))).toMatchObject({ value: 2, state: "OK" });
    // No errors datapoint: missing counts as 0 between two series.
    expect(evaluateAlarmForPeriod(errorRateAlarm(rate), [invocationsOf(10)])).toMatchObject({ value: 0, state: "OK" });
    // Nothing at all: the condition has no datapoint, the result is missing.
    expect(evaluateAlarmForPeriod(errorRateAlarm(rate), [])).toMatchObject({ value: undefined, state: "INSUFFICIENT_DATA" });
  });

  test("each metric query uses its own stat", () => {
    const alarm = errorRateAlarm("MAX([errors, calls])", {
      metric_query: [
        metricQuery("errors", "Errors", "Maximum"),
        metricQuery("calls", "Invocations", "SampleCount"),
        { id: "e1", expression: "MAX([errors, calls])", return_data: true },
      ],
      threshold: 0,
    });
    expect(evaluateAlarmForPeriod(alarm, [errorsOf(4), errorsOf(1), invocationsOf(7)]).value).toBe(4);
    expect(evaluateAlarmForPeriod(alarm, [errorsOf(1), invocationsOf(7), invocationsOf(7)]).value).toBe(2);
  });

  test("FILL turns a missing period into a value, so the alarm is OK instead of INSUFFICIENT_DATA", () => {
    const alarm = errorRateAlarm("FILL(errors, 0)", { threshold: 0 });
    expect(evaluateAlarmForPeriod(alarm, [])).toMatchObject({ value: 0, state: "OK" });
    expect(evaluateAlarmForPeriod(alarm, [errorsOf(1)])).toMatchObject({ value: 1, state: "ALARM" });
  });

  test("an expression may use another expression by id, and return_data may be the string true", () => {
    const alarm = errorRateAlarm("", {
      metric_query: [
        metricQuery("errors", "Errors"),
        { id: "doubled", expression: "errors * 2" },
        { id: "total", expression: "doubled + 1", return_data: "true" },
      ],
    });
    expect(evaluateAlarmForPeriod(alarm, [errorsOf(3)]).value).toBe(7);
  });

  test("over several periods the expression is evaluated period by period", () => {
    const alarm = errorRateAlarm(rate, { evaluation_periods: 3, datapoints_to_alarm: 2 });
    const evaluation = evaluateAlarm(alarm, [
      [errorsOf(1), invocationsOf(10)],
      [invocationsOf(10)],
      [errorsOf(1), invocationsOf(4)],
    ]);
    expect(evaluation).toMatchObject({ values: [10, 0, 25], state: "ALARM" });
  });

  test.each([
    [[metricQuery("m1", "Errors")], "exactly one query must have return_data = true, found 0"],
    [
      [
        { ...metricQuery("m1", "Errors"), return_data: true },
        { id: "e1", expression: "m1", return_data: true },
      ],
      "found 2",
    ],
    [
      [{ id: "e1", expression: "m9 + 1", return_data: true }],
      "metric_query e1: the expression refers to m9, which is not a query id",
    ],
    [
      [
        { id: "a", expression: "b" },
        { id: "b", expression: "a", return_data: true },
      ],
      "in a cycle",
    ],
    [
      [metricQuery("m1", "Errors"), { id: "e1", expression: "2 * 3", return_data: true }],
      'the expression "2 * 3" gives a number',
    ],
    [[metricQuery("m1", "Errors"), { id: "e1", expression: "[m1, m1]", return_data: true }], "gives an array of time series"],
    [[metricQuery("m1", "Errors"), { id: "e1", expression: "AVG(m1)", return_data: true }], "the function AVG is not supported"],
    [
      [
        metricQuery("m1", "Errors", "Sum", 60),
        metricQuery("m2", "Errors", "Sum", 300),
        { id: "e1", expression: "m1 + m2", return_data: true },
      ],
      "every metric must use the same period",
    ],
    [[{ ...metricQuery("m1", "Errors", "p90"), return_data: true }], 'the statistic "p90" is not supported'],
    [[{ id: "M1", expression: "1", return_data: true }], "must start with a lowercase letter"],
    [[metricQuery("m1", "Errors"), { ...metricQuery("m1", "Errors"), return_data: true }], "the id m1 is used twice"],
    [[{ id: "e1", return_data: true }], "either a metric block or an expression"],
    [[{ id: "e1", return_data: "yes", expression: "1" }], "expected true or false"],
    [
      [
        {
          ...metricQuery("m1", "Errors"),
          return_data: true,
          metric: { metric_name: "Errors", namespace: "AWS/Lambda", stat: "Sum", unit: "Count" },
        },
      ],
      "alarms restricted to a unit",
    ],
    [
      [
        ...Array.from({ length: 11 }, (_, index) => metricQuery(`m${index}`, "Errors")),
        { id: "e1", expression: "m0", return_data: true },
      ],
      "at most 10 metrics",
    ],
  ])("refused, case %#", (metric_query, message) => {
    expect(() => evaluateAlarmForPeriod(errorRateAlarm("", { metric_query }), [errorsOf(1)])).toThrow(message);
  });
});
