/**
 * Metric math as the CloudWatch User Guide's "Using metric math" page defines it: the
 * operator and IF tables are checked value for value; the rest with small series of our own.
 * A series is one value per period, `undefined` where it has no datapoint ("-" in the guide).
 */
import { expect } from "@jest/globals";
import {
  MathValue,
  MetricMathError,
  Series,
  evaluateMetricMath,
  parseMetricMath,
  referencedIds,
} from "../../../local/cloudwatch/metric-math";

const _ = undefined;

/** Evaluates an expression over named series of equal length. */
function evaluate(expression: string, named: Record<string, Series>): MathValue {
  const periodCount = Object.values(named)[0]?.length ?? 1;
  return evaluateMetricMath(expression, {
    periodCount,
    seriesOf: (id) => {
      if (!(id in named)) throw new Error(`no series ${id}`);
      return named[id];
    },
  });
}

/** The values of an expression that must give one time series. */
function seriesOf(expression: string, named: Record<string, Series>): Series {
  const value = evaluate(expression, named);
  if (value.kind !== "series") throw new Error(`${expression} gave ${value.kind}`);
  return value.values;
}

describe("comparison and logical operators (the guide's table)", () => {
  const named = { metric1: [30, 20, 0, 0], metric2: [20, _, 20, _] };

  test("(metric1 < metric2) is 0, 0, 1, 0: a value missing in one series counts as 0", () => {
    expect(seriesOf("(metric1 < metric2)", named)).toEqual([0, 0, 1, 0]);
  });

  test("(metric1 >= 30) is 1, 0, 0, 0", () => {
    expect(seriesOf("(metric1 >= 30)", named)).toEqual([1, 0, 0, 0]);
  });

  test("(metric1 > 15 AND metric2 > 15) is 1, 0, 0, 0", () => {
    expect(seriesOf("(metric1 > 15 AND metric2 > 15)", named)).toEqual([1, 0, 0, 0]);
    expect(seriesOf("metric1 > 15 && metric2 > 15", named)).toEqual([1, 0, 0, 0]);
  });

  test("OR, ||, == and != ; on two numbers they give a number", () => {
    expect(seriesOf("metric1 > 25 OR metric2 > 15", named)).toEqual([1, 0, 1, 0]);
    // metric2 != 20 is 0, -, 0, - (a number keeps the gaps); OR then counts the gaps as 0.
    expect(seriesOf("metric1 == 0 || metric2 != 20", named)).toEqual([0, 0, 1, 1]);
    expect(evaluate("2 <= 3", {})).toEqual({ kind: "scalar", value: 1 });
    expect(evaluate("2 > 3", {})).toEqual({ kind: "scalar", value: 0 });
  });

  test("a period missing in both series stays missing", () => {
    expect(seriesOf("a < b", { a: [1, _], b: [2, _] })).toEqual([1, _]);
  });
});

