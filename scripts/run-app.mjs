/**
 * The cdktf app command (cdktf.json "app"): compiles main.ts and the stacks with esbuild
 * into one CommonJS file, then runs it. Faster than a TypeScript loader (ts-node
 * type-checks, tsx transforms file by file): about 0.1 s of compiling, no type checking
 * at synth time (`npm run typecheck` does that).
 */
import { buildSync } from "esbuild";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const outfile = path.join(root, ".build", "app.cjs");

buildSync({
  entryPoints: [path.join(root, "main.ts")],
  outfile,
  bundle: true,
  platform: "node",
  target: "node20",
  format: "cjs",
  // cdktf, the providers and esbuild load from node_modules as usual.
  packages: "external",
  logLevel: "error",
});
createRequire(import.meta.url)(outfile);
