/**
 * `npm run workflow` and `npm run invoke` as a developer types them: stdout, stderr and
 * exit status of DESIGN.md section 4.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/bundle";
import { parseArguments, parseInjection } from "../local/workflow-cli";

function runScript(script: string, args: string[]) {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join("local", script), ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "INFO", CHECKPOINT_DISABLE: "1" },
    timeout: 60000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const scratch = mkdtempSync(path.join(tmpdir(), "order-workflow-cli-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

const file = (name: string, content: string) => {
  const target = path.join(scratch, name);
  writeFileSync(target, content);
  return target;
};

describe("npm run workflow", () => {
  test("GIVEN the README's sample order THEN SUCCEEDED with total 118.77 as one JSON object on stdout, exit 0", () => {
    const { status, stdout } = runScript("workflow-cli.ts", ["examples/sample-order.json"]);
    expect(status).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({ status: "SUCCEEDED", output: { status: "COMPLETED", total: 118.77 }, transitions: 7 });
    expect(result.invocations).toHaveLength(5);
  });

  test("--trace prints each state entered and exited on stderr; --inject makes the failure visible; exit 1", () => {
    const { status, stdout, stderr } = runScript("workflow-cli.ts", [
      "--trace",
      "--inject",
      "inventory-service=Lambda.ServiceException",
      "examples/sample-order.json",
    ]);
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ status: "FAILED", error: "ServiceUnavailable" });
    expect(stderr).toContain("[trace] entered GetUser (Task)");
    expect(stderr).toContain("[trace] retried ReserveInventory (attempt 3)");
    expect(stderr).toContain("[trace] entered RefundPayment (Task)");
    expect(stderr).toContain("[trace] exited  NotifyFailure");
  });

  test("--event applies the synthesized rule: a matching event runs its detail, another prints NOT_MATCHED and exits 3", () => {
    const matched = runScript("workflow-cli.ts", ["--event", "examples/order-submitted-event.json"]);
    expect(matched.status).toBe(0);
    expect(JSON.parse(matched.stdout).output.total).toBe(107.99);
    const other = file(
      "cancelled.json",
      JSON.stringify({ source: "microservices.orders", "detail-type": "Order Cancelled", detail: {} }),
    );
    const notMatched = runScript("workflow-cli.ts", ["--event", other]);
    expect(notMatched.status).toBe(3);
    expect(JSON.parse(notMatched.stdout)).toEqual({ status: "NOT_MATCHED" });
  });

  test.each([
    [["missing.json"], "cannot read missing.json: ENOENT"],
    [["NOT-JSON"], "is not valid JSON"],
    [[], "missing input file"],
    [["--inject", "payment=Oops", "examples/sample-order.json"], "unknown service payment"],
  ])("%j exits 2 with a one-line message on stderr", (args, message) => {
    const resolved = args.map((arg) => (arg === "NOT-JSON" ? file("bad.json", "{ not json") : arg));
    const { status, stdout, stderr } = runScript("workflow-cli.ts", resolved);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr).toContain(message);
  });
});

describe("argument parsing", () => {
  test("--inject <service>=<ErrorName>[:<times>], repeatable, in both spellings", () => {
    expect(
      parseArguments(["--inject", "payment-service=ServiceUnavailable:2", "--inject=user-service=States.Timeout", "in.json"]),
    ).toEqual({
      trace: false,
      event: false,
      file: "in.json",
      inject: [
        { service: "payment-service", error: "ServiceUnavailable", times: 2 },
        { service: "user-service", error: "States.Timeout", times: undefined },
      ],
    });
    expect(() => parseInjection("payment-service")).toThrow("expected <service>=<ErrorName>[:<times>]");
    expect(() => parseArguments(["a.json", "b.json"])).toThrow("unexpected argument b.json");
    expect(() => parseArguments(["--verbose"])).toThrow("unknown option --verbose");
  });
});

describe("npm run invoke", () => {
  test("the recipe's user-service payload prints the profile", () => {
    const { status, stdout } = runScript("invoke-cli.ts", ["user-service", "examples/user-service.json"]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      userId: "test123",
      name: "Customer test123",
      email: "test123@example.com",
      creditScore: 830,
    });
  });

  test("a thrown error prints {errorType, errorMessage} as Lambda reports it, exit 1; logs go to stderr", () => {
    const payload = file("bad-order.json", JSON.stringify({ orderData: { items: [] }, userData: { userId: "u" } }));
    const { status, stdout, stderr } = runScript("invoke-cli.ts", ["order-service", payload]);
    expect(status).toBe(1);
    expect(JSON.parse(stdout)).toEqual({ errorType: "InvalidInput", errorMessage: "orderData.items must not be empty" });
    expect(JSON.parse(stderr.trim().split("\n").pop()!)).toMatchObject({ service: "order-service", outcome: "InvalidInput" });
  });

  const FIVE = "user-service, order-service, payment-service, inventory-service, notification-service";
  test.each([
    // The command: the extra option is the problem, not the (valid) service.
    [["user-service", "examples/user-service.json", "--x"], "unknown option --x (the only option is --help)"],
    [["--verbose", "user-service", "examples/user-service.json"], "unknown option --verbose (the only option is --help)"],
    [
      ["user-service", "examples/user-service.json", "more.json"],
      "unexpected argument more.json: give one service and one payload file",
    ],
    [[], `missing service (one of: ${FIVE})`],
    [["billing-service", "examples/user-service.json"], `unknown service billing-service (one of: ${FIVE})`],
    [["user-service"], "missing payload file for user-service (e.g. examples/user-service.json)"],
  ])("%j names the problem in one line on stderr, then the usage; exit 2", (args, message) => {
    const { status, stdout, stderr } = runScript("invoke-cli.ts", args);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([message, "Usage: npm run invoke -- <service> <payload.json>"]);
  });

  test("issue 12's command line, through npm as typed: the extra option is named", () => {
    const result = spawnSync("npm", ["run", "--silent", "invoke", "--", "user-service", "examples/user-service.json", "--x"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 60000,
    });
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "unknown option --x (the only option is --help)\nUsage: npm run invoke -- <service> <payload.json>\n",
    );
  });

  test("a payload file that does not exist is named, exit 2", () => {
    const { status, stdout, stderr } = runScript("invoke-cli.ts", ["user-service", "examples/nope.json"]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe("cannot read examples/nope.json: ENOENT");
  });

  test("--help prints the usage and the five services on stdout, exit 0", () => {
    const { status, stdout, stderr } = runScript("invoke-cli.ts", ["--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run invoke -- <service> <payload.json>\n/);
    expect(stdout).toContain(`one of: ${FIVE}`);
    expect(stderr).toBe("");
  });
});
