/**
 * npm run dlq, compensate and versions: the exit status and the lines on stdout and stderr
 * for --help, a bad argument, outputs of several stacks, and an AWS endpoint that does not
 * answer (one line, no stack trace). That last one runs as typed, in a process of its own,
 * with dummy credentials; nothing reaches AWS. The others stop before any AWS client is
 * made: they call the command's main in this process, as its script does.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { functionOutput } from "../../stacks/order-workflow-stack";
import { SERVICES } from "../../stacks/services";
import { CommandIO } from "../../scripts/command-line";
import { main as compensateMain, USAGE as COMPENSATE_USAGE } from "../../scripts/compensate";
import { main as dlqMain, USAGE as DLQ_USAGE } from "../../scripts/dlq";
import { main as versionsMain, USAGE as VERSIONS_USAGE } from "../../scripts/versions";
import { spawnCollected } from "../helpers/cli";
import { withEnv, withoutOwnAwsSettings } from "../helpers/env";

const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders-prod-workflow";
const OUTPUTS = {
  state_machine_arn: MACHINE,
  state_machine_alias_arn: `${MACHINE}:live`,
  dead_letter_queue_url: "https://sqs.eu-west-1.amazonaws.com/123456789012/orders-prod-trigger-dlq",
  orders_table_name: "orders-prod-orders",
  ...Object.fromEntries(SERVICES.map((service) => [functionOutput(service, "name"), `orders-prod-${service}`])),
};
const scratch = mkdtempSync(path.join(tmpdir(), "order-workflow-recovery-cli-"));
const outputsFile = path.join(scratch, "outputs.json");
const twoStacks = path.join(scratch, "two-stacks.json");
writeFileSync(outputsFile, JSON.stringify({ prod: OUTPUTS }));
writeFileSync(twoStacks, JSON.stringify({ dev: OUTPUTS, prod: OUTPUTS }));
let closedPort: number;

beforeAll(async () => {
  // A port nothing listens on: every AWS call is refused.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  closedPort = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
});
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Dummy credentials, no profile or config file of this machine, and an endpoint that refuses every call. */
function awsSettings(): Record<string, string> {
  return {
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "dummy-secret",
    AWS_CONFIG_FILE: path.join(scratch, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_ENDPOINT_URL: `http://127.0.0.1:${closedPort}`,
    AWS_MAX_ATTEMPTS: "1",
  };
}

function npmRun(script: string, args: string[]) {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith("AWS_")));
  return spawnCollected("npm", ["run", "--silent", script, "--", ...args], { env: { ...env, ...awsSettings() } });
}

/**
 * The command's main in this process, as its script runs it: the lines it writes, and its
 * exit status. Meanwhile the process has the spawned runs' AWS settings, so that an AWS
 * client made by mistake would be refused too, never reach AWS.
 */
async function runMain(main: (args: string[], io: CommandIO) => Promise<number>, args: string[]) {
  let stdout = "";
  let stderr = "";
  const io: CommandIO = {
    out: (line) => void (stdout += `${line}\n`),
    err: (line) => void (stderr += `${line}\n`),
    env: process.env,
  };
  const status = await withEnv({ ...withoutOwnAwsSettings(), ...awsSettings() }, () => main(args, io));
  return { status, stdout, stderr };
}

const lines = (text: string) => text.trim().split("\n");

describe.each([
  ["dlq", dlqMain, DLQ_USAGE, ["list"], ["replay", "--now"], "unknown option --now"],
  ["compensate", compensateMain, COMPENSATE_USAGE, ["ord-1"], [], "an order id is needed"],
  ["versions", versionsMain, VERSIONS_USAGE, [], ["all"], "unexpected argument all"],
] as const)("npm run %s", (script, main, usage, valid, bad, problem) => {
  test("--help: the usage on stdout, exit 0", async () => {
    const { status, stdout, stderr } = await runMain(main, ["--help"]);
    expect([status, stdout.trim(), stderr]).toEqual([0, usage, ""]);
  });

  test(`a bad argument: "${problem}", then the usage, on stderr; exit 2`, async () => {
    const { status, stdout, stderr } = await runMain(main, [...bad, "--outputs", outputsFile]);
    expect([status, stdout]).toEqual([2, ""]);
    expect(lines(stderr)).toEqual([problem, ...lines(usage)]);
  });

  test("outputs of two stacks without --stack: exit 2 naming them", async () => {
    const { status, stderr } = await runMain(main, [...valid, "--outputs", twoStacks]);
    expect(status).toBe(2);
    expect(lines(stderr)).toEqual([
      `cannot read the stack's outputs: ${twoStacks} holds several stacks (dev, prod): choose one with --stack <name>`,
    ]);
  });

  test("AWS not answering, as typed: one line naming the error, no stack trace, exit 1", async () => {
    const { status, stdout, stderr } = await npmRun(script, [...valid, "--outputs", twoStacks, "--stack", "prod"]);
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(lines(stderr)).toEqual([
      expect.stringMatching(/^cannot read .*: \S+ (ECONNREFUSED )?\(no HTTP answer\): .*ECONNREFUSED/),
    ]);
    expect(stderr).not.toContain("    at ");
  });
});
