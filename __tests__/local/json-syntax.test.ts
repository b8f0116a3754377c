/**
 * findJsonSyntaxError (local/json-syntax.ts): where a JSON text stops being JSON, as a line and
 * column a developer can go to.
 */
import fc from "fast-check";
import { findJsonSyntaxError } from "../../local/json-syntax";

describe("findJsonSyntaxError", () => {
  test.each([
    ["", 1, 1, "expected a value (an object, array, string, number, true, false or null), found the end of the file"],
    ["{}}", 1, 3, 'expected the end of the file after the JSON value, found "}"'],
    ["{'a': 1}", 1, 2, `expected a property name in double quotes, found "'"`],
    ['{"a" 1}', 1, 6, 'expected ":" after the property name, found "1"'],
    ["[1 2]", 1, 4, 'expected "," or "]" after an element, found "2"'],
    ['"abc', 1, 5, 'expected the closing ", found the end of the file'],
    [
      '"a\tb"',
      1,
      3,
      'expected a character of the string (control characters must be escaped), found a control character ("\\t")',
    ],
    ['"\\x"', 1, 3, 'expected an escape (one of \\" \\\\ \\/ \\b \\f \\n \\r \\t \\uXXXX), found "x"'],
    ['"\\u12g4"', 1, 6, 'expected four hexadecimal digits after \\u, found "g"'],
    ["01", 1, 2, 'expected the end of the file after the JSON value, found "1"'],
    ["-", 1, 2, "expected a digit, found the end of the file"],
    ["1.", 1, 3, 'expected a digit after ".", found the end of the file'],
    ["1e+", 1, 4, "expected a digit of the exponent, found the end of the file"],
    ["[nul]", 1, 2, 'expected null, found "nul"'],
    ["[True]", 1, 2, 'expected a value (an object, array, string, number, true, false or null), found "T"'],
    [
      '{\r\n  "a": [\r\n    1,\r\n  ]\r\n}',
      4,
      3,
      'expected a value (an object, array, string, number, true, false or null), found "]"',
    ],
    // Columns count characters: the emoji before the error is one column, not two.
    ['["😀", x]', 1, 7, 'expected a value (an object, array, string, number, true, false or null), found "x"'],
  ])("%j: line %d, column %d: %s", (text, line, column, problem) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(findJsonSyntaxError(text)).toEqual({ line, column, problem });
  });

  test("agrees with JSON.parse on every text: an error exactly when JSON.parse throws", () => {
    // Valid JSON, JSON with one character changed, and arbitrary text made of JSON's characters.
    const json = fc.jsonValue().map((value) => JSON.stringify(value, null, 1));
    const mutated = fc
      .tuple(json, fc.nat(), fc.constantFrom(...'{}[],:"\\ -+.0123456789eEtrufalsn\n\tx'))
      .map(([text, at, char]) => text.slice(0, at % (text.length + 1)) + char + text.slice((at % (text.length + 1)) + 1));
    const soup = fc.string({ unit: fc.constantFrom(...'{}[],:" -.019eEtrufalsn\\u'), maxLength: 20 });
    fc.assert(
      fc.property(fc.oneof(json, mutated, soup), (text) => {
        let parses = true;
        try {
          JSON.parse(text);
        } catch {
          parses = false;
        }
        expect(findJsonSyntaxError(text) === undefined).toBe(parses);
      }),
      { numRuns: 2000 },
    );
  });
});
