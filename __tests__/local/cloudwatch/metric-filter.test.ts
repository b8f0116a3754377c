/**
 * Metric filters applied to log events: the metric value (a number or a field), the default
 * value for events that do not match, and dimensions read from the event, per the CloudWatch
 * Logs User Guide ("Configuring metric values for a metric filter", "Publishing dimensions
 * with metrics from values in JSON or space-delimited log events", "Using values in log
 * events to increment a metric's value") and the MetricTransformation API reference.
 */
import { applyMetricFilter, compileMetricFilter, datapointForEvent } from "../../../local/cloudwatch/metric-filter";
import { FilterPatternError } from "../../../local/cloudwatch/filter-pattern";
import { variableResolver } from "../../../local/cloudwatch/terraform-values";

/** A metric filter block as cdktf synthesizes it. */
function filterBlock(
  pattern: string,
  transformation: Record<string, unknown>,
  logGroupName = "/aws/lambda/app",
): Record<string, unknown> {
  return {
    name: "app-filter",
    log_group_name: logGroupName,
    pattern,
    metric_transformation: { name: "Metric", namespace: "App", ...transformation },
  };
}

const metric = { namespace: "App", name: "Metric" };

describe("the metric value", () => {
  test("a number is published for each matching event", () => {
    const filter = filterBlock("ERROR", { value: "1" });
    expect(applyMetricFilter(filter, ["ERROR one", "INFO two", "ERROR three"])).toEqual([
      { ...metric, dimensions: {}, value: 1 },
      { ...metric, dimensions: {}, value: 1 },
    ]);
  });

  test("a number may be negative, a decimal or in exponent notation", () => {
    for (const [text, value] of [
      ["-2", -2],
      ["0.5", 0.5],
      ["1e3", 1000],
    ] as const)
      expect(applyMetricFilter(filterBlock("", { value: text }), ["x"])).toEqual([{ ...metric, dimensions: {}, value }]);
  });

  test("{ $.latency = * } with metricValue $.latency publishes the event's latency (the guide publishes 50)", () => {
    const filter = filterBlock("{ $.latency = * }", { value: "$.latency" });
    expect(applyMetricFilter(filter, ['{"latency": 50, "requestType": "GET"}'])).toEqual([
      { ...metric, dimensions: {}, value: 50 },
    ]);
  });

  test("a field holding a number as a string gives that number; any other value gives no datapoint", () => {
    const filter = filterBlock("{ $.latency = * }", { value: "$.latency" });
    expect(applyMetricFilter(filter, ['{"latency": "12.5"}', '{"latency": "slow"}', '{"latency": 7}'])).toEqual([
      { ...metric, dimensions: {}, value: 12.5 },
      { ...metric, dimensions: {}, value: 7 },
    ]);
  });

  test("a nested field and an array element can be the value", () => {
    const filter = filterBlock("{ $.timing.total > 0 }", { value: "$.timing.parts[1]" });
    expect(applyMetricFilter(filter, ['{"timing": {"total": 3, "parts": [1, 2]}}'])).toEqual([
      { ...metric, dimensions: {}, value: 2 },
    ]);
  });

  test("a field as the value needs a JSON pattern, and a value that is neither number nor field is refused", () => {
    expect(() => compileMetricFilter(filterBlock("ERROR", { value: "$.latency" }))).toThrow(
      "metric_transformation.value: the field $.latency can only be read with a JSON filter pattern",
    );
    expect(() => compileMetricFilter(filterBlock("{ $.a = 1 }", { value: "one" }))).toThrow(
      'metric_transformation.value: expected a number or a field such as $.latency, got "one"',
    );
    expect(() => compileMetricFilter(filterBlock("{ $.a = 1 }", { value: "$.a[*]" }))).toThrow("does not name one field");
  });
});

describe("the default value", () => {
  test("is emitted for each event that does not match (the guide's two records a minute: 2, then 0 and 0)", () => {
    const filter = filterBlock("ERROR", { value: "1", default_value: "0" });
    const firstMinute = applyMetricFilter(filter, ["ERROR a", "ERROR b"]);
    const secondMinute = applyMetricFilter(filter, ["INFO a", "INFO b"]);
    expect(firstMinute.map((datapoint) => datapoint.value)).toEqual([1, 1]);
    expect(secondMinute).toEqual([
      { ...metric, dimensions: {}, value: 0 },
      { ...metric, dimensions: {}, value: 0 },
    ]);
  });

  test("without one, an event that does not match publishes nothing, and no events publish nothing", () => {
    const filter = filterBlock("ERROR", { value: "1" });
    expect(applyMetricFilter(filter, ["INFO a"])).toEqual([]);
    expect(applyMetricFilter(filterBlock("ERROR", { value: "1", default_value: "0" }), [])).toEqual([]);
  });

  test("a message that is not JSON takes the default of a JSON filter", () => {
    const filter = filterBlock('{ $.status = "FAILED" }', { value: "1", default_value: 0 });
    expect(applyMetricFilter(filter, ["not json", '{"status": "FAILED"}']).map((datapoint) => datapoint.value)).toEqual([0, 1]);
  });

  test("cannot be combined with dimensions", () => {
    expect(() =>
      compileMetricFilter(filterBlock("{ $.a = 1 }", { value: "1", default_value: "0", dimensions: { A: "$.a" } })),
    ).toThrow("a metric filter with dimensions cannot have a default_value");
  });
});

