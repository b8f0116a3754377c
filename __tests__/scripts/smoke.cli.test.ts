/**
 * `npm run smoke` as typed, against a real HTTP endpoint: a local server that answers every
 * request with an HTML 502 page, as a proxy or load balancer in front of a wrong endpoint
 * does. The real AWS SDK clients talk to it (AWS_ENDPOINT_URL for the spawned command, the
 * `endpoint` option in process), with dummy credentials; nothing reaches AWS. The runs that
 * stop before any AWS call (bad arguments, unreadable outputs, --help) call the command's
 * main in this process and read what it writes and its exit status.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, IncomingMessage, Server } from "node:http";
import { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { EventBridgeClient } from "@aws-sdk/client-eventbridge";
import { LambdaClient } from "@aws-sdk/client-lambda";
import { SFNClient } from "@aws-sdk/client-sfn";
import { SERVICES } from "../../stacks/services";
import { main, parseSmokeArguments, runSmoke, USAGE } from "../../scripts/smoke";
import { spawnCollected } from "../helpers/cli";
import { withEnv, withoutOwnAwsSettings } from "../helpers/env";

const ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:microservices-stepfn-workflow";
const outputs = {
  state_machine_arn: ARN,
  state_machine_alias_arn: `${ARN}:live`,
  ...Object.fromEntries(
    SERVICES.map((service) => [`${service.replace(/-/g, "_")}_function_name`, `microservices-stepfn-${service}`]),
  ),
};
const HTML_PAGE = "<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>\n";
const HTML_FAIL =
  `the endpoint answered HTML, not JSON (HTTP 502, text/html): SyntaxError: Unexpected token '<', "<html><hea"... ` +
  "is not valid JSON";

const scratch = mkdtempSync(path.join(tmpdir(), "order-workflow-smoke-"));
const outputsFile = path.join(scratch, "outputs.json");
// The shape `cdktf deploy --outputs-file` writes.
writeFileSync(outputsFile, JSON.stringify({ "microservices-stepfn": outputs }));

/** What each request asked for: the Lambda path or the JSON protocol's X-Amz-Target. */
const requests: string[] = [];
let server: Server;
let endpoint: string;

