/**
 * The stack's outputs as npm run smoke, dlq, compensate and versions read them
 * (scripts/stack-outputs.ts): both file shapes, the stack directory under cdktf.out/stacks/,
 * and --stack when there are several stacks (one per environment).
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import {
  chooseStack,
  normalizeOutputs,
  OutputsError,
  readStackOutputs,
  requireArnOutput,
  requireOutput,
  stacksIn,
} from "../../scripts/stack-outputs";

const ARN = "arn:aws:states:eu-west-1:123456789012:stateMachine:orders-prod-workflow";
const scratch = mkdtempSync(path.join(tmpdir(), "order-workflow-outputs-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** A stand-in `terraform`: `output -json` answers the stack directory it ran in, or fails as terraform does. */
const terraform = path.join(scratch, "terraform");
writeFileSync(
  terraform,
  `#!/usr/bin/env node
if (process.env.STANDIN_FAIL) { console.error("\\nError: No outputs found\\n"); process.exit(1); }
const dir = process.cwd();
console.log(JSON.stringify({ stack_dir: { value: dir, type: "string", sensitive: false }, state_machine_arn: { value: "${ARN}", type: "string", sensitive: false } }));
`,
);
chmodSync(terraform, 0o755);

/** An outdir (cdktf.out) with these stacks synthesized, and a directory that is not one. */
function outdirWith(...stacks: string[]): string {
  const outdir = mkdtempSync(path.join(scratch, "cdktf.out-"));
  for (const stack of stacks) {
    mkdirSync(path.join(outdir, "stacks", stack), { recursive: true });
    writeFileSync(path.join(outdir, "stacks", stack, "cdk.tf.json"), "{}");
  }
  mkdirSync(path.join(outdir, "stacks", "not-a-stack"), { recursive: true });
  return outdir;
}

describe("normalizeOutputs: the two shapes of an outputs file", () => {
  test("`terraform output -json`: each output's value", () => {
    expect(
      normalizeOutputs({
        state_machine_arn: { value: ARN, type: "string", sensitive: false },
        lambda_log_group_names: { value: { a: "/aws/lambda/a" }, type: ["map", "string"], sensitive: false },
      }),
    ).toEqual({ state_machine_arn: ARN, lambda_log_group_names: { a: "/aws/lambda/a" } });
  });

  test("cdktf's outputs file with one stack: that stack's, whatever its name", () => {
    expect(normalizeOutputs({ "microservices-stepfn": { state_machine_arn: ARN } })).toEqual({ state_machine_arn: ARN });
    expect(normalizeOutputs({ prod: { state_machine_arn: ARN, lambda_log_group_names: { a: "b" } } })).toEqual({
      state_machine_arn: ARN,
      lambda_log_group_names: { a: "b" },
    });
  });

  test("cdktf's outputs file with a stack per environment: --stack chooses; without it, the stacks are named", () => {
    const file = { dev: { state_machine_arn: `${ARN}-dev` }, prod: { state_machine_arn: ARN } };
    expect(normalizeOutputs(file, "prod")).toEqual({ state_machine_arn: ARN });
    expect(() => normalizeOutputs(file, undefined, "outputs.json")).toThrow(
      new OutputsError("outputs.json holds several stacks (dev, prod): choose one with --stack <name>"),
    );
    expect(() => normalizeOutputs(file, "staging", "outputs.json")).toThrow(
      "outputs.json has no stack staging (it has: dev, prod)",
    );
  });

  test("a file that is no object of outputs is refused, naming it", () => {
    expect(() => normalizeOutputs([1, 2], undefined, "x.json")).toThrow("x.json is not a JSON object of outputs");
    expect(() => normalizeOutputs("text", undefined, "x.json")).toThrow(OutputsError);
  });
});

describe("chooseStack", () => {
  test("the only stack is the default; several need --stack; an unknown one lists those there are", () => {
    expect(chooseStack(["microservices-stepfn"], undefined, "cdktf.out/stacks")).toBe("microservices-stepfn");
    expect(chooseStack(["dev", "prod"], "dev", "cdktf.out/stacks")).toBe("dev");
    expect(() => chooseStack(["dev", "prod"], undefined, "cdktf.out/stacks")).toThrow(
      "cdktf.out/stacks holds several stacks (dev, prod): choose one with --stack <name>",
    );
    expect(() => chooseStack(["dev"], "prod", "cdktf.out/stacks")).toThrow("cdktf.out/stacks has no stack prod (it has: dev)");
    expect(() => chooseStack([], "prod", "cdktf.out/stacks")).toThrow("cdktf.out/stacks holds no stack, so not prod");
    expect(() => chooseStack([], undefined, "cdktf.out/stacks")).toThrow("cdktf.out/stacks holds no stack");
  });
});

