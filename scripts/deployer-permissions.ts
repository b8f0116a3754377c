/**
 * npm run docs:permissions: writes what the deploying identity needs into
 * docs/deploying-identity.md, between `<!-- permissions:start -->` and
 * `<!-- permissions:end -->` (scripts/generated-sections.ts): the plan and apply policies as JSON, a table per resource type
 * of the synthesized stack, the API operations IAM names otherwise, and the ARN patterns of
 * the project's names. From stacks/deployer-permissions.ts and the synthesized stack itself
 * (both packaging modes); `npm test` fails when the page differs from what this would write,
 * and the generator refuses a stack whose types and the entries differ.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/bundle";
import {
  ACTION_NAME_EXCEPTIONS,
  entryKey,
  NO_PERMISSION_NEEDED,
  PERMISSIONS,
  policyDocument,
  RECORDED_ON_EMULATOR,
  stackEntries,
  StackJson,
  TypePermissions,
} from "../stacks/deployer-permissions";
import { PACKAGING_MODES, PackagingMode } from "../stacks/packaging";
import { synthesizeStack, withSection } from "./generated-sections";

/** The stack synthesized in each packaging mode (the data sources differ). */
export type Stacks = Record<PackagingMode, StackJson>;

export const PAGE = path.join(PROJECT_ROOT, "docs", "deploying-identity.md");

const code = (text: string) => `\`${text}\``;
const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The entries the stacks use and the catalogue's entries must be the same set; otherwise, one sentence saying which differ. */
export function entryMismatch(stacks: Stacks): string | undefined {
  const used = new Set(Object.values(stacks).flatMap(stackEntries));
  const listed = new Set(PERMISSIONS.map((entry) => entryKey(entry.kind, entry.type)));
  const missing = [...used].filter((key) => !listed.has(key));
  const unused = [...listed].filter((key) => !used.has(key));
  const problems = [
    ...(missing.length ? [`no entry in stacks/deployer-permissions.ts for ${missing.join(", ")}`] : []),
    ...(unused.length ? [`entries for what the stack no longer uses: ${unused.join(", ")}`] : []),
  ];
  return problems.length ? problems.join("; ") : undefined;
}

/** How many blocks of a type the stack has, under which `count` conditions, in which packaging modes. */
function instances(entry: TypePermissions, stacks: Stacks): string {
  if (entry.kind === "provider") return "";
  if (entry.kind === "removed") {
    const blocks = (stacks.synth.removed ?? []).filter((block) => block.from.startsWith(`${entry.type}.`));
    return `${blocks.length} \`removed\` blocks`;
  }
  const blocksIn = (mode: PackagingMode) =>
    Object.values(
      ((entry.kind === "data" ? stacks[mode].data : stacks[mode].resource)?.[entry.type] ?? {}) as Record<
        string,
        { count?: string }
      >,
    );
  const modes = PACKAGING_MODES.filter((mode) => blocksIn(mode).length > 0);
  const blocks = blocksIn(modes[0]);
  const counts = [
    ...new Set(blocks.filter((block) => block.count !== undefined).map((block) => block.count!.replace(/^\$\{(.*)\}$/, "$1"))),
  ];
  const conditions = counts.map((count) => code(`count = ${count}`)).join(" or ");
  const when =
    counts.length === 0
      ? ""
      : blocks.every((block) => block.count !== undefined)
        ? `; only with ${conditions}`
        : `; some only with ${conditions}`;
  const only = modes.length < PACKAGING_MODES.length ? `; only with LAMBDA_PACKAGING=${modes.join(", ")}` : "";
  return `${blocks.length} in the stack${when}${only}`;
}

function recordedCell(action: string, notRecorded: string | undefined): string {
  if (NO_PERMISSION_NEEDED.has(action)) return `recorded in a plan; in no policy`;
  const recorded = RECORDED_ON_EMULATOR.get(action);
  if (recorded) return recorded === "plan" ? "recorded in a plan" : "recorded in an apply";
  if (action === "iam:PassRole") return "not an API call";
  return `not recorded: ${notRecorded ?? "?"}`;
}

