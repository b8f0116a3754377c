/**
 * npm run check:cdktn: proves that this app moves to CDK Terrain (cdktn, the community
 * successor of the archived CDKTF) without changing what Terraform sees. In a temporary
 * copy of the project it follows the upgrade guide (scripts/cdktn/migrate.ts), installs
 * the packages with Node.js 22, type-checks the result, synthesizes it with `cdktn synth`,
 * and compares that with `cdktf synth` of the same source (scripts/cdktn/compare.ts).
 *
 * Exit status: 0 the same (provider pins aside), 1 a difference, 2 a step failed (named).
 * The copies are removed; Node.js 22 and the packages stay cached in .cache/cdktn/.
 * Not part of `npm test`: the first run downloads about 1 GB from the npm registry.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/bundle";
import { compareSyntheses, formatComparison, StackSynthesis, Synthesis } from "./cdktn/compare";
import { CDKTN_PACKAGES, isSourceFile, migratePackageJson, PackageJson, rewriteImports } from "./cdktn/migrate";
import { installPackages, Node22, node22, pathWith, run } from "./cdktn/toolchain";

const CACHE_DIR = path.join(PROJECT_ROOT, ".cache", "cdktn");

class StepFailed extends Error {
  constructor(
    readonly step: string,
    readonly cause: unknown,
  ) {
    super(`step "${step}" failed: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}

/** Runs one named step, timing it, and prints its line of the report. */
function step<T>(name: string, action: () => { result: T; detail: string }): T {
  const startedAt = process.hrtime.bigint();
  const seconds = () => (Number(process.hrtime.bigint() - startedAt) / 1e9).toFixed(1).padStart(5);
  try {
    const { result, detail } = action();
    console.log(`  ok      ${name.padEnd(30)} ${seconds()} s  ${detail}`);
    return result;
  } catch (error) {
    console.log(`  FAILED  ${name.padEnd(30)} ${seconds()} s`);
    throw new StepFailed(name, error);
  }
}

/** The project's files as git sees them in the working tree: tracked and new, not ignored. */
function projectFiles(): string[] {
  const git = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
  });
  if (git.status !== 0) throw new Error(`git ls-files failed: ${git.stderr}`);
  return git.stdout
    .split("\0")
    .filter((file) => file && existsSync(path.join(PROJECT_ROOT, file)) && statSync(path.join(PROJECT_ROOT, file)).isFile());
}

function copyProject(files: string[], to: string): void {
  for (const file of files) {
    mkdirSync(path.dirname(path.join(to, file)), { recursive: true });
    copyFileSync(path.join(PROJECT_ROOT, file), path.join(to, file));
  }
}

/** The upgrade guide applied to a copy: imports, package.json, no old lock file. cdktf.json stays. */
function migrate(app: string, files: string[]): string {
  const renamed: Record<string, number> = {};
  let changedFiles = 0;
  for (const file of files.filter(isSourceFile)) {
    const source = readFileSync(path.join(app, file), "utf8");
    const rewrite = rewriteImports(source);
    // For instance a test's fixture text; a real dependency on such a package fails below, in package.json.
    for (const specifier of rewrite.unmapped)
      console.log(`          left as it is in ${file}: "${specifier}" (no CDK Terrain package pinned)`);
    if (rewrite.text === source) continue;
    writeFileSync(path.join(app, file), rewrite.text);
    changedFiles++;
    for (const [pkg, count] of Object.entries(rewrite.renamed)) renamed[pkg] = (renamed[pkg] ?? 0) + count;
  }
  const packageFile = path.join(app, "package.json");
  const { pkg, changes } = migratePackageJson(JSON.parse(readFileSync(packageFile, "utf8")) as PackageJson);
  writeFileSync(packageFile, `${JSON.stringify(pkg, null, 2)}\n`);
  rmSync(path.join(app, "package-lock.json"), { force: true });
  if (!existsSync(path.join(app, "cdktf.json"))) throw new Error("cdktf.json is missing: cdktn reads the same file");
  const imports = Object.entries(renamed)
    .map(([from, count]) => `${count} ${from} -> ${CDKTN_PACKAGES[from].name}`)
    .join(", ");
  for (const change of changes) console.log(`          package.json ${change}`);
  return `${imports} in ${changedFiles} files; package.json: ${changes.length} changes; cdktf.json unchanged`;
}

/** cdk.tf.json and the hash of every other file of each synthesized stack. */
function readSynthesis(outdir: string): Synthesis {
  const synthesis: Synthesis = {};
  const stacksDir = path.join(outdir, "stacks");
  for (const stack of readdirSync(stacksDir)) {
    const dir = path.join(stacksDir, stack);
    const files: StackSynthesis["files"] = {};
    const walk = (relative: string) => {
      for (const entry of readdirSync(path.join(dir, relative), { withFileTypes: true })) {
        const file = path.join(relative, entry.name);
        if (entry.isDirectory()) walk(file);
        else if (file !== "cdk.tf.json")
          files[file] = createHash("sha256")
            .update(readFileSync(path.join(dir, file)))
            .digest("hex");
      }
    };
    walk("");
    synthesis[stack] = { json: JSON.parse(readFileSync(path.join(dir, "cdk.tf.json"), "utf8")) as StackSynthesis["json"], files };
  }
  return synthesis;
}

