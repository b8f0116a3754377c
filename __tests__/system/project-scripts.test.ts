/**
 * The project's own scaffolding: `npm run help`, the cdktf wrapper behind `npm run
 * synth|deploy|destroy` (no telemetry call, so no red checkpoint error offline), and the
 * files a newcomer looks for (LICENSE, CHANGELOG.md, .editorconfig).
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), "utf8");
const packageJson = JSON.parse(read("package.json")) as { scripts: Record<string, string>; license: string };

const work = mkdtempSync(path.join(tmpdir(), "order-workflow-scripts-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("npm run help", () => {
  test("prints the root help file as it is, exit 0", () => {
    const result = spawnSync("npm", ["run", "--silent", "help"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 30000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(read("help"));
  });
});

describe("the cdktf wrapper (scripts/cdktf.mjs)", () => {
  test("npm run synth, deploy and destroy go through it", () => {
    for (const command of ["synth", "deploy", "destroy"]) {
      expect(packageJson.scripts[command]).toBe(`node scripts/cdktf.mjs ${command}`);
    }
  });

  test("npm run synth without CHECKPOINT_DISABLE: no telemetry (no user id written, no checkpoint error), the stack synthesized", () => {
    const cdktfHome = path.join(work, "cdktf-home");
    const outdir = path.join(work, "cdktf.out");
    const env: NodeJS.ProcessEnv = { ...process.env, CDKTF_HOME: cdktfHome };
    // As a developer's shell would have it: neither set.
    delete env.CHECKPOINT_DISABLE;
    delete env.CI;
    const result = spawnSync("npm", ["run", "--silent", "synth", "--", "--output", outdir], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 120000,
      env,
    });
    const output = `${result.stdout}${result.stderr}`;
    expect(result.status).toBe(0);
    expect(output).toContain("Generated Terraform code for the stacks: dev, prod");
    expect(output).not.toMatch(/checkpoint|telemetry/i);
    // The CLI writes its anonymous user id there just before it sends telemetry.
    expect(existsSync(path.join(cdktfHome, "config.json"))).toBe(false);
    for (const stack of ["dev", "prod"]) expect(existsSync(path.join(outdir, "stacks", stack, "cdk.tf.json"))).toBe(true);
  }, 120000);
});

describe("scaffolding files", () => {
  test("MIT licence: LICENSE names the authors, package.json says MIT", () => {
    expect(packageJson.license).toBe("MIT");
    expect(read("LICENSE")).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} the microservices-stepfn authors\n/);
  });

  test("CHANGELOG.md in Keep a Changelog form: Unreleased first, then 2.0.0 and 1.0.0 with dates", () => {
    const headings = read("CHANGELOG.md")
      .split("\n")
      .filter((line) => line.startsWith("## "));
    expect(headings).toEqual([
      "## [Unreleased]",
      expect.stringMatching(/^## \[2\.0\.0\] - \d{4}-\d{2}-\d{2}$/),
      expect.stringMatching(/^## \[1\.0\.0\] - \d{4}-\d{2}-\d{2}$/),
    ]);
  });

  test(".editorconfig agrees with Prettier's settings (line length, indent, line ends)", () => {
    const editorconfig = read(".editorconfig");
    const prettier = JSON.parse(read(".prettierrc.json")) as { printWidth: number; tabWidth?: number; endOfLine?: string };
    const star = editorconfig.split(/^\[/m).find((section) => section.startsWith("*]"))!;
    expect(star).toContain(`max_line_length = ${prettier.printWidth}`);
    expect(star).toContain(`indent_size = ${prettier.tabWidth ?? 2}`);
    expect(star).toContain(`end_of_line = ${prettier.endOfLine ?? "lf"}`);
  });
});

describe("npm test and its parts", () => {
  test("npm test runs the type check, the formatting check and the lint beside both jest projects (scripts/test.mjs)", () => {
    expect(packageJson.scripts.test).toBe("node scripts/test.mjs");
    const runner = read("scripts/test.mjs");
    expect(/export const CHECKS = (\[[^\]]*\])/.exec(runner)?.[1]).toBe('["typecheck", "format:check", "lint"]');
    expect(packageJson.scripts.typecheck).toBe("tsc -p .");
    expect(packageJson.scripts["format:check"]).toBe("prettier --check .");
    expect(packageJson.scripts.lint).toBe("eslint . --max-warnings 0");
  });

  test("npm run test:unit and test:integration each select one of jest.config.js's projects, and together they are every test file", () => {
    expect(packageJson.scripts["test:unit"]).toBe("jest --selectProjects unit");
    expect(packageJson.scripts["test:integration"]).toBe("jest --selectProjects integration");
    const list = (project: string) =>
      spawnSync(process.execPath, [require.resolve("jest/bin/jest"), "--selectProjects", project, "--listTests"], {
        cwd: PROJECT_ROOT,
        encoding: "utf8",
        timeout: 60000,
      })
        .stdout.split("\n")
        .filter((line) => line.endsWith(".test.ts"));
    const unit = list("unit");
    const integration = list("integration");
    expect(unit.filter((file) => integration.includes(file))).toEqual([]);
    const testFiles = readdirSync(path.join(PROJECT_ROOT, "__tests__"), { recursive: true, encoding: "utf8" })
      .filter((file) => file.endsWith(".test.ts"))
      .map((file) => path.join(PROJECT_ROOT, "__tests__", file));
    expect(testFiles.filter((file) => !unit.includes(file) && !integration.includes(file))).toEqual([]);
    expect(integration.every((file) => file.includes("/__tests__/system/") || file.endsWith(".integration.test.ts"))).toBe(true);
    expect(unit.some((file) => file.endsWith("/__tests__/stacks/trigger.test.ts"))).toBe(true);
    expect(integration.some((file) => file.endsWith("/__tests__/system/lifecycle.integration.test.ts"))).toBe(true);
  });
});
