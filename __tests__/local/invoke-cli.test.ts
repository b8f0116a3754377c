/**
 * npm run invoke (local/invoke-cli.ts): one handler, like aws lambda invoke.
 */
import { npmRun, runMain, scratchFiles, spawnScript } from "../helpers/cli";
import { main as invokeMain } from "../../local/invoke-cli";

const invoke = (args: string[]) => runMain(invokeMain, args);

const file = scratchFiles();

describe("npm run invoke", () => {
  test("the recipe's user-service payload prints the profile", async () => {
    const { status, stdout } = await invoke(["user-service", "examples/user-service.json"]);
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toEqual({
      userId: "test123",
      name: "Customer test123",
      email: "test123@example.com",
      creditScore: 830,
    });
  });

  test("a thrown error prints {errorType, errorMessage} as Lambda reports it, exit 1; logs go to stderr (a process of its own)", () => {
    const payload = file("bad-order.json", JSON.stringify({ orderData: { items: [] }, userData: { userId: "u" } }));
    const { status, stdout, stderr } = spawnScript("invoke-cli.ts", ["order-service", payload]);
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
  ])("%j names the problem in one line on stderr, then the usage; exit 2", async (args, message) => {
    const { status, stdout, stderr } = await invoke(args);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim().split("\n")).toEqual([message, "Usage: npm run invoke -- <service> <payload.json>"]);
  });

  test("issue 12's command line, through npm as typed: the extra option is named", () => {
    const result = npmRun("invoke", ["user-service", "examples/user-service.json", "--x"]);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe(
      "unknown option --x (the only option is --help)\nUsage: npm run invoke -- <service> <payload.json>\n",
    );
  });

  test("a payload file that does not exist is named, exit 2", async () => {
    const { status, stdout, stderr } = await invoke(["user-service", "examples/nope.json"]);
    expect(status).toBe(2);
    expect(stdout).toBe("");
    expect(stderr.trim()).toBe("no such file: examples/nope.json");
  });

  test("--help prints the usage and the five services on stdout, exit 0", async () => {
    const { status, stdout, stderr } = await invoke(["--help"]);
    expect(status).toBe(0);
    expect(stdout).toMatch(/^Usage: npm run invoke -- <service> <payload.json>\n/);
    expect(stdout).toContain(`one of: ${FIVE}`);
    expect(stderr).toBe("");
  });
});
