/**
 * npm run versions, offline: Step Functions mocked with aws-sdk-client-mock. Which version
 * is current (the one the live alias routes all or most executions to), which one is the
 * previous (the newest older one), the tfvars lines that roll back to it, and every exit status.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  DescribeStateMachineAliasCommand,
  ListStateMachineVersionsCommand,
  SFNClient,
  SFNServiceException,
} from "@aws-sdk/client-sfn";
import { mockClient } from "aws-sdk-client-mock";
import { analyse, main, rollbackLines, USAGE } from "../../scripts/versions";

const MACHINE = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders-prod-workflow";
const ALIAS = `${MACHINE}:live`;
const version = (number: number) => `${MACHINE}:${number}`;
const created = (number: number) => new Date(Date.UTC(2026, 10, number));
const listed = (...numbers: number[]) =>
  numbers.map((number) => ({ stateMachineVersionArn: version(number), creationDate: created(number) }));

const scratch = mkdtempSync(path.join(tmpdir(), "order-workflow-versions-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));
const outputsFile = path.join(scratch, "outputs.json");
writeFileSync(outputsFile, JSON.stringify({ state_machine_arn: { value: MACHINE }, state_machine_alias_arn: { value: ALIAS } }));

const sfn = mockClient(SFNClient);
beforeEach(() => sfn.reset());

/** The machine has these versions (newest first, as AWS lists them) and the alias these routes. */
function deployed(versions: number[], routes: [number, number][]) {
  sfn.on(ListStateMachineVersionsCommand).resolves({ stateMachineVersions: listed(...versions) });
  sfn.on(DescribeStateMachineAliasCommand).resolves({
    stateMachineAliasArn: ALIAS,
    routingConfiguration: routes.map(([number, weight]) => ({ stateMachineVersionArn: version(number), weight })),
  });
}

async function run(args: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const status = await main(args, { out: (line) => out.push(line), err: (line) => err.push(line), env: {} });
  return { status, out, err };
}

