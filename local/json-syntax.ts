/**
 * Where a JSON text stops being JSON, as a person fixing the file needs it: line and column
 * (both from 1) and what was expected there. JSON.parse cannot tell reliably: its message
 * differs between Node.js versions and often has no position at all (Node 20: "Unexpected
 * end of JSON input"; Node 22: `Unexpected token '}', "{"a": tru}" is not valid JSON`). So
 * the text is read here by JSON's grammar (RFC 8259), only after JSON.parse refused it.
 */

export interface JsonSyntaxError {
  /** 1-based. */
  line: number;
  /** 1-based, in characters. */
  column: number;
  /** e.g. `expected "," or "}" after a property, found "]"`. */
  problem: string;
}

class Stop extends Error {
  constructor(
    readonly offset: number,
    readonly problem: string,
  ) {
    super(problem);
  }
}

const WHITESPACE = new Set([" ", "\t", "\n", "\r"]);
const ESCAPES = new Set(['"', "\\", "/", "b", "f", "n", "r", "t"]);

/** Reads one JSON value; throws Stop at the first character that cannot be there. */
class Reader {
  private at = 0;

  constructor(private readonly text: string) {}

  document(): void {
    this.whitespace();
    this.value();
    this.whitespace();
    if (this.at < this.text.length) this.fail("the end of the file after the JSON value");
  }

  private found(): string {
    if (this.at >= this.text.length) return "the end of the file";
    const char = this.text[this.at];
    return char.charCodeAt(0) < 0x20 ? `a control character (${JSON.stringify(char)})` : JSON.stringify(char);
  }

  private fail(expected: string): never {
    throw new Stop(this.at, `expected ${expected}, found ${this.found()}`);
  }

  private whitespace(): void {
    while (WHITESPACE.has(this.text[this.at])) this.at++;
  }

  private value(): void {
    const char = this.text[this.at];
    if (char === "{") return this.object();
    if (char === "[") return this.array();
    if (char === '"') return this.string();
    if (char === "-" || (char >= "0" && char <= "9")) return this.number();
    for (const literal of ["true", "false", "null"]) {
      if (char === literal[0]) return this.literal(literal);
    }
    this.fail("a value (an object, array, string, number, true, false or null)");
  }

  private object(): void {
    this.at++; // {
    this.whitespace();
    if (this.text[this.at] === "}") {
      this.at++;
      return;
    }
    for (;;) {
      if (this.text[this.at] !== '"') this.fail("a property name in double quotes");
      this.string();
      this.whitespace();
      if (this.text[this.at] !== ":") this.fail('":" after the property name');
      this.at++;
      this.whitespace();
      this.value();
      this.whitespace();
      if (this.text[this.at] === "}") {
        this.at++;
        return;
      }
      if (this.text[this.at] !== ",") this.fail('"," or "}" after a property');
      this.at++;
      this.whitespace();
    }
  }

  private array(): void {
    this.at++; // [
    this.whitespace();
    if (this.text[this.at] === "]") {
      this.at++;
      return;
    }
    for (;;) {
      this.value();
      this.whitespace();
      if (this.text[this.at] === "]") {
        this.at++;
        return;
      }
      if (this.text[this.at] !== ",") this.fail('"," or "]" after an element');
      this.at++;
      this.whitespace();
    }
  }

  private string(): void {
    this.at++; // opening quote
    for (;;) {
      if (this.at >= this.text.length) this.fail('the closing "');
      const char = this.text[this.at];
      if (char === '"') {
        this.at++;
        return;
      }
      if (char.charCodeAt(0) < 0x20) this.fail("a character of the string (control characters must be escaped)");
      if (char === "\\") {
        this.at++;
        if (this.text[this.at] === "u") {
          for (let digit = 1; digit <= 4; digit++) {
            this.at++;
            if (!/[0-9a-fA-F]/.test(this.text[this.at] ?? "")) this.fail("four hexadecimal digits after \\u");
          }
        } else if (!ESCAPES.has(this.text[this.at])) {
          this.fail('an escape (one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX)');
        }
      }
      this.at++;
    }
  }

  private digits(expected: string): void {
    if (!/[0-9]/.test(this.text[this.at] ?? "")) this.fail(expected);
    while (/[0-9]/.test(this.text[this.at] ?? "")) this.at++;
  }

  private number(): void {
    if (this.text[this.at] === "-") this.at++;
    // A leading zero stands alone: 0, 0.5, but not 01.
    if (this.text[this.at] === "0") this.at++;
    else this.digits("a digit");
    if (this.text[this.at] === ".") {
      this.at++;
      this.digits('a digit after "."');
    }
    if (this.text[this.at] === "e" || this.text[this.at] === "E") {
      this.at++;
      if (this.text[this.at] === "+" || this.text[this.at] === "-") this.at++;
      this.digits("a digit of the exponent");
    }
  }

  private literal(literal: string): void {
    if (this.text.startsWith(literal, this.at)) {
      this.at += literal.length;
      return;
    }
    // The whole word, where it starts: `expected true, found "tru"`.
    const word = /^[A-Za-z]*/.exec(this.text.slice(this.at))![0];
    throw new Stop(this.at, `expected ${literal}, found ${JSON.stringify(word)}`);
  }
}

/** The first syntax error of the text, or undefined when it is JSON. */
export function findJsonSyntaxError(text: string): JsonSyntaxError | undefined {
  try {
    new Reader(text).document();
    return undefined;
  } catch (error) {
    if (!(error instanceof Stop)) throw error;
    const before = text.slice(0, error.offset);
    const lineStart = before.lastIndexOf("\n") + 1;
    return {
      line: before.split("\n").length,
      // In characters, as editors count them (an emoji is one, not two UTF-16 units).
      column: [...before.slice(lineStart)].length + 1,
      problem: error.problem,
    };
  }
}
