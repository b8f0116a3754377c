/**
 * A metric filter (`aws_cloudwatch_log_metric_filter` in synthesized Terraform JSON) applied
 * to log events: the datapoints CloudWatch Logs would publish. Follows the CloudWatch Logs
 * User Guide, "Filter pattern syntax for metric filters" (FilterAndPatternSyntax.html) in
 * the edition with the sections "Configuring metric values for a metric filter",
 * "Publishing dimensions with metrics from values in JSON or space-delimited log events"
 * and "Using values in log events to increment a metric's value", and the API reference of
 * MetricTransformation (metricValue, defaultValue, dimensions).
 *
 * Each event gives at most one datapoint (one sample): the metric value when the pattern
 * matches, the default value when it does not and a default is set. CloudWatch aggregates
 * them per minute ("If your metric filter finds matches in both log records within the
 * first minute, the metric value for that minute is 2"); the alarm evaluator aggregates
 * them per period with the alarm's statistic, so Sum gives the same count.
 */
import {
  FilterPattern,
  JsonSelector,
  matchesFilterPattern,
  parseFilterPattern,
  parseJsonMessage,
  parseJsonSelector,
  selectJsonValues,
} from "./filter-pattern";
import { TerraformResolver, resolveOptionalNumber, resolveString, singleBlock } from "./terraform-values";

/** One datapoint of a CloudWatch metric, as a metric filter (or a test) publishes it. */
export interface MetricDatapoint {
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  value: number;
}

/** A log event: its message, and optionally the log group it was written to. */
export interface LogEvent {
  message: string;
  /** When given, the event counts only for filters on this log group. */
  logGroupName?: string;
}

/** The default resolver: resolves nothing, so any Terraform expression is reported. */
const resolveNothing: TerraformResolver = () => undefined;

/** "One metric filter can include as many as three dimensions" (MetricTransformation, dimensions). */
const MAX_DIMENSIONS = 3;

/** A literal metric value: a number (the same grammar the filter patterns use). */
const NUMBER_LITERAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** A metric filter read from its Terraform block, ready to apply to many events. */
export interface CompiledMetricFilter {
  pattern: FilterPattern;
  namespace: string;
  name: string;
  /** The number published on a match, or the event field it is read from. */
  value: { kind: "literal"; number: number } | { kind: "field"; selector: JsonSelector };
  defaultValue: number | undefined;
  dimensions: { name: string; selector: JsonSelector }[];
  /** The filter's log group, resolved only when an event names its own. */
  logGroupName: () => string;
}

/**
 * Reads an `aws_cloudwatch_log_metric_filter` block (`pattern`, `log_group_name`,
 * `metric_transformation { name, namespace, value, default_value?, dimensions? }`) and
 * checks it as CloudWatch would accept it.
 */
export function compileMetricFilter(
  filter: Record<string, unknown>,
  resolve: TerraformResolver = resolveNothing,
): CompiledMetricFilter {
  const patternText = resolveString(filter.pattern ?? "", resolve, "pattern");
  const pattern = parseFilterPattern(patternText);
  const transformation = singleBlock(filter.metric_transformation, "metric_transformation");
  const where = (attribute: string) => `metric_transformation.${attribute}`;
  // Fields exist only in JSON events here: "Dimensions are ... only available for JSON and
  // space-delimited filter patterns", and a field as the value is `$.latency` in the
  // guide's JSON example (space-delimited patterns are not supported by this evaluator).
  const fieldSelector = (text: string, attribute: string): JsonSelector => {
    if (pattern.kind !== "json")
      throw new Error(`${where(attribute)}: the field ${text} can only be read with a JSON filter pattern`);
    const selector = parseJsonSelector(text);
    if (selector.steps.some((step) => step.kind === "anyChild"))
      throw new Error(`${where(attribute)}: a wildcard selector (${text}) does not name one field`);
    return selector;
  };

  const valueText = resolveString(transformation.value, resolve, where("value")).trim();
  const value: CompiledMetricFilter["value"] = NUMBER_LITERAL.test(valueText)
    ? { kind: "literal", number: Number(valueText) }
    : valueText.startsWith("$")
      ? { kind: "field", selector: fieldSelector(valueText, "value") }
      : fail(`${where("value")}: expected a number or a field such as $.latency, got ${JSON.stringify(valueText)}`);

  const defaultValue = resolveOptionalNumber(transformation.default_value, resolve, where("default_value"));
  const dimensionsBlock = transformation.dimensions ?? {};
  if (dimensionsBlock === null || typeof dimensionsBlock !== "object" || Array.isArray(dimensionsBlock))
    throw new Error(`${where("dimensions")}: expected a map of dimension name to field`);
  const dimensions = Object.entries(dimensionsBlock).map(([name, field]) => ({
    name,
    selector: fieldSelector(resolveString(field, resolve, where(`dimensions.${name}`)), `dimensions.${name}`),
  }));
  if (dimensions.length > MAX_DIMENSIONS)
    throw new Error(`${where("dimensions")}: a metric filter can include at most ${MAX_DIMENSIONS} dimensions`);
  // "If you assign dimensions to metrics that metric filters generate, you can't specify
  // default values for those metrics" (Configuring metric values for a metric filter).
  if (dimensions.length > 0 && defaultValue !== undefined)
    throw new Error(`metric_transformation: a metric filter with dimensions cannot have a default_value`);

  return {
    pattern,
    namespace: resolveString(transformation.namespace, resolve, where("namespace")),
    name: resolveString(transformation.name, resolve, where("name")),
    value,
    defaultValue,
    dimensions,
    logGroupName: once(() => resolveString(filter.log_group_name, resolve, "log_group_name")),
  };
}

