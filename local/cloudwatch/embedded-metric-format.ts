/**
 * The metrics CloudWatch Logs publishes from a log event in embedded metric format
 * ("Specification: Embedded metric format", CloudWatch User Guide): a JSON object whose
 * `_aws` member holds `Timestamp` and `CloudWatchMetrics`, a list of directives
 * `{ Namespace, Dimensions: [[name, ...], ...], Metrics: [{ Name, Unit? }] }`. Each metric
 * is published once per dimension set, its value and the dimensions' values read from the
 * root's members of those names; a value may be a number or a list of numbers.
 *
 * A line that is not such a document gives no datapoint. A document that breaks the
 * specification (a target member missing or of the wrong type, more than 30 dimensions,
 * more than 100 metrics) is reported: CloudWatch would publish nothing from it.
 */
import { MetricDatapoint } from "./metric-filter";

const MAX_DIMENSIONS = 30;
const MAX_METRICS = 100;

function fail(problem: string): never {
  throw new Error(`embedded metric format: ${problem}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The datapoints a log event publishes; none unless it is an embedded-metric-format document. */
export function embeddedMetrics(message: string): MetricDatapoint[] {
  let document: unknown;
  try {
    document = JSON.parse(message);
  } catch {
    return [];
  }
  if (!isObject(document) || !("_aws" in document)) return [];
  const metadata = document._aws;
  if (!isObject(metadata)) fail("_aws must be an object");
  if (typeof metadata.Timestamp !== "number") fail("_aws.Timestamp must be a number of milliseconds since the epoch");
  if (!Array.isArray(metadata.CloudWatchMetrics)) fail("_aws.CloudWatchMetrics must be a list");

  return metadata.CloudWatchMetrics.flatMap((directive: unknown, index: number) => {
    const where = `_aws.CloudWatchMetrics[${index}]`;
    if (!isObject(directive)) fail(`${where} must be an object`);
    const { Namespace: namespace, Dimensions: dimensionSets, Metrics: metrics } = directive;
    if (typeof namespace !== "string" || namespace === "") fail(`${where}.Namespace must be a non-empty string`);
    if (!Array.isArray(dimensionSets)) fail(`${where}.Dimensions must be a list of lists of names`);
    if (!Array.isArray(metrics) || metrics.length > MAX_METRICS)
      fail(`${where}.Metrics must be a list of at most ${MAX_METRICS}`);

    const dimensionsOf = (set: unknown): Record<string, string> => {
      if (!Array.isArray(set) || set.length > MAX_DIMENSIONS)
        fail(`${where}.Dimensions must hold lists of at most ${MAX_DIMENSIONS} names`);
      return Object.fromEntries(
        (set as unknown[]).map((name) => {
          const value = typeof name === "string" ? document[name] : undefined;
          if (typeof name !== "string" || typeof value !== "string")
            fail(`dimension ${String(name)} must be a string member of the root`);
          return [name, value];
        }),
      );
    };
    return dimensionSets.map(dimensionsOf).flatMap((dimensions) =>
      metrics.flatMap((metric: unknown) => {
        if (!isObject(metric) || typeof metric.Name !== "string") fail(`${where}.Metrics entries must have a Name`);
        const value = document[metric.Name];
        const values = Array.isArray(value) ? value : [value];
        if (values.length === 0 || !values.every((entry) => typeof entry === "number" && Number.isFinite(entry)))
          fail(`metric ${metric.Name} must be a number or a list of numbers at the root`);
        return values.map((entry: number) => ({ namespace, name: metric.Name as string, dimensions, value: entry }));
      }),
    );
  });
}
