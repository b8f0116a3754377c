/**
 * npm run workflow (local/workflow-cli.ts) as typed: results, exit statuses, messages a
 * developer can act on, argument parsing.
 */
import { npmRun, runMain, scratchFiles, spawnScript } from "../helpers/cli";
import { main as invokeMain } from "../../local/invoke-cli";
import { exitStatus, main as workflowMain, parseArguments, parseInjection } from "../../local/workflow-cli";
import { INJECTABLE_ERRORS } from "../../local/injectable-errors";
import { BUSINESS_ERROR_NAMES } from "../../functions/shared/errors";
import { TRANSIENT_ERRORS } from "../../stacks/workflow-definition";

/** The fields of a printed result the tests read (the command prints more). */
type PrintedResult = {
  status: string;
  error?: string;
  cause?: string;
  output: { orderId: string; total: number } & Record<string, unknown>;
  invocations: unknown[];
} & Record<string, unknown>;

/** The JSON object the workflow command printed. */
const parseResult = (text: string) => JSON.parse(text) as PrintedResult;

/** The JSON objects the workflow command printed one after another. */
function parseResults(stdout: string): PrintedResult[] {
  return stdout
    .split(/\n(?=\{)/)
    .filter((chunk) => chunk.trim() !== "")
    .map(parseResult);
}

const workflow = (args: string[]) => runMain(workflowMain, args);
const invoke = (args: string[]) => runMain(invokeMain, args);

const file = scratchFiles();

describe("npm run workflow", () => {
  test("GIVEN the README's sample order, through npm as typed, THEN SUCCEEDED with total 118.77 as one JSON object on stdout, exit 0", () => {
    const { status, stdout } = npmRun("workflow", ["examples/sample-order.json"]);
    expect(status).toBe(0);
    const result = parseResult(stdout);
    expect(result).toMatchObject({ status: "SUCCEEDED", output: { status: "COMPLETED", total: 118.77 }, transitions: 7 });
    expect(result.invocations).toHaveLength(5);
  });

  test("--trace prints each state entered and exited on stderr; --inject makes the failure visible; exit 1 (a process of its own)", () => {
    const { status, stdout, stderr } = spawnScript("workflow-cli.ts", [
      "--trace",
      "--inject",
      "inventory-service.reserve=Lambda.ServiceException",
      "examples/sample-order.json",
    ]);
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ status: "FAILED", error: "ServiceUnavailable" });
    expect(stderr).toContain("[trace] entered GetUser (Task)");
    expect(stderr).toContain("[trace] retried ReserveInventory (attempt 3)");
    expect(stderr).toContain("[trace] entered RefundPayment (Task)");
    expect(stderr).toContain("[trace] exited  NotifyFailure");
  });

  test("--event applies the synthesized rule: a matching event runs its detail, another prints NOT_MATCHED and exits 3", async () => {
    const matched = await workflow(["--event", "examples/order-submitted-event.json"]);
    expect(matched.status).toBe(0);
    expect(parseResult(matched.stdout).output.total).toBe(107.99);
    const other = file(
      "cancelled.json",
      JSON.stringify({ source: "microservices.orders", "detail-type": "Order Cancelled", detail: {} }),
    );
    const notMatched = await workflow(["--event", other]);
    expect(notMatched.status).toBe(3);
    expect(JSON.parse(notMatched.stdout)).toEqual({
      status: "NOT_MATCHED",
      field: "detail-type",
      reason: 'field detail-type is "Order Cancelled"; the rule\'s pattern wants ["Order Submitted"]',
    });
  });

  test("an event from another account does not match the rule (it requires the deploying account): NOT_MATCHED, exit 3", async () => {
    const { status, stdout } = await workflow(["--event", "examples/event-from-another-account.json"]);
    expect(status).toBe(3);
    // The local runner deploys to its placeholder account, 123456789012.
    expect(JSON.parse(stdout)).toEqual({
      status: "NOT_MATCHED",
      field: "account",
      reason: 'field account is "210987654321"; the rule\'s pattern wants ["123456789012"]',
    });
  });

  test("the same event file twice: the second execution is DUPLICATE of the first order", async () => {
    const { status, stdout } = await workflow([
      "--event",
      "examples/order-submitted-event.json",
      "examples/order-submitted-event.json",
    ]);
    expect(status).toBe(0);
    const [first, second] = parseResults(stdout);
    expect(first).toMatchObject({
      file: "examples/order-submitted-event.json",
      status: "SUCCEEDED",
      output: { status: "COMPLETED" },
    });
    expect(second).toMatchObject({
      status: "SUCCEEDED",
      output: { status: "DUPLICATE", orderId: first.output.orderId },
      transitions: 4,
    });
  });

  test("several files share the services' state: five orders for PROD004's last 10 units, one succeeds", async () => {
    const { status, stdout } = await workflow(Array<string>(5).fill("examples/last-units-prod004.json"));
    expect(status).toBe(1);
    const results = parseResults(stdout);
    expect(results.map((result) => result.error ?? result.status)).toEqual([
      "SUCCEEDED",
      ...Array<string>(4).fill("InsufficientInventory"),
    ]);
    expect(results[4].cause).toBe("Insufficient inventory for product PROD004: requested 10, available 0");
  });

  test("--inject-after loses the answer after the handler acted: the payment it took is refunded", async () => {
    const { status, stdout } = await workflow([
      "--inject-after",
      "payment-service.authorize=Lambda.Unknown",
      "examples/sample-order.json",
    ]);
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({
      status: "FAILED",
      error: "ServiceUnavailable",
      compensation: { refund: "REFUNDED", release: "RELEASED" },
    });
  });

  test("--help prints the usage on stdout and exits 0", async () => {
    const { status, stdout, stderr } = await workflow(["--help"]);
    expect([status, stderr]).toEqual([0, ""]);
    expect(stdout).toContain("Usage: npm run workflow -- [options] <input.json>...");
    expect(stdout).toContain("--inject-after <service>[.<action>]=<ErrorName>[:<times>]");
  });

  test("an event without a field the rule needs: NOT_MATCHED names the missing field", async () => {
    const noSource = file("no-source.json", JSON.stringify({ "detail-type": "Order Submitted", detail: {} }));
    const { status, stdout } = await workflow(["--event", noSource, "examples/sample-order.json"]);
    expect(status).toBe(3);
    const [first, second] = parseResults(stdout);
    expect(first).toEqual({
      file: noSource,
      status: "NOT_MATCHED",
      field: "source",
      reason: 'field source is missing; the rule\'s pattern wants ["microservices.orders"]',
    });
    // An order file is not an event either: the first field it lacks is named.
    expect(second).toMatchObject({ status: "NOT_MATCHED", field: "source" });
  });

  test.each([
    [["missing.json"], "no such file: missing.json"],
    [["NOT-JSON"], "is not valid JSON"],
    [["TOO-BIG"], "bytes; Step Functions accepts at most 262144 bytes of input"],
    [["TOO-DEEP"], "nests deeper than 100 levels"],
    [["examples/sample-order.json", "missing.json"], "no such file: missing.json"],
    [["examples"], "examples is a folder, not a file"],
    [[], "missing input file"],
    [["--inject", "payment=Oops", "examples/sample-order.json"], "unknown service payment"],
    [["--inject", "payment-service.charge=Oops", "examples/sample-order.json"], "payment-service has no action charge"],
    [["--inject"], "--inject needs a value"],
    [["--verbose", "examples/sample-order.json"], "unknown option --verbose"],
  ])("%j exits 2 with a one-line message on stderr and runs nothing", async (args, message) => {
    const resolved = args.map((arg) =>
      arg === "NOT-JSON"
        ? file("bad.json", "{ not json")
        : arg === "TOO-BIG"
          ? file("big.json", JSON.stringify({ userId: "u", pad: "x".repeat(262144) }))
          : arg === "TOO-DEEP"
            ? file("deep.json", "[".repeat(4000) + "]".repeat(4000))
            : arg,
    );
    const { status, stdout, stderr } = await workflow(resolved);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });
});

