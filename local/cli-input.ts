/** Reading the JSON files the local commands are given, with the exit status of docs/local-runner.md. */
import { readFileSync, statSync } from "node:fs";
import { depthOf, MAX_INPUT_DEPTH, STATE_DATA_LIMIT_BYTES } from "./input-limits";
import { findJsonSyntaxError } from "./json-syntax";

export const EXIT_USAGE = 2;

export function fail(message: string, status = EXIT_USAGE): never {
  process.stderr.write(`${message}\n`);
  process.exit(status);
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
export function readJsonFile(file: string | undefined, usage?: string): unknown {
  if (!file) fail(`missing input file.${usage ? ` Usage: ${usage}` : ""}`);
  let text: string;
  try {
    const { size } = statSync(file);
    if (size > STATE_DATA_LIMIT_BYTES) {
      fail(`${file} is ${size} bytes; Step Functions accepts at most ${STATE_DATA_LIMIT_BYTES} bytes of input`);
    }
    text = readFileSync(file, "utf8");
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
