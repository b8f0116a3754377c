/**
 * The embedded-metric-format reader: what CloudWatch Logs publishes from a log line, per the
 * specification, and the documents it would reject.
 */
import { embeddedMetrics } from "../../../local/cloudwatch/embedded-metric-format";

const document = (overrides: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}) =>
  JSON.stringify({
    _aws: {
      Timestamp: 1796617880185,
      CloudWatchMetrics: [{ Namespace: "orders", Dimensions: [[]], Metrics: [{ Name: "OrdersCompleted", Unit: "Count" }] }],
      ...metadata,
    },
    OrdersCompleted: 1,
    ...overrides,
  });

test("a count without dimensions", () => {
  expect(embeddedMetrics(document())).toEqual([{ namespace: "orders", name: "OrdersCompleted", dimensions: {}, value: 1 }]);
});

test("one datapoint per dimension set and per value of a list", () => {
  const line = JSON.stringify({
    _aws: {
      Timestamp: 1,
      CloudWatchMetrics: [{ Namespace: "n", Dimensions: [["Service"], []], Metrics: [{ Name: "Latency" }] }],
    },
    Service: "order-service",
    Latency: [12, 30],
  });
  expect(embeddedMetrics(line)).toEqual([
    { namespace: "n", name: "Latency", dimensions: { Service: "order-service" }, value: 12 },
    { namespace: "n", name: "Latency", dimensions: { Service: "order-service" }, value: 30 },
    { namespace: "n", name: "Latency", dimensions: {}, value: 12 },
    { namespace: "n", name: "Latency", dimensions: {}, value: 30 },
  ]);
});

test.each([
  ["a line that is not JSON", "Task timed out after 3.00 seconds"],
  ["a JSON log line without _aws", JSON.stringify({ level: "INFO", message: "done", OrdersCompleted: 1 })],
  ["a JSON array", "[1, 2]"],
])("%s publishes nothing", (_, line) => {
  expect(embeddedMetrics(line)).toEqual([]);
});

test.each([
  ["_aws that is not an object", JSON.stringify({ _aws: 1 }), "_aws must be an object"],
  ["no Timestamp", document({}, { Timestamp: undefined }), "_aws.Timestamp must be a number"],
  ["CloudWatchMetrics not a list", document({}, { CloudWatchMetrics: {} }), "_aws.CloudWatchMetrics must be a list"],
  [
    "an empty namespace",
    document({}, { CloudWatchMetrics: [{ Namespace: "", Dimensions: [[]], Metrics: [] }] }),
    "Namespace must be a non-empty string",
  ],
  ["the value missing at the root", document({ OrdersCompleted: undefined }), "metric OrdersCompleted must be a number"],
  ["the value a string", document({ OrdersCompleted: "1" }), "metric OrdersCompleted must be a number"],
  [
    "a dimension missing at the root",
    document({}, { CloudWatchMetrics: [{ Namespace: "n", Dimensions: [["Service"]], Metrics: [{ Name: "OrdersCompleted" }] }] }),
    "dimension Service must be a string member of the root",
  ],
  [
    "more than 30 dimensions",
    document(Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`d${i}`, "v"])), {
      CloudWatchMetrics: [
        { Namespace: "n", Dimensions: [Array.from({ length: 31 }, (_, i) => `d${i}`)], Metrics: [{ Name: "OrdersCompleted" }] },
      ],
    }),
    "at most 30 names",
  ],
])("a document with %s is reported: CloudWatch publishes nothing from it", (_, line, problem) => {
  expect(() => embeddedMetrics(line)).toThrow(problem);
});
