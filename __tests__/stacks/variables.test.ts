/**
 * The Terraform variables (stacks/variables.ts) as the stack declares them.
 */
import { synthStack } from "../helpers/synth";

const { json } = synthStack("archive");

describe("variables (docs/inputs-and-names.md)", () => {
  test.each([
    ["project_name", "string", "microservices-stepfn"],
    ["environment", "string", "dev"],
    ["lambda_timeout", "number", 30],
    ["lambda_memory_size", "number", 128],
  ])("%s is a %s defaulting to %p, with a description and a validation", (name, type, defaultValue) => {
    const variable = json.variable[name];
    expect(variable.type).toBe(type);
    expect(variable.default).toBe(defaultValue);
    expect(variable.description.length).toBeGreaterThan(20);
    expect(variable.validation!.length).toBeGreaterThan(0);
    for (const rule of variable.validation!) {
      expect(rule.condition).toContain(`var.${name}`);
      expect(rule.error_message).toMatch(new RegExp(`^${name} `));
    }
  });

  test("every variable has a description and a type; every string and number a validation (a bool's type check is its own)", () => {
    for (const [name, variable] of Object.entries(json.variable)) {
      const type = /^(string|number|bool|map\(string\)|object\(\{.*\}\))$/;
      expect([name, typeof variable.description, type.test(variable.type)]).toEqual([name, "string", true]);
      if (variable.type !== "bool") expect([name, (variable.validation?.length ?? 0) > 0]).toEqual([name, true]);
    }
  });
});
