/**
 * What the recovery commands (npm run dlq, compensate, versions) share: their arguments,
 * their exit statuses, and the AWS clients' settings.
 *
 * Exit statuses: 0 done; 1 not done (what is left is printed); 2 bad arguments (a line
 * naming the problem, then the usage) or the stack's outputs unreadable. `--help` prints
 * the usage and exits 0. An AWS error is one line, never a stack trace.
 */
import { describeError, oneLine } from "./aws-errors";
import { OutputsError } from "./stack-outputs";

/** A bad argument: exit status 2, the message and then the usage. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** Where a command writes: one call per line. Tests collect the lines. */
export interface CommandIO {
  out: (line: string) => void;
  err: (line: string) => void;
  env?: NodeJS.ProcessEnv;
}

export interface ArgumentSpec {
  /** Options that take a value, with the value's placeholder: { "--outputs": "<file>" }. */
  values?: Record<string, string>;
  /** Options without a value: ["--dry-run"]. */
  flags?: string[];
}

export interface ParsedArguments {
  help: boolean;
  values: Record<string, string>;
  flags: Set<string>;
  positionals: string[];
}

/** The options every recovery command takes: where the stack's outputs come from. */
export const OUTPUT_OPTIONS = { "--outputs": "<file>", "--stack": "<name>" };
export const OUTPUT_OPTIONS_USAGE = "[--outputs <file>] [--stack <name>]";

/**
 * Reads `--name value`, `--name=value`, flags and positional arguments; throws a UsageError
 * naming the first thing it does not understand. A value never starts with `--`, so
 * `--outputs --stack dev` is a missing file, not a file named "--stack".
 */
export function parseArguments(args: string[], spec: ArgumentSpec): ParsedArguments {
  const values = spec.values ?? {};
  const flags = spec.flags ?? [];
  const parsed: ParsedArguments = { help: false, values: {}, flags: new Set(), positionals: [] };
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    if (arg === "--help" || arg === "-h") {
      parsed.help = true;
      continue;
    }
    if (!arg.startsWith("-") || arg === "-") {
      parsed.positionals.push(arg);
      continue;
    }
    const [name, inline] = arg.split(/=(.*)/s);
    if (name in values) {
      const value = inline ?? (args[i + 1] === undefined || args[i + 1].startsWith("--") ? undefined : args[++i]);
      if (!value) throw new UsageError(`${name} needs a value: ${name} ${values[name]}`);
      if (name in parsed.values) throw new UsageError(`${name} is given twice`);
      parsed.values[name] = value;
    } else if (flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`${name} takes no value`);
      parsed.flags.add(name);
    } else {
      throw new UsageError(`unknown option ${name}`);
    }
  }
  return parsed;
}

/**
 * Runs a command's body and turns what it throws into its exit status: a UsageError (2,
 * then the usage), an OutputsError (2), anything else (1, one line).
 */
export async function withExitStatus(usage: string, io: CommandIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(error.message);
      io.err(usage);
      return 2;
    }
    if (error instanceof OutputsError) {
      io.err(`cannot read the stack's outputs: ${oneLine(error.message)}`);
      return 2;
    }
    io.err(describeError(error));
    return 1;
  }
}

/**
 * The AWS clients' settings: the Region of the stack's resources, and time limits so that a
 * silent endpoint cannot hang a command. Credentials and endpoint come from the usual AWS
 * environment (AWS_ENDPOINT_URL points them at the emulator in tests).
 */
export function clientConfig(region: string, requestTimeoutMs = 60000) {
  return {
    region,
    requestHandler: { connectionTimeout: 10000, requestTimeout: requestTimeoutMs, throwOnRequestTimeout: true },
  };
}

/** Runs a command as the process: its lines on stdout and stderr, its status as the exit status. */
export function runAsScript(main: (args: string[], io: CommandIO) => Promise<number>): void {
  // The SDK's notice that Node 20 support ends is no finding of a recovery command.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  const io: CommandIO = {
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    env: process.env,
  };
  main(process.argv.slice(2), io).then(
    (status) => process.exit(status),
    (error) => {
      // Only a bug gets here (main turns errors into statuses); still one line.
      process.stderr.write(`unexpected ${describeError(error)}\n`);
      process.exit(1);
    },
  );
}
