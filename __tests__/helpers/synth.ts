/** Synthesizing the stack in-process for assertions on the Terraform JSON. */
import { App, Testing } from "cdktf";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { OrderWorkflowStack, STACK_NAME } from "../../stacks/order-workflow-stack";
import { BackendChoice } from "../../stacks/backend";
import { PackagingMode } from "../../stacks/packaging";

export type TerraformJson = {
  terraform: Record<string, any>;
  provider: Record<string, any[]>;
  variable: Record<string, any>;
  output: Record<string, any>;
  resource: Record<string, Record<string, any>>;
  data?: Record<string, Record<string, any>>;
};

const testOutdirs: string[] = [];

/** Testing.app() with an outdir that removeTestOutdirs() (run after each test file) deletes; `context` as cdktf.json's. */
export function testApp(context?: Record<string, unknown>): App {
  const outdir = mkdtempSync(path.join(tmpdir(), "order-workflow-test-"));
  testOutdirs.push(outdir);
  return Testing.app({ outdir, context });
}

export function removeTestOutdirs(): void {
  for (const outdir of testOutdirs.splice(0)) rmSync(outdir, { recursive: true, force: true });
}

export function synthStack(
  packaging: PackagingMode = "archive",
  backend?: BackendChoice,
): { stack: OrderWorkflowStack; synthesized: string; json: TerraformJson } {
  const stack = new OrderWorkflowStack(testApp(), STACK_NAME, { packaging, backend });
  const synthesized = Testing.synth(stack);
  return { stack, synthesized, json: JSON.parse(synthesized) };
}

/** A full synth into a fresh directory, as `cdktf synth` writes it; the caller removes `root`. */
export function synthToDirectory(packaging: PackagingMode): { root: string; stackDir: string; json: TerraformJson } {
  const root = mkdtempSync(path.join(tmpdir(), "order-workflow-"));
  const app = new App({ outdir: root, skipValidation: false });
  new OrderWorkflowStack(app, STACK_NAME, { packaging });
  app.synth();
  const stackDir = path.join(root, "stacks", STACK_NAME);
  return { root, stackDir, json: JSON.parse(readFileSync(path.join(stackDir, "cdk.tf.json"), "utf8")) };
}

export function removeDirectory(dir: string | undefined): void {
  if (dir) rmSync(dir, { recursive: true, force: true });
}

/** The resources of one type, by logical id. */
export function resources(json: TerraformJson, type: string): Record<string, any> {
  return json.resource[type] ?? {};
}

export function onlyResource(json: TerraformJson, type: string): any {
  const found = Object.values(resources(json, type));
  if (found.length !== 1) throw new Error(`expected one ${type}, found ${found.length}`);
  return found[0];
}

/** The Terraform reference to a resource's attribute, as cdktf writes it. */
export function reference(json: TerraformJson, type: string, predicate: (resource: any) => boolean, attribute: string): string {
  const entry = Object.entries(resources(json, type)).find(([, resource]) => predicate(resource));
  if (!entry) throw new Error(`no ${type} matches`);
  return `\${${type}.${entry[0]}.${attribute}}`;
}
