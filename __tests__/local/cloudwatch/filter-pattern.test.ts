/**
 * Every example of the CloudWatch Logs User Guide's filter pattern pages, with the outcome
 * the guide gives for it:
 *  - CURRENT: "Filter pattern syntax for metric filters, subscription filters, filter log
 *    events, and Live Tail" (FilterAndPatternSyntax.html), all its sections;
 *  - UNSTRUCTURED: "Using filter patterns to match terms in unstructured log events";
 *  - JSON_PAGE: "Using filter patterns to match terms in JSON log events";
 *  - EARLIER: the earlier edition, "Filter and Pattern Syntax" (awsdocs GitHub archive).
 * Where a guide example names no event, the test writes events on both sides of it.
 */
import { expect } from "@jest/globals";
import {
  FilterPatternError,
  matchesFilterPattern,
  parseFilterPattern,
  parseJsonSelector,
  selectJsonValues,
} from "../../../local/cloudwatch/filter-pattern";

/** Asserts the documented outcome of one example: the events it matches and those it does not. */
function expectExample(pattern: string, matches: string[], doesNotMatch: string[] = []): void {
  for (const message of matches)
    expect({ pattern, message, matched: matchesFilterPattern(pattern, message) }).toEqual({ pattern, message, matched: true });
  for (const message of doesNotMatch)
    expect({ pattern, message, matched: matchesFilterPattern(pattern, message) }).toEqual({ pattern, message, matched: false });
}

/** The error a pattern raises, for assertions on its reason and position. */
function errorOf(pattern: string): FilterPatternError {
  try {
    parseFilterPattern(pattern);
  } catch (error) {
    if (error instanceof FilterPatternError) return error;
    throw error;
  }
  throw new Error(`expected ${JSON.stringify(pattern)} to be refused`);
}

const ERROR_EVENTS = {
  badRequest: "[ERROR 400] BAD REQUEST",
  unauthorized: "[ERROR 401] UNAUTHORIZED REQUEST",
  missingArguments: "[ERROR 419] MISSING ARGUMENTS",
  invalidArguments: "[ERROR 420] INVALID ARGUMENTS",
};

describe("unstructured log events (CURRENT and UNSTRUCTURED)", () => {
  const { badRequest, unauthorized, missingArguments, invalidArguments } = ERROR_EVENTS;

  test("Match a single term: ERROR", () => {
    expectExample("ERROR", [badRequest, unauthorized, missingArguments, invalidArguments], ["[INFO 200] OK"]);
  });

  test("Match multiple terms: ERROR ARGUMENTS needs both", () => {
    expectExample("ERROR ARGUMENTS", [missingArguments, invalidArguments], [badRequest, unauthorized]);
  });

  test("Match optional terms: ?ERROR ?ARGUMENTS needs either", () => {
    expectExample(
      "?ERROR ?ARGUMENTS",
      [badRequest, unauthorized, missingArguments, invalidArguments, "[INFO] INVALID ARGUMENTS PROVIDED"],
      ["[INFO 200] OK"],
    );
  });

  test('"?" combined with other terms: the question mark terms are ignored', () => {
    expectExample(
      "?ERROR ?ARGUMENTS REQUEST",
      ["[INFO] REQUEST FAILED", "[WARN] UNAUTHORIZED REQUEST", "[ERROR] 400 BAD REQUEST"],
      [missingArguments, "[ERROR] nothing else"],
    );
  });

  test('Match exact phrases: "INTERNAL SERVER ERROR"', () => {
    expectExample(
      '"INTERNAL SERVER ERROR"',
      ["[ERROR 500] INTERNAL SERVER ERROR"],
      ["[ERROR 500] INTERNAL ERROR SERVER", badRequest],
    );
  });

  test("Include and exclude terms: ERROR -ARGUMENTS", () => {
    expectExample("ERROR -ARGUMENTS", [badRequest, unauthorized], [missingArguments, invalidArguments]);
  });

  test('Match everything: " "', () => {
    expectExample('" "', [badRequest, "no-spaces-here", ""]);
  });

  test("filter patterns are case sensitive", () => {
    expectExample("ERROR", ["ERROR"], ["error", "Error"]);
  });
});