beforeAll(async () => {
  server = createServer((request: IncomingMessage, response) => {
    requests.push(String(request.headers["x-amz-target"] ?? request.url));
    request.resume();
    request.on("end", () => {
      response.writeHead(502, { "content-type": "text/html" });
      response.end(HTML_PAGE);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
beforeEach(() => void (requests.length = 0));
afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  rmSync(scratch, { recursive: true, force: true });
});

/** Dummy credentials only: no profile, config file or instance metadata of this machine is read. */
function awsEnvironment(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^AWS_/.test(name) || name === "AWS_CA_BUNDLE"));
  return {
    ...env,
    AWS_ACCESS_KEY_ID: "AKIDEXAMPLE",
    AWS_SECRET_ACCESS_KEY: "dummy-secret",
    AWS_CONFIG_FILE: path.join(scratch, "no-config"),
    AWS_SHARED_CREDENTIALS_FILE: path.join(scratch, "no-credentials"),
    AWS_EC2_METADATA_DISABLED: "true",
    ...extra,
  };
}

/** Asynchronous on purpose: the server answering it runs in this process. */
function npmRunSmoke(args: string[], env: NodeJS.ProcessEnv = awsEnvironment()) {
  return spawnSmoke("npm", ["run", "smoke", "--", ...args], env);
}

/** The script as npm starts it, without npm: node with tsx. */
function nodeSmoke(args: string[], env: NodeJS.ProcessEnv) {
  return spawnSmoke(process.execPath, ["--import", "tsx", path.join("scripts", "smoke.ts"), ...args], env);
}

function spawnSmoke(command: string, args: string[], env: NodeJS.ProcessEnv) {
  return spawnCollected(command, args, { env });
}

/**
 * The command's main in this process: what it writes, and its exit status. Meanwhile the
 * process has the spawned runs' AWS settings (dummy credentials, AWS_ENDPOINT_URL at the
 * HTML server), so that any client it made would call the server, where `requests` sees it.
 */
async function smokeMain(args: string[]) {
  const aws = Object.entries(awsEnvironment({ AWS_ENDPOINT_URL: endpoint })).filter(([name]) => name.startsWith("AWS_"));
  let stdout = "";
  let stderr = "";
  const status = await withEnv({ ...withoutOwnAwsSettings(), ...Object.fromEntries(aws) }, () =>
    main(args, { stdout: (text) => void (stdout += text), stderr: (text) => void (stderr += text) }),
  );
  return { status, stdout, stderr };
}

describe("npm run smoke against an endpoint that answers an HTML 502 page", () => {
  test("AWS_ENDPOINT_URL: a FAIL line per step naming the HTML answer and its status, exit 1, no stack trace", async () => {
    const { status, stdout, stderr } = await npmRunSmoke(
      ["--outputs", outputsFile],
      awsEnvironment({ AWS_ENDPOINT_URL: endpoint }),
    );
    expect(stdout.split("\n").filter((line) => /^(PASS|FAIL)/.test(line))).toEqual([
      ...SERVICES.map((service) => `FAIL  invoke microservices-stepfn-${service}: ${HTML_FAIL}`),
      `FAIL  start-execution (sample order, live alias): ${HTML_FAIL}`,
      `FAIL  put-events (Order Submitted): ${HTML_FAIL}`,
      "FAIL  sample order execution completes: not started: start-execution failed",
      "FAIL  event execution completes: not started: put-events failed",
    ]);
    expect(status).toBe(1);
    expect(stdout + stderr).not.toContain("    at ");
    expect(stderr).not.toContain("Unexpected token");
    // The real clients went to the server (the SDK retries a 502: each call at least once).
    expect(new Set(requests)).toEqual(
      new Set([
        ...SERVICES.map((service) => `/2015-03-31/functions/microservices-stepfn-${service}/invocations`),
        "AWSStepFunctions.StartExecution",
        "AWSEvents.PutEvents",
      ]),
    );
  });

  test("the `endpoint` client option: the real SDK's deserialization error reads as the mocked one in scripts/smoke.test.ts", async () => {
    const config = {
      region: "eu-west-1",
      endpoint,
      credentials: { accessKeyId: "AKIDEXAMPLE", secretAccessKey: "dummy-secret" },
      maxAttempts: 1,
    };
    const clients = { lambda: new LambdaClient(config), sfn: new SFNClient(config), events: new EventBridgeClient(config) };
    const results = await runSmoke({ outputs, clients, runId: "1", sleep: async () => undefined });
    expect(results.map((result) => result.detail)).toEqual([
      ...SERVICES.map(() => HTML_FAIL),
      HTML_FAIL,
      HTML_FAIL,
      "not started: start-execution failed",
      "not started: put-events failed",
    ]);
    expect(requests).toHaveLength(SERVICES.length + 2);
  });
});

describe("npm run smoke with bad arguments: one line on stderr, exit 2, no AWS call", () => {
  test.each([
    [["--outputs", "OUTPUTS", "--x"], "unknown option --x"],
    [["--outputs"], "--outputs needs a file: --outputs <file>"],
    [["--outputs", "--timeout", "5"], "--outputs needs a file: --outputs <file>"],
    [["--outputs", "OUTPUTS", "--timeout", "0"], "--timeout needs a positive number of seconds, got 0"],
    [["--outputs", "OUTPUTS", "--timeout", "-5"], "--timeout needs a positive number of seconds, got -5"],
    [["--outputs", "OUTPUTS", "--timeout", "soon"], "--timeout needs a positive number of seconds, got soon"],
    [["--outputs", "OUTPUTS", "--timeout"], "--timeout needs a positive number of seconds, got nothing"],
    [["OUTPUTS"], "unexpected argument OUTPUTS"],
    [["--outputs", "OUTPUTS", "--stack"], "--stack needs a name: --stack <name>"],
  ])("%j: %s", async (args, message) => {
    const resolved = args.map((arg) => arg.replace("OUTPUTS", outputsFile));
    const { status, stdout, stderr } = await smokeMain(resolved);
    expect(status).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([`${message.replace("OUTPUTS", outputsFile)} (usage: ${USAGE})`]);
    expect(stdout).not.toMatch(/PASS|FAIL/);
    expect(requests).toEqual([]);
  });

  test("an outputs file that does not exist is named, exit 2", async () => {
    const { status, stderr } = await smokeMain(["--outputs", path.join(scratch, "missing.json")]);
    expect(status).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([
      `cannot read the stack's outputs (deploy first, or pass --outputs <file>): cannot read ${path.join(scratch, "missing.json")}: no such file`,
    ]);
  });

  test("an outputs file of several stacks (one per environment) without --stack: exit 2 naming them, no AWS call", async () => {
    const twoStacks = path.join(scratch, "two-stacks.json");
    writeFileSync(twoStacks, JSON.stringify({ dev: outputs, prod: outputs }));
    const { status, stderr } = await smokeMain(["--outputs", twoStacks]);
    expect(status).toBe(2);
    expect(stderr.trim().split("\n")).toEqual([
      `cannot read the stack's outputs (deploy first, or pass --outputs <file>): ${twoStacks} holds several stacks (dev, prod): choose one with --stack <name>`,
    ]);
    expect(requests).toEqual([]);
    // With --stack the run goes on to AWS (here the HTML server), from a process of its own.
    const chosen = await nodeSmoke(["--outputs", twoStacks, "--stack", "prod"], awsEnvironment({ AWS_ENDPOINT_URL: endpoint }));
    expect(chosen.status).toBe(1);
    expect(requests.length).toBeGreaterThan(0);
  });

  test("--help prints the usage on stdout, exit 0", async () => {
    const { status, stdout } = await smokeMain(["--help"]);
    expect(status).toBe(0);
    expect(stdout).toContain(USAGE);
  });

  test("parsing: both spellings of each option", () => {
    expect(parseSmokeArguments(["--outputs", "a.json", "--timeout", "30"])).toEqual({
      help: false,
      outputs: "a.json",
      timeoutSeconds: 30,
    });
    expect(parseSmokeArguments(["--outputs=a.json", "--timeout=1.5"])).toEqual({
      help: false,
      outputs: "a.json",
      timeoutSeconds: 1.5,
    });
    expect(parseSmokeArguments([])).toEqual({ help: false, timeoutSeconds: 180 });
    expect(parseSmokeArguments(["--stack", "prod"])).toEqual({ help: false, stack: "prod", timeoutSeconds: 180 });
    expect(parseSmokeArguments(["--stack=dev"])).toEqual({ help: false, stack: "dev", timeoutSeconds: 180 });
  });
});
