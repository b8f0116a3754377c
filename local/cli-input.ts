/** Reading the JSON files the local commands are given, with the exit status of docs/local-runner.md. */
import { readFileSync, statSync } from "node:fs";
import { depthOf, MAX_INPUT_DEPTH, STATE_DATA_LIMIT_BYTES } from "./input-limits";

export const EXIT_USAGE = 2;

export function fail(message: string, status = EXIT_USAGE): never {
  process.stderr.write(`${message}\n`);
  process.exit(status);
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
    fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    fail(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  if (depthOf(value) > MAX_INPUT_DEPTH) fail(`${file} nests deeper than ${MAX_INPUT_DEPTH} levels; no order is that deep`);
  return value;
}
