/**
 * Reads the EventBridge rule's pattern and the target's input mapping from the
 * synthesized stack, so the local runner applies exactly what would be deployed.
 */
import "../stacks/quiet-cdktf-deprecation";
import { Testing } from "cdktf";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { OrderWorkflowStack, STACK_NAME } from "../stacks/order-workflow-stack";
import { TargetMapping } from "./event-rule";
import { LOCAL_ACCOUNT } from "./runner";

export type SynthesizedTrigger = TargetMapping;

type Resources = Record<string, Record<string, Record<string, unknown>>>;

export function only<T>(resources: Record<string, T> | undefined, type: string): T {
  const found = Object.values(resources ?? {});
  if (found.length !== 1) throw new Error(`expected exactly one ${type} in the stack, found ${found.length}`);
  return found[0];
}

/**
 * The rule's pattern as the local runner's placeholder account sees it: the deploying
 * account is a Terraform expression until apply, and locally it is LOCAL_ACCOUNT (a
 * deployed stack's account for npm run dlq -- replay).
 */
export function patternForLocalAccount(eventPattern: string, account = LOCAL_ACCOUNT): Record<string, unknown> {
  const resolved = eventPattern.replaceAll("${local.deployment_account}", account);
  const unresolved = /\$\{[^}]*\}/.exec(resolved);
  if (unresolved) throw new Error(`the rule's pattern has ${unresolved[0]}, which the local runner cannot resolve`);
  return JSON.parse(resolved) as Record<string, unknown>;
}

export function triggerOf(synthesized: { resource: Resources }, account = LOCAL_ACCOUNT): SynthesizedTrigger {
  const rule = only(synthesized.resource.aws_cloudwatch_event_rule, "aws_cloudwatch_event_rule");
  const target = only(synthesized.resource.aws_cloudwatch_event_target, "aws_cloudwatch_event_target");
  if (target.input !== undefined) throw new Error("the target uses a constant input, which the local runner does not apply");
  const transformer = target.input_transformer as { input_paths: Record<string, string>; input_template: string } | undefined;
  return {
    eventPattern: patternForLocalAccount(rule.event_pattern as string, account),
    inputPath: target.input_path as string | undefined,
    ...(transformer
      ? { inputTransformer: { inputPaths: transformer.input_paths, inputTemplate: transformer.input_template } }
      : {}),
  };
}

export function synthesizeTrigger(account = LOCAL_ACCOUNT): SynthesizedTrigger {
  // An outdir of our own: Testing.app() would leave one behind in the temp folder on every run.
  const outdir = mkdtempSync(path.join(tmpdir(), "order-workflow-trigger-"));
  try {
    const stack = new OrderWorkflowStack(Testing.app({ outdir }), STACK_NAME, { packaging: "synth" });
    return triggerOf(JSON.parse(Testing.synth(stack)) as { resource: Resources }, account);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
