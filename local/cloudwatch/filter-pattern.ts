/**
 * CloudWatch Logs filter patterns, parsed and matched against one log event's message, as
 * metric filters apply them. The AWS emulator does not evaluate metric filters, so the
 * local tests use this instead; it follows the CloudWatch Logs User Guide:
 *
 *  - "Filter pattern syntax for metric filters, subscription filters, filter log events, and
 *    Live Tail" (https://docs.aws.amazon.com/AmazonCloudWatch/latest/logs/FilterAndPatternSyntax.html),
 *    with its sections "Supported regular expressions (regex) syntax", "Using filter patterns
 *    to match terms in unstructured log events", "... in JSON log events" and "... in
 *    space-delimited log events";
 *  - the pages "Using filter patterns to match terms in unstructured log events"
 *    (matching-terms-unstructured-log-events.html) and "... in JSON log events"
 *    (matching-terms-json-log-events.html);
 *  - the earlier edition of the same guide ("Filter and Pattern Syntax", awsdocs/
 *    amazon-cloudwatch-logs-user-guide on GitHub), for what the current pages no longer
 *    spell out: the empty pattern, `*` only at the start or end of a value, and the JSON
 *    special considerations (a selector that points to an array or object never matches).
 *
 * Four kinds of pattern:
 *  - the empty pattern, and `" "`: every event;
 *  - `%regex%`: events whose message contains a match of the regex;
 *  - `{ ... }`: JSON events whose fields satisfy the conditions; a message that is not JSON
 *    never matches;
 *  - anything else: terms of unstructured text (all must appear; `-term` must not; `?term`
 *    any of).
 * Space-delimited patterns (`[a, b, ...]`) are refused: the guide's examples contradict each
 * other on how fields are counted (see `refuseSpaceDelimited`).
 *
 * Where the guide is silent this file says what it assumes, next to the code that assumes it.
 */

/** An invalid (or unsupported) pattern: names the pattern and the 0-based position of the fault. */
export class FilterPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(`Invalid filter pattern ${JSON.stringify(pattern)} at position ${position}: ${reason}`);
    this.name = "FilterPatternError";
  }
}

// ---------------------------------------------------------------------------------------
// The parsed forms
// ---------------------------------------------------------------------------------------

/** One step of a JSON property selector such as `$.users[0].email` or `$.arrayKey[*]`. */
export type SelectorStep =
  | { kind: "property"; name: string }
  | { kind: "index"; index: number }
  /** `$.*` or `[*]`: "select any array element or any JSON object field" (JSON page, Wildcard selector). */
  | { kind: "anyChild" };

export interface JsonSelector {
  /** As written in the pattern, for messages. */
  text: string;
  steps: SelectorStep[];
}

/** The right-hand side of `=`, `!=`, `<`, ... in a JSON condition. */
export type JsonOperand =
  /** A number as the guide defines it: sign, decimals, exponent (`1e+3`, `+1000`, `55.5`). */
  | { kind: "number"; value: number; text: string }
  /** A string, quoted or bare, where `*` at its start or end is a wildcard. */
  | { kind: "string"; text: string }
  /** `%regex%`: the value contains a match. */
  | { kind: "regex"; regex: RegExp; text: string };

export type ComparisonOperator = "=" | "!=" | "<" | "<=" | ">" | ">=";

export type JsonCondition =
  | { kind: "compare"; selector: JsonSelector; operator: ComparisonOperator; operand: JsonOperand }
  | { kind: "isNull" | "isTrue" | "isFalse" | "notExists"; selector: JsonSelector }
  | { kind: "and" | "or"; left: JsonCondition; right: JsonCondition };

/** A term of an unstructured-text pattern: a substring the message must (or must not) contain. */
export interface TextTerm {
  text: string;
  /** `""` or `" "`: the guide's "match everything" term, present in every message. */
  matchesEverything: boolean;
}

export type FilterPattern =
  | { kind: "everything" }
  | { kind: "regex"; regex: RegExp }
  | { kind: "json"; condition: JsonCondition }
  | { kind: "text"; required: TextTerm[]; excluded: TextTerm[]; optional: TextTerm[] };

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

