/**
 * `npm run synth|deploy|destroy -- [flags]`: the project's cdktf CLI with the given
 * arguments and CHECKPOINT_DISABLE=1. Without it the CLI sends telemetry to HashiCorp's
 * checkpoint service on every command and, offline, prints that failure as a red
 * "[ERROR] ... checkpoint-api.hashicorp.com" line although the command succeeded.
 *
 * A script rather than `CHECKPOINT_DISABLE=1 cdktf synth` in package.json because that
 * syntax needs a POSIX shell; npm runs scripts with cmd.exe on Windows.
 */
import { spawn } from "node:child_process";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);
const cli = require.resolve("cdktf-cli/bundle/bin/cdktf");

const child = spawn(process.execPath, [cli, ...process.argv.slice(2)], {
  stdio: "inherit",
  // Someone who set it (to anything) keeps their value.
  env: { ...process.env, CHECKPOINT_DISABLE: process.env.CHECKPOINT_DISABLE || "1" },
});

// Ctrl-C reaches the CLI from the terminal as well: wait for it to stop Terraform and exit
// (passing SIGINT on would make it a second Ctrl-C). A SIGTERM or SIGHUP sent to this
// process alone is passed on.
process.on("SIGINT", () => {});
for (const signal of ["SIGTERM", "SIGHUP"]) process.on(signal, () => child.kill(signal));

child.on("error", (error) => {
  process.stderr.write(`cannot start the cdktf CLI (${cli}): ${error.message}\n`);
  process.exit(1);
});
child.on("exit", (status, signal) => {
  if (signal) {
    // The same end as the CLI's, so that callers see the signal too.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
  } else process.exit(status ?? 1);
});
