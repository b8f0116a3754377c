/**
 * The tests mirror the code (CONTRIBUTING.md, "Tests"): a module's tests are in
 * __tests__/<its path>.test.ts, or .<aspect>.test.ts beside it, or .integration.test.ts
 * when they need Terraform, the emulator or a CLI process; a folder's index.ts is tested as
 * __tests__/<folder>.test.ts. A module without such a file is listed below with where it is
 * tested instead, or why it has nothing of its own to test; and a test file that names no
 * module is a cross-cutting suite, in __tests__/system/.
 */
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";

/** Modules whose behaviour is tested by another module's tests, and which. */
const TESTED_WITH: Record<string, string> = {
  "emulator/e2e.ts": "system/lifecycle.integration.test.ts (npm run e2e's command line around emulator/lifecycle.ts)",
  "emulator/moto/node_bootstrap.cjs":
    "emulator/known-defects.integration.test.ts (the Lambda patch's checks run functions through it)",
  "emulator/inventory.ts": "emulator/faults.integration.test.ts (what the emulator holds, listed after faults)",
  "emulator/recovery-phases.ts": "system/lifecycle.integration.test.ts (the recovery commands' phases of the lifecycle)",
  "functions/shared/errors.ts": "functions/*.test.ts (each service's errors, by name and message)",
  "functions/shared/items.ts": "functions/inventory-service.test.ts (an order's items as inventory reads them)",
  "local/handlers.ts": "local/runner.test.ts (the handlers the runner calls)",
  "local/injectable-errors.ts": "local/workflow-cli.test.ts (--inject's list of errors)",
  "local/input-limits.ts": "local/runner.test.ts (payload size and depth)",
  "local/lambda-invoke.ts": "local/runner.test.ts (a Task's call as Lambda answers it)",
  "local/metered-store.ts": "scripts/bench.test.ts (the request units the runner meters)",
  "local/state-snapshot.ts": "scripts/compensate.test.ts and system/lose-nothing.test.ts (--state's end state)",
  "local/synthesized-trigger.ts": "local/runner.test.ts (--event through the synthesized rule and target)",
  "main.ts": "stacks/app.integration.test.ts (the app run by itself and through cdktf)",
  "scripts/aws-errors.ts": "scripts/smoke.test.ts (one line per failed AWS call)",
  "scripts/cdktn/compare.ts": "scripts/check-cdktn.test.ts",
  "scripts/cdktn/migrate.ts": "scripts/check-cdktn.test.ts",
  "scripts/cdktf.mjs": "system/project-scripts.test.ts (npm run synth, deploy and destroy)",
  "scripts/run-app.mjs": "stacks/app.integration.test.ts (the app run by itself)",
  "scripts/test.mjs": "system/project-scripts.test.ts (npm test's parts)",
  "scripts/generated-sections.ts": "scripts/docs-tables.test.ts and security-tables.test.ts (the generated sections are fresh)",
  "scripts/moto-status.ts": "emulator/server.test.ts (.ci/run's report on moto)",
  "scripts/provider-mirror.ts": "scripts/terraform-toolchain.test.ts (what .ci/run exports)",
  "stacks/bundle.ts": "stacks/packaging.test.ts (the functions' bundles)",
  "stacks/conditions.ts": "system/terraform-offline.integration.test.ts (optional resources counted in and out by plans)",
  "stacks/deployment.ts": "stacks/trigger.test.ts (the account, partition and Region from the log group's ARN)",
  "stacks/destroy-guard.ts": "stacks/state-tables.test.ts (the refused destroy)",
  "stacks/input-error.ts": "stacks/app.test.ts (one line, no stack trace)",
  "stacks/lambda-execution-role.ts": "stacks/iam.test.ts (each function's role, least privilege)",
  "stacks/lambda-runtime.ts": "scripts/node22.integration.test.ts (one Node.js version, stated alike)",
  "stacks/monitoring-signals.ts": "system/alarm-conditions.test.ts (which outcomes each signal counts)",
  "stacks/order-metrics.ts":
    "stacks/alarms.test.ts and system/alarm-conditions.test.ts (the metric filters as CloudWatch applies them)",
  "stacks/services.ts": "system/services-registry.test.ts (every registered service has all its parts)",
  "stacks/stock-seed.ts": "stacks/state-tables.test.ts and system/lifecycle.integration.test.ts (only absent products seeded)",
  "stacks/workflow-definition/compensation.ts": "stacks/workflow-definition/graph.test.ts (the compensation states)",
  "stacks/workflow-definition/lambda-task.ts": "stacks/workflow-definition/graph.test.ts (every Task's call)",
  "stacks/workflow-definition/retry-policies.ts": "stacks/workflow-definition/graph.test.ts (every Retry)",
  "stacks/workflow-definition/state-names.ts": "stacks/workflow-definition/graph.test.ts (the whole state graph, by name)",
};

