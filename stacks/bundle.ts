/**
 * Bundles the services' handlers with esbuild at synth time: one minified CommonJS file
 * per service for Node 22 with every dependency inlined, except the AWS SDK v3, which the
 * Lambda Node.js runtime carries (functions/shared/dynamodb-store.ts loads it on first use). Files get a fixed mode and mtime so that a zip made
 * from them has the same bytes on every machine and every run.
 */
import { buildSync } from "esbuild";
import { chmodSync, existsSync, utimesSync } from "node:fs";
import { isUpToDate, markBuilt } from "../scripts/freshness.cjs";
import * as path from "node:path";
import { mapServices, PerService, SERVICES, ServiceName } from "./services";
import { LAMBDA_RUNTIME, nodeMajorOf } from "./lambda-runtime";

/** The folder holding package.json, wherever this file runs from (sources, or the bundled app in .build/). */
function findProjectRoot(from: string): string {
  for (let dir = from; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, "package.json"))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`no package.json above ${from}`);
  }
}

export const PROJECT_ROOT = findProjectRoot(__dirname);
export const FUNCTIONS_DIR = path.join(PROJECT_ROOT, "functions");
/** Build output, outside cdktf.out so that a synth never packages a stale bundle from another stack. */
export const BUNDLE_ROOT = path.join(PROJECT_ROOT, ".build", "functions");

/** 1980-01-01, the earliest time a zip entry can carry. */
const FIXED_MTIME = new Date("1980-01-01T00:00:00Z");

export function handlerEntry(service: ServiceName): string {
  return path.join(FUNCTIONS_DIR, service, "index.ts");
}

let bundled: PerService<string> | undefined;

/**
 * Bundles all five services into `<BUNDLE_ROOT>/<service>/index.js` and returns those
 * directories. One esbuild call for all of them (about 20 ms instead of 140 ms for five),
 * made once per process however many stacks ask, and skipped when no file under
 * functions/ (nor this file) changed since the last build.
 */
export function bundleServices(): PerService<string> {
  if (bundled) return bundled;
  const stamp = path.join(BUNDLE_ROOT, ".built");
  const outfile = (service: ServiceName) => path.join(BUNDLE_ROOT, service, "index.js");
  const sources = [FUNCTIONS_DIR, path.join(PROJECT_ROOT, "stacks", "bundle.ts")];
  if (!isUpToDate(stamp, sources) || !SERVICES.every((service) => existsSync(outfile(service)))) {
    const startedAt = new Date();
    buildSync({
      entryPoints: Object.fromEntries(SERVICES.map((service) => [`${service}/index`, handlerEntry(service)])),
      outdir: BUNDLE_ROOT,
      bundle: true,
      platform: "node",
      target: `node${nodeMajorOf(LAMBDA_RUNTIME)}`,
      format: "cjs",
      minify: true,
      legalComments: "none",
      external: ["@aws-sdk/*"],
      // Absolute paths of the build machine must not end up in the bundle.
      sourcemap: false,
      logLevel: "error",
    });
    for (const service of SERVICES) {
      // A zip stores mode and mtime: fix both, whatever the machine's umask and clock.
      chmodSync(outfile(service), 0o644);
      utimesSync(outfile(service), FIXED_MTIME, FIXED_MTIME);
      utimesSync(path.dirname(outfile(service)), FIXED_MTIME, FIXED_MTIME);
    }
    markBuilt(stamp, startedAt);
  }
  bundled = mapServices((service) => path.dirname(outfile(service)));
  return bundled;
}
