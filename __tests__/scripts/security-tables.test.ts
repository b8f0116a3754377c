/** docs/security.md's roles table is what the synthesized stack grants (npm run docs:security rewrites it). */
import { readFileSync } from "node:fs";
import { rolesTable, SECURITY_PAGE, withRolesTable } from "../../scripts/security-tables";
import { parsePolicy, synthStack, TerraformJson } from "../helpers/synth";

const { json } = synthStack("synth");

test("GIVEN the synthesized stack WHEN its roles table is generated THEN docs/security.md holds exactly that table", () => {
  const page = readFileSync(SECURITY_PAGE, "utf8");
  expect(withRolesTable(page, rolesTable(json))).toBe(page);
});

test("every statement of every role policy and of the queue policy has its row", () => {
  const rows = rolesTable(json).split("\n").slice(2);
  const statements = [
    ...Object.values(json.resource.aws_iam_role_policy!),
    ...Object.values(json.resource.aws_sqs_queue_policy!),
  ].flatMap((policy) => parsePolicy(policy.policy).Statement);
  expect(rows).toHaveLength(statements.length);
  for (const statement of statements) {
    expect(rows.some((row) => statement.Action.every((action) => row.includes(`\`${action}\``)))).toBe(true);
  }
});

test("a resource, condition or trust the table cannot describe stops the generator instead of being left out", () => {
  const broken = JSON.parse(JSON.stringify(json)) as TerraformJson;
  const policy = broken.resource.aws_iam_role_policy!.trigger_policy;
  policy.policy = policy.policy.replace("${aws_sfn_alias.workflow_live_alias.arn}", "arn:aws:states:*:*:*");
  expect(() => rolesTable(broken)).toThrow("no description for the policy resource arn:aws:states:*:*:*");
});
