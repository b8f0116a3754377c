/**
 * Comparing what cdktf and cdktn synthesize from the same source. Moving to CDK Terrain
 * must not change what Terraform sees: the same resources at the same addresses with the
 * same arguments, the same variables and outputs, the same backend and the same asset
 * files. Allowed to differ, and reported: the provider version pins (each prebuilt
 * provider package pins its own provider version), the spelling of a provider source
 * that names the same provider ("aws" is "registry.terraform.io/hashicorp/aws"), and
 * the library's own version stamp in the metadata. Anything else is a difference.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** One synthesized stack: cdk.tf.json and a sha256 of every other file in its directory. */
export interface StackSynthesis {
  json: { [key: string]: Json };
  files: Record<string, string>;
}

export type Synthesis = Record<string, StackSynthesis>;

/** A value at one path; undefined where that side has nothing. */
export interface Difference {
  stack: string;
  path: string[];
  cdktf: Json | undefined;
  cdktn: Json | undefined;
  /** Why the difference is allowed; absent for a real difference. */
  allowed?: string;
}

export interface ProviderPin {
  stack: string;
  provider: string;
  cdktf?: { source?: string; version?: string };
  cdktn?: { source?: string; version?: string };
}

/** What one kind of block holds on each side. */
export interface Section {
  stack: string;
  kind: string;
  cdktf: string[];
  cdktn: string[];
  onlyCdktf: string[];
  onlyCdktn: string[];
  /** Addresses on both sides whose content differs. */
  changed: string[];
}

export interface Comparison {
  sections: Section[];
  providerPins: ProviderPin[];
  /** Allowed differences (provider pins, metadata version stamp). */
  allowed: Difference[];
  /** Everything else: any of these fails the check. */
  differences: Difference[];
  same: boolean;
}