describe("messages a developer can act on", () => {
  test.each([
    ["bad.json", "{ not json", 'line 1, column 3: expected a property name in double quotes, found "n"'],
    [
      "trailing-comma.json",
      '{\n  "userId": "u-1",\n  "items": [1, 2,]\n}\n',
      'line 3, column 18: expected a value (an object, array, string, number, true, false or null), found "]"',
    ],
    ["cut-short.json", '{"userId": "u-1"', 'line 1, column 17: expected "," or "}" after a property, found the end of the file'],
    ["typo.json", '{\n\t"express": tru\n}', 'line 2, column 13: expected true, found "tru"'],
  ])("%s: not valid JSON, with the line and column where it stops being JSON; exit 2", async (name, content, where) => {
    const bad = file(name, content);
    const { status, stdout, stderr } = await workflow([bad]);
    expect({ status, stdout, stderr }).toEqual({ status: 2, stdout: "", stderr: `${bad} is not valid JSON: ${where}\n` });
  });

  test("npm run invoke reports a JSON error the same way", async () => {
    const bad = file("payload.json", '{"userId": "u-1",}');
    const { status, stderr } = await invoke(["user-service", bad]);
    expect([status, stderr]).toEqual([
      2,
      `${bad} is not valid JSON: line 1, column 18: expected a property name in double quotes, found "}"\n`,
    ]);
  });

  test("--inject with an error name the workflow does not know is refused, listing the names it knows; nothing runs", async () => {
    const { status, stdout, stderr } = await workflow([
      "--inject",
      "payment-service=ServiceUnavialable",
      "examples/sample-order.json",
    ]);
    expect([status, stdout]).toEqual([2, ""]);
    expect(stderr.split("\n")[0]).toBe(
      "--inject payment-service=ServiceUnavialable: the workflow knows no error ServiceUnavialable (known: " +
        [...TRANSIENT_ERRORS, ...BUSINESS_ERROR_NAMES].join(", ") +
        ")",
    );
  });

  test("every name the refusal lists is accepted: the transient errors the workflow retries and the business errors", () => {
    expect(INJECTABLE_ERRORS).toEqual(
      expect.arrayContaining(["ServiceUnavailable", "Lambda.Unknown", "States.Timeout", "PaymentDeclined"]),
    );
    for (const error of INJECTABLE_ERRORS) expect(parseInjection(`payment-service=${error}`).error).toBe(error);
    expect(() => parseInjection("payment-service=PaymentDenied", "--inject-after")).toThrow(
      "--inject-after payment-service=PaymentDenied: the workflow knows no error PaymentDenied",
    );
  });
});

