/**
 * The checks the lifecycle's `deployer permissions` phase runs on the recorded calls
 * (emulator/api-calls.ts) catch what they promise. The recorded run itself is checked in the
 * lifecycle (__tests__/system/lifecycle.integration.test.ts).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { ApiCallLog, attribute, checkCalls, CommandMarker, readLog, RecordedCall } from "../../emulator/api-calls";
import { RECORDED_ON_EMULATOR } from "../../stacks/deployer-permissions";

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
