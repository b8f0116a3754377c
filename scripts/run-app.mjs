/**
 * The cdktf app command (cdktf.json "app"): compiles main.ts and the stacks with esbuild
 * into one CommonJS file, then runs it. Faster than a TypeScript loader (ts-node
 * type-checks, tsx transforms file by file): about 0.1 s of compiling, skipped when no
 * source changed since the last synth (CDKTF_APP_REBUILD=1 forces it), and no type
 * checking at synth time (`npm run typecheck` does that).
 */
import { renameSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const require = createRequire(import.meta.url);
const { isUpToDate, markBuilt } = require("./freshness.cjs");
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, ".build", "app.cjs");
const stamp = `${outfile}.built`;
const sources = ["main.ts", "stacks", "functions", "scripts"].map((entry) => path.join(root, entry));

if (!isUpToDate(stamp, sources)) {
  const startedAt = new Date();
  // Loaded only when needed: esbuild's first call costs about 0.1 s.
  const { buildSync } = require("esbuild");
  // Written beside it, then renamed: another synth starting meanwhile (tests run several
  // at once) reads the previous build or this one, never a half-written file.
  const partial = `${outfile}.${process.pid}.tmp`;
  buildSync({
    entryPoints: [path.join(root, "main.ts")],
    outfile: partial,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // cdktf, the providers and esbuild load from node_modules as usual.
    packages: "external",
    logLevel: "error",
  });
  renameSync(partial, outfile);
  markBuilt(stamp, startedAt);
}
require(outfile);
