/**
 * CloudWatch metric math, for alarms whose `metric_query` blocks hold an expression. Follows
 * the CloudWatch User Guide, "Using metric math" (using-metric-math.html), sections "Metric
 * math syntax and functions", "Basic arithmetic functions", "Comparison and logical
 * operators", "Functions supported for metric math" and "Using IF expressions".
 *
 * Supported: numbers, query ids, parentheses, `+ - * /`, unary `-`, the comparison
 * operators `== != < <= > >=`, `AND`/`&&`, `OR`/`||`, arrays `[a, b]`, and the functions
 * IF(condition, a[, b]), MAX([...]), MIN([...]), SUM([...]) and FILL(m, value). Any other
 * function (and `^`, whose precedence the guide does not give) is refused with an error.
 *
 * A time series here is one value per period of the evaluation range, oldest first, with
 * `undefined` where the series has no datapoint ("missing").
 */

export type Series = (number | undefined)[];

/** What an expression evaluates to: "S", "TS" and "TS[]" in the guide's tables. */
export type MathValue =
  { kind: "scalar"; value: number } | { kind: "series"; values: Series } | { kind: "array"; items: Series[] };

type ComparisonOperator = "==" | "!=" | "<" | "<=" | ">" | ">=";
type BinaryOperator = "+" | "-" | "*" | "/" | ComparisonOperator | "AND" | "OR";

export type MathNode =
  | { kind: "number"; value: number }
  | { kind: "id"; id: string }
  | { kind: "negate"; operand: MathNode }
  | { kind: "binary"; operator: BinaryOperator; left: MathNode; right: MathNode }
  | { kind: "array"; items: MathNode[] }
  | { kind: "call"; name: SupportedFunction; args: MathNode[] };

const SUPPORTED_FUNCTIONS = ["IF", "MAX", "MIN", "SUM", "FILL"] as const;
type SupportedFunction = (typeof SUPPORTED_FUNCTIONS)[number];

/** An expression this evaluator cannot parse or does not support; names the expression and the position. */
export class MetricMathError extends Error {
  constructor(
    readonly expression: string,
    readonly position: number,
    readonly reason: string,
  ) {
    super(`Metric math expression ${JSON.stringify(expression)} at position ${position}: ${reason}`);
    this.name = "MetricMathError";
  }
}

// ---------------------------------------------------------------------------------------
// Parsing
// ---------------------------------------------------------------------------------------

type Token =
  | { kind: "number"; value: number; at: number }
  | { kind: "id"; text: string; at: number }
  | { kind: "word"; text: string; at: number }
  | { kind: "symbol"; text: string; at: number }
  | { kind: "end"; at: number };

const SYMBOLS = ["&&", "||", "==", "!=", "<=", ">=", "<", ">", "+", "-", "*", "/", "(", ")", "[", "]", ","];

function tokenize(expression: string): Token[] {
  const tokens: Token[] = [];
  let position = 0;
  while (position < expression.length) {
    const rest = expression.slice(position);
    const space = /^\s+/.exec(rest);
    if (space) {
      position += space[0].length;
      continue;
    }
    const number = /^(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?/.exec(rest);
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0]), at: position });
      position += number[0].length;
      continue;
    }
    // "the Id field for all metrics and math expressions must start with a lowercase
    // letter"; "All functions must be written in uppercase letters".
    const word = /^[A-Za-z_][A-Za-z0-9_]*/.exec(rest);
    if (word) {
      tokens.push({ kind: /^[a-z]/.test(word[0]) ? "id" : "word", text: word[0], at: position });
      position += word[0].length;
      continue;
    }
    const symbol = SYMBOLS.find((candidate) => rest.startsWith(candidate));
    if (!symbol) {
      const reason =
        rest[0] === "^"
          ? "the ^ operator is not supported by this evaluator"
          : rest[0] === '"'
            ? 'strings (as in METRICS("...")) are not supported by this evaluator'
            : `unexpected character ${JSON.stringify(rest[0])}`;
      throw new MetricMathError(expression, position, reason);
    }
    tokens.push({ kind: "symbol", text: symbol, at: position });
    position += symbol.length;
  }
  tokens.push({ kind: "end", at: expression.length });
  return tokens;
}

/**
 * Precedence, loosest first: OR, AND, comparisons, `+ -`, `* /`, unary minus. The guide
 * gives no table; this is the conventional order its examples rely on (`metric1 > 15 AND
 * metric2 > 15`, `m1 - MIN(m1)`, `SUM(METRICS())/SUM(m1)`). A comparison does not chain.
 */
class MathParser {
  private index = 0;
  private readonly tokens: Token[];

  constructor(private readonly expression: string) {
    this.tokens = tokenize(expression);
  }

