import "./stacks/quiet-cdktf-deprecation";
import { App } from "cdktf";
import { addEnvironmentStacks } from "./stacks/app";
import { writeSettingsFiles } from "./stacks/environments";
import { InputError } from "./stacks/input-error";

// One stack per environment (env/<environment>.tfvars), each with its own state: stacks/environments.ts.
try {
  const app = new App();
  const environments = addEnvironmentStacks(app);
  app.synth();
  writeSettingsFiles(app.outdir, environments);
} catch (error) {
  // A bad input is the user's to fix: one line naming it, and no stack trace, which would
  // only point into this project. Anything else is a bug, and its trace is what helps.
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
