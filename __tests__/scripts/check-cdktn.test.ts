/**
 * The pure parts of `npm run check:cdktn` (which itself needs the npm registry and about
 * a minute, so it is not part of npm test): the upgrade guide's rewriting of imports and
 * package.json, and the comparison of two syntheses, on fixtures.
 */
import { compareSyntheses, formatComparison, Json, providerAddress, StackSynthesis } from "../../scripts/cdktn/compare";
import { CDKTN_PACKAGES, CONSTRUCTS_VERSION, migratePackageJson, NODE_ENGINE, rewriteImports } from "../../scripts/cdktn/migrate";
import { synthStack } from "../helpers/synth";

describe("rewriting imports as the upgrade guide says", () => {
  test("root, deep and provider imports, in every form a module is named, are renamed", () => {
    const source = [
      'import { App, TerraformStack } from "cdktf";',
      "import { Testing } from 'cdktf';",
      'import "cdktf/lib/testing/adapters/jest";',
      'import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";',
      'import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";',
      'export { S3Backend } from "cdktf";',
      'const cdktf = require("cdktf");',
      'const { AwsProvider } = require( "@cdktf/provider-aws/lib/provider" );',
      'const lazy = await import("cdktf");',
      'jest.mock("@cdktf/provider-aws/lib/iam-role");',
    ].join("\n");
    const { text, renamed } = rewriteImports(source);
    expect(text.split("\n")).toEqual([
      'import { App, TerraformStack } from "cdktn";',
      "import { Testing } from 'cdktn';",
      'import "cdktn/lib/testing/adapters/jest";',
      'import { LambdaFunction } from "@cdktn/provider-aws/lib/lambda-function";',
      'import { DataArchiveFile } from "@cdktn/provider-archive/lib/data-archive-file";',
      'export { S3Backend } from "cdktn";',
      'const cdktf = require("cdktn");',
      'const { AwsProvider } = require( "@cdktn/provider-aws/lib/provider" );',
      'const lazy = await import("cdktn");',
      'jest.mock("@cdktn/provider-aws/lib/iam-role");',
    ]);
    expect(renamed).toEqual({ cdktf: 6, "@cdktf/provider-aws": 3, "@cdktf/provider-archive": 1 });
  });

  test("strings that only mention cdktf stay: cdktf.json, cdktf.out, a tag value, another package", () => {
    const source = [
      'const config = readFileSync("cdktf.json", "utf8");',
      'const out = path.join("cdktf.out", "stacks");',
      'tags: { ManagedBy: "cdktf" },',
      'import { something } from "cdktf-helpers";',
      'import { Construct } from "constructs";',
      "// cdktf synth writes cdktf.out",
    ].join("\n");
    expect(rewriteImports(source)).toEqual({ text: source, renamed: {}, unmapped: [] });
  });

  test("a @cdktf package with no CDK Terrain version pinned is left as it is, and reported", () => {
    const source = 'import { Vpc } from "@cdktf/provider-google/lib/vpc";';
    expect(rewriteImports(source)).toEqual({ text: source, renamed: {}, unmapped: ["@cdktf/provider-google/lib/vpc"] });
  });
});

