/**
 * What `npm run mutation` (scripts/mutation.ts) makes of Stryker's report: the score, the counts
 * behind it, the runtime errors outside it and their causes, and the PATH of a scope that must
 * not find moto. Stryker itself runs for minutes per scope and is not run here.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { mutationScore, pathWithoutMoto, runtimeErrors, scoreCounts } from "../../scripts/mutation";

const statuses = ["Killed", "Killed", "Killed", "Timeout", "Survived", "RuntimeError", "Ignored", "RuntimeError"];

describe("the score line", () => {
  test("the score is killed and timed-out mutants over those a test could have detected; runtime errors and ignored ones are outside it", () => {
    expect(mutationScore(statuses)).toBe(80);
    expect(mutationScore([...statuses, "NoCoverage"])).toBeCloseTo(66.67, 2);
  });

  test("a scope without a mutant a test could detect has no score", () => {
    expect(mutationScore([])).toBeUndefined();
    expect(mutationScore(["Ignored", "RuntimeError"])).toBeUndefined();
  });

  test("the counts behind the score", () => {
    expect(scoreCounts([...statuses, "NoCoverage"])).toBe("4 detected, 1 survived, 1 without coverage");
  });
});

describe("runtime errors", () => {
  const loadFailure = {
    status: "RuntimeError",
    statusReason: "items is not iterable TypeError: items is not iterable\n    at new MemoryStore (memory-store.ts:29:26)",
  };
  const filterTooLarge = {
    status: "RuntimeError",
    statusReason: "Invalid regular expression: /(a)|(b)/i: Regular expression too large\n    at RegExp.test (<anonymous>)",
  };

  test("none: nothing to say, and every mutant was measured", () => {
    expect(runtimeErrors([{ status: "Killed" }, { status: "Survived" }])).toEqual({ lines: [], unmeasured: 0 });
  });

  test("each cause once, with how many mutants it stopped, by the first line of its reason", () => {
    const { lines, unmeasured } = runtimeErrors([loadFailure, loadFailure, { status: "Killed" }]);
    expect(lines).toEqual([
      "2 runtime error(s), outside the score:",
      "  2 x items is not iterable TypeError: items is not iterable",
    ]);
    expect(unmeasured).toBe(0);
  });

  test("a test-name filter V8 cannot compile: those mutants are counted as not measured, and the fix is named", () => {
    const { lines, unmeasured } = runtimeErrors([filterTooLarge, loadFailure, filterTooLarge]);
    expect(unmeasured).toBe(2);
    expect(lines[0]).toBe("3 runtime error(s), outside the score:");
    expect(lines[1]).toMatch(/^ {2}2 x not measured: .*too large.*inTitle\(\), __tests__\/helpers\/titles\.ts/);
    expect(lines[2]).toBe("  1 x items is not iterable TypeError: items is not iterable");
  });

  test("a reason's first line is cut at 200 characters", () => {
    const long = { status: "RuntimeError", statusReason: `${"x".repeat(300)}\nat` };
    expect(runtimeErrors([long]).lines[1]).toBe(`  1 x ${"x".repeat(200)}`);
  });
});

describe("the stores scope's PATH", () => {
  const root = mkdtempSync(path.join(tmpdir(), "mutation-path-"));
  const dir = (name: string, motoMode?: number) => {
    const folder = path.join(root, name);
    mkdirSync(folder);
    if (motoMode !== undefined) {
      writeFileSync(path.join(folder, "moto_server"), "#!/bin/sh\n");
      chmodSync(path.join(folder, "moto_server"), motoMode);
    }
    return folder;
  };
  const withMoto = dir("with-moto", 0o755);
  const notExecutable = dir("not-executable", 0o644);
  const without = dir("without");
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  test("leaves out only the folders holding an executable moto_server, in order", () => {
    const PATH = [without, withMoto, notExecutable, path.join(root, "missing")].join(path.delimiter);
    expect(pathWithoutMoto(PATH)).toBe([without, notExecutable, path.join(root, "missing")].join(path.delimiter));
  });
});