describe("IF (the guide's tables)", () => {
  const metric1 = [1, 1, 0, 0, _];
  const metric2 = [30, _, 0, 0, 30];
  const metric3 = [0, 0, 20, _, 20];

  test("IF(metric1, metric2, metric3) is 30, 0, 20, -, -", () => {
    expect(seriesOf("IF(metric1, metric2, metric3)", { metric1, metric2, metric3 })).toEqual([30, 0, 20, _, _]);
  });

  test("IF(metric1, scalar2, metric3) with scalar2 = 5 is 5, 5, 20, -, -", () => {
    expect(seriesOf("IF(metric1, 5, metric3)", { metric1, metric3 })).toEqual([5, 5, 20, _, _]);
  });

  test("IF(metric1, metric2, scalar3) with scalar3 = 5 is 30, 0, 5, 5, -", () => {
    expect(seriesOf("IF(metric1, metric2, 5)", { metric1, metric2 })).toEqual([30, 0, 5, 5, _]);
  });

  test("without a false value, the false periods are dropped", () => {
    expect(seriesOf("IF(metric1, metric2)", { metric1, metric2 })).toEqual([30, 0, _, _, _]);
  });

  test("IF(TS comparison S, S, S): IF(metric1 < 400, 10, 2) and IF(latency > threshold, 1, 0)", () => {
    expect(seriesOf("IF(metric1 < 400, 10, 2)", { metric1: [100, 500, _] })).toEqual([10, 2, _]);
    expect(seriesOf("IF(latency > threshold, 1, 0)", { latency: [5, 1], threshold: [2, 2] })).toEqual([1, 0]);
    expect(seriesOf("IF(metric1 < 400, metric1)", { metric1: [100, 500, _] })).toEqual([100, _, _]);
  });

  test("IF(scalar, TS, TS) picks a whole series; an omitted false value gives an empty series", () => {
    const named = { a: [1, _], b: [2, 3] };
    expect(seriesOf("IF(1, a, b)", named)).toEqual([1, _]);
    expect(seriesOf("IF(0, a, b)", named)).toEqual([2, 3]);
    expect(seriesOf("IF(0, a)", named)).toEqual([_, _]);
    expect(seriesOf("IF(0, a, 7)", named)).toEqual([7, 7]);
    expect(evaluate("IF(0, 1, 2)", named)).toEqual({ kind: "scalar", value: 2 });
  });

  test("any non-zero condition is true, negative included", () => {
    expect(seriesOf("IF(c, 1, 0)", { c: [-1, 0, 0.5] })).toEqual([1, 0, 1]);
  });
});

describe("arithmetic", () => {
  test("between two series a value missing in one counts as 0; missing in both stays missing", () => {
    expect(seriesOf("m1 + m2", { m1: [1, _, _], m2: [2, 3, _] })).toEqual([3, 3, _]);
    expect(seriesOf("m1 - m2", { m1: [1, _], m2: [2, 3] })).toEqual([-1, -3]);
  });

  test("between a series and a number, a missing value stays missing", () => {
    expect(seriesOf("5 * m1", { m1: [1, _] })).toEqual([5, _]);
    expect(seriesOf("m1 / 2", { m1: [1, _] })).toEqual([0.5, _]);
  });

  test("a division by zero drops the datapoint", () => {
    expect(seriesOf("m1 / m2", { m1: [1, 4, 0], m2: [0, 2, 0] })).toEqual([_, 2, _]);
    expect(seriesOf("m1 / 0", { m1: [1] })).toEqual([_]);
    expect(() => evaluate("1 / 0", {})).toThrow("division by zero");
  });

  test("precedence: * and / before + and -, unary minus first, parentheses override", () => {
    expect(evaluate("1 + 2 * 3", {})).toEqual({ kind: "scalar", value: 7 });
    expect(evaluate("(1 + 2) * 3", {})).toEqual({ kind: "scalar", value: 9 });
    expect(evaluate("10 - 4 - 3", {})).toEqual({ kind: "scalar", value: 3 });
    expect(evaluate("-2 * -3", {})).toEqual({ kind: "scalar", value: 6 });
    expect(evaluate("1.5e1 / 3", {})).toEqual({ kind: "scalar", value: 5 });
    expect(seriesOf("-m1", { m1: [1, _] })).toEqual([-1, _]);
    expect(seriesOf("m1 + 1 > 2 AND m1 < 5", { m1: [1, 2, 5] })).toEqual([0, 1, 0]);
  });

  test("an array of series: each series takes the operator (TS[] with S, S with TS[])", () => {
    expect(evaluate("[m1, m2] * 2", { m1: [1, _], m2: [3, 4] })).toEqual({
      kind: "array",
      items: [
        [2, _],
        [6, 8],
      ],
    });
    expect(evaluate("100 / [m1, m2]", { m1: [1, 0], m2: [4, 5] })).toEqual({
      kind: "array",
      items: [
        [100, _],
        [25, 20],
      ],
    });
    expect(evaluate("-[m1]", { m1: [1] })).toEqual({ kind: "array", items: [[-1]] });
  });
});

