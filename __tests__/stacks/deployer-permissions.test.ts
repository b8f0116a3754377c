/**
 * What the deploying identity needs (stacks/deployer-permissions.ts): every type the synthesized
 * stack uses has an entry and no entry is left over, and the entries' names match the
 * documented ARN patterns.
 */
import { entryMismatch, permissionsSection, Stacks } from "../../scripts/deployer-permissions";
import {
  actionMatches,
  allows,
  APPLY_ACTIONS,
  iamActionOf,
  keyServiceOf,
  NO_PERMISSION_NEEDED,
  PERMISSIONS,
  PLAN_ACTIONS,
  policyDocument,
  RECORDED_ON_EMULATOR,
  stackEntries,
} from "../../stacks/deployer-permissions";
import { LOG_RETENTION_DAYS } from "../../stacks/variables";
import { removeTestOutdirs, synthStack } from "../helpers/synth";

const stacks: Stacks = { archive: synthStack("archive").json, synth: synthStack("synth").json };
afterAll(removeTestOutdirs);

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

describe("every type the stack uses has an entry, and only those", () => {
  test("GIVEN both packaging modes (every optional resource is in the synthesized stack, behind its count) THEN the entries are exactly its providers, resource, data source and removed types", () => {
    expect(entryMismatch(stacks)).toBeUndefined();
    const used = [...new Set([...stackEntries(stacks.archive), ...stackEntries(stacks.synth)])].sort();
    expect(PERMISSIONS.map((entry) => `${entry.kind} ${entry.type}`).sort()).toEqual(used);
    // The optional resources are there: the alarm topic, its subscription, the key policies.
    expect(used).toEqual(expect.arrayContaining(["resource aws_sns_topic", "resource aws_sns_topic_subscription"]));
    expect(used).toEqual(expect.arrayContaining(["data archive_file", "removed aws_dynamodb_table_item", "provider aws"]));
  });

  test("a type the stack starts using without an entry, or an entry for a type it no longer uses, stops the generator", () => {
    const added = clone(stacks);
    added.synth.resource!.aws_s3_bucket = { logs: {} };
    expect(entryMismatch(added)).toBe("no entry in stacks/deployer-permissions.ts for resource aws_s3_bucket");
    expect(() => permissionsSection(added)).toThrow("resource aws_s3_bucket");

    const dropped = clone(stacks);
    delete dropped.archive.resource!.aws_sqs_queue_policy;
    delete dropped.synth.resource!.aws_sqs_queue_policy;
    expect(entryMismatch(dropped)).toBe("entries for what the stack no longer uses: resource aws_sqs_queue_policy");
  });

  test("every name the stack gives matches its entry's name patterns (the ARNs the page offers for scoping)", () => {
    const glob = (pattern: string) => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*")}$`);
    let checked = 0;
    for (const entry of PERMISSIONS.filter((candidate) => candidate.nameAttribute)) {
      expect(entry.arns?.length).toBeGreaterThan(0);
      for (const block of Object.values(stacks.synth.resource![entry.type]) as Record<string, unknown>[]) {
        const name = String(block[entry.nameAttribute!]).replace("${var.project_name}", "<project>");
        expect({ type: entry.type, name, matches: entry.names!.some((pattern) => glob(pattern).test(name)) }).toEqual({
          type: entry.type,
          name,
          matches: true,
        });
        expect(entry.arns!.some((arn) => entry.names!.some((pattern) => arn.endsWith(pattern)))).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(30);
  });
});

describe("the entries", () => {
  const permissions = PERMISSIONS.flatMap((entry) => entry.permissions);

  test("each action is recorded on the emulator or says why not, never both; every recorded mark has its entry", () => {
    for (const permission of permissions) {
      const recorded = RECORDED_ON_EMULATOR.has(permission.action);
      expect({ action: permission.action, explained: recorded !== Boolean(permission.notRecorded) }).toEqual({
        action: permission.action,
        explained: true,
      });
    }
    for (const [action, phase] of RECORDED_ON_EMULATOR) {
      const entries = permissions.filter((permission) => permission.action === action);
      expect({ action, listed: entries.length > 0 }).toEqual({ action, listed: true });
      // Recorded in a plan: then the plan policy must have it.
      if (phase === "plan")
        expect({ action, plan: entries.some((permission) => permission.phase === "plan") }).toEqual({ action, plan: true });
    }
  });

  test("the plan policy has states:ValidateStateMachineDefinition and only reads; the apply policy has all of plan's", () => {
    expect(PLAN_ACTIONS.has("states:ValidateStateMachineDefinition")).toBe(true);
    for (const action of PLAN_ACTIONS) {
      expect({ action, read: /:(Describe|Get|List|Validate|Decrypt)/.test(action) }).toEqual({ action, read: true });
      expect(APPLY_ACTIONS.has(action)).toBe(true);
    }
    for (const action of NO_PERMISSION_NEEDED) {
      const inPolicies = [policyDocument("plan"), policyDocument("apply")].flatMap((document) =>
        document.Statement.flatMap((statement) => statement.Action),
      );
      expect(inPolicies).not.toContain(action);
    }
  });

  test("iam:PassRole goes only to the three services that get the stack's roles; key actions only through the service that uses the key", () => {
    const apply = policyDocument("apply");
    const passRole = apply.Statement.filter((statement) => statement.Action.includes("iam:PassRole"));
    expect(passRole).toEqual([
      expect.objectContaining({
        Action: ["iam:PassRole"],
        Condition: {
          StringEquals: { "iam:PassedToService": ["events.amazonaws.com", "lambda.amazonaws.com", "states.amazonaws.com"] },
        },
      }),
    ]);
    for (const statement of apply.Statement.filter((candidate) => candidate.Action.some((action) => action.startsWith("kms:")))) {
      expect(statement.Sid).toMatch(/^OnlyWithKmsKeyArn/);
      expect(statement.Action.every((action) => action.startsWith("kms:"))).toBe(true);
      expect(statement.Condition?.StringLike?.["kms:ViaService"]).toHaveLength(1);
    }
    for (const permission of permissions.filter((candidate) => candidate.action.startsWith("kms:"))) {
      expect(permission.when).toMatch(/only with `kms_key_arn`/);
      expect(["dynamodb", "lambda", "states"]).toContain(keyServiceOf(permission));
    }
    // A wildcard action already in the list makes the plain one redundant.
    const dynamodbKey = apply.Statement.find((statement) => statement.Sid === "OnlyWithKmsKeyArnUseTheKeyThroughDynamoDB")!;
    expect(dynamodbKey.Action).toContain("kms:GenerateDataKey*");
  });

  test("log_retention_days is never 0 (never expire), so logs:DeleteRetentionPolicy is rightly absent", () => {
    expect(LOG_RETENTION_DAYS).not.toContain(0);
    expect(APPLY_ACTIONS.has("logs:DeleteRetentionPolicy")).toBe(false);
  });

  test("an API operation's action: <prefix>:<Operation>, states for Step Functions, and the listed exceptions", () => {
    expect(iamActionOf("stepfunctions", "ValidateStateMachineDefinition")).toBe("states:ValidateStateMachineDefinition");
    expect(iamActionOf("cloudwatch", "DescribeAlarms")).toBe("cloudwatch:DescribeAlarms");
    expect(iamActionOf("lambda", "GetFunction")).toBe("lambda:GetFunction");
    expect(iamActionOf("lambda", "Invoke")).toBe("lambda:InvokeFunction");
    expect(iamActionOf("sqs", "SendMessageBatch")).toBe("sqs:SendMessage");
    expect(actionMatches("kms:GenerateDataKey*", "kms:GenerateDataKeyWithoutPlaintext")).toBe(true);
    expect(allows(new Set(["kms:ReEncrypt*"]), "kms:Decrypt")).toBe(false);
  });
});
