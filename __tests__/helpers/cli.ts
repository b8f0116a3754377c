/** The local CLIs (npm run workflow, npm run invoke) run as typed, in a process or in-process. */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { CliIO } from "../../local/cli-input";
import { PROJECT_ROOT } from "../../stacks/bundle";

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A command in a process of its own, without blocking the test's event loop (an emulator may be answering it). */
export function spawnCollected(command: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}) {
  return new Promise<Run>((resolve, reject) => {
    const child = spawn(command, args, { cwd: options.cwd ?? PROJECT_ROOT, env: options.env ?? process.env });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
  });
}

/** The script in a process of its own, as `npm run` starts it: node with tsx, in the project folder. */
export function spawnScript(script: string, args: string[]): Run {
  const result = spawnSync(process.execPath, ["--import", "tsx", path.join("local", script), ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    env: { ...process.env, LOG_LEVEL: "INFO", CHECKPOINT_DISABLE: "1" },
    timeout: 60000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** `npm run --silent <script> -- <args>`, exactly as typed (--silent: no npm banner on stdout). */
export function npmRun(script: string, args: string[]): Run {
  const result = spawnSync("npm", ["run", "--silent", script, "--", ...args], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 60000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The command's main in this process, from the project folder: what it wrote, and its exit status. */
export async function runMain(main: (args: string[], io: CliIO) => Promise<number>, args: string[]): Promise<Run> {
  let stdout = "";
  let stderr = "";
  const status = await main(args, {
    stdout: (text) => void (stdout += text),
    stderr: (text) => void (stderr += text),
    cwd: PROJECT_ROOT,
  });
  return { status, stdout, stderr };
}

/** A scratch folder for the test file's inputs, removed after its tests; file() writes one. */
export function scratchFiles(): (name: string, content: string) => string {
  const scratch = mkdtempSync(path.join(tmpdir(), "order-workflow-cli-"));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));
  return (name, content) => {
    const target = path.join(scratch, name);
    writeFileSync(target, content);
    return target;
  };
}
