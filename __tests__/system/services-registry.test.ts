/**
 * stacks/services.ts is the registry of services: the stack derives each one's function,
 * role, log group, alarms, outputs and bundle from it, the local runner its handler. What
 * cannot be derived is written per service, and this test names what a service lacks
 * (CONTRIBUTING.md, "Adding a sixth service"): its code, its example payload, its tests,
 * its table access, its actions and its place in the workflow.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { seededMemoryStore } from "../../functions/shared/default-store";
import { handlerModule, handlersFor } from "../../local/handlers";
import { localFunctionArns } from "../../local/runner";
import { SERVICE_ACTIONS } from "../../local/workflow-cli";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { TABLE_ACCESS } from "../../stacks/iam";
import { SERVICES } from "../../stacks/services";
import { allStates, buildWorkflowDefinition } from "../../stacks/workflow-definition";

const file = (...parts: string[]) => path.join(PROJECT_ROOT, ...parts);

describe.each(SERVICES)("%s", (service) => {
  test("has its handler: functions/<service>/index.ts exports handler (Lambda's) and handlerFor (the local runner's)", () => {
    expect(existsSync(file("functions", service, "index.ts"))).toBe(true);
    // require: the module's path is the registry's, known only at run time.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const exported = require(handlerModule(service)) as { handler?: unknown; handlerFor?: unknown };
    expect(typeof exported.handler).toBe("function");
    expect(typeof exported.handlerFor).toBe("function");
  });

  test("has its example payload, examples/<service>.json, which its handler answers (npm run smoke invokes the deployed function with it)", async () => {
    const payload = JSON.parse(readFileSync(file("examples", `${service}.json`), "utf8")) as unknown;
    await expect(handlersFor(seededMemoryStore())[service](payload)).resolves.toBeDefined();
  });

  test("has its tests, __tests__/functions/<service>.test.ts", () => {
    expect(existsSync(file("__tests__", "functions", `${service}.test.ts`))).toBe(true);
  });

  test("has its table access (stacks/iam.ts, TABLE_ACCESS) and its actions (local/workflow-cli.ts, SERVICE_ACTIONS)", () => {
    expect(TABLE_ACCESS[service]).toBeDefined();
    expect(SERVICE_ACTIONS[service]?.length).toBeGreaterThan(0);
  });

  test("has its place in the workflow: a Task calls it", () => {
    const arns = localFunctionArns();
    const tasks = allStates(buildWorkflowDefinition(arns).States).flatMap(([, state]) => (state.Type === "Task" ? [state] : []));
    expect(tasks.some((task) => (task.Parameters as { FunctionName?: string }).FunctionName === arns[service])).toBe(true);
  });
});

test("every folder of functions/ but shared/ is a registered service, and the per-service tables name no other", () => {
  const folders = readdirSync(file("functions"), { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && entry.name !== "shared")
    .map((entry) => entry.name);
  expect(folders.sort()).toEqual([...SERVICES].sort());
  expect(Object.keys(TABLE_ACCESS).sort()).toEqual([...SERVICES].sort());
  expect(Object.keys(SERVICE_ACTIONS).sort()).toEqual([...SERVICES].sort());
});
