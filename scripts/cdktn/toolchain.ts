/**
 * What the CDK Terrain check needs besides the project: Node.js 22 (cdktn-cli 0.24 refuses
 * older) and the migrated project's packages. Both come from the npm registry (the
 * node-<platform>-<arch> package carries the Node.js binary in its bin/), and both are
 * cached under .cache/cdktn/ (gitignored) so that a second run installs nothing.
 */
import { spawnSync, SpawnSyncOptions } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { NODE22_VERSION } from "../node22.cjs";

/** Node.js 22 from the npm registry: the project's one pin (scripts/node22.cjs), so that the cache stays valid. */
export { NODE22_VERSION };
const MINIMUM_NODE = [22, 19];

export class CommandFailed extends Error {}

/** Runs a command; its output goes to logFile, and its tail into the error when it fails. */
export function run(command: string, args: string[], logFile: string, options: SpawnSyncOptions = {}): string {
  const result = spawnSync(command, args, { encoding: "utf8", maxBuffer: 256 * 1024 * 1024, ...options });
  const output = `$ ${command} ${args.join(" ")}\n${String(result.stdout ?? "")}${String(result.stderr ?? "")}`;
  writeFileSync(logFile, output, { flag: "a" });
  if (result.error) throw new CommandFailed(`${command} could not run: ${result.error.message}`);
  if (result.status !== 0) {
    const tail = output.trim().split("\n").slice(-15).join("\n");
    throw new CommandFailed(`${command} ${args.join(" ")} exited with ${result.status}:\n${tail}`);
  }
  return String(result.stdout ?? "");
}

function isRecentEnough(version: string): boolean {
  const [major, minor] = version.replace(/^v/, "").split(".").map(Number);
  return major > MINIMUM_NODE[0] || (major === MINIMUM_NODE[0] && minor >= MINIMUM_NODE[1]);
}

export interface Node22 {
  /** The folder holding the `node` binary, to put first on PATH. */
  binDir: string;
  version: string;
  source: "this Node.js" | "cache" | "npm registry";
}

/** This Node.js when it is recent enough, else Node.js 22 from the cache or the npm registry. */
export function node22(cacheDir: string, logFile: string): Node22 {
  if (isRecentEnough(process.version))
    return { binDir: path.dirname(process.execPath), version: process.version, source: "this Node.js" };
  const pkg = `node-${process.platform}-${process.arch}`;
  const prefix = path.join(cacheDir, `node-${NODE22_VERSION}`);
  const binDir = path.join(prefix, "node_modules", pkg, "bin");
  const probe = () => spawnSync(path.join(binDir, "node"), ["--version"], { encoding: "utf8" }).stdout?.trim() ?? "";
  let version = existsSync(binDir) ? probe() : "";
  if (isRecentEnough(version || "v0.0")) return { binDir, version, source: "cache" };
  rmSync(prefix, { recursive: true, force: true });
  mkdirSync(prefix, { recursive: true });
  run(
    "npm",
    ["install", "--prefix", prefix, "--no-save", "--no-package-lock", "--no-audit", "--no-fund", `${pkg}@${NODE22_VERSION}`],
    logFile,
  );
  version = probe();
  if (!isRecentEnough(version || "v0.0"))
    throw new CommandFailed(`${pkg}@${NODE22_VERSION} gave no usable node binary in ${binDir}`);
  return { binDir, version, source: "npm registry" };
}

/** PATH with Node.js 22 first, for npm and cdktn (their scripts start with `#!/usr/bin/env node`). */
export function pathWith(binDir: string): string {
  return [binDir, process.env.PATH ?? ""].join(path.delimiter);
}

/**
 * node_modules for the migrated package.json, installed with Node.js 22 in a cache folder
 * named after a hash of that package.json, or reused from it. Older installs are removed.
 */
export function installPackages(
  cacheDir: string,
  packageJson: string,
  node: Node22,
  logFile: string,
): { nodeModules: string; cached: boolean } {
  const hash = createHash("sha256").update(packageJson).update(node.version).digest("hex").slice(0, 16);
  const dir = path.join(cacheDir, `packages-${hash}`);
  const nodeModules = path.join(dir, "node_modules");
  const done = path.join(dir, ".installed");
  if (existsSync(done)) return { nodeModules, cached: true };
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  writeFileSync(path.join(dir, "package.json"), packageJson);
  run("npm", ["install", "--no-audit", "--no-fund"], logFile, { cwd: dir, env: { ...process.env, PATH: pathWith(node.binDir) } });
  writeFileSync(done, new Date().toISOString());
  for (const entry of readdirSync(cacheDir))
    if (entry.startsWith("packages-") && entry !== path.basename(dir))
      rmSync(path.join(cacheDir, entry), { recursive: true, force: true });
  return { nodeModules, cached: false };
}
