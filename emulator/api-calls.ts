/**
 * The AWS provider's API calls during the lifecycle, as the emulator recorded them
 * (emulator/moto/recorder.py), and the check that the deploying identity's policies
 * (stacks/deployer-permissions.ts, docs/deploying-identity.md) allow every one of them.
 *
 * The lifecycle calls three things here: `file` (handed to the emulator, which appends one
 * JSON line per provider request), `before(...)` around each Terraform command's environment
 * (a marker line naming the command, and a tag the provider adds to its User-Agent through
 * TF_APPEND_USER_AGENT, so that a plan's calls are told from an apply's even when commands
 * run side by side), and `check()` as its last phase.
 */
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import {
  allows,
  APPLY_ACTIONS,
  iamActionOf,
  NO_PERMISSION_NEEDED,
  PLAN_ACTIONS,
  RECORDED_ON_EMULATOR,
  serviceOfAction,
} from "../stacks/deployer-permissions";

/** One provider request, as recorder.py writes it. */
export interface RecordedCall {
  service: string | null;
  signingName: string | null;
  operation: string | null;
  method: string;
  path: string;
  status?: number;
  userAgent: string;
  error?: string;
}

/** The lifecycle's line before a Terraform command: the calls after it, up to the next marker, are that command's. */
export interface CommandMarker {
  marker: string;
  /** The tag the command's provider adds to its User-Agent: its calls carry it. */
  tag?: string;
  /** What the command's calls are checked against: the plan policy or the apply policy. */
  policy: "plan" | "apply";
  phase: string;
}

/** A call with the command it belongs to and the IAM action it needs. */
export interface AttributedCall extends RecordedCall {
  policy: "plan" | "apply";
  command: string;
  phase: string;
  action: string | undefined;
}

/** `terraform plan` is checked against the plan policy; every other command (apply, destroy, cdktf deploy) against apply's. */
export function policyOfCommand(command: string): "plan" | "apply" {
  return command === "plan" ? "plan" : "apply";
}

/** The tag of a command in a User-Agent, as TF_APPEND_USER_AGENT put it there. */
const TAG_PATTERN = /\blifecycle-command\/(\d+)\b/;

/**
 * Each call with its command: the one whose tag its User-Agent carries, else the marker
 * before it (calls before the first marker count as apply's: the wider policy is no excuse).
 */
export function attribute(lines: (RecordedCall | CommandMarker)[]): AttributedCall[] {
  let current: CommandMarker = { marker: "(before any command)", policy: "apply", phase: "" };
  const byTag = new Map<string, CommandMarker>();
  const calls: AttributedCall[] = [];
  for (const line of lines) {
    if ("marker" in line) {
      current = line;
      if (line.tag) byTag.set(line.tag, line);
      continue;
    }
    const tagged = byTag.get(TAG_PATTERN.exec(line.userAgent)?.[1] ?? "");
    const command = tagged ?? current;
    calls.push({
      ...line,
      policy: command.policy,
      command: command.marker,
      phase: command.phase,
      action: line.service && line.operation ? iamActionOf(line.service, line.operation) : undefined,
    });
  }
  return calls;
}

export function readLog(file: string): (RecordedCall | CommandMarker)[] {
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as RecordedCall | CommandMarker);
}

export interface CheckResult {
  calls: AttributedCall[];
  /** One sentence per problem; empty when the policies allow every call and the recorded marks hold. */
  problems: string[];
  /** Distinct actions, by the policy their calls were checked against. */
  planActions: string[];
  applyActions: string[];
}

/**
 * Every call must be named (service and operation) and allowed: a plan's by the plan policy,
 * every other by the apply policy. And the catalogue's marks must hold both ways: each action
 * marked as recorded on the emulator was called (in a plan when so marked), and each action
 * called is so marked. One sentence per problem, naming the commands it happened in.
 */
