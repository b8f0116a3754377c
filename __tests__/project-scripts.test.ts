/**
 * The project's own scaffolding: `npm run help` and the files a newcomer looks for
 * (LICENSE, CHANGELOG.md, .editorconfig).
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "../stacks/bundle";

const read = (file: string) => readFileSync(path.join(PROJECT_ROOT, file), "utf8");
const packageJson = JSON.parse(read("package.json"));

describe("npm run help", () => {
  test("prints the root help file as it is, exit 0", () => {
    const result = spawnSync("npm", ["run", "--silent", "help"], { cwd: PROJECT_ROOT, encoding: "utf8", timeout: 30000 });
    expect(result.status).toBe(0);
    expect(result.stdout).toBe(read("help"));
  });
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
    const prettier = JSON.parse(read(".prettierrc.json"));
    const star = editorconfig.split(/^\[/m).find((section) => section.startsWith("*]"))!;
    expect(star).toContain(`max_line_length = ${prettier.printWidth}`);
    expect(star).toContain(`indent_size = ${prettier.tabWidth ?? 2}`);
    expect(star).toContain(`end_of_line = ${prettier.endOfLine ?? "lf"}`);
  });
});
