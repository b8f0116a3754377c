/** Jest itself, in a process of its own, on fixture suites: how the project's reporters end a run and what they print. */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";

/**
 * Runs Jest on the `*.fixture.ts` suites of `__tests__/fixtures/<folder>` matching `match`, with
 * Jest's default reporter and `__tests__/helpers/<reporter>`: the exit status and all it printed.
 */
export function jestOnFixtures(
  folder: string,
  reporter: string,
  match = "**/*.fixture.ts",
): { status: number | null; output: string } {
  const config = {
    rootDir: path.join(__dirname, "..", "fixtures", folder),
    testMatch: [match],
    testEnvironment: "node",
    moduleFileExtensions: ["ts", "js", "json"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    reporters: ["default", path.join(__dirname, reporter)],
  };
  const result = spawnSync(process.execPath, [require.resolve("jest/bin/jest"), "--config", JSON.stringify(config), "--ci"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 60000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}
