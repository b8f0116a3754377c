/**
 * npm run versions [-- --outputs <file>] [--stack <name>]
 *
 * Names the version to roll back to, without guesswork: lists the state machine's published
 * versions (ListStateMachineVersions, output `state_machine_arn`), what the live alias
 * routes to and with what weight (DescribeStateMachineAlias, output
 * `state_machine_alias_arn`), and prints "previous version: N", the newest version older
 * than the one the alias routes all or most new executions to, with the tfvars lines that
 * roll back to it (docs/recovery.md, "Rolling back").
 *
 * Exit status: 0 a previous version is named; 1 there is none (the current version is the
 * oldest), the alias routes to no version, or AWS failed; 2 bad arguments or unreadable outputs.
 */
import { existsSync } from "node:fs";
import * as path from "node:path";
import {
  DescribeStateMachineAliasCommand,
  ListStateMachineVersionsCommand,
  SFNClient,
  StateMachineVersionListItem,
} from "@aws-sdk/client-sfn";
import { describeError } from "./aws-errors";
import {
  clientConfig,
  CommandIO,
  OUTPUT_OPTIONS,
  OUTPUT_OPTIONS_USAGE,
  parseArguments,
  runAsScript,
  UsageError,
  withExitStatus,
} from "./command-line";
import { readStackOutputs, regionOf, requireArnOutput } from "./stack-outputs";

export const USAGE = `usage: npm run versions [-- ${OUTPUT_OPTIONS_USAGE.slice(1)}`;

const PROJECT_ROOT = path.resolve(__dirname, "..");

export interface Version {
  number: number;
  arn: string;
  created?: Date;
  /** The live alias's weight for it, 0 when it routes nothing there. */
  weight: number;
}

export interface VersionReport {
  versions: Version[];
  /** The version the alias routes all or most new executions to (the newer one on a tie). */
  current?: Version;
  /** The newest version older than current. */
  previous?: Version;
}

/** The number of a version ARN (`...:stateMachine:<name>:<number>`). */
export function versionNumberOf(arn: string): number {
  const number = Number(arn.split(":").pop());
  return Number.isInteger(number) ? number : NaN;
}

/** The versions newest first with the alias's weights, the current version and the one before it. */
export function analyse(listed: StateMachineVersionListItem[], routes: { stateMachineVersionArn?: string; weight?: number }[]) {
  const weightOf = new Map(routes.map((route) => [versionNumberOf(route.stateMachineVersionArn ?? ""), route.weight ?? 0]));
  const versions: Version[] = listed
    .map((item) => ({
      number: versionNumberOf(item.stateMachineVersionArn ?? ""),
      arn: item.stateMachineVersionArn ?? "",
      created: item.creationDate,
      weight: 0,
    }))
    .filter((version) => Number.isInteger(version.number))
    .map((version) => ({ ...version, weight: weightOf.get(version.number) ?? 0 }))
    .sort((a, b) => b.number - a.number);
  // Routes to versions the listing lacks (deleted since?) still say what is live.
  for (const [number, weight] of weightOf) {
    if (Number.isInteger(number) && !versions.some((version) => version.number === number)) {
      const arn = routes.find((route) => versionNumberOf(route.stateMachineVersionArn ?? "") === number)!.stateMachineVersionArn!;
      versions.push({ number, arn, weight });
    }
  }
  versions.sort((a, b) => b.number - a.number);
  const routed = versions.filter((version) => version.weight > 0);
  const current = routed.reduce<Version | undefined>(
    (best, version) => (!best || version.weight > best.weight ? version : best),
    undefined,
  );
  const previous = current ? versions.find((version) => version.number < current.number) : undefined;
  return { versions, current, previous } satisfies VersionReport;
}

/** The tfvars lines that send every new execution to `version`. */
export function rollbackLines(version: number): string[] {
  return ["workflow_rollout_percent = 0", `workflow_stable_version = ${version}`];
}

export async function main(args: string[], io: CommandIO): Promise<number> {
  return withExitStatus(USAGE, io, async () => {
    const parsed = parseArguments(args, { values: OUTPUT_OPTIONS });
    if (parsed.help) {
      io.out(USAGE);
      return 0;
    }
    if (parsed.positionals.length > 0) throw new UsageError(`unexpected argument ${parsed.positionals[0]}`);
    const { outputs, stack } = readStackOutputs(
      { outputsFile: parsed.values["--outputs"], stack: parsed.values["--stack"] },
      { env: io.env },
    );
    const stateMachineArn = requireArnOutput(outputs, "state_machine_arn");
    const aliasArn = requireArnOutput(outputs, "state_machine_alias_arn");
    const sfn = new SFNClient(clientConfig(regionOf(stateMachineArn)));

    const listed: StateMachineVersionListItem[] = [];
    let routes;
    try {
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn, nextToken, maxResults: 1000 }));
        listed.push(...(page.stateMachineVersions ?? []));
        nextToken = page.nextToken;
      } while (nextToken);
      routes =
        (await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: aliasArn }))).routingConfiguration ?? [];
    } catch (error) {
      io.err(`cannot read the versions of ${stateMachineArn}: ${describeError(error)}`);
      return 1;
    }
    const { versions, current, previous } = analyse(listed, routes);
    io.out(`state machine ${stateMachineArn.split(":").pop()}: ${versions.length} published versions, newest first`);
    for (const version of versions) {
      const live = version.weight > 0 ? `  live alias: ${version.weight}%` : "";
      io.out(`  version ${version.number}  ${version.created?.toISOString() ?? "(not listed)"}${live}`);
    }
    if (!current) {
      io.err(`the live alias ${aliasArn} routes to no version: nothing to roll back from`);
      return 1;
    }
    const shared = versions.filter((version) => version.weight > 0 && version !== current);
    io.out(
      `current version: ${current.number} (${current.weight}% of new executions${shared.map((version) => `; version ${version.number}: ${version.weight}%`).join("")})`,
    );
    if (shared.length > 0) {
      // A rollout shares new executions between the version it published and an older, stable one.
      const stable = Math.min(current.number, ...shared.map((version) => version.number));
      io.out(
        `a rollout is under way: workflow_rollout_percent = 0 alone (workflow_stable_version = ${stable}) sends every new execution to version ${stable}`,
      );
    }
    if (!previous) {
      io.out(`previous version: none (version ${current.number} is the oldest published version): nothing to roll back to`);
      return 1;
    }
    io.out(`previous version: ${previous.number}`);
    const file =
      stack && existsSync(path.join(PROJECT_ROOT, "env", `${stack}.tfvars`))
        ? `env/${stack}.tfvars`
        : "the environment's tfvars file (env/<environment>.tfvars)";
    io.out(`to roll back to version ${previous.number}, set these in ${file} and deploy:`);
    for (const line of rollbackLines(previous.number)) io.out(line);
    return 0;
  });
}

if (require.main === module) runAsScript(main);
