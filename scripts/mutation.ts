/**
 * npm run mutation [-- [--full] <scope> ...]
 *
 * Mutation testing with StrykerJS (stryker.config.cjs): runs each scope (or the scopes
 * named) one after another, then prints one line per scope, `mutation score <scope>: NN.N%`.
 * A scope's later runs are incremental (only mutants whose code or tests changed run
 * again); --full runs every mutant.
 * Exit status 0 when every scope reached the threshold, 1 when one did not or Stryker
 * failed, 2 for an unknown scope. Reports: reports/mutation/<scope>.html and .json.
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

/** Killed and timed-out mutants over every mutant a test could have detected (Stryker's mutation score). */
export function mutationScore(statuses: string[]): number | undefined {
  const count = (status: string) => statuses.filter((each) => each === status).length;
  const detected = count("Killed") + count("Timeout");
  const valid = detected + count("Survived") + count("NoCoverage");
  return valid === 0 ? undefined : (100 * detected) / valid;
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
    files: Record<string, { mutants: { status: string }[] }>;
  };
  const statuses = Object.values(report.files).flatMap((file) => file.mutants.map((mutant) => mutant.status));
  return { scope, seconds, score: mutationScore(statuses) };
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
    console.log(`mutation score ${run.scope}: ${(Math.floor(run.score * 10) / 10).toFixed(1)}%`);
  }
  for (const run of runs) console.error(`  ${run.scope}: ${Math.round(run.seconds)} s; threshold ${THRESHOLD}%`);
  return failed ? 1 : 0;
}

if (require.main === module) process.exitCode = main();
