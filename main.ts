import { App } from "cdktf";
import { backendFromEnvironment } from "./stacks/backend";
import { OrderWorkflowStack, STACK_NAME } from "./stacks/order-workflow-stack";
import { packagingModeFromEnv } from "./stacks/packaging";

const app = new App();
new OrderWorkflowStack(app, STACK_NAME, {
  packaging: packagingModeFromEnv(),
  backend: backendFromEnvironment(process.env, {
    terraformCloud: app.node.tryGetContext("terraformCloud"),
    s3State: app.node.tryGetContext("s3State"),
  }),
});
app.synth();