  parse(): MathNode {
    const node = this.parseOr();
    const next = this.peek();
    if (next.kind !== "end") this.fail("unexpected text after the expression", next.at);
    return node;
  }

  private parseOr(): MathNode {
    let left = this.parseAnd();
    while (this.acceptSymbol("||") || this.acceptWord("OR"))
      left = { kind: "binary", operator: "OR", left, right: this.parseAnd() };
    return left;
  }

  private parseAnd(): MathNode {
    let left = this.parseComparison();
    while (this.acceptSymbol("&&") || this.acceptWord("AND"))
      left = { kind: "binary", operator: "AND", left, right: this.parseComparison() };
    return left;
  }

  private parseComparison(): MathNode {
    const left = this.parseAdditive();
    for (const operator of ["==", "!=", "<=", ">=", "<", ">"] as const) {
      if (this.acceptSymbol(operator)) return { kind: "binary", operator, left, right: this.parseAdditive() };
    }
    return left;
  }

  private parseAdditive(): MathNode {
    let left = this.parseMultiplicative();
    for (;;) {
      if (this.acceptSymbol("+")) left = { kind: "binary", operator: "+", left, right: this.parseMultiplicative() };
      else if (this.acceptSymbol("-")) left = { kind: "binary", operator: "-", left, right: this.parseMultiplicative() };
      else return left;
    }
  }

  private parseMultiplicative(): MathNode {
    let left = this.parseUnary();
    for (;;) {
      if (this.acceptSymbol("*")) left = { kind: "binary", operator: "*", left, right: this.parseUnary() };
      else if (this.acceptSymbol("/")) left = { kind: "binary", operator: "/", left, right: this.parseUnary() };
      else return left;
    }
  }

  private parseUnary(): MathNode {
    if (this.acceptSymbol("-")) return { kind: "negate", operand: this.parseUnary() };
    return this.parsePrimary();
  }

  private parsePrimary(): MathNode {
    const token = this.next();
    switch (token.kind) {
      case "number":
        return { kind: "number", value: token.value };
      case "id":
        return { kind: "id", id: token.text };
      case "word":
        return this.parseCall(token);
      case "symbol":
        if (token.text === "(") {
          const inner = this.parseOr();
          this.expectSymbol(")");
          return inner;
        }
        if (token.text === "[") {
          const items = this.parseList("]");
          if (items.length === 0) this.fail("an array needs at least one item", token.at);
          return { kind: "array", items };
        }
        return this.fail(`unexpected ${JSON.stringify(token.text)}`, token.at);
      case "end":
        return this.fail("the expression ends too early", token.at);
    }
  }

  private parseCall(token: Extract<Token, { kind: "word" }>): MathNode {
    if (!(SUPPORTED_FUNCTIONS as readonly string[]).includes(token.text)) {
      const what = this.peekSymbol("(") ? `the function ${token.text}` : `${token.text}`;
      this.fail(`${what} is not supported by this evaluator (supported: ${SUPPORTED_FUNCTIONS.join(", ")})`, token.at);
    }
    const name = token.text as SupportedFunction;
    this.expectSymbol("(");
    const args = this.parseList(")");
    const arity: Record<SupportedFunction, [number, number]> = {
      IF: [2, 3],
      MAX: [1, 1],
      MIN: [1, 1],
      SUM: [1, 1],
      FILL: [2, 2],
    };
    const [min, max] = arity[name];
    if (args.length < min || args.length > max)
      this.fail(`${name} takes ${min === max ? min : `${min} or ${max}`} argument(s), got ${args.length}`, token.at);
    return { kind: "call", name, args };
  }

  private parseList(close: string): MathNode[] {
    const items: MathNode[] = [];
    if (this.acceptSymbol(close)) return items;
    do items.push(this.parseOr());
    while (this.acceptSymbol(","));
    this.expectSymbol(close);
    return items;
  }

  private peek(): Token {
    return this.tokens[this.index];
  }

  private next(): Token {
    const token = this.tokens[this.index];
    if (token.kind !== "end") this.index++;
    return token;
  }

  private peekSymbol(text: string): boolean {
    const token = this.peek();
    return token.kind === "symbol" && token.text === text;
  }

  private acceptSymbol(text: string): boolean {
    if (!this.peekSymbol(text)) return false;
    this.index++;
    return true;
  }

  private acceptWord(text: string): boolean {
    const token = this.peek();
    if (token.kind !== "word" || token.text !== text) return false;
    this.index++;
    return true;
  }

  private expectSymbol(text: string): void {
    if (!this.acceptSymbol(text)) this.fail(`expected ${text}`, this.peek().at);
  }

  private fail(reason: string, position: number): never {
    throw new MetricMathError(this.expression, position, reason);
  }
}

/** Parses a metric math expression; throws MetricMathError for one it cannot evaluate. */
export function parseMetricMath(expression: string): MathNode {
  return new MathParser(expression).parse();
}