describe("unstructured log events (EARLIER)", () => {
  test('Example 1: the filter pattern "" matches all log events', () => {
    expectExample("", ["anything", "", '{"json": true}']);
    expectExample('""', ["anything", ""]);
  });

  test("Example 2: ERROR matches messages that contain the term, inside a word too", () => {
    expectExample("ERROR", ["[ERROR] A fatal exception has occurred", "Exiting with ERRORCODE: -1"]);
  });

  test('Example 3: with the exclusion "ERROR" - "Exiting", "Exiting with ERRORCODE: -1" is excluded', () => {
    for (const pattern of ['"ERROR" - "Exiting"', "ERROR -Exiting"])
      expectExample(pattern, ["[ERROR] A fatal exception has occurred"], ["Exiting with ERRORCODE: -1"]);
  });

  test("Example 4: ERROR Exception, and Failed to process the request, need all their terms", () => {
    expectExample(
      "ERROR Exception",
      ["[ERROR] Caught IllegalArgumentException", "[ERROR] Unhandled Exception"],
      ["[ERROR] Unhandled"],
    );
    expectExample(
      "Failed to process the request",
      ["[WARN] Failed to process the request", "[ERROR] Unable to continue: Failed to process the request"],
      ["[WARN] Failed to process"],
    );
  });

  test("OR pattern matching: ERROR, ?ERROR ?WARN, ERROR WARN and ERROR -WARN on the three examples", () => {
    const [both, errorOnly, warnOnly] = ["ERROR WARN message", "ERROR message", "WARN message"];
    expectExample("ERROR", [both, errorOnly], [warnOnly]);
    expectExample("?ERROR ?WARN", [both, errorOnly, warnOnly], ["INFO message"]);
    expectExample("ERROR WARN", [both], [errorOnly, warnOnly]);
    expectExample("ERROR -WARN", [errorOnly], [both, warnOnly]);
  });
});