/** Parses a filter pattern; throws FilterPatternError for an invalid or unsupported one. */
export function parseFilterPattern(pattern: string): FilterPattern {
  const start = pattern.length - pattern.trimStart().length;
  const body = pattern.trim();
  // "The filter pattern "" matches all log events" (earlier edition, Example 1).
  if (body === "") return { kind: "everything" };
  if (body.startsWith("{")) return { kind: "json", condition: new JsonPatternParser(pattern, start).parsePattern() };
  if (body.startsWith("[")) refuseSpaceDelimited(pattern, start);
  // "Regular expressions (regex) can be used to create standalone filter patterns": the
  // whole pattern between two percent signs.
  if (body.length >= 2 && body.startsWith("%") && body.endsWith("%"))
    return { kind: "regex", regex: compileRegex(pattern, start, body.slice(1, -1)) };
  return parseTextPattern(pattern, start);
}

/**
 * Space-delimited patterns are not supported. The guide's examples disagree on whether the
 * last field takes the rest of the line: the earlier edition says `[w1=ERROR, w2]` matches
 * "ERROR message" but not "ERROR WARN message" (fields counted exactly), while the current
 * page says the same pattern matches "ERROR 09/25/2014 12:00:02 Failed to process request"
 * (six words). Guessing would make a test pass or fail for the wrong reason.
 */
function refuseSpaceDelimited(pattern: string, position: number): never {
  throw new FilterPatternError(
    pattern,
    position,
    "space-delimited patterns ([field, ...]) are not supported by this evaluator; use a JSON pattern ({ $.field = value }) or terms",
  );
}

/**
 * The regex dialect of "Supported regular expressions (regex) syntax": letters, digits, the
 * symbols `: _ # = @ / ; , -` and the operators `^ $ ? [ ] { } | \ * + .`; no `(` or `)`, no
 * multi-byte characters. The page's own examples also use a space (`%^shutting down%`).
 * What it allows is a subset of JavaScript's syntax with the same meaning, except `{,n}`
 * ("Either m or n can be omitted"), which JavaScript needs written `{0,n}`.
 */