describe("migrating package.json", () => {
  const original = {
    name: "app",
    engines: { node: ">=20" },
    scripts: {
      synth: "cdktf synth",
      deploy: "cdktf deploy",
      test: "tsc -p . && jest",
      outdir: "ls cdktf.out && cat cdktf.json",
    },
    dependencies: {
      "@cdktf/provider-aws": "21.22.1",
      cdktf: "0.21.0",
      constructs: "10.4.2",
      esbuild: "0.28.2",
    },
    devDependencies: { "cdktf-cli": "0.21.0", jest: "30.5.2" },
  };

  test("packages renamed and pinned, constructs in cdktn's range, cdktf commands in scripts, Node.js 22", () => {
    const { pkg, changes } = migratePackageJson(original);
    expect(pkg.dependencies).toEqual({
      "@cdktn/provider-aws": CDKTN_PACKAGES["@cdktf/provider-aws"].version,
      cdktn: CDKTN_PACKAGES.cdktf.version,
      constructs: CONSTRUCTS_VERSION,
      esbuild: "0.28.2",
    });
    expect(pkg.devDependencies).toEqual({ "cdktn-cli": CDKTN_PACKAGES["cdktf-cli"].version, jest: "30.5.2" });
    expect(pkg.scripts).toEqual({
      synth: "cdktn synth",
      deploy: "cdktn deploy",
      test: "tsc -p . && jest",
      outdir: "ls cdktf.out && cat cdktf.json",
    });
    expect(pkg.engines).toEqual({ node: NODE_ENGINE });
    expect(changes).toContain("dependencies: cdktf 0.21.0 -> cdktn 0.24.0");
    expect(changes).toContain('scripts.synth: "cdktf synth" -> "cdktn synth"');
    expect(changes).toHaveLength(7);
    // The input is left as it was.
    expect(original.dependencies.cdktf).toBe("0.21.0");
  });

  test("a dependency on a @cdktf package with no CDK Terrain version pinned stops the migration, naming it", () => {
    expect(() => migratePackageJson({ dependencies: { "@cdktf/provider-google": "16.0.0" } })).toThrow(
      "no CDK Terrain package is known for @cdktf/provider-google: add it to CDKTN_PACKAGES",
    );
  });

  test("the versions pinned are the ones CDK Terrain 0.24 pairs: constructs within >=10.6.0 <10.8.0", () => {
    const [major, minor] = CONSTRUCTS_VERSION.split(".").map(Number);
    expect(major).toBe(10);
    expect(minor === 6 || minor === 7).toBe(true);
    expect(CDKTN_PACKAGES.cdktf.version).toBe(CDKTN_PACKAGES["cdktf-cli"].version);
  });
});

