import "./stacks/quiet-cdktf-deprecation";
import { App } from "cdktf";
import { backendFromEnvironment } from "./stacks/backend";
import { environmentFiles, writeSettingsFiles } from "./stacks/environments";
import { InputError } from "./stacks/input-error";
import { OrderWorkflowStack } from "./stacks/order-workflow-stack";
import { packagingModeFromEnv } from "./stacks/packaging";

// One stack per environment (env/<environment>.tfvars), each with its own state: stacks/environments.ts.
try {
  const app = new App();
  const environments = environmentFiles();
  const packaging = packagingModeFromEnv();
  for (const environment of environments) {
    new OrderWorkflowStack(app, environment.name, {
      packaging,
      environment,
      backend: backendFromEnvironment(process.env, {
        terraformCloud: app.node.tryGetContext("terraformCloud"),
        s3State: app.node.tryGetContext("s3State"),
        stack: environment.name,
        stacks: environments.map(({ name }) => name),
      }),
    });
  }
  app.synth();
  writeSettingsFiles(app.outdir, environments);
} catch (error) {
  // A bad input is the user's to fix: one line naming it, and no stack trace, which would
  // only point into this project. Anything else is a bug, and its trace is what helps.
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