describe("regular expressions (CURRENT, Supported regular expressions and Using filter patterns to match terms with a regex)", () => {
  test("%AUTHORIZED% returns events containing AUTHORIZED", () => {
    expectExample(
      "%AUTHORIZED%",
      ["[ERROR 401] UNAUTHORIZED REQUEST", "[SUCCESS 200] AUTHORIZED REQUEST"],
      ["[ERROR 400] BAD REQUEST"],
    );
  });

  test("^ and $ anchor to the start and the end of the message", () => {
    expectExample("%^[hc]at%", ["hat trick", "cat"], ["that", "a cat"]);
    expectExample("%[hc]at$%", ["that", "a cat"], ["hat trick"]);
  });

  test("? matches zero or one of the preceding term", () => {
    expectExample("%colou?r%", ["color", "colour"], ["colouur"]);
  });

  test("[] defines a character class", () => {
    expectExample("%[abc]%", ["a", "b", "c"], ["d"]);
    expectExample("%[a-z]%", ["q"], ["Q", "7"]);
    expectExample("%[abcx-z]%", ["a", "b", "c", "x", "y", "z"], ["d", "w"]);
  });

  test("{m,n} repeats the preceding term, and m or n can be omitted", () => {
    expectExample("%a{3,5}%", ["aaa", "aaaa", "aaaaa"], ["aa"]);
    expectExample("%^a{,2}b%", ["b", "ab", "aab"], ["aaab"]);
    expectExample("%^a{2,}b%", ["aab", "aaaab"], ["ab"]);
  });

  test("| is a boolean or", () => {
    expectExample("%gra|ey%", ["gray", "grey"], ["gory"]);
    expectExample(
      "%^starting|^initializing|^shutting down%",
      ["starting ...", "initializing ...", "shutting down"],
      ["skipping initializing ..."],
    );
    // The guide writes this one without its closing %; with it, it behaves as described.
    expectExample("%abcc|ab[^c]$%", ["abcc ...", "aba"], ["aac ..."]);
    expect(() => parseFilterPattern("%abcc|ab[^c]$")).toThrow(FilterPatternError);
  });

  test("\\ escapes an operator: %\\[.\\]% matches one character between brackets", () => {
    expectExample("%\\[.\\]%", ["[a]", "[b]", "[7]", "[@]", "[]]", "[ ]"], ["[ab]", "[]"]);
  });

  test("an IP address needs its dots escaped: %10\\.10\\.0\\.1%, while %10.10.0.1% also matches 10010,051", () => {
    expectExample("%10\\.10\\.0\\.1%", ["10.10.0.1"], ["10010,051"]);
    expectExample("%10.10.0.1%", ["10.10.0.1", "10010,051"]);
  });

  test("* matches zero or more of the preceding term, + one or more", () => {
    expectExample("%ab*c%", ["ac", "abc", "abbbc"], ["ab"]);
    expectExample("%ab[0-9]*%", ["ab", "ab0", "ab129"], ["a b"]);
    expectExample("%ab+c%", ["abc", "abbc", "abbbc"], ["ac"]);
  });

  test(". matches any single character", () => {
    expectExample("%.at%", ["hat", "cat", "bat", "4at", "#at", " at"], ["at"]);
  });

  test("\\d \\D \\s \\S \\w \\W and their upper-case inverses", () => {
    expectExample("%\\d%", ["a1"], ["abc"]);
    expectExample("%^\\D+$%", ["abc"], ["a1"]);
    expectExample("%a\\sb%", ["a b", "a\tb"], ["ab"]);
    expectExample("%^\\S+$%", ["ab"], ["a b"]);
    expectExample("%^\\w+$%", ["a_Z9"], ["a-b"]);
    expectExample("%\\W%", ["a-b"], ["a_b"]);
  });

  test("\\xhh matches an ASCII character by its code, even one the pattern may not hold", () => {
    expectExample("%\\x3A%", ["a:b"], ["ab"]);
    expectExample("%\\x28%", ["f(x)"], ["fx"]);
  });

  test("%something!% is rejected since ! is not supported; so are ( ) and multi-byte characters", () => {
    expect(errorOf("%something!%")).toMatchObject({ position: 10, reason: expect.stringContaining('"!"') });
    expect(errorOf("%(alpha|beta)%")).toMatchObject({ position: 1, reason: expect.stringContaining("( and )") });
    expect(errorOf("%café%")).toMatchObject({ position: 4, reason: expect.stringContaining("multi-byte") });
  });

  test("a JSON pattern holds at most 2 regexes", () => {
    expect(parseFilterPattern("{ $.a = %x% && $.b = %y% }").kind).toBe("json");
    expect(errorOf("{ $.a = %x% && $.b = %y% && $.c = %z% }")).toMatchObject({
      position: 34,
      reason: expect.stringContaining("two regexes"),
    });
  });
});

