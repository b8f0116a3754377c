/**
 * A test name too long for Stryker's name filter fails the run (helpers/titles.ts says why):
 * Jest on fixture suites with the project's reporter exits 1 and names the test when one full
 * name is over 1000 characters, and passes when every name is at most 1000.
 */
import { jestOnFixtures } from "../helpers/jest-fixtures";

const jestOn = (fixture: string) => jestOnFixtures("title-length-reporter", "title-length-reporter.js", `**/${fixture}`);

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
