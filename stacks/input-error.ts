/**
 * A synth-time input that breaks one of its rules: an environment variable
 * (LAMBDA_PACKAGING, TF_STATE_*, TF_CLOUD_*, TF_WORKSPACE) or a cdktf.json context entry.
 * Its message is one line naming the input, the rule and the value; main.ts prints it
 * without a stack trace, since the trace would only point into this project's code while
 * the fix is in the user's environment or cdktf.json.
 */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InputError";
  }
}

/** How a cdktf.json context entry is named in messages: `cdktf.json context "s3State.bucket"`. */
export const contextName = (entry: string) => `cdktf.json context "${entry}"`;

/**
 * A context entry that must be an object with only the given string fields: a typo in a
 * field name would otherwise be ignored, and the state would silently stay local.
 */
export function checkContextObject(entry: string, value: unknown, fields: readonly string[]): Record<string, string | undefined> {
  const shape = `{ ${fields.map((field) => `"${field}"`).join(", ")} }`;
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new InputError(`${contextName(entry)} must be an object ${shape}, got ${JSON.stringify(value)}`);
  }
  for (const [field, fieldValue] of Object.entries(value)) {
    if (!fields.includes(field)) {
      throw new InputError(`${contextName(entry)} has an unknown field "${field}" (its fields: ${fields.join(", ")})`);
    }
    if (typeof fieldValue !== "string") {
      throw new InputError(`${contextName(`${entry}.${field}`)} must be a string, got ${JSON.stringify(fieldValue)}`);
    }
  }
  return value as Record<string, string | undefined>;
}
