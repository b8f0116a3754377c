import { App } from "cdktf";
import { packagingModeFromEnv } from "./stacks/packaging";
import { OrderWorkflowStack, STACK_NAME } from "./stacks/order-workflow-stack";

const app = new App();
new OrderWorkflowStack(app, STACK_NAME, { packaging: packagingModeFromEnv() });
app.synth();