describe("JSON log events (CURRENT and JSON_PAGE)", () => {
  const event = JSON.stringify({
    eventType: "UpdateTrail",
    sourceIPAddress: "111.111.111.111",
    arrayKey: ["value", "another value"],
    objectList: [
      { name: "a", id: 1 },
      { name: "b", id: 2 },
    ],
    SomeObject: null,
    "cluster.name": "c",
  });
  const other = JSON.stringify({
    eventType: "CreateTrail",
    sourceIPAddress: "123.123.0.1",
    arrayKey: ["other"],
    SomeObject: 1,
    SomeOtherObject: 2,
  });

  test('{ $.eventType = "UpdateTrail" } matches the string in the property', () => {
    expectExample('{ $.eventType = "UpdateTrail" }', [event], [other]);
  });

  test("{ $.sourceIPAddress != 123.123.* } matches an address without that prefix", () => {
    expectExample("{ $.sourceIPAddress != 123.123.* }", [event], [other]);
  });

  test('{ $.arrayKey[0] = "value" } matches the first element', () => {
    expectExample('{ $.arrayKey[0] = "value" }', [event], [other, JSON.stringify({ arrayKey: "value" })]);
  });

  test("{ $.eventType = %Trail% } matches by regex", () => {
    expectExample("{ $.eventType = %Trail% }", [event, other], [JSON.stringify({ eventType: "Deployment" })]);
  });

  test("{ $.arrayKey[*] = %val.{2}% } matches any element by regex", () => {
    expectExample("{ $.arrayKey[*] = %val.{2}% }", [event], [other]);
  });

  test("{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% } matches any field by regex", () => {
    expectExample("{ $.* = %111\\.111\\.111\\.1[0-9]{1,2}% }", [event], [other]);
  });

  test("only one wildcard selector in a property selector, three in a pattern", () => {
    expect(errorOf('{ $.*.inner[*] = "x" }')).toMatchObject({
      position: 2,
      reason: expect.stringContaining("only one wildcard"),
    });
    expect(parseFilterPattern('{ $.a[*] = "x" && $.* = "y" && $.b[*] = "z" }').kind).toBe("json");
    expect(errorOf('{ $.a[*] = "x" && $.* = "y" && $.b[*] = "z" && $.c[*] = "w" }').reason).toContain("at most three");
  });

  test("{ $.['cluster.name'] = \"c\" } selects a property with a period by bracket notation", () => {
    expectExample("{ $.['cluster.name'] = \"c\" }", [event], [JSON.stringify({ cluster: { name: "c" } })]);
    expectExample("{ $['cluster.name'] = \"c\" }", [event]);
  });

  test("{ $.SomeObject IS NULL } matches only a null value", () => {
    expectExample("{ $.SomeObject IS NULL }", [event], [other, JSON.stringify({})]);
  });

  test("{ $.SomeOtherObject NOT EXISTS } matches only when the field is absent", () => {
    expectExample("{ $.SomeOtherObject NOT EXISTS }", [event], [other]);
  });

  test("IS NOT and EXISTS are not supported", () => {
    expect(errorOf("{ $.SomeObject IS NOT NULL }")).toMatchObject({ position: 18, reason: expect.stringContaining("IS NOT") });
    expect(errorOf("{ $.SomeObject EXISTS }")).toMatchObject({ position: 15, reason: expect.stringContaining("EXISTS") });
  });

  test("numeric operators > < >= <= = != on numbers", () => {
    const at = (field: string, value: number) => JSON.stringify({ [field]: value });
    expectExample("{ $.bandwidth > 75 }", [at("bandwidth", 76)], [at("bandwidth", 75)]);
    expectExample("{ $.latency < 50 }", [at("latency", 49.9)], [at("latency", 50)]);
    expectExample("{ $.refreshRate >= 60 }", [at("refreshRate", 60)], [at("refreshRate", 59)]);
    expectExample("{ $.responseTime <= 5 }", [at("responseTime", 5)], [at("responseTime", 5.01)]);
    expectExample("{ $.errorCode = 400}", [at("errorCode", 400)], [at("errorCode", 401)]);
    expectExample("{ $.errorCode != 500 }", [at("errorCode", 400)], [at("errorCode", 500)]);
  });

  test("numbers in scientific notation with plus and minus signs", () => {
    expectExample("{ $.number[0] = 1e+3 }", [JSON.stringify({ number: [1000] })], [JSON.stringify({ number: [100] })]);
    expectExample("{ $.number[0] != 1e-3 }", [JSON.stringify({ number: [1] })], [JSON.stringify({ number: [0.001] })]);
  });

  describe("compound expressions: () > && > ||", () => {
    const compound = JSON.stringify({
      user: { id: 1, email: "John.Stiles@example.com" },
      users: [
        { id: 2, email: "John.Doe@example.com" },
        { id: 3, email: "Jane.Doe@example.com" },
      ],
      actions: ["GET", "PUT", "DELETE"],
      coordinates: [
        [0, 1, 2],
        [4, 5, 6],
        [7, 8, 9],
      ],
    });

    test("Expression that matches using AND", () => {
      expectExample('{ ($.user.id = 1) && ($.users[0].email = "John.Doe@example.com") }', [compound]);
    });

    test("Expression that matches using OR (&& binds tighter)", () => {
      expectExample(
        '{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch" && $.actions[2] = "nonmatch" }',
        [compound],
      );
    });

    test("Expression that doesn't match using AND (parentheses first)", () => {
      expectExample(
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = "nonmatch") && $.actions[2] = "nonmatch" }',
        [],
        [compound],
      );
    });

    test("Expression that doesn't match using OR", () => {
      expectExample('{ ($.user.id = 2 && $.users[0].email = "nonmatch") || $.actions[2] = "GET" }', [], [compound]);
    });

    test("the earlier edition's unquoted forms give the same outcomes", () => {
      expectExample('{ $.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch && $.actions[2] = nomatch }', [
        compound,
      ]);
      expectExample(
        '{ ($.user.email = "John.Stiles@example.com" || $.coordinates[0][1] = nonmatch) && $.actions[2] = nomatch }',
        [],
        [compound],
      );
    });
  });

  test("space-delimited patterns are refused, naming the pattern and the position", () => {
    for (const pattern of [
      "[ip=%127\\.0\\.0\\.[1-9]%, user, username, timestamp, request =*.html*, status_code = 4*, bytes]",
      "[..., request =*.html*, status_code = 4*, bytes]",
      "[ip, user, username, timestamp, request =*.html*, status_code = 404 || status_code = 410, bytes]",
      "[w1=ERROR, w2]",
      "[w1=ERROR || w1=WARNING, w2]",
      "[w1!=ERROR && w1!=WARNING, w2]",
      "[logLevel, date, time, method, url=%/service/resource/[0-9]+$%, response_time]",
      "[logLevel, date, time, method, url=%/service/resource/[0-9]+/part/[0-9]+$%, response_time]",
      // The earlier edition's examples.
      "[ip, user, username, timestamp, request, status_code, bytes]",
      "[..., status_code, bytes]",
      "[ip, user, ..., status_code, bytes]",
      "[ip, user, ...]",
      "[ip, user, username, timestamp, request, status_code, bytes > 1000]",
      "[ip, user, username, timestamp, request, status_code = 4* && status_code != 403, bytes]",
      "[..., request=*.html*, status_code=4*,]",
      "[ip, server, username, timestamp, request, status_code, bytes > 1000]",
      "[w1=ERROR || W1=WARNING, w2]",
    ]) {
      const error = errorOf(pattern);
      expect(error.message).toContain(JSON.stringify(pattern));
      expect(error).toMatchObject({ position: 0, reason: expect.stringContaining("space-delimited patterns") });
    }
    expect(errorOf("  [a, b]").position).toBe(2);
  });
});

