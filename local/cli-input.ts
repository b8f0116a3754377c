/**
 * Reading the JSON files the local commands are given, with the exit status of
 * docs/local-runner.md, and running a command as the process.
 */
import { readFileSync, statSync } from "node:fs";
import * as path from "node:path";
import { depthOf, MAX_INPUT_DEPTH, STATE_DATA_LIMIT_BYTES } from "./input-limits";
import { findJsonSyntaxError } from "./json-syntax";

export const EXIT_USAGE = 2;

/**
 * Where a local command writes, and the folder its file arguments are relative to: the
 * process's own (processIO), or a test's, which runs the command in its own process.
 */
export interface CliIO {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  cwd: string;
}

export function processIO(): CliIO {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    cwd: process.cwd(),
  };
}

/** A bad argument or input file: its message goes to stderr and the command ends with `status`, having run nothing. */
export class CliInputError extends Error {
  constructor(
    message: string,
    readonly status = EXIT_USAGE,
  ) {
    super(message);
  }
}

export function fail(message: string, status = EXIT_USAGE): never {
  throw new CliInputError(message, status);
}

/** Runs a command's body; a CliInputError becomes its message on stderr and its exit status. */
export async function withInputErrors(io: CliIO, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (!(error instanceof CliInputError)) throw error;
    io.stderr(`${error.message}\n`);
    return error.status;
  }
}

/**
 * Runs a command as the process: its output on stdout and stderr, its status as the exit
 * status. Anything else it throws is a bug, and ends the process with its stack trace.
 */
export function runAsCommand(main: (args: string[], io: CliIO) => Promise<number>): void {
  void main(process.argv.slice(2), processIO()).then((status) => process.exit(status));
}

/** Why a file could not be read, in plain words rather than an errno code. */
export function unreadable(file: string, error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case "ENOENT":
    case "ENOTDIR":
      return `no such file: ${file}`;
    case "EISDIR":
      return `${file} is a folder, not a file`;
    case "EACCES":
    case "EPERM":
      return `cannot read ${file}: permission denied`;
    default:
      return `cannot read ${file}: ${error.message}`;
  }
}

/**
 * The file's JSON, or a one-line message and exit 2: missing, unreadable, larger than
 * Step Functions accepts as an execution input, not JSON, or nested absurdly deep.
 */
export function readJsonFile(file: string | undefined, usage?: string, cwd = process.cwd()): unknown {
  if (!file) fail(`missing input file.${usage ? ` Usage: ${usage}` : ""}`);
  const absolute = path.resolve(cwd, file);
  let size: number;
  let text: string;
  try {
    size = statSync(absolute).size;
  } catch (error) {
    fail(unreadable(file, error as NodeJS.ErrnoException));
  }
  // Checked before reading: a huge file is refused without being loaded.
  if (size > STATE_DATA_LIMIT_BYTES) {
    fail(`${file} is ${size} bytes; Step Functions accepts at most ${STATE_DATA_LIMIT_BYTES} bytes of input`);
  }
  try {
    text = readFileSync(absolute, "utf8");
  } catch (error) {
    fail(unreadable(file, error as NodeJS.ErrnoException));
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // JSON.parse's own message has no reliable position (json-syntax.ts); ours has.
    const where = findJsonSyntaxError(text);
    fail(
      where
        ? `${file} is not valid JSON: line ${where.line}, column ${where.column}: ${where.problem}`
        : `${file} is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (depthOf(value) > MAX_INPUT_DEPTH) fail(`${file} nests deeper than ${MAX_INPUT_DEPTH} levels; no order is that deep`);
  return value;
}
