/**
 * Moving a CDKTF app to CDK Terrain as its upgrade guide (cdktn.io, "Upgrade guide v0.22")
 * says: the packages are renamed (cdktf -> cdktn, cdktf-cli -> cdktn-cli,
 * @cdktf/provider-* -> @cdktn/provider-*), the imports follow, the npm scripts call
 * `cdktn`, and the dependencies are installed anew. cdktf.json, cdktf.out/, CDKTF_*
 * variables and the state stay as they are. Pure functions, so that jest checks them on
 * fixtures; scripts/check-cdktn.ts applies them to a copy of the project.
 */

/** The CDK Terrain package that replaces each CDKTF package, at the version the check installs. */
export const CDKTN_PACKAGES: Record<string, { name: string; version: string }> = {
  cdktf: { name: "cdktn", version: "0.24.0" },
  "cdktf-cli": { name: "cdktn-cli", version: "0.24.0" },
  // 25.7.0 wraps hashicorp/aws 6.66.0 (@cdktf/provider-aws 21.22.1 wraps 6.25.0).
  "@cdktf/provider-aws": { name: "@cdktn/provider-aws", version: "25.7.0" },
  "@cdktf/provider-archive": { name: "@cdktn/provider-archive", version: "14.0.1" },
};

/** cdktn 0.24 and its providers ask for constructs >=10.6.0 <10.8.0; cdktf 0.21 ran on 10.4. */
export const CONSTRUCTS_VERSION = "10.7.2";

/** cdktn-cli 0.24 needs Node.js 22.19 or later. */
export const NODE_ENGINE = ">=22.19.0";

/**
 * The CDK Terrain name of a module specifier; undefined when it is not a CDKTF one, or a
 * @cdktf package with no CDK Terrain version pinned here (the caller reports those, and
 * migratePackageJson refuses one that is a dependency).
 */
export function cdktnSpecifier(specifier: string): string | undefined {
  if (specifier === "cdktf" || specifier.startsWith("cdktf/")) return `cdktn${specifier.slice("cdktf".length)}`;
  if (specifier.startsWith("@cdktf/")) {
    const [, name, ...rest] = specifier.split("/");
    const target = CDKTN_PACKAGES[`@cdktf/${name}`];
    return target ? [target.name, ...rest].join("/") : undefined;
  }
  return undefined;
}

/**
 * Every place a module is named in TypeScript or JavaScript: `import ... from "m"`,
 * `export ... from "m"`, `import "m"`, `require("m")`, `import("m")`, `jest.mock("m")`.
 * Only the quoted specifier changes, so strings such as "cdktf.json" or a `ManagedBy:
 * "cdktf"` tag value are left alone.
 */
const SPECIFIER = /(\bfrom\s*|\bimport\s*|\b(?:require|import|jest\.\w+)\(\s*)(["'])([^"'\n]+)\2/g;

export interface Rewrite {
  text: string;
  /** How many specifiers of each CDKTF package were renamed. */
  renamed: Record<string, number>;
  /** @cdktf specifiers left as they were: no CDK Terrain package is pinned for them. */
  unmapped: string[];
}

export function rewriteImports(source: string): Rewrite {
  const renamed: Record<string, number> = {};
  const unmapped: string[] = [];
  const text = source.replace(SPECIFIER, (whole, before: string, quote: string, specifier: string) => {
    const target = cdktnSpecifier(specifier);
    if (target === undefined) {
      if (specifier.startsWith("@cdktf/")) unmapped.push(specifier);
      return whole;
    }
    const pkg = specifier.startsWith("@") ? specifier.split("/").slice(0, 2).join("/") : specifier.split("/")[0];
    renamed[pkg] = (renamed[pkg] ?? 0) + 1;
    return `${before}${quote}${target}${quote}`;
  });
  return { text, renamed, unmapped };
}

type Dependencies = Record<string, string>;
export interface PackageJson {
  scripts?: Record<string, string>;
  dependencies?: Dependencies;
  devDependencies?: Dependencies;
  engines?: Record<string, string>;
  [field: string]: unknown;
}

/**
 * package.json with the CDK Terrain packages pinned, constructs raised to cdktn's range,
 * `cdktf <command>` in npm scripts replaced by `cdktn <command>` (not cdktf.json or
 * cdktf.out), and the Node.js engine raised. Returns what changed, one line each.
 */
export function migratePackageJson(original: PackageJson): { pkg: PackageJson; changes: string[] } {
  const pkg = JSON.parse(JSON.stringify(original)) as PackageJson;
  const changes: string[] = [];
  for (const field of ["dependencies", "devDependencies"] as const) {
    const deps = pkg[field];
    if (!deps) continue;
    const migrated: Dependencies = {};
    for (const [name, version] of Object.entries(deps)) {
      if (name === "cdktf" || name === "cdktf-cli" || name.startsWith("@cdktf/")) {
        const target = CDKTN_PACKAGES[name];
        if (!target) throw new Error(`no CDK Terrain package is known for ${name}: add it to CDKTN_PACKAGES`);
        migrated[target.name] = target.version;
        changes.push(`${field}: ${name} ${version} -> ${target.name} ${target.version}`);
      } else if (name === "constructs" && version !== CONSTRUCTS_VERSION) {
        migrated[name] = CONSTRUCTS_VERSION;
        changes.push(`${field}: constructs ${version} -> ${CONSTRUCTS_VERSION}`);
      } else {
        migrated[name] = version;
      }
    }
    pkg[field] = migrated;
  }
  for (const [name, command] of Object.entries(pkg.scripts ?? {})) {
    const migrated = command.replace(/\bcdktf(?=\s|$)/g, "cdktn");
    if (migrated !== command) {
      pkg.scripts![name] = migrated;
      changes.push(`scripts.${name}: "${command}" -> "${migrated}"`);
    }
  }
  if (pkg.engines?.node !== NODE_ENGINE) {
    changes.push(`engines.node: ${pkg.engines?.node ?? "(none)"} -> ${NODE_ENGINE}`);
    pkg.engines = { ...pkg.engines, node: NODE_ENGINE };
  }
  return { pkg, changes };
}

/** The source files whose imports the migration rewrites. */
export function isSourceFile(file: string): boolean {
  return /\.(ts|tsx|mts|cts|js|mjs|cjs)$/.test(file);
}