describe("JSON log events (EARLIER)", () => {
  const event = JSON.stringify({
    eventType: "UpdateTrail",
    sourceIPAddress: "111.111.111.111",
    arrayKey: ["value", "another value"],
    objectList: [
      { name: "a", id: 1 },
      { name: "b", id: 2 },
    ],
    SomeObject: null,
    ThisFlag: true,
  });

  test("OR in JSON: {$.foo = bar}, {$.foo = baz } and {$.foo = bar || $.foo = baz }", () => {
    const [bar, baz] = ['{"foo": "bar"}', '{"foo": "baz"}'];
    expectExample("{$.foo = bar}", [bar], [baz]);
    expectExample("{$.foo = baz }", [baz], [bar]);
    expectExample("{$.foo = bar || $.foo = baz }", [bar, baz], ['{"foo": "qux"}']);
  });

  test("{ $.objectList[1].id = 2 } matches the second entry's id; false when it is not an array of objects", () => {
    expectExample(
      "{ $.objectList[1].id = 2 }",
      [event],
      [JSON.stringify({ objectList: { 1: { id: 2 } } }), JSON.stringify({ objectList: [1, 2] })],
    );
  });

  test("{ $.ThisFlag IS TRUE }, and IS FALSE for false", () => {
    expectExample("{ $.ThisFlag IS TRUE }", [event], [JSON.stringify({ ThisFlag: false }), JSON.stringify({ ThisFlag: "true" })]);
    expectExample("{ $.ThisFlag IS FALSE }", [JSON.stringify({ ThisFlag: false })], [event]);
  });

  test("a selector that points to an array or object never matches: both {$.users = 1} and {$.users != 1}", () => {
    const users = JSON.stringify({ users: [1, 2, 3] });
    expectExample("{$.users = 1}", [], [users]);
    expectExample("{$.users != 1}", [], [users]);
    expectExample("{$.users != 1}", [JSON.stringify({ users: 2 })]);
  });

  test("* is a wildcard at the start or end of a value only: *Event, Event*, Ev*ent", () => {
    const name = (value: string) => JSON.stringify({ name: value });
    expectExample("{ $.name = *Event }", [name("PutEvent"), name("GetEvent")], [name("EventId")]);
    expectExample("{ $.name = Event* }", [name("EventId"), name("EventName")], [name("PutEvent")]);
    expectExample('{ $.name = "Ev*ent" }', [name("Ev*ent")], [name("Event"), name("EvXent")]);
    expectExample('{ $.name = "*vent*" }', [name("PutEvents")], [name("Put")]);
  });

  test("numeric comparisons: >=, exponents, decimals, signs", () => {
    const of = (value: unknown) => JSON.stringify(value);
    expectExample("{ $.latency >= 500 }", [of({ latency: 500 })], [of({ latency: 499 }), of({ latency: "500" })]);
    expectExample("{ $.numbers[0] < 10e3 }", [of({ numbers: [9999] })], [of({ numbers: [10000] })]);
    expectExample("{ $.numbers[0] < 10e-3 }", [of({ numbers: [0.009] })], [of({ numbers: [0.01] })]);
    expectExample(
      "{ $.processes[4].averageRuntime <= 55.5 }",
      [of({ processes: [0, 0, 0, 0, { averageRuntime: 55.5 }] })],
      [of({ processes: [{ averageRuntime: 1 }] })],
    );
    expectExample("{ $.errorCode = 400 }", [of({ errorCode: 400 }), of({ errorCode: 4e2 })], [of({ errorCode: 404 })]);
    expectExample("{ $.errorCode != 500 }", [of({ errorCode: 400 })], [of({ errorCode: 500 }), of({})]);
    expectExample("{ $.latency > +1000 }", [of({ latency: 1001 })], [of({ latency: 1000 })]);
  });

  test("{ $.latency = * } matches any value of the field, as the metric value example needs", () => {
    expectExample(
      "{ $.latency = * }",
      ['{"latency": 50, "requestType": "GET"}', '{"latency": "slow"}'],
      ['{"requestType": "GET"}', '{"latency": null}'],
    );
  });

  test('the dimensions example: { $.eventType = "*" && $.sourceIPAddress != 123.123.* }', () => {
    expectExample(
      '{ $.eventType = "*" && $.sourceIPAddress != 123.123.* }',
      [event],
      [JSON.stringify({ sourceIPAddress: "1.1.1.1" })],
    );
  });
});

