/**
 * Applies an EventBridge rule's event pattern and its target's input mapping to an event,
 * as EventBridge does, for `npm run workflow -- --event`. Supports the pattern syntax a
 * rule like ours uses: exact values, nested objects, and the prefix, exists and
 * anything-but filters; and input mappings by input_path or by an input transformer whose
 * placeholders stand unquoted for JSON values. Anything else is refused rather than guessed.
 */
type Json = unknown;

function matchesValue(filters: Json[], present: boolean, value: Json): boolean {
  const values = Array.isArray(value) ? value : [value];
  return filters.some((filter) => {
    if (filter === null || typeof filter !== "object") return present && values.some((v) => v === filter);
    const [operator, operand] = Object.entries(filter as Record<string, Json>)[0] ?? [];
    switch (operator) {
      case "exists":
        return operand === present;
      case "prefix":
        return present && values.some((v) => typeof v === "string" && v.startsWith(String(operand)));
      case "anything-but": {
        const excluded = Array.isArray(operand) ? operand : [operand];
        return present && values.every((v) => !excluded.includes(v));
      }
      default:
        throw new Error(`event pattern filter ${JSON.stringify(filter)} is not supported by the local runner`);
    }
  });
}

/** Why the event does not match: the first field of the pattern it fails, with the event's value there. */
export interface Mismatch {
  /** The field's path in the event, e.g. `detail-type` or `detail.orderId`. */
  field: string;
  reason: string;
}

/** The first field of the pattern the event fails, in the pattern's order; undefined when it matches. */
export function patternMismatch(pattern: Record<string, Json>, event: Json, prefix = ""): Mismatch | undefined {
  const object = (event !== null && typeof event === "object" && !Array.isArray(event) ? event : {}) as Record<string, Json>;
  for (const [key, rule] of Object.entries(pattern)) {
    const field = `${prefix}${key}`;
    const present = Object.prototype.hasOwnProperty.call(object, key);
    if (Array.isArray(rule)) {
      if (matchesValue(rule, present, object[key])) continue;
      const actual = present ? `is ${JSON.stringify(object[key])}` : "is missing";
      return { field, reason: `field ${field} ${actual}; the rule's pattern wants ${JSON.stringify(rule)}` };
    }
    if (rule !== null && typeof rule === "object") {
      const nested = patternMismatch(rule as Record<string, Json>, object[key], `${field}.`);
      if (nested) return nested;
      continue;
    }
    throw new Error(`event pattern field ${key} must be an array or an object`);
  }
  return undefined;
}

export function matchesPattern(pattern: Record<string, Json>, event: Json): boolean {
  return patternMismatch(pattern, event) === undefined;
}

/** The value at a simple `$.a.b` path of the event; undefined when it is not there. */
function valueAt(path: string, event: Json): Json {
  if (path === "$") return event;
  const match = /^\$((?:\.[A-Za-z0-9_-]+)+)$/.exec(path);
  if (!match) throw new Error(`path ${path} is not supported by the local runner`);
  return match[1]
    .slice(1)
    .split(".")
    .reduce<Json>(
      (value, key) => (value !== null && typeof value === "object" ? (value as Record<string, Json>)[key] : undefined),
      event,
    );
}

/** The target's `input_path`, or the whole event when there is none. */
export function applyInputPath(inputPath: string | undefined, event: Json): Json {
  return valueAt(inputPath ?? "$", event);
}

export interface InputTransformer {
  inputPaths: Record<string, string>;
  inputTemplate: string;
}

/**
 * The target's input transformer: each `<name>` of the template, standing where a JSON
 * value goes, becomes the value at its path as JSON (null when the event has none).
 */
export function applyInputTransformer({ inputPaths, inputTemplate }: InputTransformer, event: Json): Json {
  const text = inputTemplate.replace(/(")?<([A-Za-z0-9_.-]+)>/g, (placeholder, quote: string | undefined, name: string) => {
    if (quote)
      throw new Error(`input template placeholder "${placeholder.slice(1)} inside quotes is not supported by the local runner`);
    if (!(name in inputPaths)) throw new Error(`input template placeholder <${name}> has no input path`);
    return JSON.stringify(valueAt(inputPaths[name], event) ?? null);
  });
  return JSON.parse(text);
}

/** A rule's pattern with its target's input mapping, as deployed. */
export interface TargetMapping {
  eventPattern: Record<string, Json>;
  inputPath?: string;
  inputTransformer?: InputTransformer;
}

/** The execution input the rule and target would start for this event, or why it does not match. */
export function executionInputFor(
  mapping: TargetMapping,
  event: Json,
): ({ matched: false } & Mismatch) | { matched: true; input: Json } {
  const mismatch = patternMismatch(mapping.eventPattern, event);
  if (mismatch) return { matched: false, ...mismatch };
  const input = mapping.inputTransformer
    ? applyInputTransformer(mapping.inputTransformer, event)
    : applyInputPath(mapping.inputPath, event);
  return { matched: true, input };
}