/** The query ids an expression refers to. */
export function referencedIds(node: MathNode): string[] {
  switch (node.kind) {
    case "number":
      return [];
    case "id":
      return [node.id];
    case "negate":
      return referencedIds(node.operand);
    case "binary":
      return [...referencedIds(node.left), ...referencedIds(node.right)];
    case "array":
      return node.items.flatMap(referencedIds);
    case "call":
      return node.args.flatMap(referencedIds);
  }
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

/** Evaluation context: the series of a query id, and how many periods every series has. */
export interface MathContext {
  periodCount: number;
  seriesOf: (id: string) => Series;
}

/** Evaluates a parsed (or textual) expression over the evaluation range. */
export function evaluateMetricMath(expression: string | MathNode, context: MathContext): MathValue {
  const node = typeof expression === "string" ? parseMetricMath(expression) : expression;
  return evaluate(node, context);
}

const scalar = (value: number): MathValue => ({ kind: "scalar", value });
const series = (values: Series): MathValue => ({ kind: "series", values });

function evaluate(node: MathNode, context: MathContext): MathValue {
  switch (node.kind) {
    case "number":
      return scalar(node.value);
    case "id":
      return series(context.seriesOf(node.id));
    case "negate":
      return mapValue(evaluate(node.operand, context), (value) => -value);
    case "array":
      return {
        kind: "array",
        items: node.items.map((item) => asSeries(evaluate(item, context), context, "an array item")),
      };
    case "binary":
      return applyBinary(node.operator, evaluate(node.left, context), evaluate(node.right, context), context);
    case "call":
      return applyFunction(node.name, node.args, context);
  }
}

function mapValue(value: MathValue, map: (value: number) => number): MathValue {
  switch (value.kind) {
    case "scalar":
      return scalar(map(value.value));
    case "series":
      return series(value.values.map((entry) => (entry === undefined ? undefined : map(entry))));
    case "array":
      return {
        kind: "array",
        items: value.items.map((items) => items.map((entry) => (entry === undefined ? undefined : map(entry)))),
      };
  }
}

/** A scalar inside an array or as a fill becomes a series with that value in every period. */
function asSeries(value: MathValue, context: MathContext, role: string): Series {
  if (value.kind === "series") return value.values;
  if (value.kind === "scalar") return new Array<number>(context.periodCount).fill(value.value);
  throw new Error(`metric math: ${role} must be a time series or a number, not an array of time series`);
}

/**
 * One operator on two numbers. "If the value of a data point causes a function to attempt
 * to divide by zero, the data point is dropped" (undefined). Comparison and logical
 * operators give 1 (true) or 0 (false); logical ones treat any non-zero value as true, as IF
 * does.
 */
function operate(operator: BinaryOperator, left: number, right: number): number | undefined {
  switch (operator) {
    case "+":
      return left + right;
    case "-":
      return left - right;
    case "*":
      return left * right;
    case "/":
      return right === 0 ? undefined : left / right;
    case "==":
      return Number(left === right);
    case "!=":
      return Number(left !== right);
    case "<":
      return Number(left < right);
    case "<=":
      return Number(left <= right);
    case ">":
      return Number(left > right);
    case ">=":
      return Number(left >= right);
    case "AND":
      return Number(left !== 0 && right !== 0);
    case "OR":
      return Number(left !== 0 || right !== 0);
  }
}

/**
 * A binary operator on any mix of S, TS and TS[]. Between a series and a number, a missing
 * datapoint stays missing. Between two series: "Missing values in a time series are treated
 * as 0" (arithmetic) and "When comparison operators are used between two time series, and
 * only one of the time series has a value for a particular time stamp, the function treats
 * the missing value in the other time series as 0"; a period missing in both stays missing.
 */
function applyBinary(operator: BinaryOperator, left: MathValue, right: MathValue, context: MathContext): MathValue {
  if (left.kind === "scalar" && right.kind === "scalar") {
    const value = operate(operator, left.value, right.value);
    if (value === undefined) throw new Error(`metric math: division by zero between two numbers`);
    return scalar(value);
  }
  if (left.kind === "array" || right.kind === "array") {
    if (left.kind === "array" && right.kind === "array")
      throw new Error("metric math: an operator between two arrays of time series is not supported");
    const items = left.kind === "array" ? left.items : (right as Extract<MathValue, { kind: "array" }>).items;
    return {
      kind: "array",
      items: items.map((item) => {
        const result =
          left.kind === "array"
            ? applyBinary(operator, series(item), right, context)
            : applyBinary(operator, left, series(item), context);
        return (result as Extract<MathValue, { kind: "series" }>).values;
      }),
    };
  }
  if (left.kind === "scalar" || right.kind === "scalar") {
    const values = (left.kind === "series" ? left.values : (right as Extract<MathValue, { kind: "series" }>).values).map(
      (_, period) => {
        const l = left.kind === "scalar" ? left.value : left.values[period];
        const r = right.kind === "scalar" ? right.value : right.values[period];
        return l === undefined || r === undefined ? undefined : operate(operator, l, r);
      },
    );
    return series(values);
  }
  return series(
    left.values.map((l, period) => {
      const r = right.values[period];
      return l === undefined && r === undefined ? undefined : operate(operator, l ?? 0, r ?? 0);
    }),
  );
}

function applyFunction(name: SupportedFunction, args: MathNode[], context: MathContext): MathValue {
  switch (name) {
    case "IF":
      return applyIf(args, context);
    case "MAX":
    case "MIN":
    case "SUM":
      return applyAggregate(name, evaluate(args[0], context));
    case "FILL":
      return applyFill(evaluate(args[0], context), args[1], context);
  }
}

/**
 * MAX, MIN and SUM of an array of time series: "returns a single time series", each period
 * over the series that have a value there (missing in all of them: missing). Of a single
 * series they return one number over the whole range, which the guide advises against in
 * alarms ("This function acts differently when extra data is requested"): refused.
 */
function applyAggregate(name: "MAX" | "MIN" | "SUM", argument: MathValue): MathValue {
  if (argument.kind !== "array")
    throw new Error(
      `metric math: ${name} of a single time series gives one number over the whole evaluation range, which CloudWatch advises against in alarms; this evaluator supports ${name}([m1, m2, ...])`,
    );
  const periodCount = argument.items[0]?.length ?? 0;
  const values: Series = [];
  for (let period = 0; period < periodCount; period++) {
    const present = argument.items.map((item) => item[period]).filter((value): value is number => value !== undefined);
    values.push(
      present.length === 0
        ? undefined
        : name === "MAX"
          ? Math.max(...present)
          : name === "MIN"
            ? Math.min(...present)
            : present.reduce((sum, value) => sum + value, 0),
    );
  }
  return series(values);
}

/**
 * FILL(m, value): "Fills the missing values of a time series" with a number or, period by
 * period, another series. The REPEAT and LINEAR fills are not supported (they are refused
 * when parsed, as unsupported words).
 */
function applyFill(target: MathValue, fillNode: MathNode, context: MathContext): MathValue {
  const filler = evaluate(fillNode, context);
  if (filler.kind === "array") throw new Error("metric math: FILL's value must be a number or a time series");
  const fill = (values: Series): Series =>
    values.map((value, period) => value ?? (filler.kind === "scalar" ? filler.value : filler.values[period]));
  if (target.kind === "series") return series(fill(target.values));
  if (target.kind === "array") return { kind: "array", items: target.items.map(fill) };
  throw new Error("metric math: FILL needs a time series (or an array of them) to fill");
}

/**
 * IF(condition, trueValue, falseValue), per "Using IF expressions": "The condition evaluates
 * to FALSE if the value of the condition data point is 0, and to TRUE if the value of the
 * condition is any other value". For a series condition, period by period:
 *  - no condition datapoint: dropped;
 *  - TRUE: the true value (a number, or the series' datapoint, 0 where it has none);
 *  - FALSE: the false value (a number, or the series' datapoint, dropped where it has none,
 *    and dropped when there is no false value).
 * For a number condition, the whole true or false series ("an empty time series" when the
 * false value is omitted). This reproduces the guide's tables for IF(metric1, metric2,
 * metric3), IF(metric1, scalar2, metric3) and IF(metric1, metric2, scalar3).
 */
function applyIf(args: MathNode[], context: MathContext): MathValue {
  const [condition, whenTrue, whenFalse] = args.map((arg) => evaluate(arg, context));
  if ([condition, whenTrue, whenFalse].some((value) => value?.kind === "array"))
    throw new Error("metric math: IF with arrays of time series is not supported by this evaluator");
  const at = (value: MathValue | undefined, period: number): number | undefined =>
    value === undefined ? undefined : value.kind === "scalar" ? value.value : (value as { values: Series }).values[period];

  if (condition.kind === "scalar") {
    const chosen = condition.value !== 0 ? whenTrue : whenFalse;
    if (chosen === undefined) return series(new Array<undefined>(context.periodCount).fill(undefined));
    const allNumbers = whenTrue.kind === "scalar" && (whenFalse === undefined || whenFalse.kind === "scalar");
    return allNumbers ? chosen : series(asSeries(chosen, context, "an IF value"));
  }
  const conditionValues = (condition as { values: Series }).values;
  return series(
    conditionValues.map((test, period) => {
      if (test === undefined) return undefined;
      if (test !== 0) return at(whenTrue, period) ?? 0;
      return at(whenFalse, period);
    }),
  );
}