describe("the workflow's own pattern and its kind of values", () => {
  test('{ $.orderStatus = "COMPENSATION_FAILED" } matches notification-service\'s log line for such an order', () => {
    const line = (orderStatus: string) => JSON.stringify({ level: "INFO", service: "notification-service", orderStatus });
    expectExample(
      '{ $.orderStatus = "COMPENSATION_FAILED" }',
      [line("COMPENSATION_FAILED")],
      [line("FAILED"), line("COMPLETED"), '{"orderStatus": ["COMPENSATION_FAILED"]}'],
    );
  });

  test('a wildcard string value: { $.error = "States.*" }', () => {
    expectExample(
      '{ $.error = "States.*" }',
      ['{"error": "States.Timeout"}', '{"error": "States."}'],
      ['{"error": "Lambda.States.Timeout"}', '{"error": "States"}'],
    );
  });

  test("a message that is not JSON never matches a JSON pattern, NOT EXISTS included", () => {
    expectExample(
      "{ $.orderStatus NOT EXISTS }",
      ["{}"],
      ["orderStatus COMPENSATION_FAILED", "{ not json", 'INFO {"orderStatus": 1}'],
    );
  });

  test("a numeric operand matches a JSON string only as written; a string operand matches a number by its digits", () => {
    expectExample("{ $.code = 400 }", ['{"code": "400"}'], ['{"code": "400.0"}']);
    expectExample("{ $.code = 4* }", ['{"code": 404}'], ['{"code": 504}']);
    expectExample('{ $.code = "404" }', ['{"code": 404}']);
  });

  test("booleans and null compare with neither = nor !=", () => {
    expectExample("{ $.flag = true }", [], ['{"flag": true}']);
    expectExample("{ $.flag != 1 }", [], ['{"flag": true}', '{"flag": null}']);
  });
});

