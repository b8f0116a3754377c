/**
 * What the deploying identity needs (docs/deploying-identity.md, stacks/deployer-permissions.ts):
 * the page is what the generator writes now; every type the synthesized stack uses has an
 * entry and no entry is left over; the names match the documented ARN patterns; the checks
 * the lifecycle runs on the recorded calls (emulator/api-calls.ts) catch what they promise;
 * and the recorder (emulator/moto/recorder.py) names every operation, keeps only the
 * provider's calls and passes requests on unchanged. The recorded run itself is checked in
 * the lifecycle's `deployer permissions` phase (__tests__/system/lifecycle.integration.test.ts).
 */
import { CreateRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { DescribeAlarmsCommand, CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ApiCallLog, attribute, checkCalls, CommandMarker, readLog, RecordedCall } from "../../emulator/api-calls";
import { emulatorClientConfig } from "../../emulator/inventory";
import { Emulator, EMULATOR_DIR, findMoto, startEmulator } from "../../emulator/server";
import { entryMismatch, PAGE, permissionsSection, Stacks, withPermissionsSection } from "../../scripts/deployer-permissions";
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

const clone = <T>(value: T): T => JSON.parse(JSON.stringify(value));

describe("docs/deploying-identity.md", () => {
  test("GIVEN the synthesized stack WHEN the section is generated THEN the page holds exactly it (npm run docs:permissions)", () => {
    const page = readFileSync(PAGE, "utf8");
    expect(withPermissionsSection(page, permissionsSection(stacks))).toBe(page);
  });

  test("the page's policies are the module's, as JSON ready to paste", () => {
    const blocks = [...readFileSync(PAGE, "utf8").matchAll(/```json\n([\s\S]*?)\n```/g)].map((match) => JSON.parse(match[1]));
    expect(blocks).toEqual([policyDocument("plan"), policyDocument("apply")]);
  });
});

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

describe("the check of the recorded calls (the lifecycle's deployer permissions phase)", () => {
  const call = (service: string, operation: string | null): RecordedCall => ({
    service,
    signingName: service,
    operation,
    method: "POST",
    path: "/",
    status: 200,
    userAgent: "terraform-provider-aws/5.100.0",
  });
  const marker = (command: string, phase: string): CommandMarker => ({
    marker: command,
    policy: command === "plan" ? "plan" : "apply",
    phase,
  });
  /** One call per marked action, each under the policy it is marked with: what a faithful run records. */
  const faithful = () => {
    const lines: (RecordedCall | CommandMarker)[] = [marker("apply", "terraform apply")];
    const toCall = (action: string) => {
      const [prefix, name] = action.split(":");
      const service = { states: "stepfunctions" }[prefix] ?? prefix;
      return call(service, service === "lambda" && name === "InvokeFunction" ? "Invoke" : name);
    };
    for (const [action, phase] of RECORDED_ON_EMULATOR) if (phase === "apply") lines.push(toCall(action));
    lines.push(marker("plan", "plan after apply"));
    for (const [action, phase] of RECORDED_ON_EMULATOR) if (phase === "plan") lines.push(toCall(action));
    return lines;
  };

  test("GIVEN a run that calls exactly the marked actions THEN no problem; each call carries its command and action", () => {
    const result = checkCalls(faithful());
    expect(result.problems).toEqual([]);
    const invoke = result.calls.find((candidate) => candidate.operation === "Invoke")!;
    expect(invoke).toMatchObject({
      action: "lambda:InvokeFunction",
      policy: "apply",
      command: "apply",
      phase: "terraform apply",
    });
  });

  test("a plan's call outside the plan policy, an unnamed call, an unmarked action and a marked action never called each fail, once, naming where", () => {
    const lines = faithful().filter((line) => !("operation" in line && line.operation === "DeleteAlarms"));
    lines.push(
      call("dynamodb", "CreateTable"),
      call("dynamodb", "CreateTable"),
      call("lambda", null),
      call("sns", "ConfirmSubscription"),
    );
    expect(checkCalls(lines).problems).toEqual([
      "dynamodb CreateTable needs dynamodb:CreateTable, which the plan policy lacks (in plan (plan after apply))",
      "an unnamed call: POST / (lambda) (in plan (plan after apply))",
      "sns ConfirmSubscription needs sns:ConfirmSubscription, which the plan policy lacks (in plan (plan after apply))",
      "cloudwatch:DeleteAlarms is marked as recorded on the emulator, but the provider never called it",
      "dynamodb:CreateTable was called in a plan but is marked as recorded in applies only",
      "sns:ConfirmSubscription was called but is not marked in RECORDED_ON_EMULATOR (stacks/deployer-permissions.ts)",
    ]);
  });

  test("calls before any marker count as an apply's; a marker's calls end at the next marker", () => {
    const calls = attribute([
      call("iam", "GetRole"),
      marker("plan", "p"),
      call("iam", "GetRole"),
      marker("destroy", "d"),
      call("iam", "DeleteRole"),
    ]);
    expect(calls.map((candidate) => `${candidate.policy} ${candidate.command}`)).toEqual([
      "apply (before any command)",
      "plan plan",
      "apply destroy",
    ]);
  });

  test("commands side by side: a call belongs to the command whose tag its User-Agent carries, whatever marker came last", () => {
    const log = new ApiCallLog(mkdtempSync(path.join(tmpdir(), "order-workflow-tags-")), {});
    const planEnv = log.before("plan", "plan after apply", { TF_APPEND_USER_AGENT: "ci/1" });
    const applyEnv = log.before("apply", "prod beside dev", {});
    expect([planEnv.TF_APPEND_USER_AGENT, applyEnv.TF_APPEND_USER_AGENT]).toEqual([
      "ci/1 lifecycle-command/1",
      "lifecycle-command/2",
    ]);
    const tagged = (operation: string, agent: string) => ({
      ...call("iam", operation),
      userAgent: `terraform-provider-aws/5.100.0 ${agent}`,
    });
    const calls = attribute([
      ...readLog(log.file),
      tagged("GetRole", "ci/1 lifecycle-command/1"),
      tagged("CreateRole", "lifecycle-command/2"),
    ]);
    expect(calls.map((candidate) => `${candidate.policy} ${candidate.phase}`)).toEqual([
      "plan plan after apply",
      "apply prod beside dev",
    ]);
  });
});

const moto = findMoto().moto;
const describeWithMoto = moto ? describe : describe.skip;

describeWithMoto("the recorder (emulator/moto/recorder.py)", () => {
  test("names every operation of the stack's services as botocore serializes it (REST Lambda, JSON, CBOR, query)", () => {
    const run = spawnSync(
      moto!.python,
      [
        "-c",
        "import json, recorder; checked, problems = recorder.check_operation_names(); print(json.dumps({'checked': checked, 'problems': problems}))",
      ],
      {
        cwd: path.join(EMULATOR_DIR, "moto"),
        encoding: "utf8",
        timeout: 60000,
        env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
      },
    );
    expect(run.stderr).toBe("");
    const { checked, problems } = JSON.parse(run.stdout);
    expect(problems).toEqual([]);
    // Every one of Lambda's REST operations, the one protocol named by matching paths.
    expect(checked.lambda).toBeGreaterThanOrEqual(80);
    expect(Object.keys(checked).sort()).toEqual(
      ["cloudwatch", "dynamodb", "events", "iam", "kms", "lambda", "logs", "sns", "sqs", "stepfunctions", "sts"].sort(),
    );
  });

  describe("on a running emulator", () => {
    let workDir: string;
    let emulator: Emulator;
    let log: ApiCallLog;

    beforeAll(async () => {
      // The SDK's notice that Node 20 support ends in 2027 is no finding of this test.
      process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
      workDir = mkdtempSync(path.join(tmpdir(), "order-workflow-recorder-"));
      log = new ApiCallLog(workDir, {});
      emulator = await startEmulator({ moto: moto!, workDir, recordCalls: log.file });
    }, 60000);
    afterAll(async () => {
      await emulator?.stop();
      rmSync(workDir, { recursive: true, force: true });
    });

    test("writes the provider's calls (named as IAM names them, with their status) and nothing of other clients; query bodies still reach moto", async () => {
      const provider = { ...emulatorClientConfig(emulator.endpoint), customUserAgent: "terraform-provider-aws/5.100.0" };
      const other = emulatorClientConfig(emulator.endpoint);
      log.before("plan", "recorder test", {});
      await new LambdaClient(provider).send(new ListFunctionsCommand({}));
      await expect(new LambdaClient(provider).send(new GetFunctionCommand({ FunctionName: "absent" }))).rejects.toThrow();
      await new SFNClient(provider).send(new ListStateMachinesCommand({}));
      await new CloudWatchClient(provider).send(new DescribeAlarmsCommand({}));
      log.before("apply", "recorder test", {});
      const trust = JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      });
      await new IAMClient(provider).send(new CreateRoleCommand({ RoleName: "recorded", AssumeRolePolicyDocument: trust }));
      // Not the provider: not written, and it sees what the recorded request created.
      const role = await new IAMClient(other).send(new GetRoleCommand({ RoleName: "recorded" }));
      expect(role.Role?.AssumeRolePolicyDocument).toBeDefined();
      await new LambdaClient(other).send(new ListFunctionsCommand({}));

      const calls = attribute(readLog(log.file));
      expect(
        calls.map((recorded) => [recorded.policy, recorded.service, recorded.operation, recorded.action, recorded.status]),
      ).toEqual([
        ["plan", "lambda", "ListFunctions", "lambda:ListFunctions", 200],
        ["plan", "lambda", "GetFunction", "lambda:GetFunction", 404],
        ["plan", "stepfunctions", "ListStateMachines", "states:ListStateMachines", 200],
        ["plan", "cloudwatch", "DescribeAlarms", "cloudwatch:DescribeAlarms", 200],
        ["apply", "iam", "CreateRole", "iam:CreateRole", 200],
      ]);
      expect(calls.every((recorded) => recorded.userAgent.includes("terraform-provider-aws/5.100.0"))).toBe(true);
    }, 60000);
  });
});
