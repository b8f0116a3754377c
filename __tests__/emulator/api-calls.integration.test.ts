/**
 * The recorder (emulator/moto/recorder.py), on moto: it names every operation, keeps only the
 * provider's calls and passes requests on unchanged.
 */
import { CreateRoleCommand, GetRoleCommand, IAMClient } from "@aws-sdk/client-iam";
import { GetFunctionCommand, LambdaClient, ListFunctionsCommand } from "@aws-sdk/client-lambda";
import { ListStateMachinesCommand, SFNClient } from "@aws-sdk/client-sfn";
import { DescribeAlarmsCommand, CloudWatchClient } from "@aws-sdk/client-cloudwatch";
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ApiCallLog, attribute, readLog } from "../../emulator/api-calls";
import { emulatorClientConfig } from "../../emulator/inventory";
import { Emulator, EMULATOR_DIR, findMoto, startEmulator } from "../../emulator/server";
import { describeUnless } from "../helpers/skip";
import { removeTestOutdirs } from "../helpers/synth";
afterAll(removeTestOutdirs);

const { moto, reason } = findMoto();
const describeWithMoto = describeUnless(moto ? undefined : reason, "emulator recorder tests");

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
    const { checked, problems } = JSON.parse(run.stdout) as { checked: Record<string, number>; problems: string[] };
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