describe("invalid patterns name the pattern and the position", () => {
  test.each([
    ["{ $.a = }", 8, "expected a value"],
    ['{ $.a = "x" ', 12, "expected }"],
    ['{ $.a = "x" } extra', 14, "after the closing }"],
    ["{ a = 1 }", 2, "property selector"],
    ["{ $ = 1 }", 2, "property selector such as $.field"],
    ["{ $.a > abc }", 8, "needs a number"],
    ['{ $.a < "5" }', 8, "needs a number"],
    ["{ $.a == 1 }", 6, "=="],
    ["{ $.a ~ 1 }", 6, "expected an operator"],
    ["{ $.a IS MAYBE }", 9, "NULL, TRUE or FALSE"],
    ["{ $.a NOT THERE }", 10, "EXISTS"],
    ["{ $.a LIKE 1 }", 6, "expected an operator"],
    ["{ ($.a = 1 }", 11, "expected )"],
    ["{ $.a = %x }", 8, "unterminated regex"],
    ['{ $.a = "x }', 8, "unterminated"],
    ["{ $.a[x] = 1 }", 6, "array index"],
    ["{ $.a[0 = 1 }", 7, "expected ]"],
    ["{ $.a = x@y }", 9, "double-quoted"],
    ['{ $.["a.b = 1 }', 4, "unterminated quoted property"],
    ["ERROR:", 5, "must be inside double quotes"],
    ['"ERROR"X', 7, "expected a space"],
    ["ERROR ?", 7, 'expected a term after "?"'],
    ["ERROR ? WARN", 7, 'expected a term after "?"'],
    ['ERROR "unterminated', 6, "unterminated double-quoted string"],
    ["%[unclosed%", 0, "invalid regex"],
  ])("%s: position %i", (pattern, position, reason) => {
    const error = errorOf(pattern);
    expect(error).toMatchObject({ pattern, position, reason: expect.stringContaining(reason) });
    expect(error.message).toBe(`Invalid filter pattern ${JSON.stringify(pattern)} at position ${position}: ${error.reason}`);
  });

  test("matching a string pattern parses it, so an invalid one throws there too", () => {
    expect(() => matchesFilterPattern("{ $.a = }", "{}")).toThrow(FilterPatternError);
  });
});

describe("selectors on their own", () => {
  test("select a nested value, an array element, or nothing", () => {
    const event = { a: { b: [10, { c: "x" }] } };
    expect(selectJsonValues(parseJsonSelector("$.a.b[0]"), event)).toEqual([10]);
    expect(selectJsonValues(parseJsonSelector(" $.a.b[1].c "), event)).toEqual(["x"]);
    expect(selectJsonValues(parseJsonSelector("$.a.b[2]"), event)).toEqual([]);
    expect(selectJsonValues(parseJsonSelector("$.a.b.c"), event)).toEqual([]);
    expect(selectJsonValues(parseJsonSelector("$.a.*"), event)).toEqual([[10, { c: "x" }]]);
    expect(selectJsonValues(parseJsonSelector("$.a.b[*]"), event)).toEqual([10, { c: "x" }]);
    expect(selectJsonValues(parseJsonSelector("$.toString"), event)).toEqual([]);
  });

  test("text after the selector is refused", () => {
    expect(() => parseJsonSelector("$.a = 1")).toThrow(/position 4: unexpected text after the property selector/);
    expect(() => parseJsonSelector("latency")).toThrow(/position 0: expected a property selector/);
  });
});