const REGEX_ALLOWED = /[A-Za-z0-9:_#=@/;,\-^$?[\]{}|\\*+. ]/;

/** Patterns with more regexes are rejected: "a limit of 2 regex for each filter pattern" (JSON and delimited). */
const MAX_REGEXES_PER_PATTERN = 2;

function compileRegex(pattern: string, position: number, source: string): RegExp {
  for (let index = 0; index < source.length; index++) {
    const character = source[index];
    if (!REGEX_ALLOWED.test(character)) {
      const why =
        character === "(" || character === ")"
          ? "the ( and ) operators are not supported in regex"
          : character.charCodeAt(0) > 0x7f
            ? "multi-byte characters are not supported in regex"
            : `the character ${JSON.stringify(character)} is not supported in regex`;
      throw new FilterPatternError(pattern, position + 1 + index, why);
    }
  }
  const javascript = source.replace(/\{\s*(\d*)\s*,\s*(\d*)\s*\}/g, (_, min: string, max: string) => `{${min || "0"},${max}}`);
  try {
    return new RegExp(javascript);
  } catch (error) {
    throw new FilterPatternError(pattern, position, `invalid regex %${source}%: ${(error as Error).message}`);
  }
}

/** Letters, digits and underscore: what a term may hold without double quotes. */
const BARE_TERM = /[A-Za-z0-9_]/;

/**
 * Unstructured text ("Using filter patterns to match terms in unstructured log events"):
 * terms are case-sensitive substrings; all plain terms must appear; a term after `-` must
 * not; terms after `?` are alternatives, "If you combine "?" with other filter patterns, all
 * question mark terms will be ignored". "Enclose exact phrases and terms that include
 * non-alphanumeric characters in double quotation marks": an unquoted term with other
 * characters is refused rather than guessed at. The earlier edition writes an exclusion
 * with a space after the minus (`"ERROR" - "Exiting"`), which is accepted too.
 */
function parseTextPattern(pattern: string, start: number): FilterPattern {
  const required: TextTerm[] = [];
  const excluded: TextTerm[] = [];
  const optional: TextTerm[] = [];
  let position = start;
  const skipSpace = () => {
    while (position < pattern.length && /\s/.test(pattern[position])) position++;
  };
  skipSpace();
  while (position < pattern.length) {
    let into = required;
    if (pattern[position] === "?" || pattern[position] === "-") {
      into = pattern[position] === "?" ? optional : excluded;
      position++;
      if (into === excluded) skipSpace();
      if (position >= pattern.length || /\s/.test(pattern[position]))
        throw new FilterPatternError(pattern, position, `expected a term after "${pattern[position - 1]}"`);
    }
    if (pattern[position] === '"') {
      const { text, end } = readQuoted(pattern, position);
      into.push({ text, matchesEverything: text.trim() === "" });
      position = end;
    } else {
      const termStart = position;
      while (position < pattern.length && BARE_TERM.test(pattern[position])) position++;
      if (position < pattern.length && !/\s/.test(pattern[position]))
        throw new FilterPatternError(
          pattern,
          position,
          `the character ${JSON.stringify(pattern[position])} must be inside double quotes (terms with characters other than letters, digits and underscore are quoted)`,
        );
      into.push({ text: pattern.slice(termStart, position), matchesEverything: false });
    }
    if (position < pattern.length && !/\s/.test(pattern[position]))
      throw new FilterPatternError(pattern, position, "expected a space between terms");
    skipSpace();
  }
  return { kind: "text", required, excluded, optional };
}

/**
 * A double-quoted string starting at `position`. The guide documents no escapes; `\"` and
 * `\\` are read as a quote and a backslash (the only way to write a quote inside), and any
 * other backslash is kept as written.
 */
function readQuoted(pattern: string, position: number): { text: string; end: number } {
  let text = "";
  for (let index = position + 1; index < pattern.length; index++) {
    const character = pattern[index];
    if (character === '"') return { text, end: index + 1 };
    if (character === "\\" && (pattern[index + 1] === '"' || pattern[index + 1] === "\\")) {
      text += pattern[++index];
    } else {
      text += character;
    }
  }
  throw new FilterPatternError(pattern, position, "unterminated double-quoted string");
}

/** A property name in a selector: "alphanumeric strings that also support '-' and '_' characters". */
const SELECTOR_NAME = /[A-Za-z0-9_-]/;

/** A bare (unquoted) JSON value: letters, digits, underscore, and the `. * + -` its examples use (`123.123.*`, `+1000`). */
const BARE_VALUE = /[A-Za-z0-9_.*+-]/;

/** "An integer with an optional + or - sign, a decimal with an optional + or - sign, or a number in scientific notation". */
const NUMBER_LITERAL = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;

/** "You can only use up to one wildcard selector in a property selector, and up to three ... in a filter pattern". */
const MAX_WILDCARDS_PER_PATTERN = 3;

/**
 * Recursive descent over a JSON pattern: `{ orExpression }`, where "Compound expressions
 * support the use of parentheses ("()") and the following standard order of operations:
 * () > && > ||".
 */
class JsonPatternParser {
  private position: number;
  private regexCount = 0;
  private wildcardCount = 0;

  constructor(
    private readonly pattern: string,
    start: number,
  ) {
    this.position = start;
  }

  parsePattern(): JsonCondition {
    this.expect("{");
    const condition = this.parseOr();
    this.expect("}");
    this.skipSpace();
    if (this.position < this.pattern.length) this.fail("unexpected text after the closing }");
    return condition;
  }

  /** A selector alone (a metric filter's value or dimension), surrounding spaces allowed. */
  parseStandaloneSelector(): JsonSelector {
    this.skipSpace();
    const selector = this.parseSelector();
    this.skipSpace();
    if (this.position < this.pattern.length) this.fail("unexpected text after the property selector");
    return selector;
  }

  private parseOr(): JsonCondition {
    let left = this.parseAnd();
    while (this.accept("||")) left = { kind: "or", left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): JsonCondition {
    let left = this.parsePrimary();
    while (this.accept("&&")) left = { kind: "and", left, right: this.parsePrimary() };
    return left;
  }

  private parsePrimary(): JsonCondition {
    if (this.accept("(")) {
      const inner = this.parseOr();
      this.expect(")");
      return inner;
    }
    return this.parseCondition();
  }

  private parseCondition(): JsonCondition {
    this.skipSpace();
    const selector = this.parseSelector();
    this.skipSpace();
    const keywordAt = this.position;
    const keyword = this.readWord();
    if (keyword === "IS") {
      this.skipSpace();
      const valueAt = this.position;
      const value = this.readWord();
      if (value === "NULL") return { kind: "isNull", selector };
      if (value === "TRUE") return { kind: "isTrue", selector };
      if (value === "FALSE") return { kind: "isFalse", selector };
      if (value === "NOT")
        this.fail(
          '"IS NOT" is not supported by CloudWatch ("The variables IS NOT and EXISTS currently aren\'t supported")',
          valueAt,
        );
      this.fail("expected NULL, TRUE or FALSE after IS", valueAt);
    }
    if (keyword === "NOT") {
      this.skipSpace();
      const valueAt = this.position;
      if (this.readWord() !== "EXISTS") this.fail("expected EXISTS after NOT", valueAt);
      return { kind: "notExists", selector };
    }
    if (keyword === "EXISTS")
      this.fail(
        '"EXISTS" is not supported by CloudWatch ("The variables IS NOT and EXISTS currently aren\'t supported"); NOT EXISTS is',
        keywordAt,
      );
    if (keyword !== "")
      this.fail(`expected an operator (= != < <= > >=), IS or NOT EXISTS, not ${JSON.stringify(keyword)}`, keywordAt);
    const operator = this.parseOperator();
    this.skipSpace();
    const operandAt = this.position;
    const operand = this.parseOperand();
    if (operator !== "=" && operator !== "!=" && operand.kind !== "number")
      this.fail(`the numeric operator ${operator} needs a number (for example 500, -1.5 or 1e+3)`, operandAt);
    return { kind: "compare", selector, operator, operand };
  }

  private parseSelector(): JsonSelector {
    const start = this.position;
    if (this.pattern[this.position] !== "$") this.fail("expected a property selector starting with $.");
    this.position++;
    const steps: SelectorStep[] = [];
    let wildcards = 0;
    for (;;) {
      const character = this.pattern[this.position];
      if (character === "." && this.pattern[this.position + 1] === "*") {
        this.position += 2;
        steps.push({ kind: "anyChild" });
        wildcards++;
      } else if (character === "." && this.pattern[this.position + 1] === "[") {
        this.position++;
      } else if (character === ".") {
        this.position++;
        const nameStart = this.position;
        while (this.position < this.pattern.length && SELECTOR_NAME.test(this.pattern[this.position])) this.position++;
        if (this.position === nameStart) this.fail("expected a property name (letters, digits, - and _) after .");
        steps.push({ kind: "property", name: this.pattern.slice(nameStart, this.position) });
      } else if (character === "[") {
        const step = this.parseBracketStep();
        if (step.kind === "anyChild") wildcards++;
        steps.push(step);
      } else {
        break;
      }
    }
    if (steps.length === 0) this.fail("expected a property selector such as $.field", start);
    if (wildcards > 1) this.fail("a property selector may hold only one wildcard (* or [*])", start);
    this.wildcardCount += wildcards;
    if (this.wildcardCount > MAX_WILDCARDS_PER_PATTERN)
      this.fail("a filter pattern may hold at most three wildcard selectors", start);
    return { text: this.pattern.slice(start, this.position), steps };
  }

  /** `[0]`, `[*]`, or `['cluster.name']`: "If the JSON property contains a period, then the bracket notation may be used". */
  private parseBracketStep(): SelectorStep {
    const open = this.position++;
    const character = this.pattern[this.position];
    let step: SelectorStep;
    if (character === "*") {
      this.position++;
      step = { kind: "anyChild" };
    } else if (character === "'" || character === '"') {
      const close = this.pattern.indexOf(character, this.position + 1);
      if (close < 0) this.fail("unterminated quoted property name", open);
      step = { kind: "property", name: this.pattern.slice(this.position + 1, close) };
      this.position = close + 1;
    } else {
      const digitsStart = this.position;
      while (/[0-9]/.test(this.pattern[this.position] ?? "")) this.position++;
      if (this.position === digitsStart) this.fail("expected an array index, * or a quoted property name inside [ ]");
      step = { kind: "index", index: Number(this.pattern.slice(digitsStart, this.position)) };
    }
    if (this.pattern[this.position] !== "]") this.fail("expected ]");
    this.position++;
    return step;
  }

  private parseOperator(): ComparisonOperator {
    for (const operator of ["!=", "<=", ">=", "=", "<", ">"] as const) {
      if (this.pattern.startsWith(operator, this.position)) {
        this.position += operator.length;
        if (operator === "=" && this.pattern[this.position] === "=")
          this.fail("== is not an operator of filter patterns; use =", this.position - 1);
        return operator;
      }
    }
    return this.fail("expected an operator (= != < <= > >=), IS or NOT EXISTS");
  }

  private parseOperand(): JsonOperand {
    const start = this.position;
    const character = this.pattern[this.position];
    if (character === '"') {
      const { text, end } = readQuoted(this.pattern, this.position);
      this.position = end;
      // "Strings don't support scientific notation": a quoted value is always a string.
      return { kind: "string", text };
    }
    if (character === "%") {
      const close = this.pattern.indexOf("%", this.position + 1);
      if (close < 0) this.fail("unterminated regex (expected a closing %)");
      if (++this.regexCount > MAX_REGEXES_PER_PATTERN) this.fail("a filter pattern may hold at most two regexes");
      const source = this.pattern.slice(this.position + 1, close);
      this.position = close + 1;
      return { kind: "regex", regex: compileRegex(this.pattern, start, source), text: source };
    }
    while (this.position < this.pattern.length && BARE_VALUE.test(this.pattern[this.position])) this.position++;
    const text = this.pattern.slice(start, this.position);
    if (text === "")
      this.fail("expected a value: a number, a string (quoted if it holds other than letters, digits and _) or %regex%");
    const next = this.pattern[this.position];
    if (next !== undefined && !/[\s)}&|]/.test(next))
      this.fail(`the character ${JSON.stringify(next)} must be inside a double-quoted string`);
    return NUMBER_LITERAL.test(text) ? { kind: "number", value: Number(text), text } : { kind: "string", text };
  }

  private readWord(): string {
    const start = this.position;
    while (/[A-Za-z]/.test(this.pattern[this.position] ?? "")) this.position++;
    return this.pattern.slice(start, this.position);
  }

  private skipSpace(): void {
    while (this.position < this.pattern.length && /\s/.test(this.pattern[this.position])) this.position++;
  }

  private accept(token: string): boolean {
    this.skipSpace();
    if (!this.pattern.startsWith(token, this.position)) return false;
    this.position += token.length;
    return true;
  }

  private expect(token: string): void {
    if (!this.accept(token)) this.fail(`expected ${token}`);
  }

  private fail(reason: string, position = this.position): never {
    throw new FilterPatternError(this.pattern, position, reason);
  }
}

