/**
 * Applies an EventBridge rule's event pattern and its target's input mapping to an event,
 * as EventBridge does, for `npm run workflow -- --event`. Supports the pattern syntax a
 * rule like ours uses: exact values, nested objects, and the prefix, exists and
 * anything-but filters; anything else is refused rather than guessed.
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

export function matchesPattern(pattern: Record<string, Json>, event: Json): boolean {
  const object = (event !== null && typeof event === "object" && !Array.isArray(event) ? event : {}) as Record<string, Json>;
  return Object.entries(pattern).every(([key, rule]) => {
    const present = Object.prototype.hasOwnProperty.call(object, key);
    if (Array.isArray(rule)) return matchesValue(rule, present, object[key]);
    if (rule !== null && typeof rule === "object") return matchesPattern(rule as Record<string, Json>, object[key]);
    throw new Error(`event pattern field ${key} must be an array or an object`);
  });
}

/** The target's `input_path` (a simple `$.a.b` path), or the whole event when there is none. */
export function applyInputPath(inputPath: string | undefined, event: Json): Json {
  if (inputPath === undefined || inputPath === "$") return event;
  const match = /^\$((?:\.[A-Za-z0-9_-]+)+)$/.exec(inputPath);
  if (!match) throw new Error(`input_path ${inputPath} is not supported by the local runner`);
  return match[1]
    .slice(1)
    .split(".")
    .reduce<Json>(
      (value, key) => (value !== null && typeof value === "object" ? (value as Record<string, Json>)[key] : undefined),
      event,
    );
}