/** Modules with nothing of their own to test. */
const NOTHING_TO_TEST: Record<string, string> = {
  "functions/shared/catalogue.ts": "data: the products and their first stock figures",
  "local/promise-with-resolvers.ts": "a polyfill for Node.js 20, which lacks Promise.withResolvers",
  "scripts/cdktn/toolchain.ts":
    "finds CDK Terrain's tools for npm run check:cdktn, which npm test does not run (docs/cdk-terrain.md)",
  "stacks/quiet-cdktf-deprecation.ts": "silences one deprecation warning of cdktf",
};

const SOURCE_FOLDERS = ["stacks", "functions", "local", "scripts", "emulator"];
const MODULE = /\.(ts|cjs|mjs)$/;

/** Every file below a folder of the project, as a path relative to the project. */
function filesBelow(folder: string): string[] {
  return readdirSync(path.join(PROJECT_ROOT, folder), { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile())
    .map((entry) => path.relative(PROJECT_ROOT, path.join(entry.parentPath, entry.name)).split(path.sep).join("/"));
}

const modules = ["main.ts", ...SOURCE_FOLDERS.flatMap(filesBelow)].filter((file) => MODULE.test(file) && !file.endsWith(".d.ts"));
const tests = filesBelow("__tests__")
  .filter((file) => file.endsWith(".test.ts"))
  .map((file) => file.replace(/^__tests__\//, ""));

/** What a test file is named after: its path without the aspect, "integration" and ".test.ts". */
const testedModule = (test: string) => test.replace(/(\.[\w-]+)*\.test\.ts$/, "");
/** What a module's tests are named after: its path without the extension; a folder's index is the folder. */
const moduleName = (module: string) => module.replace(MODULE, "").replace(/\/index$/, "");

const ownTests = (module: string) =>
  tests.filter((test) => [moduleName(module), module.replace(MODULE, "")].includes(testedModule(test)));

test("every module has a test file named after it, or is listed with where it is tested or why it needs none", () => {
  const unaccounted = modules.filter(
    (module) => ownTests(module).length === 0 && !TESTED_WITH[module] && !NOTHING_TO_TEST[module],
  );
  expect(unaccounted).toEqual([]);
});

test("the lists hold only modules that exist and have no test file of their own, and name test files that exist", () => {
  const listed = [...Object.keys(TESTED_WITH), ...Object.keys(NOTHING_TO_TEST)];
  expect(listed.filter((module) => !modules.includes(module))).toEqual([]);
  expect(listed.filter((module) => ownTests(module).length > 0)).toEqual([]);
  const named = Object.values(TESTED_WITH).flatMap((where) => {
    const [first, ...rest] = where.replace(/ \(.*\)$/, "").split(" and ");
    return [first, ...rest.map((other) => (other.includes("/") ? other : path.posix.join(path.posix.dirname(first), other)))];
  });
  expect(named.filter((test) => !test.includes("*") && !existsSync(path.join(PROJECT_ROOT, "__tests__", test)))).toEqual([]);
});

test("every test file outside __tests__/system/ is named after a module", () => {
  const names = new Set(modules.flatMap((module) => [moduleName(module), module.replace(MODULE, "")]));
  const orphans = tests.filter(
    (test) => !test.startsWith("system/") && !test.startsWith("fixtures/") && !names.has(testedModule(test)),
  );
  expect(orphans).toEqual([]);
});

test("every test file a document or a comment names by its path exists", () => {
  const texts = [
    "README.md",
    "CONTRIBUTING.md",
    ...filesBelow("docs").filter((file) => file.endsWith(".md")),
    ...["main.ts", ...SOURCE_FOLDERS.flatMap(filesBelow), ...filesBelow("__tests__")].filter((file) =>
      /\.(ts|cjs|mjs|py|md)$/.test(file),
    ),
  ];
  const named = texts.flatMap((file) =>
    [...readFileSync(path.join(PROJECT_ROOT, file), "utf8").matchAll(/__tests__\/[\w./-]+\.test\.ts/g)].map(
      (match) => `${file}: ${match[0]}`,
    ),
  );
  // The example of CONTRIBUTING.md's "Adding a sixth service" is a file to write.
  const missing = named.filter(
    (entry) => !entry.includes("loyalty-service") && !existsSync(path.join(PROJECT_ROOT, entry.split(": ")[1])),
  );
  expect(missing).toEqual([]);
  expect(named.length).toBeGreaterThan(20);
});
