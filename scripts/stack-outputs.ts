/**
 * The outputs of a deployed stack, as every command that acts on one reads them (npm run
 * smoke, dlq, compensate, versions):
 *
 *   --outputs <file>  `terraform output -json` ({ name: { value } }), or the file
 *                     `cdktf deploy --outputs-file` writes ({ <stack>: { name: value } });
 *   (default)         `terraform output -json` in the stack's directory,
 *                     cdktf.out/stacks/<stack> (CDKTF_OUTDIR instead of cdktf.out when set);
 *   --stack <name>    which stack, when cdktf.out/stacks/ (or the outputs file) holds
 *                     several, e.g. one per environment; with one stack it is the default.
 *
 * Every problem is an OutputsError: one line, naming the file, directory or stacks, and
 * the commands exit with status 2 on it.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";

export type StackOutputs = Record<string, unknown>;

/** The project's root (this file is in scripts/). */
const PROJECT_ROOT = path.resolve(__dirname, "..");

/** Why the stack's outputs cannot be read: exit status 2, like a bad argument. */
export class OutputsError extends Error {
  override name = "OutputsError";
}

export interface OutputsSource {
  /** --outputs <file> */
  outputsFile?: string;
  /** --stack <name> */
  stack?: string;
}

export interface ReadOptions {
  /** The environment (CDKTF_OUTDIR, the terraform run's). */
  env?: NodeJS.ProcessEnv;
  /** The directory cdktf synthesized into (default: CDKTF_OUTDIR, else <project>/cdktf.out). */
  outdir?: string;
  /** The terraform binary (tests give a stand-in). */
  terraform?: string;
}

export interface ReadOutputs {
  outputs: StackOutputs;
  /** The stack read, when known (always, unless a `terraform output -json` file was given). */
  stack?: string;
  /** Where they came from, for messages. */
  from: string;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === "object" && !Array.isArray(value);

const relative = (where: string) => path.relative(process.cwd(), where) || ".";

/** The stack to use among `available`: the one asked for, or the only one. */
export function chooseStack(available: string[], requested: string | undefined, where: string): string {
  if (requested !== undefined) {
    if (available.includes(requested)) return requested;
    throw new OutputsError(
      available.length === 0
        ? `${where} holds no stack, so not ${requested}`
        : `${where} has no stack ${requested} (it has: ${available.join(", ")})`,
    );
  }
  if (available.length === 1) return available[0];
  if (available.length === 0) throw new OutputsError(`${where} holds no stack`);
  throw new OutputsError(`${where} holds several stacks (${available.join(", ")}): choose one with --stack <name>`);
}

/**
 * The outputs as { name: value }, from either shape: `terraform output -json` (each entry
 * { value, type, sensitive }), or cdktf's outputs file ({ <stack>: { name: value } }, one
 * key per deployed stack), where `stack` chooses (needed when it holds several).
 */
export function normalizeOutputs(raw: unknown, stack?: string, where = "the outputs file"): StackOutputs {
  return flattenOutputs(raw, stack, where).outputs;
}

function flattenOutputs(raw: unknown, stack: string | undefined, where: string): { outputs: StackOutputs; stack?: string } {
  if (!isObject(raw)) throw new OutputsError(`${where} is not a JSON object of outputs`);
  const entries = Object.entries(raw);
  // cdktf's file: every top-level entry is a stack's outputs (an object that is not a { value } entry).
  const byStack = entries.length > 0 && entries.every(([, entry]) => isObject(entry) && !("value" in entry));
  const chosen = byStack ? chooseStack(Object.keys(raw), stack, where) : stack;
  const flat = byStack ? (raw[chosen!] as Record<string, unknown>) : raw;
  const outputs = Object.fromEntries(
    Object.entries(flat).map(([name, entry]) => [name, isObject(entry) && "value" in entry ? entry.value : entry]),
  );
  return { outputs, stack: chosen };
}

/** The stacks synthesized into `outdir`: its stacks/ subdirectories that hold a cdk.tf.json, sorted. */
export function stacksIn(outdir: string): string[] {
  const stacksDir = path.join(outdir, "stacks");
  if (!existsSync(stacksDir)) return [];
  return readdirSync(stacksDir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory() && existsSync(path.join(stacksDir, entry.name, "cdk.tf.json")))
    .map((entry) => entry.name)
    .sort();
}

/** The directory cdktf synthesizes into: `outdir` if given, else CDKTF_OUTDIR (as cdktf's App reads it), else <project>/cdktf.out. */
export function outdirOf(options: ReadOptions = {}): string {
  const env = options.env ?? process.env;
  if (options.outdir) return options.outdir;
  return env.CDKTF_OUTDIR ? path.resolve(env.CDKTF_OUTDIR) : path.join(PROJECT_ROOT, "cdktf.out");
}

/** The stack's outputs, from --outputs <file> or from `terraform output -json` in the stack's directory. */
export function readStackOutputs(source: OutputsSource, options: ReadOptions = {}): ReadOutputs {
  const env = options.env ?? process.env;
  if (source.outputsFile) {
    const file = source.outputsFile;
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(file, "utf8"));
    } catch (error) {
      const { code, message } = error as NodeJS.ErrnoException;
      throw new OutputsError(`cannot read ${file}: ${code === "ENOENT" ? "no such file" : message.replace(/\s+/g, " ")}`);
    }
    return { ...flattenOutputs(raw, source.stack, file), from: file };
  }
  const outdir = outdirOf(options);
  const stacks = stacksIn(outdir);
  const where = relative(path.join(outdir, "stacks"));
  if (stacks.length === 0) {
    throw new OutputsError(`no synthesized stack in ${where} (synthesize and deploy first, or pass --outputs <file>)`);
  }
  const stack = chooseStack(stacks, source.stack, where);
  const stackDir = path.join(outdir, "stacks", stack);
  const result = spawnSync(options.terraform ?? "terraform", ["output", "-json", "-no-color"], {
    cwd: stackDir,
    encoding: "utf8",
    env: { ...env, CHECKPOINT_DISABLE: "1" },
  });
  if (result.status !== 0) {
    const reason = /Error: (.*)/.exec(result.stderr ?? "")?.[1] ?? result.error?.message ?? `exit status ${result.status}`;
    throw new OutputsError(`terraform output -json failed in ${relative(stackDir)}: ${reason}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(result.stdout);
  } catch {
    throw new OutputsError(`terraform output -json in ${relative(stackDir)} did not answer JSON`);
  }
  const outputs = normalizeOutputs(raw, undefined, `terraform output -json in ${relative(stackDir)}`);
  if (Object.keys(outputs).length === 0) throw new OutputsError(`stack ${stack} has no outputs: deploy it first`);
  return { outputs, stack, from: relative(stackDir) };
}

/** The named output, a non-empty string, or an OutputsError naming it. */
export function requireOutput(outputs: StackOutputs, name: string): string {
  const value = outputs[name];
  if (typeof value !== "string" || value === "") throw new OutputsError(`the stack outputs have no ${name}`);
  return value;
}

/** The Region of an ARN (its fourth part). */
export function regionOf(arn: string): string {
  return arn.split(":")[3];
}

/** The named output, an ARN with a Region: what the commands' clients are configured from. */
export function requireArnOutput(outputs: StackOutputs, name: string): string {
  const arn = requireOutput(outputs, name);
  if (!/^arn:[^:]+:[^:]+:[^:]+:/.test(arn) || !regionOf(arn))
    throw new OutputsError(`${name} is not an ARN with a Region: ${arn}`);
  return arn;
}