/**
 * Parses a property selector on its own, as a metric filter's value (`$.latency`) or
 * dimension (`$.eventType`) is written.
 */
export function parseJsonSelector(text: string): JsonSelector {
  return new JsonPatternParser(text, 0).parseStandaloneSelector();
}

// ---------------------------------------------------------------------------------------
// Matching
// ---------------------------------------------------------------------------------------

/** True when the pattern (text, or already parsed) matches the message of one log event. */
export function matchesFilterPattern(pattern: string | FilterPattern, message: string): boolean {
  const parsed = typeof pattern === "string" ? parseFilterPattern(pattern) : pattern;
  switch (parsed.kind) {
    case "everything":
      return true;
    case "regex":
      return parsed.regex.test(message);
    case "json": {
      const event = parseJsonMessage(message);
      return event !== undefined && matchesJsonCondition(parsed.condition, event.value);
    }
    case "text":
      return matchesTextTerms(parsed, message);
  }
}

function containsTerm(message: string, term: TextTerm): boolean {
  return term.matchesEverything || message.includes(term.text);
}

function matchesTextTerms(pattern: Extract<FilterPattern, { kind: "text" }>, message: string): boolean {
  const { required, excluded, optional } = pattern;
  if (excluded.some((term) => containsTerm(message, term))) return false;
  // "If you combine "?" with other filter patterns, all question mark terms will be ignored."
  if (required.length > 0 || excluded.length > 0) return required.every((term) => containsTerm(message, term));
  return optional.some((term) => containsTerm(message, term));
}

