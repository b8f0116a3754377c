/**
 * Bundles one service's handler with esbuild at synth time: one minified CommonJS file
 * for Node 22 with every dependency inlined (the services use only Node built-ins, which
 * the runtime has). Files get a fixed mtime so that a zip made from them has the same
 * bytes on every machine and every run.
 */
import { buildSync } from "esbuild";
import { chmodSync, mkdirSync, utimesSync } from "node:fs";
import * as path from "node:path";
import { ServiceName } from "./services";

export const PROJECT_ROOT = path.resolve(__dirname, "..");
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, "functions");
/** Build output, outside cdktf.out so that a synth never packages a stale bundle from another stack. */
export const BUNDLE_ROOT = path.join(PROJECT_ROOT, ".build", "functions");

/** 1980-01-01, the earliest time a zip entry can carry. */
const FIXED_MTIME = new Date("1980-01-01T00:00:00Z");

export function handlerEntry(service: ServiceName): string {
  return path.join(FUNCTIONS_DIR, service, "index.ts");
}

/** Bundles the service into `<BUNDLE_ROOT>/<service>/index.js` and returns that directory. */
export function bundleService(service: ServiceName): string {
  const outdir = path.join(BUNDLE_ROOT, service);
  mkdirSync(outdir, { recursive: true });
  const outfile = path.join(outdir, "index.js");
  buildSync({
    entryPoints: [handlerEntry(service)],
    outfile,
    bundle: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    minify: true,
    legalComments: "none",
    // Absolute paths of the build machine must not end up in the bundle.
    sourcemap: false,
    logLevel: "error",
  });
  // A zip stores mode and mtime: fix both, whatever the machine's umask and clock.
  chmodSync(outfile, 0o644);
  utimesSync(outfile, FIXED_MTIME, FIXED_MTIME);
  utimesSync(outdir, FIXED_MTIME, FIXED_MTIME);
  return outdir;
}
