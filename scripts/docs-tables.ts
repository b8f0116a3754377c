/**
 * npm run docs:tables: writes, from the synthesized stack's `variable` and `output` blocks
 * (declared in stacks/variables.ts and stacks/order-workflow-stack.ts):
 *
 * - README.md's variables table, between `<!-- variables:start -->` and `<!-- variables:end -->`:
 *   each variable's type, default, description and the messages its validation refuses a
 *   bad value with;
 * - README.md's outputs table, between `<!-- outputs:start -->` and `<!-- outputs:end -->`,
 *   one row per output, the per-service outputs as one row each for `<service>`;
 * - env/terraform.tfvars.example, whole: every variable set to its default, its description
 *   as a comment above it.
 *
 * `npm test` fails when any of them differs from what this would write
 * (__tests__/scripts/docs-tables.test.ts), and plans the example offline against every validation
 * (__tests__/system/terraform-offline.integration.test.ts).
 */
import { TerraformOutput, TerraformVariable } from "cdktf";
import { IConstruct } from "constructs";
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/bundle";
import { SERVICES } from "../stacks/services";
import { synthesizeStack, withSection } from "./generated-sections";

export const README = path.join(PROJECT_ROOT, "README.md");
export const TFVARS_EXAMPLE = path.join(PROJECT_ROOT, "env", "terraform.tfvars.example");

interface VariableBlock {
  type: string;
  default?: unknown;
  description: string;
  validation?: { condition: string; error_message: string }[];
}
interface OutputBlock {
  description: string;
}

/** What the generators read: the blocks, and the order in which the stack declares them. */
export interface StackDeclarations {
  variables: [string, VariableBlock][];
  outputs: [string, OutputBlock][];
}

/** The variable and output blocks of `json`, in the order the stack (the construct tree) declares them. */
export function declarationsOf(stack: IConstruct, json: { variable: Record<string, unknown>; output: Record<string, unknown> }) {
  const idsOf = (kind: new (...args: never[]) => IConstruct) =>
    stack.node.children.filter((child) => child instanceof kind).map((child) => child.node.id);
  const inOrder = <T>(blocks: Record<string, T>, ids: string[]): [string, T][] => {
    const missing = Object.keys(blocks).filter((name) => !ids.includes(name));
    if (missing.length) throw new Error(`declared outside the stack's top level, so in no known order: ${missing.join(", ")}`);
    return ids.filter((id) => id in blocks).map((id) => [id, blocks[id]]);
  };
  return {
    variables: inOrder(json.variable as Record<string, VariableBlock>, idsOf(TerraformVariable)),
    outputs: inOrder(json.output as Record<string, OutputBlock>, idsOf(TerraformOutput)),
  };
}

