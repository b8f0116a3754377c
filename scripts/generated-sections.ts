/**
 * What the documentation generators share: a file's generated section, written between
 * `<!-- <name>:start -->` and `<!-- <name>:end -->`, and the stack they read it from.
 *
 * - npm run docs:security: the roles table in docs/security.md (scripts/security-tables.ts);
 * - npm run docs:tables: the variables and outputs tables in README.md and
 *   env/terraform.tfvars.example (scripts/docs-tables.ts);
 * - npm run docs:permissions: docs/deploying-identity.md (scripts/deployer-permissions.ts).
 *
 * Each generator's test compares the committed file with what the generator writes now, so
 * `npm test` fails when a page is stale (CONTRIBUTING.md, "Generated documentation").
 */
import { Testing } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { OrderWorkflowStack, STACK_NAME } from "../stacks/order-workflow-stack";
import { PackagingMode } from "../stacks/packaging";

export const startMarker = (name: string) => `<!-- ${name}:start -->`;
export const endMarker = (name: string) => `<!-- ${name}:end -->`;

/** `text` (the file `file`) with the section `name` replaced by `content`; refuses a file without that section. */
export function withSection(text: string, name: string, content: string, file: string): string {
  const start = text.indexOf(startMarker(name));
  const end = text.indexOf(endMarker(name));
  if (start < 0 || end < start) throw new Error(`${file} has no ${startMarker(name)} ... ${endMarker(name)} section`);
  return `${text.slice(0, start + startMarker(name).length)}\n${content}\n${text.slice(end)}`;
}

/** Synthesized Terraform JSON: each kind's blocks by type and name; a reader asserts what it needs of a block. */
export interface TerraformJson {
  provider?: Record<string, unknown>;
  resource: Record<string, Record<string, unknown>>;
  data?: Record<string, Record<string, unknown>>;
  variable: Record<string, unknown>;
  output: Record<string, unknown>;
  removed?: { from: string }[];
}

/**
 * The generic stack (no environment pinned, local state), synthesized as `cdktf synth`
 * writes it, with the stack object: the construct tree keeps the order in which the
 * variables and outputs are declared, which the JSON (sorted by name) does not.
 */
export function synthesizeStack(packaging: PackagingMode = "synth"): { stack: OrderWorkflowStack; json: TerraformJson } {
  const outdir = mkdtempSync(path.join(tmpdir(), "order-workflow-docs-"));
  try {
    const stack = new OrderWorkflowStack(Testing.app({ outdir }), STACK_NAME, { packaging });
    return { stack, json: JSON.parse(Testing.synth(stack)) as TerraformJson };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
