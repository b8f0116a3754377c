/** Reading attribute values of synthesized Terraform JSON: literals, and expressions through a resolver. */
import {
  isTerraformExpression,
  repeatedBlocks,
  resolveNumber,
  resolveString,
  resolveStringMap,
  resolveValue,
  singleBlock,
  variableResolver,
} from "../../../local/cloudwatch/terraform-values";

const none = () => undefined;

test("an expression is a string with ${...} or %{...}, not one with the escapes $${ or %%{", () => {
  expect(["${var.a}", "x-${var.a}", "%{ if true }x%{ endif }"].map(isTerraformExpression)).toEqual([true, true, true]);
  expect(["plain", "$${literal}", "%%{literal}", 1, undefined].map(isTerraformExpression)).toEqual([
    false,
    false,
    false,
    false,
    false,
  ]);
});

test("literals are read as they are; expressions through the resolver", () => {
  expect(resolveValue("AWS/Lambda", none, "namespace")).toBe("AWS/Lambda");
  expect(resolveValue("${var.t}", (expression) => (expression === "${var.t}" ? 5 : undefined), "threshold")).toBe(5);
  expect(() => resolveValue("${aws_sns_topic.t.arn}", none, "alarm_actions")).toThrow(
    'alarm_actions: cannot resolve the Terraform expression "${aws_sns_topic.t.arn}"',
  );
});

test("numbers: a number or a numeric string; anything else names the attribute", () => {
  expect(resolveNumber(1, none, "threshold")).toBe(1);
  expect(resolveNumber("2.5", none, "threshold")).toBe(2.5);
  expect(() => resolveNumber("", none, "threshold")).toThrow('threshold: expected a number, got ""');
  expect(() => resolveNumber("many", none, "threshold")).toThrow('threshold: expected a number, got "many"');
  expect(() => resolveNumber(true, none, "threshold")).toThrow("threshold: expected a number, got true");
});

test("strings and maps of strings", () => {
  expect(resolveString(3, none, "x")).toBe("3");
  expect(() => resolveString({}, none, "x")).toThrow("x: expected a string");
  expect(resolveStringMap({ FunctionName: "${var.f}" }, variableResolver({ f: "fn" }), "dimensions")).toEqual({
    FunctionName: "fn",
  });
  expect(resolveStringMap(undefined, none, "dimensions")).toEqual({});
  expect(() => resolveStringMap(["a"], none, "dimensions")).toThrow("dimensions: expected a map");
});

test("blocks: one as an object or a one-element array; repeated as an array", () => {
  expect(singleBlock({ a: 1 }, "metric")).toEqual({ a: 1 });
  expect(singleBlock([{ a: 1 }], "metric")).toEqual({ a: 1 });
  expect(() => singleBlock([{ a: 1 }, { a: 2 }], "metric")).toThrow("metric: expected one block");
  expect(repeatedBlocks(undefined, "metric_query")).toEqual([]);
  expect(repeatedBlocks({ id: "m1" }, "metric_query")).toEqual([{ id: "m1" }]);
  expect(repeatedBlocks([{ id: "m1" }, { id: "m2" }], "metric_query")).toHaveLength(2);
  expect(() => repeatedBlocks([1], "metric_query")).toThrow("metric_query[0]: expected one block");
});

test("variableResolver answers var.* alone (any type) and interpolated in text, nothing else", () => {
  const resolve = variableResolver({ project_name: "orders", alarm_threshold: 3, enabled: true, nothing: null });
  expect(resolve("${var.alarm_threshold}")).toBe(3);
  expect(resolve("${var.enabled}")).toBe(true);
  expect(resolve("${var.project_name}-alarms-${var.alarm_threshold}")).toBe("orders-alarms-3");
  expect(resolve("${var.missing}")).toBeUndefined();
  expect(resolve("x-${var.nothing}")).toBeUndefined();
  expect(resolve("${aws_sfn_state_machine.workflow.arn}")).toBeUndefined();
  expect(resolve("${var.enabled ? 1 : 0}")).toBeUndefined();
});

test("variableResolver answers an attribute of an object variable, and nothing for one it lacks", () => {
  const resolve = variableResolver({ thresholds: { faults: 2, nested: { deeper: "x" } }, name: "orders" });
  expect(resolve("${var.thresholds.faults}")).toBe(2);
  expect(resolve("${var.thresholds.nested.deeper}")).toBe("x");
  expect(resolve("${var.thresholds}")).toEqual({ faults: 2, nested: { deeper: "x" } });
  expect(resolve("${var.thresholds.missing}")).toBeUndefined();
  expect(resolve("${var.name.length}")).toBeUndefined();
  expect(resolve("${var.thresholds.faults.more}")).toBeUndefined();
});
