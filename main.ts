import "./stacks/quiet-cdktf-deprecation";
import { App } from "cdktf";
import { backendFromEnvironment } from "./stacks/backend";
import { InputError } from "./stacks/input-error";
import { OrderWorkflowStack, STACK_NAME } from "./stacks/order-workflow-stack";
import { packagingModeFromEnv } from "./stacks/packaging";

try {
  const app = new App();
  new OrderWorkflowStack(app, STACK_NAME, {
    packaging: packagingModeFromEnv(),
    backend: backendFromEnvironment(process.env, {
      terraformCloud: app.node.tryGetContext("terraformCloud"),
      s3State: app.node.tryGetContext("s3State"),
    }),
  });
  app.synth();
} catch (error) {
  // A bad input is the user's to fix: one line naming it, and no stack trace, which would
  // only point into this project. Anything else is a bug, and its trace is what helps.
  if (!(error instanceof InputError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
