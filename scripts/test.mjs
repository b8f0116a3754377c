/**
 * npm test: the static checks (`npm run typecheck`, `format:check`, `lint`) side by side with
 * both jest projects. The emulator lifecycle, the longest suite, then starts at once instead
 * of after the checks (about 40 s, one core each). Jest's output streams as it runs; a
 * check's is printed when it ends, and a failed check's again at the very end. The exit
 * status is 0 only when every check and jest passed. Arguments go to jest:
 * `npm test -- -t rollback`.
 */
import { spawn } from "node:child_process";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

export const CHECKS = ["typecheck", "format:check", "lint"];

const projectRoot = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
// The project's own tools first, as `npm run` has them, also when this file is run by itself.
const env = { ...process.env, PATH: [path.join(projectRoot, "node_modules", ".bin"), process.env.PATH].join(path.delimiter) };

/** Runs a command; resolves with its exit status and, unless streamed, what it printed. */
function run(command, args, { stream = false } = {}) {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd: projectRoot, env, stdio: stream ? "inherit" : ["ignore", "pipe", "pipe"] });
    let output = "";
    child.stdout?.on("data", (chunk) => (output += chunk));
    child.stderr?.on("data", (chunk) => (output += chunk));
    child.on("close", (status, signal) => resolve({ status: status ?? (signal ? 1 : 0), output }));
    child.on("error", (error) => resolve({ status: 1, output: `${error.message}\n` }));
  });
}

const checks = CHECKS.map(async (script) => {
  const result = await run("npm", ["run", "--silent", script]);
  process.stdout.write(`\n${result.status === 0 ? "passed" : "FAILED"}: npm run ${script}\n${result.output}`);
  return { script, ...result };
});
const jest = run("jest", process.argv.slice(2), { stream: true });

const failed = (await Promise.all(checks)).filter((check) => check.status !== 0);
const jestStatus = (await jest).status;
for (const check of failed) process.stdout.write(`\nFAILED: npm run ${check.script}\n${check.output}`);
if (failed.length > 0 || jestStatus !== 0) {
  const what = [...failed.map((check) => `npm run ${check.script}`), ...(jestStatus !== 0 ? ["jest"] : [])];
  process.stdout.write(`\nnpm test failed: ${what.join(", ")}\n`);
  process.exitCode = 1;
}
