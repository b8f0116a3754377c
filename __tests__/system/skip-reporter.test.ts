/**
 * A skipped suite says why in the run's output: Jest on two fixture suites (one that
 * skips, one that runs) with the project's reporter prints exactly one SKIPPED line, the
 * skipping suite's, and the skipped suite's test never runs.
 */
import { jestOnFixtures } from "../helpers/jest-fixtures";

test("a suite skipped with describeUnless prints SKIPPED <suite>: <reason> once; a suite that runs prints none", () => {
  const { status, output } = jestOnFixtures("skip-reporter", "skip-reporter.js");
  expect(status).toBe(0);
  // Skipped: the suite's test and the marker that carries the reason; passed: the other suite's test.
  expect(output).toMatch(/Tests: +2 skipped, 1 passed, 3 total/);
  expect(output.split("\n").filter((line) => line.startsWith("SKIPPED"))).toEqual([
    "SKIPPED fixture suite: the fixture's tool is not installed",
  ]);
}, 60000);
