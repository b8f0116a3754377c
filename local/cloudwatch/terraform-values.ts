/**
 * Values as they appear in synthesized Terraform JSON (cdk.tf.json): a literal, or a string
 * holding a Terraform expression such as "${var.alarm_threshold}" or
 * "${var.project_name}-compensation-failed". The CloudWatch evaluators in this folder read
 * every attribute through these helpers, so an expression is never mistaken for a literal:
 * the caller supplies a resolver, and an expression it cannot resolve is an error that names
 * the attribute and the expression.
 */

/**
 * Turns a string holding a Terraform expression into its value. Returns undefined when it
 * cannot resolve the expression (the evaluators then throw, naming the attribute).
 */
export type TerraformResolver = (expression: string) => unknown;

/**
 * True when a string holds a Terraform interpolation (`${...}`) or directive (`%{...}`)
 * rather than a literal. `$${` and `%%{` are Terraform's escapes for a literal `${` and `%{`.
 */
export function isTerraformExpression(value: unknown): value is string {
  return typeof value === "string" && /(^|[^$%])[$%]\{/.test(value);
}

/** The value of an attribute: a literal as is, an expression through the resolver. */
export function resolveValue(value: unknown, resolve: TerraformResolver, attribute: string): unknown {
  if (!isTerraformExpression(value)) return value;
  const resolved = resolve(value);
  if (resolved === undefined) throw new Error(`${attribute}: cannot resolve the Terraform expression ${JSON.stringify(value)}`);
  return resolved;
}

/** An attribute that must be a string (Terraform writes numbers and booleans as strings too). */
export function resolveString(value: unknown, resolve: TerraformResolver, attribute: string): string {
  const resolved = resolveValue(value, resolve, attribute);
  if (typeof resolved === "string") return resolved;
  if (typeof resolved === "number" || typeof resolved === "boolean") return String(resolved);
  throw new Error(`${attribute}: expected a string, got ${JSON.stringify(resolved)}`);
}

/**
 * An attribute that must be a number. Terraform converts a numeric string to a number where
 * the schema asks for one, so "1" and 1 are the same threshold; anything else is an error.
 */
export function resolveNumber(value: unknown, resolve: TerraformResolver, attribute: string): number {
  const resolved = resolveValue(value, resolve, attribute);
  const number =
    typeof resolved === "number" ? resolved : typeof resolved === "string" && resolved.trim() !== "" ? Number(resolved) : NaN;
  if (!Number.isFinite(number)) throw new Error(`${attribute}: expected a number, got ${JSON.stringify(resolved)}`);
  return number;
}

/** An optional number: undefined and null stay undefined. */
export function resolveOptionalNumber(value: unknown, resolve: TerraformResolver, attribute: string): number | undefined {
  return value === undefined || value === null ? undefined : resolveNumber(value, resolve, attribute);
}

/** A map of strings, each value resolved (dimensions, for example). */
export function resolveStringMap(value: unknown, resolve: TerraformResolver, attribute: string): Record<string, string> {
  const resolved = resolveValue(value ?? {}, resolve, attribute);
  if (resolved === null || typeof resolved !== "object" || Array.isArray(resolved))
    throw new Error(`${attribute}: expected a map, got ${JSON.stringify(resolved)}`);
  return Object.fromEntries(
    Object.entries(resolved).map(([key, entry]) => [key, resolveString(entry, resolve, `${attribute}.${key}`)]),
  );
}

/**
 * A nested block: cdktf writes a block that may appear once as an object, and Terraform's
 * JSON syntax also accepts a one-element array for it. Both are read as the object.
 */
export function singleBlock(value: unknown, attribute: string): Record<string, unknown> {
  const block: unknown = Array.isArray(value) && value.length === 1 ? value[0] : value;
  if (block === null || typeof block !== "object" || Array.isArray(block))
    throw new Error(`${attribute}: expected one block, got ${JSON.stringify(value)}`);
  return block as Record<string, unknown>;
}

/** A repeated block (metric_query, for example): an array, or one object for a single block. */
export function repeatedBlocks(value: unknown, attribute: string): Record<string, unknown>[] {
  if (value === undefined || value === null) return [];
  const blocks = Array.isArray(value) ? value : [value];
  return blocks.map((block, index) => singleBlock(block, `${attribute}[${index}]`));
}

/**
 * A resolver for the expressions a test can answer from the stack's variables: "${var.NAME}"
 * alone gives the variable's value (any type), "${var.NAME.ATTRIBUTE}" an attribute of an
 * object's; "${var.A}-text-${var.B}" gives the string
 * with each variable interpolated. Anything else (resource references, functions,
 * conditionals) is left unresolved, so the evaluators refuse it with a clear error.
 */
export function variableResolver(variables: Record<string, unknown>): TerraformResolver {
  const has = (name: string) => Object.prototype.hasOwnProperty.call(variables, name);
  return (expression) => {
    // "${var.NAME}" or an attribute of an object variable, "${var.NAME.ATTRIBUTE...}".
    const whole = /^\$\{var\.([A-Za-z_][A-Za-z0-9_-]*)((?:\.[A-Za-z_][A-Za-z0-9_-]*)*)\}$/.exec(expression);
    if (whole) {
      if (!has(whole[1])) return undefined;
      let value: unknown = variables[whole[1]];
      for (const attribute of whole[2].split(".").slice(1)) {
        if (typeof value !== "object" || value === null || !Object.hasOwn(value, attribute)) return undefined;
        value = (value as Record<string, unknown>)[attribute];
      }
      return value;
    }
    let unresolved = false;
    const interpolated = expression.replace(/\$\{([^}]*)\}/g, (_, inner: string) => {
      const reference = /^var\.([A-Za-z_][A-Za-z0-9_-]*)$/.exec(inner.trim());
      const value = reference && has(reference[1]) ? variables[reference[1]] : undefined;
      if (typeof value === "string" || typeof value === "number" || typeof value === "boolean") return String(value);
      unresolved = true;
      return "";
    });
    return unresolved ? undefined : interpolated;
  };
}
