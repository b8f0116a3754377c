/**
 * For the emulator tests: whether they can run here (moto, terraform and a provider
 * mirror), and `npm run e2e` as a child process in a process group of its own that the
 * test ends, whatever happens to the test (a failure, a jest timeout).
 */
import { ChildProcess, spawn } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { findLambdaNode, findMoto } from "../../emulator/server";
import { findToolchain } from "../../scripts/terraform-toolchain";

/** Undefined when the emulator tests can run; otherwise why not (printed as SKIPPED, never a silent pass). */
export function emulatorSkipReason(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const { reason: motoMissing } = findMoto(env);
  if (motoMissing) return motoMissing;
  const node = findLambdaNode(env);
  if ("reason" in node) return node.reason;
  return findToolchain(env).reason;
}

export interface E2eRun {
  child: ChildProcess;
  /** Everything written so far. */
  output: () => { stdout: string; stderr: string };
  done: Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Ends the whole process group (npm, the e2e command and whatever it started). */
  kill(signal?: NodeJS.Signals): void;
}

const running = new Set<E2eRun>();

export function startE2e(args: string[], env: NodeJS.ProcessEnv = process.env): E2eRun {
  const child = spawn("npm", ["run", "--silent", "e2e", "--", ...args], {
    cwd: PROJECT_ROOT,
    env: { ...env, E2E_WATCH_STDIN: "1", CHECKPOINT_DISABLE: "1" },
    // stdin stays a pipe: when this process goes, the e2e command sees it close and stops.
    stdio: ["pipe", "pipe", "pipe"],
    detached: true,
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (chunk) => (stdout += chunk));
  child.stderr.on("data", (chunk) => (stderr += chunk));
  const run: E2eRun = {
    child,
    output: () => ({ stdout, stderr }),
    done: new Promise((resolve) =>
      child.on("close", (status, signal) => {
        // The pipe this side holds would otherwise keep the jest worker alive.
        child.stdin?.destroy();
        running.delete(run);
        resolve({ status, signal, stdout, stderr });
      }),
    ),
    kill(signal: NodeJS.Signals = "SIGTERM") {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    },
  };
  running.add(run);
  return run;
}

/** For afterAll: every e2e run still going gets SIGTERM (it stops Terraform and the emulator), then SIGKILL. */
export async function stopE2eRuns(): Promise<void> {
  const runs = [...running];
  for (const run of runs) run.kill("SIGTERM");
  const killer = setTimeout(() => runs.forEach((run) => run.kill("SIGKILL")), 10000);
  await Promise.all(runs.map((run) => run.done));
  clearTimeout(killer);
}

/** Resolves when `text` appears on the run's stderr (progress lines). */
export async function waitForProgress(run: E2eRun, text: string | RegExp, timeoutMs = 60000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const seen = () => (typeof text === "string" ? run.output().stderr.includes(text) : text.test(run.output().stderr));
  while (!seen()) {
    if (run.child.exitCode !== null || Date.now() > deadline) {
      throw new Error(`never saw ${text} in: ${run.output().stderr.slice(-2000)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** True while the process runs; an exited process not yet reaped (a zombie) does not count. */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    if (existsSync("/proc/self/stat")) return false;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/** The last line of the report: E2E PASSED, or E2E FAILED in phase "...": why. */
export function verdictLine(stdout: string): string {
  return stdout.trim().split("\n").pop() ?? "";
}
