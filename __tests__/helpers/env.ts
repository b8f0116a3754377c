/** Environment variables a test sets for a while, and puts back after. */

/** Variables to set; `undefined` unsets one. */
export type Env = Record<string, string | undefined>;

function assign(values: Env): void {
  for (const [name, value] of Object.entries(values)) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
}

/** Sets the variables and returns what puts each back as it was (one that was unset is unset again). */
export function setEnv(values: Env): () => void {
  const before: Env = Object.fromEntries(Object.keys(values).map((name) => [name, process.env[name]]));
  assign(values);
  return () => assign(before);
}

/** Runs `body` with the variables set, then puts them back. */
export async function withEnv<T>(values: Env, body: () => Promise<T>): Promise<T> {
  const restore = setEnv(values);
  try {
    return await body();
  } finally {
    restore();
  }
}

/** Every AWS_* variable of this process, unset: with `withEnv`, a run that sees only the AWS settings it is given. */
export function withoutOwnAwsSettings(): Env {
  return Object.fromEntries(
    Object.keys(process.env)
      .filter((name) => name.startsWith("AWS_"))
      .map((name) => [name, undefined]),
  );
}
