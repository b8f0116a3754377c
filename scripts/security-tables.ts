/**
 * npm run docs:security: writes docs/security.md's table of roles and what they may do, from
 * the synthesized stack itself, between the `<!-- roles:start -->` and `<!-- roles:end -->`
 * markers (scripts/generated-sections.ts). `npm test` fails when the page's table differs from
 * what this would write, so the security review reads what is deployed, not what someone
 * remembered.
 */
import { readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/bundle";
import { SERVICES } from "../stacks/services";
import { synthesizeStack, withSection } from "./generated-sections";

export const SECURITY_PAGE = path.join(PROJECT_ROOT, "docs", "security.md");

type Resources = Record<string, Record<string, unknown>>;
interface RoleBlock {
  name: string;
  assume_role_policy: string;
}
interface PolicyBlock {
  role?: string;
  policy: string;
  count?: string;
}
interface Statement {
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, unknown>>;
}
interface TrustStatement {
  Principal: { Service: string };
  Condition?: { ArnLike: Record<string, string | string[]>; StringEquals?: Record<string, string> };
}
interface QueueStatement {
  Principal: { Service: string };
  Action: string[];
  Condition?: Statement["Condition"];
}

const code = (text: string) => `\`${text}\``;

/** A policy's resource as an operator reads it. */
function describeResource(resource: string): string {
  if (resource === "*") return "`*` (these actions have no resource-level permissions)";
  if (resource === "${var.kms_key_arn}") return "the key `kms_key_arn`";
  if (resource === "${aws_sfn_state_machine.workflow_state_machine.arn}") return "the state machine";
  if (resource === "${aws_sfn_alias.workflow_live_alias.arn}") return "the state machine's `live` alias";
  let match = /^\$\{aws_cloudwatch_log_group\.\w+\.arn\}:\*$/.exec(resource);
  if (match) return "its own log group";
  match = /^\$\{aws_dynamodb_table\.state_(\w+)\.arn\}$/.exec(resource);
  if (match) return `table ${code(`<project>-${match[1]}`)}`;
  match = /^\$\{aws_lambda_function\.(\w+)_function\.arn\}(:\*)?$/.exec(resource);
  if (match) return `${code(`<project>-${match[1].replace(/_/g, "-")}${match[2] ?? ""}`)}`;
  throw new Error(`no description for the policy resource ${resource}`);
}

/** The functions' ARNs collapse into one phrase. */
function describeResources(resources: string[]): string {
  const functions = resources.filter((resource) => resource.startsWith("${aws_lambda_function."));
  if (functions.length === 0) return [...new Set(resources.map(describeResource))].join(", ");
  const forms = [
    ...new Set(
      functions.map((resource) => (resource.endsWith(":*") ? "`<function>:*`, their published versions" : "`<function>`")),
    ),
  ];
  const rest = resources.filter((resource) => !functions.includes(resource));
  const count = new Set(functions.map((resource) => resource.replace(/:\*$/, ""))).size;
  return [`the ${count} functions (${forms.join(", ")})`, ...rest.map(describeResource)].join(", ");
}

function describeCondition(condition: Statement["Condition"]): string {
  if (!condition) return "";
  if (condition.StringLike?.["kms:ViaService"]) return "through DynamoDB only";
  if (condition.StringEquals?.["kms:EncryptionContext:aws:states:stateMachineArn"]) return "for this state machine's data only";
  if (condition.StringEquals?.["kms:EncryptionContext:SourceArn"])
    return "for log delivery to this account's CloudWatch Logs only";
  if (condition.ArnEquals?.["aws:SourceArn"]) return "only when `aws:SourceArn` is this rule";
  throw new Error(`no description for the condition ${JSON.stringify(condition)}`);
}

function describeCount(count: string | undefined): string {
  if (count === undefined) return "";
  if (count === "${var.kms_key_arn != null ? 1 : 0}") return "only with `kms_key_arn`";
  if (count === "${var.enable_xray_tracing ? 1 : 0}") return "only while `enable_xray_tracing`";
  throw new Error(`no description for the count ${count}`);
}

/** Whom a role trusts, and for what. */
function describeTrust(assumeRolePolicy: string): string {
  const [statement] = (JSON.parse(assumeRolePolicy) as { Statement: TrustStatement[] }).Statement;
  const service = code(statement.Principal.Service);
  if (!statement.Condition) return service;
  const sources: string[] = [statement.Condition.ArnLike["aws:SourceArn"]].flat();
  const what = sources.some((arn) => arn.includes(":stateMachine:"))
    ? "this account's state machine `<project>-workflow` (and its versions and aliases)"
    : sources.every((arn) => arn === "${aws_cloudwatch_event_rule.trigger_rule.arn}")
      ? "this account's rule `<project>-trigger`"
      : undefined;
  if (!what || statement.Condition.StringEquals?.["aws:SourceAccount"] !== "${local.deployment_account}") {
    throw new Error(`no description for the trust ${assumeRolePolicy}`);
  }
  return `${service}, for ${what} only`;
}

/** The markdown table, one row per statement, grouped by role. */
export function rolesTable(json: { resource: Resources }): string {
  const roles = json.resource.aws_iam_role as Record<string, RoleBlock>;
  const policies = Object.values(json.resource.aws_iam_role_policy as Record<string, PolicyBlock>);
  const roleIds = [...SERVICES.map((service) => `${service.replace(/-/g, "_")}_execution_role`), "workflow_role", "trigger_role"];
  const rows = ["| role | trusted | actions | on | when |", "| --- | --- | --- | --- | --- |"];
  for (const roleId of roleIds) {
    const role = roles[roleId];
    let first = true;
    for (const policy of policies.filter((candidate) => candidate.role === `\${aws_iam_role.${roleId}.id}`)) {
      for (const statement of (JSON.parse(policy.policy) as { Statement: Statement[] }).Statement) {
        const when = [describeCount(policy.count), describeCondition(statement.Condition)].filter(Boolean).join("; ");
        const name = first ? code(role.name.replace("${var.project_name}", "<project>")) : "";
        const trust = first ? describeTrust(role.assume_role_policy) : "";
        rows.push(
          `| ${name} | ${trust} | ${statement.Action.map(code).join(", ")} | ${describeResources(statement.Resource)} | ${when} |`,
        );
        first = false;
      }
    }
  }
  for (const queuePolicy of Object.values((json.resource.aws_sqs_queue_policy ?? {}) as Record<string, PolicyBlock>)) {
    for (const statement of (JSON.parse(queuePolicy.policy) as { Statement: QueueStatement[] }).Statement) {
      rows.push(
        `| dead-letter queue policy | ${code(statement.Principal.Service)} | ${statement.Action.map(code).join(", ")} | the queue | ${describeCondition(statement.Condition)} |`,
      );
    }
  }
  return rows.join("\n");
}

/** docs/security.md with its roles table replaced by `table`. */
export function withRolesTable(page: string, table: string): string {
  return withSection(page, "roles", table, "docs/security.md");
}

if (require.main === module) {
  writeFileSync(SECURITY_PAGE, withRolesTable(readFileSync(SECURITY_PAGE, "utf8"), rolesTable(synthesizeStack().json)));
  process.stdout.write("wrote the roles table in docs/security.md\n");
}