function synth(
  cli: string,
  app: string,
  outdir: string,
  env: NodeJS.ProcessEnv,
  log: string,
): { result: Synthesis; detail: string } {
  run(path.join(app, "node_modules", ".bin", cli), ["synth", "--output", outdir], log, { cwd: app, env });
  const result = readSynthesis(outdir);
  const resources = Object.values(result).reduce(
    (count, stack) =>
      count +
      Object.values((stack.json.resource ?? {}) as Record<string, object>).reduce(
        (n, byName) => n + Object.keys(byName).length,
        0,
      ),
    0,
  );
  return { result, detail: `${Object.keys(result).join(", ")}: ${resources} resources` };
}

function main(): number {
  const startedAt = Date.now();
  const work = mkdtempSync(path.join(tmpdir(), "check-cdktn-"));
  const log = path.join(work, "commands.log");
  const removeWork = () => rmSync(work, { recursive: true, force: true });
  process.once("SIGINT", () => {
    removeWork();
    process.exit(130);
  });
  console.log(`CDK Terrain check: cdktf -> cdktn in a temporary copy (${work})`);
  const env = { ...process.env, CHECKPOINT_DISABLE: "1", CI: "1" };
  try {
    mkdirSync(CACHE_DIR, { recursive: true });
    const node: Node22 = step("Node.js 22", () => {
      const found = node22(CACHE_DIR, log);
      return { result: found, detail: `${found.version} (${found.source})` };
    });
    const files = step("copy the project twice", () => {
      const listed = projectFiles();
      copyProject(listed, path.join(work, "cdktf-app"));
      copyProject(listed, path.join(work, "cdktn-app"));
      // The cdktf copy runs on the project's own packages, untouched.
      symlinkSync(path.join(PROJECT_ROOT, "node_modules"), path.join(work, "cdktf-app", "node_modules"), "dir");
      return { result: listed, detail: `${listed.length} files each` };
    });
    const cdktnApp = path.join(work, "cdktn-app");
    step("migrate (upgrade guide)", () => ({ result: undefined, detail: migrate(cdktnApp, files) }));
    step("install CDK Terrain packages", () => {
      const { nodeModules, cached } = installPackages(
        CACHE_DIR,
        readFileSync(path.join(cdktnApp, "package.json"), "utf8"),
        node,
        log,
      );
      symlinkSync(nodeModules, path.join(cdktnApp, "node_modules"), "dir");
      const version = (name: string) =>
        (JSON.parse(readFileSync(path.join(nodeModules, name, "package.json"), "utf8")) as { version: string }).version;
      return {
        result: undefined,
        detail: `${cached ? "cached" : "installed"}: cdktn ${version("cdktn")}, cdktn-cli ${version("cdktn-cli")}, @cdktn/provider-aws ${version("@cdktn/provider-aws")}, constructs ${version("constructs")}`,
      };
    });
    const node22Env = { ...env, PATH: pathWith(node.binDir) };
    step("type check with cdktn (tsc)", () => {
      run(path.join(node.binDir, "node"), [path.join(cdktnApp, "node_modules", "typescript", "bin", "tsc"), "-p", "."], log, {
        cwd: cdktnApp,
        env: node22Env,
      });
      return { result: undefined, detail: "no errors" };
    });
    const cdktn = step("cdktn synth (Node.js 22)", () => synth("cdktn", cdktnApp, path.join(work, "cdktn.out"), node22Env, log));
    const cdktf = step(`cdktf synth (Node.js ${process.version})`, () =>
      synth("cdktf", path.join(work, "cdktf-app"), path.join(work, "cdktf.out"), env, log),
    );
    const comparison = compareSyntheses(cdktf, cdktn);
    console.log(["comparison of cdktf synth and cdktn synth:", ...formatComparison(comparison)].join("\n"));
    const seconds = ((Date.now() - startedAt) / 1000).toFixed(1);
    if (!comparison.same) {
      console.log(`RESULT: DIFFERENT: ${comparison.differences.length} differences beyond the provider pins (${seconds} s)`);
      return 1;
    }
    const pins = comparison.providerPins
      .filter((pin) => pin.cdktf?.version !== pin.cdktn?.version)
      .map((pin) => `${pin.provider} ${pin.cdktf?.version} -> ${pin.cdktn?.version}`);
    console.log(
      `RESULT: SAME resources, addresses, variables, outputs and assets; provider pins: ${pins.join(", ") || "the same"} (${seconds} s)`,
    );
    return 0;
  } catch (error) {
    const failed = error instanceof StepFailed ? error : new StepFailed("check", error);
    console.log(
      `RESULT: FAILED at step "${failed.step}": ${failed.cause instanceof Error ? failed.cause.message : String(failed.cause)}`,
    );
    console.log(`(every command's output: ${path.relative(PROJECT_ROOT, path.join(CACHE_DIR, "last-run.log"))})`);
    return 2;
  } finally {
    // The commands' full output outlives the copies, for a look after a failure.
    if (existsSync(log)) copyFileSync(log, path.join(CACHE_DIR, "last-run.log"));
    removeWork();
  }
}

process.exitCode = main();