function isObject(value: Json | undefined): value is { [key: string]: Json } {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Every leaf where a and b differ (a whole subtree where only one side has it). */
export function deepDifferences(
  a: Json | undefined,
  b: Json | undefined,
  path: string[] = [],
): { path: string[]; a?: Json; b?: Json }[] {
  if (isObject(a) && isObject(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort();
    return keys.flatMap((key) => deepDifferences(a[key], b[key], [...path, key]));
  }
  if (Array.isArray(a) && Array.isArray(b)) {
    const length = Math.max(a.length, b.length);
    return Array.from({ length }, (_, i) => deepDifferences(a[i], b[i], [...path, String(i)])).flat();
  }
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [{ path, a, b }];
}

/** A provider source as Terraform reads it: "aws" and "hashicorp/aws" are registry.terraform.io/hashicorp/aws. */
export function providerAddress(source: string): string {
  const parts = source.toLowerCase().split("/");
  if (parts.length === 1) return `registry.terraform.io/hashicorp/${parts[0]}`;
  if (parts.length === 2) return `registry.terraform.io/${parts.join("/")}`;
  return parts.join("/");
}

function whyAllowed(json: { cdktf: Json | undefined; cdktn: Json | undefined }, path: string[]): string | undefined {
  const [first, second, provider, attribute] = path;
  if (first === "//" && second === "metadata" && provider === "version" && path.length === 3)
    return "the version of the library that synthesized it";
  if (first === "terraform" && second === "required_providers" && path.length === 4) {
    if (attribute === "version") return `provider version pin of ${provider}`;
    if (
      attribute === "source" &&
      typeof json.cdktf === "string" &&
      typeof json.cdktn === "string" &&
      providerAddress(json.cdktf) === providerAddress(json.cdktn)
    )
      return `the same provider ${providerAddress(json.cdktf)}, spelled differently`;
  }
  return undefined;
}

/** The addresses of each kind of block, as Terraform names them. */
const KINDS: { kind: string; addresses: (json: StackSynthesis["json"]) => Record<string, string[]> }[] = [
  {
    kind: "resources",
    addresses: (json) => typeAndName(json.resource, "resource", ""),
  },
  {
    kind: "data sources",
    addresses: (json) => typeAndName(json.data, "data", "data."),
  },
  { kind: "variables", addresses: (json) => named(json.variable, "variable", "var.") },
  { kind: "outputs", addresses: (json) => named(json.output, "output", "output.") },
  { kind: "locals", addresses: (json) => named(json.locals, "locals", "local.") },
  { kind: "providers", addresses: (json) => named(json.provider, "provider", "provider.") },
  { kind: "modules", addresses: (json) => named(json.module, "module", "module.") },
];

/** address -> the JSON path of its block. */
function typeAndName(block: Json | undefined, root: string, prefix: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  if (!isObject(block)) return found;
  for (const [type, byName] of Object.entries(block))
    if (isObject(byName)) for (const name of Object.keys(byName)) found[`${prefix}${type}.${name}`] = [root, type, name];
  return found;
}

function named(block: Json | undefined, root: string, prefix: string): Record<string, string[]> {
  const found: Record<string, string[]> = {};
  if (isObject(block)) for (const name of Object.keys(block)) found[`${prefix}${name}`] = [root, name];
  return found;
}

const startsWith = (path: string[], prefix: string[]) => prefix.every((part, i) => path[i] === part);

function compareStack(stack: string, cdktf: StackSynthesis, cdktn: StackSynthesis, into: Comparison): void {
  const differences: Difference[] = deepDifferences(cdktf.json, cdktn.json).map(({ path, a, b }) => ({
    stack,
    path,
    cdktf: a,
    cdktn: b,
  }));
  for (const difference of differences) {
    const allowed = whyAllowed(difference, difference.path);
    if (allowed) into.allowed.push({ ...difference, allowed });
    else into.differences.push(difference);
  }
  for (const { kind, addresses } of KINDS) {
    const left = addresses(cdktf.json);
    const right = addresses(cdktn.json);
    const both = Object.keys(left).filter((address) => address in right);
    into.sections.push({
      stack,
      kind,
      cdktf: Object.keys(left).sort(),
      cdktn: Object.keys(right).sort(),
      onlyCdktf: Object.keys(left).filter((address) => !(address in right)),
      onlyCdktn: Object.keys(right).filter((address) => !(address in left)),
      changed: both.filter((address) => differences.some((d) => !whyAllowed(d, d.path) && startsWith(d.path, left[address]))),
    });
  }
  const pins = (json: StackSynthesis["json"]) => {
    const terraform = json.terraform;
    const required = isObject(terraform) ? terraform.required_providers : undefined;
    return isObject(required) ? required : {};
  };
  const left = pins(cdktf.json);
  const right = pins(cdktn.json);
  for (const provider of [...new Set([...Object.keys(left), ...Object.keys(right)])].sort()) {
    const pin = (value: Json | undefined) =>
      isObject(value) ? { source: value.source as string | undefined, version: value.version as string | undefined } : undefined;
    into.providerPins.push({ stack, provider, cdktf: pin(left[provider]), cdktn: pin(right[provider]) });
  }
  // Asset files (the function bundles): keyed by their path in the stack directory.
  const fileDifferences = deepDifferences(cdktf.files, cdktn.files).map(({ path: [file], a, b }) => ({
    stack,
    path: ["(file)", file],
    cdktf: a,
    cdktn: b,
  }));
  into.differences.push(...fileDifferences);
  const changedFiles = fileDifferences.map((d) => d.path[1]);
  into.sections.push({
    stack,
    kind: "asset files",
    cdktf: Object.keys(cdktf.files).sort(),
    cdktn: Object.keys(cdktn.files).sort(),
    onlyCdktf: changedFiles.filter((file) => !(file in cdktn.files)),
    onlyCdktn: changedFiles.filter((file) => !(file in cdktf.files)),
    changed: changedFiles.filter((file) => file in cdktf.files && file in cdktn.files),
  });
}

export function compareSyntheses(cdktf: Synthesis, cdktn: Synthesis): Comparison {
  const comparison: Comparison = { sections: [], providerPins: [], allowed: [], differences: [], same: true };
  for (const stack of [...new Set([...Object.keys(cdktf), ...Object.keys(cdktn)])].sort()) {
    if (!cdktf[stack] || !cdktn[stack]) {
      comparison.differences.push({
        stack,
        path: ["(stack)"],
        cdktf: cdktf[stack] ? stack : undefined,
        cdktn: cdktn[stack] ? stack : undefined,
      });
      continue;
    }
    compareStack(stack, cdktf[stack], cdktn[stack], comparison);
  }
  comparison.same = comparison.differences.length === 0;
  return comparison;
}

const show = (value: Json | undefined) => (value === undefined ? "(absent)" : JSON.stringify(value));
const shorten = (text: string, max = 160) => (text.length > max ? `${text.slice(0, max - 3)}...` : text);

/** The comparison as the lines of a report. */
export function formatComparison(comparison: Comparison): string[] {
  const lines: string[] = [];
  for (const section of comparison.sections) {
    if (section.cdktf.length === 0 && section.cdktn.length === 0) continue;
    const equal = section.onlyCdktf.length === 0 && section.onlyCdktn.length === 0 && section.changed.length === 0;
    let line = `  ${section.kind.padEnd(13)} cdktf ${String(section.cdktf.length).padStart(3)}, cdktn ${String(section.cdktn.length).padStart(3)}: `;
    line += equal ? "same addresses, same content" : "DIFFERENT";
    lines.push(line);
    if (section.onlyCdktf.length) lines.push(`      only in cdktf: ${section.onlyCdktf.join(", ")}`);
    if (section.onlyCdktn.length) lines.push(`      only in cdktn: ${section.onlyCdktn.join(", ")}`);
    if (section.changed.length) lines.push(`      changed: ${section.changed.join(", ")}`);
  }
  lines.push("  provider pins (allowed to differ):");
  for (const pin of comparison.providerPins) {
    const side = (value?: { source?: string; version?: string }) =>
      value ? `${value.source ?? "?"} ${value.version ?? "(no pin)"}` : "(absent)";
    const same = pin.cdktf?.version === pin.cdktn?.version ? "same" : "differs";
    lines.push(
      `      ${pin.provider.padEnd(10)} cdktf: ${side(pin.cdktf).padEnd(24)} cdktn: ${side(pin.cdktn).padEnd(24)} (${same})`,
    );
  }
  const otherAllowed = comparison.allowed.filter((d) => !(d.path[0] === "terraform" && d.path[3] === "version"));
  if (otherAllowed.length) {
    lines.push("  other allowed differences:");
    for (const d of otherAllowed) lines.push(`      ${d.path.join(".")}: ${show(d.cdktf)} -> ${show(d.cdktn)} (${d.allowed})`);
  }
  if (comparison.differences.length) {
    lines.push(`  differences (${comparison.differences.length}):`);
    for (const d of comparison.differences)
      lines.push(shorten(`      [${d.stack}] ${d.path.join(".")}: cdktf ${show(d.cdktf)}, cdktn ${show(d.cdktn)}`, 240));
  } else {
    lines.push("  differences: none");
  }
  return lines;
}
