/**
 * A skipped suite says why in the run's output: Jest on two fixture suites (one that
 * skips, one that runs) with the project's reporter prints exactly one SKIPPED line, the
 * skipping suite's, and the skipped suite's test never runs.
 */
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";

const FIXTURES = path.join(__dirname, "..", "fixtures", "skip-reporter");

test("a suite skipped with describeUnless prints SKIPPED <suite>: <reason> once; a suite that runs prints none", () => {
  const config = {
    rootDir: FIXTURES,
    testMatch: ["**/*.fixture.ts"],
    testEnvironment: "node",
    moduleFileExtensions: ["ts", "js", "json"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    reporters: ["default", path.join(__dirname, "..", "helpers", "skip-reporter.js")],
  };
  const result = spawnSync(process.execPath, [require.resolve("jest/bin/jest"), "--config", JSON.stringify(config), "--ci"], {
    cwd: PROJECT_ROOT,
    encoding: "utf8",
    timeout: 60000,
  });
  const output = `${result.stdout}${result.stderr}`;
  expect(result.status).toBe(0);
  // Skipped: the suite's test and the marker that carries the reason; passed: the other suite's test.
  expect(output).toMatch(/Tests: +2 skipped, 1 passed, 3 total/);
  expect(output.split("\n").filter((line) => line.startsWith("SKIPPED"))).toEqual([
    "SKIPPED fixture suite: the fixture's tool is not installed",
  ]);
}, 60000);
