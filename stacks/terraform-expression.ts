/**
 * Numbers that Terraform computes, in text that cdk.tf.json carries: an expression of a
 * variable, built by arithmetic, and JSON text in which such an expression is written raw as
 * `${...}`. The workflow definition is JSON text given to aws_sfn_state_machine as one
 * string; its timeouts depend on lambda_timeout, so they are written as expressions,
 * unquoted, and Terraform turns each into the number it stands for when it plans.
 */

/** A Terraform expression of a number, such as `var.lambda_timeout + 5`. */
export class TerraformExpression {
  private constructor(
    /** The expression as Terraform reads it inside `${...}`. */
    readonly text: string,
    /** Whether its last operation is an addition, which a multiplication must parenthesise. */
    private readonly isSum: boolean,
  ) {}

  /** A reference Terraform resolves to a number, such as `var.lambda_timeout`. */
  static reference(reference: string): TerraformExpression {
    return new TerraformExpression(reference, false);
  }

  plus(addend: number): TerraformExpression {
    return new TerraformExpression(`${this.text} + ${addend}`, true);
  }

  /** The factor first, as one reads `25 * (var.lambda_timeout + 5)`. */
  times(factor: number): TerraformExpression {
    return new TerraformExpression(`${factor} * ${this.isSum ? `(${this.text})` : this.text}`, false);
  }

  /** The expression as a string of cdk.tf.json carries it: `${...}`, which Terraform evaluates. */
  interpolation(): string {
    return `\${${this.text}}`;
  }
}

/** JSON in which a number may be a Terraform expression. */
export type JsonWithExpressions =
  | null
  | boolean
  | number
  | string
  | TerraformExpression
  | JsonWithExpressions[]
  | { readonly [key: string]: JsonWithExpressions | undefined };

/**
 * JSON text as JSON.stringify writes it, except that each Terraform expression is written
 * raw, as `${...}`, where a number would be: the text is meant for a string of cdk.tf.json,
 * which Terraform interpolates. A field whose value is undefined is left out, as JSON.stringify
 * leaves it out.
 */
export function jsonWithExpressions(value: JsonWithExpressions): string {
  if (value instanceof TerraformExpression) return value.interpolation();
  if (Array.isArray(value)) return `[${value.map(jsonWithExpressions).join(",")}]`;
  if (typeof value === "object" && value !== null) {
    const fields = Object.entries(value).flatMap(([key, field]) =>
      field === undefined ? [] : [`${JSON.stringify(key)}:${jsonWithExpressions(field)}`],
    );
    return `{${fields.join(",")}}`;
  }
  return JSON.stringify(value);
}