describe("npm run versions", () => {
  test("all executions on the newest version: the previous one is named, with the two tfvars lines, exit 0", async () => {
    deployed([3, 2, 1], [[3, 100]]);
    const { status, out, err } = await run(["--outputs", outputsFile]);
    expect(err).toEqual([]);
    expect(status).toBe(0);
    expect(out).toEqual([
      "state machine orders-prod-workflow: 3 published versions, newest first",
      `  version 3  ${created(3).toISOString()}  live alias: 100%`,
      `  version 2  ${created(2).toISOString()}`,
      `  version 1  ${created(1).toISOString()}`,
      "current version: 3 (100% of new executions)",
      "previous version: 2",
      "to roll back to version 2, set these in the environment's tfvars file (env/<environment>.tfvars) and deploy:",
      "workflow_rollout_percent = 0",
      "workflow_stable_version = 2",
    ]);
    expect(sfn.commandCalls(ListStateMachineVersionsCommand)[0].args[0].input).toMatchObject({ stateMachineArn: MACHINE });
    expect(sfn.commandCalls(DescribeStateMachineAliasCommand)[0].args[0].input).toEqual({ stateMachineAliasArn: ALIAS });
  });

  test("every page of versions is read", async () => {
    sfn
      .on(ListStateMachineVersionsCommand)
      .resolvesOnce({ stateMachineVersions: listed(5, 4), nextToken: "page-2" })
      .resolves({ stateMachineVersions: listed(3) });
    sfn
      .on(DescribeStateMachineAliasCommand)
      .resolves({ routingConfiguration: [{ stateMachineVersionArn: version(4), weight: 100 }] });
    const { status, out } = await run(["--outputs", outputsFile]);
    expect(status).toBe(0);
    expect(out).toContain("previous version: 3");
    expect(sfn.commandCalls(ListStateMachineVersionsCommand)[1].args[0].input).toMatchObject({ nextToken: "page-2" });
  });

  test("during a rollout the current version is the one with most executions; stopping the rollout is named too", async () => {
    deployed(
      [4, 3, 2, 1],
      [
        [4, 10],
        [3, 90],
      ],
    );
    const { status, out } = await run(["--outputs", outputsFile]);
    expect(status).toBe(0);
    expect(out).toContain("current version: 3 (90% of new executions; version 4: 10%)");
    expect(out).toContain(
      "a rollout is under way: workflow_rollout_percent = 0 alone (workflow_stable_version = 3) sends every new execution to version 3",
    );
    expect(out).toContain("previous version: 2");
    expect(out.slice(-2)).toEqual(rollbackLines(2));
  });

  test.each([
    [
      [
        [4, 60],
        [3, 40],
      ] as [number, number][],
      4,
      3,
    ],
    [
      [
        [4, 50],
        [3, 50],
      ] as [number, number][],
      4,
      3,
    ],
    [[[2, 100]] as [number, number][], 2, 1],
  ])("routes %j: current %d, previous %d", (routes, current, previous) => {
    const report = analyse(
      listed(4, 3, 2, 1),
      routes.map(([number, weight]) => ({ stateMachineVersionArn: version(number), weight })),
    );
    expect([report.current?.number, report.previous?.number]).toEqual([current, previous]);
  });

  test("a version the alias routes to but the listing lacks still counts", () => {
    const report = analyse(listed(2, 1), [{ stateMachineVersionArn: version(7), weight: 100 }]);
    expect(report.versions.map((entry) => [entry.number, entry.weight])).toEqual([
      [7, 100],
      [2, 0],
      [1, 0],
    ]);
    expect(report.previous?.number).toBe(2);
  });

  test("the current version is the oldest: nothing to roll back to, exit 1", async () => {
    deployed([1], [[1, 100]]);
    const { status, out } = await run(["--outputs", outputsFile]);
    expect(status).toBe(1);
    expect(out.at(-1)).toBe("previous version: none (version 1 is the oldest published version): nothing to roll back to");
  });

  test("an alias that routes to no version: exit 1, saying so", async () => {
    deployed([2, 1], []);
    const { status, err } = await run(["--outputs", outputsFile]);
    expect([status, err]).toEqual([1, [`the live alias ${ALIAS} routes to no version: nothing to roll back from`]]);
  });

  test("AWS refusing: one line naming the state machine and the error, exit 1", async () => {
    sfn.on(ListStateMachineVersionsCommand).rejects(
      new SFNServiceException({
        name: "AccessDeniedException",
        $fault: "client",
        $metadata: { httpStatusCode: 400, requestId: "r-3" },
        message: "not authorized to perform: states:ListStateMachineVersions",
      }),
    );
    const { status, out, err } = await run(["--outputs", outputsFile]);
    expect([status, out]).toEqual([1, []]);
    expect(err).toEqual([
      `cannot read the versions of ${MACHINE}: AccessDeniedException (HTTP 400, request r-3): not authorized to perform: states:ListStateMachineVersions`,
    ]);
  });

  test("with a stack whose settings file exists (--stack prod, env/prod.tfvars), the file is named", async () => {
    const file = path.join(scratch, "stacks.json");
    const outputs = { state_machine_arn: MACHINE, state_machine_alias_arn: ALIAS };
    writeFileSync(file, JSON.stringify({ dev: outputs, prod: outputs }));
    deployed([2, 1], [[2, 100]]);
    const { status, out } = await run(["--outputs", file, "--stack", "prod"]);
    expect(status).toBe(0);
    expect(out).toContain("to roll back to version 1, set these in env/prod.tfvars and deploy:");
  });
});

describe("arguments and outputs: exit 2 with the problem, then the usage; --help exit 0", () => {
  test.each([
    [["now"], "unexpected argument now"],
    [["--all"], "unknown option --all"],
    [["--outputs"], "--outputs needs a value: --outputs <file>"],
  ])("%j: %s", async (args, message) => {
    expect(await run(args)).toEqual({ status: 2, out: [], err: [message, USAGE] });
    expect(sfn.calls()).toHaveLength(0);
  });

  test("--help prints the usage, exit 0", async () => {
    expect(await run(["--help"])).toEqual({ status: 0, out: [USAGE], err: [] });
  });

  test("outputs of several stacks without --stack, or without the alias: exit 2 naming the problem", async () => {
    const file = path.join(scratch, "two.json");
    const outputs = { state_machine_arn: MACHINE, state_machine_alias_arn: ALIAS };
    writeFileSync(file, JSON.stringify({ dev: outputs, prod: outputs }));
    expect((await run(["--outputs", file])).err).toEqual([
      `cannot read the stack's outputs: ${file} holds several stacks (dev, prod): choose one with --stack <name>`,
    ]);
    writeFileSync(file, JSON.stringify({ state_machine_arn: { value: MACHINE } }));
    expect(await run(["--outputs", file])).toEqual({
      status: 2,
      out: [],
      err: ["cannot read the stack's outputs: the stack outputs have no state_machine_alias_arn"],
    });
  });
});
