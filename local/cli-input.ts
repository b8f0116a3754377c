/** Reading the JSON file a local command is given, with the exit status DESIGN.md section 4 asks for. */
import { readFileSync } from "node:fs";

export const EXIT_USAGE = 2;

export function fail(message: string, status = EXIT_USAGE): never {
  process.stderr.write(`${message}\n`);
  process.exit(status);
}

export function readJsonFile(file: string | undefined, usage: string): unknown {
  if (!file) fail(`missing input file. Usage: ${usage}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    fail(`cannot read ${file}: ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    fail(`${file} is not valid JSON: ${(error as Error).message}`);
  }
}