/** A value as HCL writes it: strings quoted, `{ key = value }` for objects. */
export function hcl(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (typeof value === "string")
    return JSON.stringify(value)
      .replace(/\$\{/g, () => "$${")
      .replace(/%\{/g, "%%{");
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (Array.isArray(value)) return `[${value.map(hcl).join(", ")}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 0) return "{}";
  const key = (name: string) => (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(name) ? name : JSON.stringify(name));
  return `{ ${entries.map(([name, item]) => `${key(name)} = ${hcl(item)}`).join(", ")} }`;
}

/**
 * Text for a table cell: `|` escaped, and, outside code spans, `<word>` that markdown would
 * take for an HTML tag (such as `<id>`) written so that it shows.
 */
function cell(text: string): string {
  return text
    .split(/(`[^`]*`)/)
    .map((part) => (part.startsWith("`") ? part : part.replace(/<(\/?[A-Za-z][A-Za-z0-9-]*)>/g, "&lt;$1>")))
    .join("")
    .replace(/\|/g, "\\|");
}

const code = (text: string) => `\`${text}\``;

/** `object({ ... })` reads as `object`: the description names its fields. */
const shortType = (type: string) => (type.startsWith("object(") ? "object" : type);

/**
 * The messages a variable's validation refuses bad values with, one sentence each; the
 * same rule for several fields of an object (`alarm_thresholds.<field> must be ...`) once.
 */
export function validationMessages(name: string, block: VariableBlock): string[] {
  const messages: string[] = [];
  const fields = new Map<string, string[]>();
  for (const { error_message: message } of block.validation ?? []) {
    const field = new RegExp(`^${name}\\.(\\w+) (.*)$`).exec(message);
    if (!field) {
      messages.push(message);
      continue;
    }
    const [, fieldName, rule] = field;
    if (!fields.has(rule)) {
      fields.set(rule, []);
      messages.push(rule);
    }
    fields.get(rule)!.push(fieldName);
  }
  return messages.map((message) => {
    const names = fields.get(message);
    return names ? `each of ${names.map((fieldName) => `${name}.${fieldName}`).join(", ")} ${message}` : message;
  });
}

export function variablesTable({ variables }: StackDeclarations): string {
  return [
    "| variable | type | default | description | refused at plan time with |",
    "| --- | --- | --- | --- | --- |",
    ...variables.map(
      ([name, block]) =>
        `| ${code(name)} | ${shortType(block.type)} | ${code(hcl(block.default))} | ${cell(block.description)} | ${cell(
          validationMessages(name, block).join(" ") || `Terraform's type check only (a ${block.type})`,
        )} |`,
    ),
  ].join("\n");
}

/** `user_service_function_name` -> `<service>_function_name`; undefined for an output of no service. */
function perServiceName(name: string): string | undefined {
  const service = SERVICES.find((candidate) => name.startsWith(`${candidate.replace(/-/g, "_")}_`));
  return service && `<service>${name.slice(service.length)}`;
}

export function outputsTable({ outputs }: StackDeclarations): string {
  const rows: string[] = [];
  const seen = new Set<string>();
  for (const [name, block] of outputs) {
    const generic = perServiceName(name);
    if (generic === undefined) {
      rows.push(`| ${code(name)} | ${cell(block.description)} |`);
      continue;
    }
    if (seen.has(generic)) continue;
    seen.add(generic);
    const service = SERVICES.find((candidate) => name.startsWith(candidate.replace(/-/g, "_")))!;
    rows.push(`| ${code(generic)} | ${cell(block.description.split(service).join("`<service>`"))} |`);
  }
  return [
    "| output | what |",
    "| --- | --- |",
    ...rows,
    "",
    `\`<service>\`: one output each for ${SERVICES.map((service) => code(service.replace(/-/g, "_"))).join(", ")}.`,
  ].join("\n");
}

/** `text` as `# ` comment lines of at most `width` characters. */
function comment(text: string, width = 100): string[] {
  const lines: string[] = [];
  let line = "#";
  for (const word of text.split(/\s+/)) {
    if (line.length + 1 + word.length > width && line !== "#") {
      lines.push(line);
      line = "#";
    }
    line += ` ${word}`;
  }
  lines.push(line);
  return lines;
}

export function tfvarsExample({ variables }: StackDeclarations): string {
  const width = Math.max(...variables.map(([name]) => name.length));
  return [
    ...comment(
      "Every variable of the stack, set to its default, with its description. Generated by `npm run docs:tables` " +
        "from the synthesized stack; `npm test` fails when it is stale, and plans it offline against every variable's validation. " +
        "An environment's settings go into env/<environment>.tfvars, which its stack loads by itself (docs/operations.md): " +
        "copy the lines you need there. In an environment's stack, environment must be that environment.",
    ),
    ...variables.flatMap(([name, block]) => ["", ...comment(block.description), `${name.padEnd(width)} = ${hcl(block.default)}`]),
    "",
  ].join("\n");
}

/** README.md with both tables replaced. */
export function withTables(readme: string, declarations: StackDeclarations): string {
  const withVariables = withSection(readme, "variables", variablesTable(declarations), "README.md");
  return withSection(withVariables, "outputs", outputsTable(declarations), "README.md");
}

if (require.main === module) {
  const { stack, json } = synthesizeStack();
  const declarations = declarationsOf(stack, json);
  writeFileSync(README, withTables(readFileSync(README, "utf8"), declarations));
  writeFileSync(TFVARS_EXAMPLE, tfvarsExample(declarations));
  process.stdout.write("wrote the variables and outputs tables in README.md, and env/terraform.tfvars.example\n");
}