describe("dimensions", () => {
  const filter = filterBlock('{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }', {
    value: "1",
    dimensions: { eventType: "$.eventType" },
  });

  test('the guide\'s example: "eventType" : $.eventType gives the dimension eventType = UpdateTrail', () => {
    const event = JSON.stringify({ eventType: "UpdateTrail", sourceIPAddress: "111.111.111.111" });
    expect(applyMetricFilter(filter, [event])).toEqual([{ ...metric, dimensions: { eventType: "UpdateTrail" }, value: 1 }]);
  });

  test("each event's value becomes its datapoint's dimension value; numbers and booleans as text", () => {
    const byService = filterBlock("{ $.level = ERROR }", { value: "1", dimensions: { Service: "$.service", Code: "$.code" } });
    expect(
      applyMetricFilter(byService, [
        '{"level": "ERROR", "service": "payment", "code": 402}',
        '{"level": "ERROR", "service": "inventory", "code": true}',
      ]),
    ).toEqual([
      { ...metric, dimensions: { Service: "payment", Code: "402" }, value: 1 },
      { ...metric, dimensions: { Service: "inventory", Code: "true" }, value: 1 },
    ]);
  });

  test("an event without a dimension's field (or with null, an array or an object there) publishes no datapoint", () => {
    const byService = filterBlock("{ $.level = ERROR }", { value: "1", dimensions: { Service: "$.service" } });
    expect(
      applyMetricFilter(byService, [
        '{"level": "ERROR"}',
        '{"level": "ERROR", "service": null}',
        '{"level": "ERROR", "service": ["a"]}',
        '{"level": "ERROR", "service": {"name": "a"}}',
      ]),
    ).toEqual([]);
  });

  test("need a JSON pattern, and at most three", () => {
    expect(() => compileMetricFilter(filterBlock("ERROR", { value: "1", dimensions: { A: "$.a" } }))).toThrow(
      "metric_transformation.dimensions.A: the field $.a can only be read with a JSON filter pattern",
    );
    expect(() =>
      compileMetricFilter(filterBlock("{ $.a = 1 }", { value: "1", dimensions: { A: "$.a", B: "$.b", C: "$.c", D: "$.d" } })),
    ).toThrow("at most 3 dimensions");
  });
});

describe("the Terraform block", () => {
  test("values holding Terraform expressions go through the resolver", () => {
    const filter = {
      name: "${var.project_name}-compensation-failed",
      log_group_name: "${aws_cloudwatch_log_group.notification_service_logs.name}",
      pattern: '{ $.orderStatus = "COMPENSATION_FAILED" }',
      metric_transformation: { name: "CompensationFailed", namespace: "${var.project_name}", value: "1", default_value: "0" },
    };
    const resolve = variableResolver({ project_name: "orders" });
    expect(
      applyMetricFilter(filter, ['{"orderStatus": "COMPENSATION_FAILED"}', '{"orderStatus": "COMPLETED"}'], resolve),
    ).toEqual([
      { namespace: "orders", name: "CompensationFailed", dimensions: {}, value: 1 },
      { namespace: "orders", name: "CompensationFailed", dimensions: {}, value: 0 },
    ]);
    expect(() => applyMetricFilter(filter, [], variableResolver({}))).toThrow(
      'metric_transformation.namespace: cannot resolve the Terraform expression "${var.project_name}"',
    );
  });

  test("events that name another log group are skipped; the group is resolved only then", () => {
    const filter = filterBlock("ERROR", { value: "1" }, "${aws_cloudwatch_log_group.app.name}");
    const resolve = (expression: string) =>
      expression === "${aws_cloudwatch_log_group.app.name}" ? "/aws/lambda/app" : undefined;
    expect(
      applyMetricFilter(
        filter,
        [
          { message: "ERROR mine", logGroupName: "/aws/lambda/app" },
          { message: "ERROR theirs", logGroupName: "/aws/lambda/other" },
        ],
        resolve,
      ),
    ).toHaveLength(1);
    expect(applyMetricFilter(filter, [{ message: "ERROR no group" }])).toHaveLength(1);
    expect(() => applyMetricFilter(filter, [{ message: "ERROR", logGroupName: "/x" }])).toThrow("log_group_name: cannot resolve");
  });

  test("metric_transformation as a one-element array reads the same; an invalid pattern throws FilterPatternError", () => {
    const filter = { ...filterBlock("ERROR", {}), metric_transformation: [{ name: "Metric", namespace: "App", value: "2" }] };
    expect(applyMetricFilter(filter, ["ERROR"])).toEqual([{ ...metric, dimensions: {}, value: 2 }]);
    expect(() => compileMetricFilter(filterBlock("{ $.a = }", { value: "1" }))).toThrow(FilterPatternError);
    expect(() => compileMetricFilter({ ...filterBlock("ERROR", {}), metric_transformation: undefined })).toThrow(
      "metric_transformation: expected one block",
    );
  });

  test("a compiled filter can be applied again, event by event", () => {
    const compiled = compileMetricFilter(filterBlock("ERROR", { value: "1", default_value: "0" }));
    expect(applyMetricFilter(compiled, ["ERROR", "INFO"]).map((datapoint) => datapoint.value)).toEqual([1, 0]);
    expect(datapointForEvent(compiled, "ERROR")?.value).toBe(1);
  });
});