describe("comparing the syntheses", () => {
  // The real synthesized stack is the fixture; the "cdktn" side is a modified copy.
  const base = synthStack("archive").json as unknown as { [key: string]: Json };
  // Testing.synth leaves out the metadata block that `cdktf synth` writes; this is its shape.
  base["//"] = { metadata: { backend: "local", stackName: "microservices-stepfn", version: "0.21.0" } };
  const stack = (json: { [key: string]: Json }): StackSynthesis => ({ json, files: { "assets/user-service/index.js": "a1" } });
  /** The parts of the synthesized JSON these tests change. */
  type Synthesis = {
    "//": { metadata: { version: string } };
    terraform: { required_providers: Record<string, { source: string; version: string }> };
    resource: Record<string, Record<string, Record<string, Json>>>;
    variable: Record<string, { default: Json }>;
    output: Record<string, Json>;
    provider: Record<string, { default_tags: { tags: string }[] }[]>;
  };
  const copy = () => JSON.parse(JSON.stringify(base)) as Synthesis;

  /** What cdktn 0.24 writes differently for the same source, as seen by npm run check:cdktn. */
  function asCdktnWrites() {
    const json = copy();
    json["//"].metadata.version = "0.24.0";
    json.terraform.required_providers.aws = { source: "hashicorp/aws", version: "6.66.0" };
    json.terraform.required_providers.archive.version = "2.8.1";
    return json;
  }

  test("GIVEN only the provider pins, the source spelling and the version stamp differ THEN the same, with the pins reported", () => {
    const comparison = compareSyntheses({ s: stack(base) }, { s: stack(asCdktnWrites()) });
    expect(comparison.same).toBe(true);
    expect(comparison.differences).toEqual([]);
    expect(comparison.providerPins.map(({ provider, cdktf, cdktn }) => [provider, cdktf?.version, cdktn?.version])).toEqual([
      ["archive", "2.7.1", "2.8.1"],
      ["aws", "6.25.0", "6.66.0"],
    ]);
    expect(comparison.allowed.map((d) => d.allowed)).toEqual([
      "the version of the library that synthesized it",
      "provider version pin of archive",
      "the same provider registry.terraform.io/hashicorp/aws, spelled differently",
      "provider version pin of aws",
    ]);
    const report = formatComparison(comparison).join("\n");
    const resources = Object.values(base.resource as Record<string, object>).reduce(
      (sum, byId) => sum + Object.keys(byId).length,
      0,
    );
    const count = String(resources).padStart(3);
    expect(report).toContain(`resources     cdktf ${count}, cdktn ${count}: same addresses, same content`);
    expect(report).toContain("aws        cdktf: aws 6.25.0               cdktn: hashicorp/aws 6.66.0     (differs)");
    expect(report).toContain("differences: none");
  });

  test("a resource renamed (a new address) is a difference on both sides", () => {
    const json = asCdktnWrites();
    const functions = json.resource.aws_lambda_function;
    functions.user_service_function_2 = functions.user_service_function;
    delete functions.user_service_function;
    const comparison = compareSyntheses({ s: stack(base) }, { s: stack(json) });
    expect(comparison.same).toBe(false);
    const resources = comparison.sections.find((section) => section.kind === "resources")!;
    expect(resources.onlyCdktf).toEqual(["aws_lambda_function.user_service_function"]);
    expect(resources.onlyCdktn).toEqual(["aws_lambda_function.user_service_function_2"]);
    expect(formatComparison(comparison).join("\n")).toContain("only in cdktn: aws_lambda_function.user_service_function_2");
  });

  test("a changed argument, variable default, output or tag is a difference at its exact path", () => {
    const json = asCdktnWrites();
    json.resource.aws_lambda_function.user_service_function.handler = "other.handler";
    json.variable.lambda_timeout.default = 60;
    delete json.output.state_machine_arn;
    json.provider.aws[0].default_tags[0].tags = "${merge(var.tags, {})}";
    const comparison = compareSyntheses({ s: stack(base) }, { s: stack(json) });
    expect(comparison.differences.map((d) => [d.path.join("."), d.cdktf, d.cdktn])).toEqual([
      ["output.state_machine_arn", (base.output as { [name: string]: Json }).state_machine_arn, undefined],
      ["provider.aws.0.default_tags.0.tags", asCdktnWrites().provider.aws[0].default_tags[0].tags, "${merge(var.tags, {})}"],
      ["resource.aws_lambda_function.user_service_function.handler", "index.handler", "other.handler"],
      ["variable.lambda_timeout.default", 30, 60],
    ]);
    const changed = Object.fromEntries(comparison.sections.map((section) => [section.kind, section.changed]));
    expect(changed.resources).toEqual(["aws_lambda_function.user_service_function"]);
    expect(changed.variables).toEqual(["var.lambda_timeout"]);
    expect(changed.providers).toEqual(["provider.aws"]);
  });

  test("a provider moved to another namespace is a difference, not a pin", () => {
    const json = asCdktnWrites();
    json.terraform.required_providers.aws.source = "someone-else/aws";
    const comparison = compareSyntheses({ s: stack(base) }, { s: stack(json) });
    expect(comparison.differences.map((d) => d.path.join("."))).toEqual(["terraform.required_providers.aws.source"]);
  });

  test("an asset file that differs, and a stack only one side has, are differences", () => {
    const comparison = compareSyntheses(
      { s: stack(base), gone: stack(base) },
      { s: { json: asCdktnWrites(), files: { "assets/user-service/index.js": "b2" } } },
    );
    expect(comparison.differences.map((d) => [d.stack, d.path.join("."), d.cdktf, d.cdktn])).toEqual([
      ["gone", "(stack)", "gone", undefined],
      ["s", "(file).assets/user-service/index.js", "a1", "b2"],
    ]);
  });

  test("provider sources name the same provider with or without the default host and namespace", () => {
    expect(providerAddress("aws")).toBe("registry.terraform.io/hashicorp/aws");
    expect(providerAddress("hashicorp/aws")).toBe("registry.terraform.io/hashicorp/aws");
    expect(providerAddress("registry.terraform.io/hashicorp/aws")).toBe("registry.terraform.io/hashicorp/aws");
    expect(providerAddress("registry.opentofu.org/hashicorp/aws")).not.toBe("registry.terraform.io/hashicorp/aws");
  });
});