/** The message parsed as JSON, or undefined when it is not JSON (a JSON pattern never matches it). */
export function parseJsonMessage(message: string): { value: unknown } | undefined {
  try {
    return { value: JSON.parse(message) };
  } catch {
    return undefined;
  }
}

function childrenOf(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  if (value !== null && typeof value === "object") return Object.values(value);
  return [];
}

/**
 * Every value the selector points to in the event: none when a step finds nothing (the
 * property is absent, or the index is past the end, or the value is of the wrong kind), one
 * per element or field for a wildcard step.
 */
export function selectJsonValues(selector: JsonSelector, event: unknown): unknown[] {
  let current: unknown[] = [event];
  for (const step of selector.steps) {
    current = current.flatMap((value): unknown[] => {
      switch (step.kind) {
        case "anyChild":
          return childrenOf(value);
        case "index":
          return Array.isArray(value) && step.index < value.length ? [value[step.index]] : [];
        case "property":
          return value !== null && typeof value === "object" && !Array.isArray(value) && Object.hasOwn(value, step.name)
            ? [(value as Record<string, unknown>)[step.name]]
            : [];
      }
    });
  }
  return current;
}

/**
 * "Property selectors point to value nodes in JSON log events. Value nodes can be strings or
 * numbers." and "If a property selector points to an array or object, the filter pattern
 * won't match" (the earlier edition: both `{$.users = 1}` and `{$.users != 1}` fail on an
 * array). So a comparison, `!=` included, holds only on a string or a number; null and
 * booleans are matched with IS NULL / IS TRUE / IS FALSE, and an absent property compares
 * as neither equal nor unequal (our reading: the selector points to no value node).
 */
