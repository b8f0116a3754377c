/**
 * Terraform expressions of numbers and the JSON text that carries them
 * (stacks/terraform-expression.ts): the arithmetic writes what Terraform computes, with
 * parentheses only where Terraform's precedence needs them, and the JSON text is
 * JSON.stringify's except that an expression is written raw as `${...}`.
 */
import fc from "fast-check";
import { jsonWithExpressions, TerraformExpression } from "../../stacks/terraform-expression";
import { at, template } from "../../stacks/workflow-definition";

const lambdaTimeout = TerraformExpression.reference("var.lambda_timeout");

describe("Terraform expressions", () => {
  test("a reference is written as given, and interpolated as ${...}", () => {
    expect(lambdaTimeout.text).toBe("var.lambda_timeout");
    expect(lambdaTimeout.interpolation()).toBe("${var.lambda_timeout}");
  });

  test("sums and products, the factor first; a sum is parenthesised only when multiplied", () => {
    expect(lambdaTimeout.plus(5).text).toBe("var.lambda_timeout + 5");
    expect(lambdaTimeout.plus(5).plus(3).text).toBe("var.lambda_timeout + 5 + 3");
    expect(lambdaTimeout.times(3).text).toBe("3 * var.lambda_timeout");
    expect(lambdaTimeout.plus(5).times(25).text).toBe("25 * (var.lambda_timeout + 5)");
    expect(lambdaTimeout.plus(5).times(25).plus(55).text).toBe("25 * (var.lambda_timeout + 5) + 55");
    expect(lambdaTimeout.times(2).times(3).text).toBe("3 * 2 * var.lambda_timeout");
    expect(lambdaTimeout.times(2).plus(1).times(3).text).toBe("3 * (2 * var.lambda_timeout + 1)");
  });

  test("an expression is a value: arithmetic makes a new one and leaves it as it was", () => {
    const task = lambdaTimeout.plus(5);
    task.times(25);
    expect([lambdaTimeout.text, task.text]).toEqual(["var.lambda_timeout", "var.lambda_timeout + 5"]);
  });
});

describe("JSON text with expressions", () => {
  test("GIVEN JSON without expressions THEN the text is JSON.stringify's", () => {
    const value = {
      quoted: 'a "b" \\ c\n\u2028é',
      'key "with" quotes': [1, -2.5, 0, 1e21, true, false, null, [], {}],
      nested: { list: [{ a: 1 }, "x"], empty: "" },
    };
    expect(jsonWithExpressions(value)).toBe(JSON.stringify(value));
    fc.assert(fc.property(fc.jsonValue(), (json) => jsonWithExpressions(json) === JSON.stringify(json)));
  });

  test("an expression is written raw where a number would be, in objects and in arrays", () => {
    const task = lambdaTimeout.plus(5);
    expect(jsonWithExpressions({ TimeoutSeconds: task, Next: "A" })).toBe(
      '{"TimeoutSeconds":${var.lambda_timeout + 5},"Next":"A"}',
    );
    expect(jsonWithExpressions([task, 1, task.times(2)])).toBe("[${var.lambda_timeout + 5},1,${2 * (var.lambda_timeout + 5)}]");
    expect(jsonWithExpressions(task)).toBe("${var.lambda_timeout + 5}");
  });

  test("a field whose value is undefined is left out, as JSON.stringify leaves it out", () => {
    const value = { a: undefined, b: 1, c: undefined, d: { e: undefined } };
    expect(jsonWithExpressions(value)).toBe('{"b":1,"d":{}}');
    expect(jsonWithExpressions(value)).toBe(JSON.stringify(value));
  });

  test("a payload template is written with its own fields only", () => {
    const templated = template({ status: "DONE", orderId: at("$.order.orderId") });
    expect(jsonWithExpressions(templated)).toBe('{"status":"DONE","orderId.$":"$.order.orderId"}');
    expect(jsonWithExpressions(templated)).toBe(JSON.stringify(templated));
  });
});