function once<T>(compute: () => T): () => T {
  let computed: { value: T } | undefined;
  return () => (computed ??= { value: compute() }).value;
}

function fail(message: string): never {
  throw new Error(message);
}

/**
 * A number read from the event for the metric value. A JSON number, or a string holding one:
 * the guide's extracted fields are strings (`"$bytes": "1534"`) and are published as
 * numbers, so a numeric string is taken as its number. Anything else gives no number.
 */
function numberFrom(value: unknown): number | undefined {
  if (typeof value === "number") return value;
  if (typeof value === "string" && NUMBER_LITERAL.test(value.trim())) return Number(value);
  return undefined;
}

/**
 * A dimension's value from the event: a string as is, a number or boolean as its text.
 * "This dimension will only be published for a metric if the value is found in the log
 * event" (MetricTransformation, dimensions): an absent field, null, an array or an object
 * gives no value, and the event then publishes no datapoint.
 */
function dimensionValueFrom(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return undefined;
}

/** The datapoint one event publishes, or undefined when it publishes none. */
export function datapointForEvent(filter: CompiledMetricFilter, message: string): MetricDatapoint | undefined {
  const metric = { namespace: filter.namespace, name: filter.name };
  if (!matchesFilterPattern(filter.pattern, message)) {
    // "The value to emit when a filter pattern does not match a log event" (defaultValue).
    return filter.defaultValue === undefined ? undefined : { ...metric, dimensions: {}, value: filter.defaultValue };
  }
  // A matched JSON pattern means the message is JSON.
  const event = filter.pattern.kind === "json" ? parseJsonMessage(message)?.value : undefined;
  const value =
    filter.value.kind === "literal" ? filter.value.number : numberFrom(selectJsonValues(filter.value.selector, event)[0]);
  if (value === undefined) return undefined;
  const dimensions: Record<string, string> = {};
  for (const dimension of filter.dimensions) {
    const dimensionValue = dimensionValueFrom(selectJsonValues(dimension.selector, event)[0]);
    if (dimensionValue === undefined) return undefined;
    dimensions[dimension.name] = dimensionValue;
  }
  return { ...metric, dimensions, value };
}

/** A compiled filter holds its parsed pattern; a Terraform block holds the pattern's text. */
function isCompiled(filter: Record<string, unknown> | CompiledMetricFilter): filter is CompiledMetricFilter {
  return typeof filter.pattern === "object" && filter.pattern !== null;
}

/**
 * Applies an `aws_cloudwatch_log_metric_filter` block to log events, in order, and returns
 * the datapoints it publishes. Events that name another log group are skipped.
 */
export function applyMetricFilter(
  filter: Record<string, unknown> | CompiledMetricFilter,
  events: readonly (string | LogEvent)[],
  resolve: TerraformResolver = resolveNothing,
): MetricDatapoint[] {
  const compiled = isCompiled(filter) ? filter : compileMetricFilter(filter, resolve);
  const datapoints: MetricDatapoint[] = [];
  for (const event of events) {
    const { message, logGroupName } = typeof event === "string" ? { message: event, logGroupName: undefined } : event;
    if (logGroupName !== undefined && logGroupName !== compiled.logGroupName()) continue;
    const datapoint = datapointForEvent(compiled, message);
    if (datapoint) datapoints.push(datapoint);
  }
  return datapoints;
}
