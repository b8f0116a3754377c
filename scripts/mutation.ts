/**
 * npm run mutation [-- [--full] <scope> ...]
 *
 * Mutation testing with StrykerJS (stryker.config.cjs): runs each scope (or the scopes
 * named) one after another, then prints one line per scope, `mutation score <scope>: NN.N%`
 * with the counts behind it, and the runtime errors left outside it, with their causes.
 * A scope's later runs are incremental (only mutants whose code or tests changed run
 * again); --full runs every mutant.
 * Exit status 0 when every scope reached the threshold, 1 when one did not, when some of its
 * mutants could not be run, or when Stryker failed, 2 for an unknown scope.
 * Reports: reports/mutation/<scope>.html and .json.
 * Not part of `npm test` (minutes per scope); CONTRIBUTING.md, "Mutation testing", says when to run it.
 */
import { spawnSync } from "node:child_process";
import { accessSync, constants, readFileSync } from "node:fs";
import * as path from "node:path";

interface Scope {
  description: string;
  mutate: string[];
  tests: string[];
  hideMoto?: boolean;
}

const ROOT = path.resolve(__dirname, "..");
const CONFIG = path.join(ROOT, "stryker.config.cjs");
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS config file named at run time, loaded synchronously
const { SCOPES, THRESHOLD } = (require(CONFIG) as { scopes: { SCOPES: Record<string, Scope>; THRESHOLD: number } }).scopes;

/** The mutants a test could have detected, by outcome: detected (killed or timed out), survived, without coverage. */
function tally(statuses: string[]) {
  const count = (...names: string[]) => statuses.filter((each) => names.includes(each)).length;
  return { detected: count("Killed", "Timeout"), survived: count("Survived"), noCoverage: count("NoCoverage") };
}

/** Killed and timed-out mutants over every mutant a test could have detected (Stryker's mutation score). */
export function mutationScore(statuses: string[]): number | undefined {
  const { detected, survived, noCoverage } = tally(statuses);
  const valid = detected + survived + noCoverage;
  return valid === 0 ? undefined : (100 * detected) / valid;
}

/** The counts behind a score. */
export function scoreCounts(statuses: string[]): string {
  const { detected, survived, noCoverage } = tally(statuses);
  return `${detected} detected, ${survived} survived, ${noCoverage} without coverage`;
}

/** A mutant as Stryker's JSON report gives it: its status and, for a runtime error, what went wrong. */
export interface MutantResult {
  status: string;
  statusReason?: string;
}

/** Why a mutant whose covering tests Stryker could not select by name has no result. */
const UNMEASURED =
  "not measured: Stryker's filter of the covering tests' names is too large for V8 to compile " +
  "(a test name holds a long value: show it with inTitle(), __tests__/helpers/titles.ts)";

/**
 * The runtime errors, which Stryker leaves outside the score, and why they happened: a mutant that
 * breaks a module as it loads is one (detected, but not counted); a test filter V8 cannot compile
 * is another, and then the mutant was not measured at all.
 */
export function runtimeErrors(mutants: MutantResult[]): { lines: string[]; unmeasured: number } {
  const errors = mutants.filter((mutant) => mutant.status === "RuntimeError");
  if (errors.length === 0) return { lines: [], unmeasured: 0 };
  const reasons = new Map<string, number>();
  let unmeasured = 0;
  for (const { statusReason = "" } of errors) {
    const filterTooLarge = statusReason.includes("Regular expression too large");
    if (filterTooLarge) unmeasured++;
    const reason = filterTooLarge ? UNMEASURED : statusReason.split("\n")[0].slice(0, 200);
    reasons.set(reason, (reasons.get(reason) ?? 0) + 1);
  }
  const lines = [`${errors.length} runtime error(s), outside the score:`];
  for (const [reason, count] of reasons) lines.push(`  ${count} x ${reason}`);
  return { lines, unmeasured };
}

/** PATH without the directories that hold a moto_server, so that tests run their in-process cases only. */
export function pathWithoutMoto(pathVariable: string): string {
  return pathVariable
    .split(path.delimiter)
    .filter((dir) => {
      try {
        accessSync(path.join(dir, "moto_server"), constants.X_OK);
        return false;
      } catch {
        return true;
      }
    })
    .join(path.delimiter);
}

interface ScopeRun {
  scope: string;
  score?: number;
  counts?: string;
  runtimeErrors?: ReturnType<typeof runtimeErrors>;
  seconds: number;
  error?: string;
}

function runScope(scope: string, full: boolean): ScopeRun {
  const started = Date.now();
  const env: NodeJS.ProcessEnv = { ...process.env, MUTATION_SCOPE: scope, CHECKPOINT_DISABLE: "1" };
  if (SCOPES[scope].hideMoto) env.PATH = pathWithoutMoto(env.PATH ?? "");
  const stryker = path.join(ROOT, "node_modules", ".bin", "stryker");
  const result = spawnSync(stryker, ["run", CONFIG, ...(full ? ["--force"] : [])], { cwd: ROOT, env, stdio: "inherit" });
  const seconds = (Date.now() - started) / 1000;
  if (result.status !== 0) return { scope, seconds, error: `stryker exited with status ${result.status ?? result.signal}` };
  const report = JSON.parse(readFileSync(path.join(ROOT, "reports", "mutation", `${scope}.json`), "utf8")) as {
    files: Record<string, { mutants: MutantResult[] }>;
  };
  const mutants = Object.values(report.files).flatMap((file) => file.mutants);
  const statuses = mutants.map((mutant) => mutant.status);
  return { scope, seconds, score: mutationScore(statuses), counts: scoreCounts(statuses), runtimeErrors: runtimeErrors(mutants) };
}

function main(): number {
  const args = process.argv.slice(2);
  const full = args.includes("--full");
  const requested = args.filter((arg) => arg !== "--full");
  const unknown = requested.filter((scope) => !(scope in SCOPES));
  if (unknown.length > 0) {
    console.error(`unknown scope ${unknown.join(", ")}; scopes: ${Object.keys(SCOPES).join(", ")}`);
    return 2;
  }
  const runs = (requested.length > 0 ? requested : Object.keys(SCOPES)).map((scope) => runScope(scope, full));
  console.log("");
  let failed = false;
  for (const run of runs) {
    if (run.score === undefined) {
      failed = true;
      console.log(`mutation score ${run.scope}: none (${run.error ?? "no mutants"})`);
      continue;
    }
    if (run.score < THRESHOLD) failed = true;
    // Rounded down, so that a printed 95.0% always passes.
    console.log(`mutation score ${run.scope}: ${(Math.floor(run.score * 10) / 10).toFixed(1)}% (${run.counts})`);
    for (const line of run.runtimeErrors?.lines ?? []) console.log(`  ${line}`);
    // A mutant that was not run cannot count as measured: the scope fails until its tests can be selected.
    if ((run.runtimeErrors?.unmeasured ?? 0) > 0) failed = true;
  }
  for (const run of runs) console.error(`  ${run.scope}: ${Math.round(run.seconds)} s; threshold ${THRESHOLD}%`);
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
