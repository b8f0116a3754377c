/**
 * A test name too long for Stryker's name filter fails the run (helpers/titles.ts says why):
 * Jest on fixture suites with the project's reporter exits 1 and names the test when one full
 * name is over 1000 characters, and passes when every name is at most 1000.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";

const FIXTURES = path.join(__dirname, "..", "fixtures", "title-length-reporter");

function jestOn(fixture: string): { status: number | null; output: string } {
  const config = {
    rootDir: FIXTURES,
    testMatch: [`**/${fixture}`],
    testEnvironment: "node",
    moduleFileExtensions: ["ts", "js", "json"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    reporters: ["default", path.join(__dirname, "..", "helpers", "title-length-reporter.js")],
  };
  const result = spawnSync(process.execPath, [require.resolve("jest/bin/jest"), "--config", JSON.stringify(config), "--ci"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 60000,
  });
  return { status: result.status, output: `${result.stdout}${result.stderr}` };
}

test("a full name over 1000 characters fails the run, though every test passed, and is named with its length", () => {
  const { status, output } = jestOn("long-title.fixture.ts");
  expect(output).toMatch(/Tests: +2 passed, 2 total/);
  expect(status).toBe(1);
  expect(output.split("\n").filter((line) => line.startsWith("TEST NAME TOO LONG"))).toEqual([
    expect.stringMatching(
      /^TEST NAME TOO LONG \(over 1000 characters; show long values with inTitle\(\)\): .*long-title\.fixture\.ts: takes x{114}\.\.\. \(1006 characters\)$/,
    ),
  ]);
}, 60000);

test("names of at most 1000 characters pass", () => {
  const { status, output } = jestOn("short-titles.fixture.ts");
  expect(output).toMatch(/Tests: +2 passed, 2 total/);
  expect(output).not.toContain("TEST NAME TOO LONG");
  expect(status).toBe(0);
}, 60000);