describe("MAX, MIN, SUM of arrays, and FILL", () => {
  const named = { m1: [1, _, 5, _], m2: [3, 2, _, _] };

  test("each period over the series that have a value there", () => {
    expect(seriesOf("MAX([m1, m2])", named)).toEqual([3, 2, 5, _]);
    expect(seriesOf("MIN([m1, m2])", named)).toEqual([1, 2, 5, _]);
    expect(seriesOf("SUM([m1, m2])", named)).toEqual([4, 2, 5, _]);
  });

  test("a number in the array is a value in every period; arrays of expressions work", () => {
    expect(seriesOf("MAX([m1, 0])", named)).toEqual([1, 0, 5, 0]);
    expect(seriesOf("SUM(100/[m1, m2])", { m1: [1, 4], m2: [4, 0] })).toEqual([125, 25]);
  });

  test("of a single series (one number over the whole range), refused", () => {
    expect(() => evaluate("MAX(m1)", named)).toThrow("CloudWatch advises against in alarms");
    expect(() => evaluate("SUM(3)", named)).toThrow("SUM([m1, m2, ...])");
  });

  test("FILL(m, value) fills missing values with a number, or with another series' value", () => {
    expect(seriesOf("FILL(m1, 0)", named)).toEqual([1, 0, 5, 0]);
    expect(seriesOf("FILL(m1, m2)", named)).toEqual([1, 2, 5, _]);
    expect(seriesOf("FILL(m1, -1) + 1", named)).toEqual([2, 0, 6, 0]);
    expect(evaluate("FILL([m1, m2], 0)", named)).toEqual({
      kind: "array",
      items: [
        [1, 0, 5, 0],
        [3, 2, 0, 0],
      ],
    });
  });

  test("FILL with REPEAT or LINEAR, or of a number, is refused", () => {
    expect(() => parseMetricMath("FILL(m1, REPEAT)")).toThrow(MetricMathError);
    expect(() => parseMetricMath("FILL(m1, LINEAR)")).toThrow("LINEAR is not supported");
    expect(() => evaluate("FILL(1, 0)", named)).toThrow("FILL needs a time series");
  });
});

describe("what is refused, with the expression and the position", () => {
  test.each([
    ["AVG(m1)", 0, "the function AVG is not supported"],
    ["METRICS()", 0, "the function METRICS is not supported"],
    ["m1 ^ 2", 3, "the ^ operator is not supported"],
    ['SUM(METRICS("errors"))', 12, 'strings (as in METRICS("...'],
    ['m1 + "x"', 5, "strings"],
    ["m1 +", 4, "ends too early"],
    ["(m1", 3, "expected )"],
    ["m1 m2", 3, "unexpected text"],
    ["IF(m1)", 0, "IF takes 2 or 3 argument(s), got 1"],
    ["FILL(m1)", 0, "FILL takes 2 argument(s)"],
    ["[]", 0, "at least one item"],
    ["m1 $ 2", 3, "unexpected character"],
    [")", 0, 'unexpected ")"'],
  ])("%s", (expression, position, reason) => {
    expect(() => parseMetricMath(expression)).toThrow(
      expect.objectContaining({ expression, position, reason: expect.stringContaining(reason) }),
    );
  });

  test("the error message names the expression and the position", () => {
    expect(() => parseMetricMath("m1 ^ 2")).toThrow(
      'Metric math expression "m1 ^ 2" at position 3: the ^ operator is not supported by this evaluator',
    );
  });

  test("an operator between two arrays, and IF on arrays, are refused", () => {
    expect(() => evaluate("[m1] + [m1]", { m1: [1] })).toThrow("between two arrays");
    expect(() => evaluate("IF([m1], 1, 0)", { m1: [1] })).toThrow("IF with arrays");
    expect(() => evaluate("[[m1]]", { m1: [1] })).toThrow("an array item must be a time series or a number");
  });
});

test("referencedIds lists the query ids an expression uses", () => {
  expect(referencedIds(parseMetricMath("IF(errors > 0, errors / FILL(calls, 1) * 100, -MAX([a, 2]))"))).toEqual([
    "errors",
    "errors",
    "calls",
    "a",
  ]);
});
