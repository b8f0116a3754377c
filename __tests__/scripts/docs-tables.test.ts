/**
 * The README's variables and outputs tables and env/terraform.tfvars.example are what the
 * synthesized stack declares (npm run docs:tables rewrites them; CONTRIBUTING.md, "Generated
 * documentation"). That the example passes every validation is planned offline in
 * system/terraform-offline.integration.test.ts.
 */
import { readFileSync } from "node:fs";
import {
  declarationsOf,
  hcl,
  outputsTable,
  README,
  TFVARS_EXAMPLE,
  tfvarsExample,
  validationMessages,
  variablesTable,
  withTables,
} from "../../scripts/docs-tables";
import { SERVICES } from "../../stacks/services";
import { removeTestOutdirs, synthStack } from "../helpers/synth";

const { stack, json } = synthStack("synth");
const declarations = declarationsOf(stack, json);
afterAll(removeTestOutdirs);

test("GIVEN the synthesized stack WHEN its tables are generated THEN README.md holds exactly those tables (run npm run docs:tables)", () => {
  const readme = readFileSync(README, "utf8");
  expect(withTables(readme, declarations)).toBe(readme);
});

test("GIVEN the synthesized stack THEN env/terraform.tfvars.example is what npm run docs:tables writes", () => {
  expect(readFileSync(TFVARS_EXAMPLE, "utf8")).toBe(tfvarsExample(declarations));
});

test("every variable has its row and its line in the example, in the order the stack declares them", () => {
  const names = Object.keys(json.variable);
  expect(declarations.variables.map(([name]) => name).sort()).toEqual([...names].sort());
  const rows = variablesTable(declarations).split("\n").slice(2);
  expect(rows.map((row) => /^\| `(\w+)` \|/.exec(row)?.[1])).toEqual(declarations.variables.map(([name]) => name));
  expect(declarations.variables[0][0]).toBe("project_name");
  const assigned = tfvarsExample(declarations)
    .split("\n")
    .filter((line) => !line.startsWith("#") && line.includes("="))
    .map((line) => line.split("=")[0].trim());
  expect(assigned).toEqual(declarations.variables.map(([name]) => name));
});

test("every variable's validation messages are in its row; a bool's type check is said to be its only rule", () => {
  const table = variablesTable(declarations);
  for (const [name, block] of declarations.variables) {
    const row = table.split("\n").find((line) => line.startsWith(`| \`${name}\` |`))!;
    for (const validation of block.validation ?? []) {
      const rule = validation.error_message.replace(/^\S+\.\w+ /, "");
      expect(row).toContain(rule.replace(/\|/g, "\\|").replace(/<(\w+)>/g, "&lt;$1>"));
    }
    if (!block.validation) expect(row).toContain("Terraform's type check only");
  }
});

test("every output has its row; a per-service output is one row for `<service>`, and the services are named under the table", () => {
  const table = outputsTable(declarations);
  for (const name of Object.keys(json.output)) {
    const service = SERVICES.find((candidate) => name.startsWith(`${candidate.replace(/-/g, "_")}_`));
    const shown = service ? `<service>${name.slice(service.length)}` : name;
    expect(table).toContain(`| \`${shown}\` |`);
  }
  for (const service of SERVICES) expect(table).toContain(`\`${service.replace(/-/g, "_")}\``);
  expect(table.split("\n").filter((line) => line.startsWith("| `<service>"))).toHaveLength(3);
});

test("defaults are written as HCL: strings quoted, numbers and bools bare, null, objects with =", () => {
  expect(hcl("dev")).toBe('"dev"');
  expect(hcl("a ${b}")).toBe('"a $${b}"');
  expect(hcl(30)).toBe("30");
  expect(hcl(false)).toBe("false");
  expect(hcl(null)).toBe("null");
  expect(hcl({})).toBe("{}");
  expect(hcl({ CostCenter: "cc-42", "Data Classification": "x" })).toBe('{ CostCenter = "cc-42", "Data Classification" = "x" }');
});

test("the same rule for each field of an object variable is said once, naming the fields", () => {
  const messages = validationMessages("alarm_thresholds", {
    type: "object",
    description: "",
    validation: [
      { condition: "", error_message: "alarm_thresholds.a must be a whole number of at least 1." },
      { condition: "", error_message: "alarm_thresholds.b must be a whole number of at least 1." },
      { condition: "", error_message: "alarm_thresholds must be small." },
    ],
  });
  expect(messages).toEqual([
    "each of alarm_thresholds.a, alarm_thresholds.b must be a whole number of at least 1.",
    "alarm_thresholds must be small.",
  ]);
});

test("a file without a table's markers stops the generator instead of losing the table", () => {
  expect(() => withTables("# no markers\n", declarations)).toThrow(
    "README.md has no <!-- variables:start --> ... <!-- variables:end --> section",
  );
});
