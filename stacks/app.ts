/**
 * The app's stacks: one per environment (environments.ts), each with the packaging and the
 * backend that the environment variables and the cdktf.json context choose (packaging.ts,
 * backend.ts). main.ts synthesizes them; a bad input throws an InputError before any stack
 * is built, which tests check in-process.
 */
import { App } from "cdktf";
import { BackendContext, backendFromEnvironment } from "./backend";
import { EnvironmentFile, environmentFiles } from "./environments";
import { OrderWorkflowStack } from "./order-workflow-stack";
import { packagingModeFromEnv } from "./packaging";

/** Adds a stack per environment to `app`; returns the environments, for their settings files. */
export function addEnvironmentStacks(app: App, env: NodeJS.ProcessEnv = process.env): EnvironmentFile[] {
  const environments = environmentFiles();
  const packaging = packagingModeFromEnv(env);
  for (const environment of environments) {
    new OrderWorkflowStack(app, environment.name, {
      packaging,
      environment,
      backend: backendFromEnvironment(env, {
        // cdktf.json's values, unchecked until backendFromEnvironment checks them.
        terraformCloud: app.node.tryGetContext("terraformCloud") as BackendContext["terraformCloud"],
        s3State: app.node.tryGetContext("s3State") as BackendContext["s3State"],
        stack: environment.name,
        stacks: environments.map(({ name }) => name),
      }),
    });
  }
  return environments;
}