describe("argument parsing", () => {
  test("--inject and --inject-after <service>[.<action>]=<ErrorName>[:<times>], repeatable, in both spellings", () => {
    expect(
      parseArguments([
        "--inject",
        "payment-service=ServiceUnavailable:2",
        "--inject=user-service=States.Timeout",
        "--inject-after",
        "inventory-service.reserve=Lambda.Unknown:1",
        "a.json",
        "b.json",
      ]),
    ).toEqual({
      help: false,
      trace: false,
      state: false,
      event: false,
      files: ["a.json", "b.json"],
      inject: [
        { service: "payment-service", error: "ServiceUnavailable", times: 2 },
        { service: "user-service", error: "States.Timeout", times: undefined },
        { service: "inventory-service", action: "reserve", error: "Lambda.Unknown", times: 1, after: true },
      ],
    });
    expect(() => parseInjection("payment-service")).toThrow("expected <service>[.<action>]=<ErrorName>[:<times>]");
    expect(() => parseArguments(["--verbose"])).toThrow("unknown option --verbose");
    expect(() => parseArguments([])).toThrow("missing input file");
    expect(parseArguments(["--help"]).help).toBe(true);
  });

  test("--name takes any name StartExecution accepts and refuses the others, naming the rule", () => {
    for (const name of ["order+1", "order@1", "order=1", "order(1)", "ordre-été", "x".repeat(80)]) {
      expect(parseArguments(["--name", name, "a.json"]).name).toBe(name);
    }
    expect(parseArguments(["--name=order+1", "--state", "a.json"])).toMatchObject({ name: "order+1", state: true });
    expect(() => parseArguments(["--name", "a b", "a.json"])).toThrow(
      '--name "a b": an execution name must be 1 to 80 characters, without whitespace',
    );
    expect(() => parseArguments(["--name", "x".repeat(81), "a.json"])).toThrow("got 81 characters");
    expect(() => parseArguments(["--name", "a:b", "a.json"])).toThrow('got ":" at position 2');
    expect(() => parseArguments(["--name"])).toThrow("--name needs a value");
  });

  test("exit status: 3 when an event matched nothing, else 1 when a run failed, else 0", () => {
    const ok = { status: "SUCCEEDED" } as never;
    const failed = { status: "FAILED" } as never;
    const notMatched = { status: "NOT_MATCHED", field: "source", reason: "" } as const;
    expect([exitStatus([ok]), exitStatus([ok, failed]), exitStatus([failed, notMatched]), exitStatus([])]).toEqual([0, 1, 3, 0]);
  });
});