describe("readStackOutputs", () => {
  test("--outputs <file>: read from the file, in either shape; --stack picks a stack of cdktf's file", () => {
    const file = path.join(scratch, "outputs.json");
    writeFileSync(file, JSON.stringify({ dev: { state_machine_arn: "dev-arn" }, prod: { state_machine_arn: ARN } }));
    expect(readStackOutputs({ outputsFile: file, stack: "prod" })).toEqual({
      outputs: { state_machine_arn: ARN },
      stack: "prod",
      from: file,
    });
    writeFileSync(file, JSON.stringify({ state_machine_arn: { value: ARN } }));
    expect(readStackOutputs({ outputsFile: file })).toEqual({ outputs: { state_machine_arn: ARN }, from: file });
  });

  test("--outputs <file> that is missing or not JSON: an OutputsError naming the file", () => {
    const missing = path.join(scratch, "missing.json");
    expect(() => readStackOutputs({ outputsFile: missing })).toThrow(new OutputsError(`cannot read ${missing}: no such file`));
    const broken = path.join(scratch, "broken.json");
    writeFileSync(broken, "{ not json");
    expect(() => readStackOutputs({ outputsFile: broken })).toThrow(new RegExp(`^cannot read ${broken}: .*JSON`));
  });

  test("by default: `terraform output -json` in the only stack's directory under cdktf.out/stacks/", () => {
    const outdir = outdirWith("microservices-stepfn");
    const read = readStackOutputs({}, { outdir, terraform });
    expect(read.stack).toBe("microservices-stepfn");
    expect(read.outputs).toEqual({ stack_dir: path.join(outdir, "stacks", "microservices-stepfn"), state_machine_arn: ARN });
  });

  test("several stacks (one per environment): --stack chooses the directory; without it, exit-2 error naming them", () => {
    const outdir = outdirWith("dev", "prod");
    expect(stacksIn(outdir)).toEqual(["dev", "prod"]);
    expect(readStackOutputs({ stack: "prod" }, { outdir, terraform }).outputs.stack_dir).toBe(
      path.join(outdir, "stacks", "prod"),
    );
    expect(() => readStackOutputs({}, { outdir, terraform })).toThrow(
      /stacks holds several stacks \(dev, prod\): choose one with --stack <name>$/,
    );
    expect(() => readStackOutputs({ stack: "staging" }, { outdir, terraform })).toThrow(
      /has no stack staging \(it has: dev, prod\)$/,
    );
  });

  test("CDKTF_OUTDIR names the directory cdktf synthesized into, as cdktf's App reads it", () => {
    const outdir = outdirWith("dev");
    const read = readStackOutputs({}, { env: { ...process.env, CDKTF_OUTDIR: outdir }, terraform });
    expect(read.outputs.stack_dir).toBe(path.join(outdir, "stacks", "dev"));
  });

  test("nothing synthesized, or terraform failing: one line saying so", () => {
    const empty = mkdtempSync(path.join(scratch, "empty-"));
    expect(() => readStackOutputs({}, { outdir: empty, terraform })).toThrow(
      /^no synthesized stack in .*stacks \(synthesize and deploy first, or pass --outputs <file>\)$/,
    );
    const outdir = outdirWith("dev");
    expect(() => readStackOutputs({}, { outdir, terraform, env: { ...process.env, STANDIN_FAIL: "1" } })).toThrow(
      /^terraform output -json failed in .*dev: No outputs found$/,
    );
  });
});

test("requireOutput and requireArnOutput name the output that is missing or not an ARN", () => {
  expect(requireOutput({ a: "x" }, "a")).toBe("x");
  expect(() => requireOutput({ a: "" }, "a")).toThrow(new OutputsError("the stack outputs have no a"));
  expect(requireArnOutput({ state_machine_arn: ARN }, "state_machine_arn")).toBe(ARN);
  expect(() => requireArnOutput({ state_machine_arn: "orders" }, "state_machine_arn")).toThrow(
    "state_machine_arn is not an ARN with a Region: orders",
  );
});
