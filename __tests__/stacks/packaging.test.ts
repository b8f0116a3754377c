/**
 * How the functions' code is packaged (stacks/packaging.ts, bundle.ts): at plan time by the
 * archive provider or at synth time, and never a machine-specific path.
 */
import { createHash } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { homedir, tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { packagingModeFromEnv } from "../../stacks/packaging";
import { SERVICES } from "../../stacks/services";
import { removeDirectory, resources, synthStack, synthToDirectory, TerraformJson } from "../helpers/synth";

const { synthesized, json } = synthStack("archive");
/** The stack with synth-time packaging, synthesized once for the tests that compare the two modes. */
let synthModeStack: ReturnType<typeof synthStack> | undefined;
const synthMode = () => (synthModeStack ??= synthStack("synth"));

describe("packaging", () => {
  const machinePaths = [PROJECT_ROOT, tmpdir(), homedir(), process.cwd()];
  /** Two full synths with synth-time packaging (each zips five bundles), made once for the tests that read the zips. */
  let fullSynths: ReturnType<typeof synthToDirectory>[] | undefined;
  const twoFullSynths = () => (fullSynths ??= [synthToDirectory("synth"), synthToDirectory("synth")]);
  afterAll(() => fullSynths?.forEach(({ root }) => removeDirectory(root)));

  test.each(["archive", "synth"] as const)("%s mode: no absolute path of the build machine in cdk.tf.json", (mode) => {
    const text = mode === "archive" ? synthesized : synthMode().synthesized;
    for (const machinePath of machinePaths) expect(text).not.toContain(machinePath);
    expect(text).not.toMatch(/"(source_dir|source_file|output_path|filename)":\s*"\//);
  });

  test("archive mode: archive_file zips the bundle copied into the stack directory, with a fixed file mode", () => {
    const archives = Object.values(json.data?.archive_file ?? {});
    expect(archives).toHaveLength(5);
    for (const archive of archives) {
      expect(archive.type).toBe("zip");
      expect(archive.output_file_mode).toBe("0644");
      expect(archive.source_dir).toMatch(/^\$\{path\.module\}\/assets\/[\w-]+\/[0-9A-F]+$/);
      expect(archive.output_path).toMatch(/^\$\{path\.module\}\/\.archives\/[a-z-]+\.zip$/);
    }
    const fn = Object.values(resources(json, "aws_lambda_function"))[0];
    expect(fn.filename).toMatch(/^\$\{data\.archive_file\.[\w-]+\.output_path\}$/);
    expect(fn.source_code_hash).toMatch(/^\$\{data\.archive_file\.[\w-]+\.output_base64sha256\}$/);
  });

  test("archive mode: the stack directory holds each service's bundle", () => {
    const { root, stackDir, json: written } = synthToDirectory("archive");
    try {
      for (const archive of Object.values(written.data!.archive_file)) {
        const bundleDir = path.join(stackDir, archive.source_dir.replace("${path.module}/", ""));
        expect(readdirSync(bundleDir)).toEqual(["index.js"]);
        expect(readFileSync(path.join(bundleDir, "index.js"), "utf8")).toMatch(/handler/);
      }
    } finally {
      removeDirectory(root);
    }
  });

  test("each zip stays under 30 KB: the AWS SDK the Lambda runtime carries is required, not bundled", () => {
    const [{ stackDir, json: written }] = twoFullSynths();
    for (const fn of Object.values(resources(written, "aws_lambda_function"))) {
      const zip = readFileSync(path.join(stackDir, fn.filename));
      expect([fn.function_name, zip.length < 30 * 1024]).toEqual([fn.function_name, true]);
    }
    for (const service of SERVICES) {
      const bundle = readFileSync(path.join(PROJECT_ROOT, ".build", "functions", service, "index.js"), "utf8");
      expect(bundle).toContain('require("@aws-sdk/client-dynamodb")');
      expect(bundle).not.toMatch(/@smithy|DynamoDBServiceException/);
    }
  });

  test("synth mode: two synths of unchanged code give byte-identical zips and the same source_code_hash", () => {
    const [first, second] = twoFullSynths();
    const functions = (written: TerraformJson) => Object.values(resources(written, "aws_lambda_function"));
    expect(functions(first.json).map((fn) => [fn.filename, fn.source_code_hash])).toEqual(
      functions(second.json).map((fn) => [fn.filename, fn.source_code_hash]),
    );
    for (const fn of functions(first.json)) {
      expect(fn.filename).toMatch(/^assets\/[\w-]+\/[0-9A-F]+\/archive\.zip$/);
      expect(fn.source_code_hash).toBe(`\${filebase64sha256("${fn.filename}")}`);
      const digest = (root: string) =>
        createHash("sha256")
          .update(readFileSync(path.join(root, fn.filename)))
          .digest("hex");
      expect(digest(first.stackDir)).toBe(digest(second.stackDir));
    }
  });

  test("LAMBDA_PACKAGING accepts archive (the default) and synth, and names the rule otherwise", () => {
    expect(packagingModeFromEnv({})).toBe("archive");
    expect(packagingModeFromEnv({ LAMBDA_PACKAGING: "synth" })).toBe("synth");
    expect(() => packagingModeFromEnv({ LAMBDA_PACKAGING: "zip" })).toThrow(
      'LAMBDA_PACKAGING must be one of: archive, synth (got "zip")',
    );
  });
});