function entryTable(entry: TypePermissions, stacks: Stacks): string {
  const title =
    entry.kind === "provider"
      ? `provider ${code(entry.type)}`
      : `${entry.kind === "data" ? "data source" : entry.kind} ${code(entry.type)}`;
  const count = instances(entry, stacks);
  const summary = `${entry.summary[0].toUpperCase()}${entry.summary.slice(1)}`;
  const lines = [`#### ${title}`, "", `${summary}${count ? ` (${count})` : ""}.`, ""];
  if (entry.permissions.length === 0) return [...lines, "No IAM action.", ""].join("\n");
  lines.push("| action | needed by | why | when | on the emulator |", "| --- | --- | --- | --- | --- |");
  // Consecutive actions that share every other column share a row.
  const rows: { actions: string[]; rest: string[] }[] = [];
  for (const permission of entry.permissions) {
    const rest = [
      permission.phase === "plan" ? "plan and apply" : "apply",
      cell(permission.why),
      cell(permission.when ?? "always"),
      cell(recordedCell(permission.action, permission.notRecorded)),
    ];
    const last = rows[rows.length - 1];
    if (last && last.rest.join("|") === rest.join("|")) last.actions.push(permission.action);
    else rows.push({ actions: [permission.action], rest });
  }
  for (const row of rows) lines.push(`| ${row.actions.map(code).join(", ")} | ${row.rest.join(" | ")} |`);
  return [...lines, ""].join("\n");
}

/** The generated part of the page, between the markers. */
export function permissionsSection(stacks: Stacks): string {
  const mismatch = entryMismatch(stacks);
  if (mismatch) throw new Error(mismatch);
  const json = (value: unknown) => ["```json", JSON.stringify(value, null, 2), "```"].join("\n");
  const kinds = ["provider", "resource", "data", "removed"];
  const entries = [...PERMISSIONS].sort((a, b) => kinds.indexOf(a.kind) - kinds.indexOf(b.kind) || a.type.localeCompare(b.type));
  const plan = policyDocument("plan");
  const apply = policyDocument("apply");
  const actionCount = (document: typeof plan) => new Set(document.Statement.flatMap((statement) => statement.Action)).size;
  const scoped = entries.filter((entry) => entry.arns);
  return [
    "### Plan policy",
    "",
    `For \`terraform plan\` and \`cdktf diff\`: ${actionCount(plan)} actions, read-only but for \`states:ValidateStateMachineDefinition\`, which changes nothing either. The statements whose Sid starts with \`OnlyWithKmsKeyArn\` are needed only with \`kms_key_arn\`.`,
    "",
    json(plan),
    "",
    "### Apply policy",
    "",
    `For \`terraform apply\`, \`cdktf deploy\` and \`terraform destroy\` / \`cdktf destroy\`: ${actionCount(apply)} actions, the plan policy's included (an apply plans first).`,
    "",
    json(apply),
    "",
    "### By type",
    "",
    'Every provider, resource type, data source type and `removed` block type of the synthesized stack (both packaging modes), with every optional resource counted. "needed by plan and apply": a plan calls it; "apply": only an apply or destroy does. "on the emulator": what `npm run e2e` recorded the provider calling, or why it does not.',
    "",
    ...entries.map((entry) => entryTable(entry, stacks)),
    "### API operations with another action name",
    "",
    "A call's action is `<service prefix>:<Operation>` (prefix `states` for Step Functions), except:",
    "",
    "| service | operation | action | source |",
    "| --- | --- | --- | --- |",
    ...ACTION_NAME_EXCEPTIONS.map(
      (exception) => `| ${exception.service} | ${exception.operation} | ${code(exception.action)} | ${cell(exception.source)} |`,
    ),
    "",
    "### The project's ARNs",
    "",
    "What each type's actions act on, named from `project_name` (`<project>`); in another partition `arn:aws` is `arn:aws-cn` or `arn:aws-us-gov`. The names are checked against the synthesized stack.",
    "",
    "| type | ARNs |",
    "| --- | --- |",
    ...scoped.map((entry) => `| ${code(entry.type)} | ${entry.arns!.map(code).join("<br>")} |`),
  ].join("\n");
}

/** The stack synthesized in each packaging mode, as Terraform JSON. */
export function synthesizedStacks(): Stacks {
  return { archive: synthesizeStack("archive").json, synth: synthesizeStack("synth").json };
}

/** The page with its generated section replaced by `section`. */
export function withPermissionsSection(page: string, section: string): string {
  return withSection(page, "permissions", section, "docs/deploying-identity.md");
}

if (require.main === module) {
  writeFileSync(PAGE, withPermissionsSection(readFileSync(PAGE, "utf8"), permissionsSection(synthesizedStacks())));
  process.stdout.write("wrote the deploying identity's policies and tables in docs/deploying-identity.md\n");
}