function isValueNode(value: unknown): value is string | number {
  return typeof value === "string" || typeof value === "number";
}

/**
 * `*` "as a wild card to match text": the earlier edition is precise, "*Event will match
 * PutEvent and GetEvent. Event* will match EventId and EventName. Ev*ent will only match the
 * actual string Ev*ent" — a wildcard only at the start or the end. `*` alone matches any
 * value (the guide's `{ $.latency = * }`).
 */
function matchesWildcard(text: string, pattern: string): boolean {
  if (pattern === "*") return true;
  const leading = pattern.startsWith("*");
  const trailing = pattern.length > 1 && pattern.endsWith("*");
  const core = pattern.slice(leading ? 1 : 0, trailing ? -1 : undefined);
  if (leading && trailing) return text.includes(core);
  if (leading) return text.endsWith(core);
  if (trailing) return text.startsWith(core);
  return text === pattern;
}

/**
 * `=` between a value node and an operand. A number operand compares numerically with a
 * JSON number ("precise matching on numeric comparisons": 1e+3 equals 1000); against a JSON
 * string it must equal the number as written. A string operand matches a JSON string, and
 * a JSON number by its decimal text (so `4*` matches 404); a regex searches either. The
 * cross-type cases are our reading; the guide shows only like with like.
 */
function equalsOperand(value: string | number, operand: JsonOperand): boolean {
  switch (operand.kind) {
    case "number":
      return typeof value === "number" ? value === operand.value : value === operand.text;
    case "string":
      return matchesWildcard(String(value), operand.text);
    case "regex":
      return operand.regex.test(String(value));
  }
}

function compareValue(value: unknown, operator: ComparisonOperator, operand: JsonOperand): boolean {
  if (!isValueNode(value)) return false;
  switch (operator) {
    case "=":
      return equalsOperand(value, operand);
    case "!=":
      return !equalsOperand(value, operand);
  }
  // Numeric operators take a number operand (checked when parsing) and a JSON number.
  if (typeof value !== "number" || operand.kind !== "number") return false;
  switch (operator) {
    case "<":
      return value < operand.value;
    case "<=":
      return value <= operand.value;
    case ">":
      return value > operand.value;
    case ">=":
      return value >= operand.value;
  }
}

/**
 * A condition holds when it holds for some selected value (a wildcard selector selects
 * "any array element or any JSON object field"); NOT EXISTS holds when nothing is selected.
 */
export function matchesJsonCondition(condition: JsonCondition, event: unknown): boolean {
  switch (condition.kind) {
    case "and":
      return matchesJsonCondition(condition.left, event) && matchesJsonCondition(condition.right, event);
    case "or":
      return matchesJsonCondition(condition.left, event) || matchesJsonCondition(condition.right, event);
    case "notExists":
      return selectJsonValues(condition.selector, event).length === 0;
    case "isNull":
      return selectJsonValues(condition.selector, event).some((value) => value === null);
    case "isTrue":
      return selectJsonValues(condition.selector, event).some((value) => value === true);
    case "isFalse":
      return selectJsonValues(condition.selector, event).some((value) => value === false);
    case "compare":
      return selectJsonValues(condition.selector, event).some((value) =>
        compareValue(value, condition.operator, condition.operand),
      );
  }
}