export function checkCalls(lines: (RecordedCall | CommandMarker)[]): CheckResult {
  const calls = attribute(lines);
  const problems = new Map<string, Set<string>>();
  const problem = (sentence: string, where?: string) => {
    if (!problems.has(sentence)) problems.set(sentence, new Set());
    if (where) problems.get(sentence)!.add(where);
  };
  const planActions = new Set<string>();
  const applyActions = new Set<string>();
  for (const call of calls) {
    const where = call.phase ? `${call.command} (${call.phase})` : call.command;
    if (!call.action) {
      problem(`an unnamed call: ${call.method} ${call.path} (${call.service ?? "unknown service"})`, where);
      continue;
    }
    (call.policy === "plan" ? planActions : applyActions).add(call.action);
    if (NO_PERMISSION_NEEDED.has(call.action)) continue;
    if (!allows(call.policy === "plan" ? PLAN_ACTIONS : APPLY_ACTIONS, call.action)) {
      problem(`${call.service} ${call.operation} needs ${call.action}, which the ${call.policy} policy lacks`, where);
    }
  }
  for (const [action, phase] of RECORDED_ON_EMULATOR) {
    if (!planActions.has(action) && !applyActions.has(action)) {
      problem(`${action} is marked as recorded on the emulator, but the provider never called it`);
    } else if (phase === "plan" && !planActions.has(action)) {
      problem(`${action} is marked as recorded in a plan, but only applies called it`);
    }
  }
  for (const action of new Set([...planActions, ...applyActions])) {
    const marked = RECORDED_ON_EMULATOR.get(action);
    if (!marked) problem(`${action} was called but is not marked in RECORDED_ON_EMULATOR (stacks/deployer-permissions.ts)`);
    else if (marked === "apply" && planActions.has(action))
      problem(`${action} was called in a plan but is marked as recorded in applies only`);
  }
  return {
    calls,
    problems: [...problems].map(([sentence, where]) => (where.size > 0 ? `${sentence} (in ${[...where].join(", ")})` : sentence)),
    planActions: [...planActions].sort(),
    applyActions: [...applyActions].sort(),
  };
}

/** The calls as a short list: `plan: states:DescribeStateMachine x3, ...`, by service. */
export function describeCalls(calls: AttributedCall[]): string {
  const lines: string[] = [];
  for (const policy of ["plan", "apply"] as const) {
    const counts = new Map<string, number>();
    for (const call of calls.filter((candidate) => candidate.policy === policy)) {
      const key = `${call.service} ${call.operation} -> ${call.action ?? "?"}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    lines.push(`${policy}:`);
    for (const [key, count] of [...counts].sort(([a], [b]) => a.localeCompare(b))) lines.push(`  ${key} x${count}`);
  }
  return lines.join("\n");
}

/** The recording of one lifecycle run. */
export class ApiCallLog {
  readonly file: string;

  /** In the work directory, or where E2E_API_CALL_LOG names (kept after the run). */
  constructor(workDir: string, env: NodeJS.ProcessEnv = process.env) {
    this.file = env.E2E_API_CALL_LOG ? path.resolve(env.E2E_API_CALL_LOG) : path.join(workDir, "api-calls.jsonl");
    mkdirSync(path.dirname(this.file), { recursive: true });
    writeFileSync(this.file, "");
  }

  private commands = 0;

  /**
   * Marks the Terraform command about to run, and hands back its environment with a tag the
   * provider adds to every request's User-Agent (TF_APPEND_USER_AGENT): its calls are its own
   * even while other commands run.
   */
  before(command: string, phase: string, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
    const tag = String(++this.commands);
    const marker: CommandMarker = { marker: command, tag, policy: policyOfCommand(command), phase };
    appendFileSync(this.file, `${JSON.stringify(marker)}\n`);
    const appended = [env.TF_APPEND_USER_AGENT, `lifecycle-command/${tag}`].filter(Boolean).join(" ");
    return { ...env, TF_APPEND_USER_AGENT: appended };
  }

  /** The lifecycle's phase: fails naming every call the policies do not allow. */
  async check(): Promise<{ value: undefined; summary: string }> {
    const result = checkCalls(readLog(this.file));
    if (result.calls.length === 0) throw new Error(`the emulator recorded no call of the AWS provider in ${this.file}`);
    if (result.problems.length > 0) throw new Error(result.problems.join("; "));
    const services = new Set([...result.planActions, ...result.applyActions].map(serviceOfAction));
    const plans = result.calls.filter((call) => call.policy === "plan").length;
    return {
      value: undefined,
      summary: `${result.calls.length} provider calls (${plans} in plans) on ${services.size} services, ${result.planActions.length} actions in plans and ${result.applyActions.length} in applies: all allowed`,
    };
  }
}
