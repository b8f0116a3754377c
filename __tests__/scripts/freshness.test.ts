/** When the synth may skip esbuild: only when every source is older than the last build. */
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { isUpToDate, markBuilt } from "../../scripts/freshness.cjs";
import { setEnv } from "../helpers/env";

describe("build freshness", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "order-workflow-freshness-"));
  const source = path.join(dir, "src");
  const stamp = path.join(dir, ".built");
  // An hour ago, so that a file written now is newer than any of these times.
  const base = Date.now() - 3_600_000;
  const at = (seconds: number) => new Date(base + seconds * 1000);
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test("GIVEN no stamp THEN a build is needed; GIVEN a stamp after every source THEN none", () => {
    mkdirSync(source);
    writeFileSync(path.join(source, "a.ts"), "");
    utimesSync(path.join(source, "a.ts"), at(0), at(0));
    utimesSync(source, at(0), at(0));
    expect(isUpToDate(stamp, [source])).toBe(false);
    markBuilt(stamp, at(10));
    expect(isUpToDate(stamp, [source])).toBe(true);
  });

  test("a source edited after the build started, or a file added, needs a build", () => {
    utimesSync(path.join(source, "a.ts"), at(11), at(11));
    expect(isUpToDate(stamp, [source])).toBe(false);
    markBuilt(stamp, at(20));
    writeFileSync(path.join(source, "b.ts"), "");
    expect(isUpToDate(stamp, [source])).toBe(false);
  });

  test("CDKTF_APP_REBUILD=1 always builds", () => {
    markBuilt(stamp, new Date(Date.now() + 60000));
    expect(isUpToDate(stamp, [source])).toBe(true);
    const restore = setEnv({ CDKTF_APP_REBUILD: "1" });
    try {
      expect(isUpToDate(stamp, [source])).toBe(false);
    } finally {
      restore();
    }
  });
});
