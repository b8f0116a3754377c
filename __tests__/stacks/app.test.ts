/**
 * A bad synth-time input (LAMBDA_PACKAGING, the backend variables, the cdktf context) is refused
 * where the app adds its stacks (stacks/app.ts), with an InputError whose message is one line
 * naming the input, the rule and the value. The same inputs through the app's own process and
 * through cdktf: stacks/app.integration.test.ts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { addEnvironmentStacks } from "../../stacks/app";
import { InputError } from "../../stacks/input-error";
import { CASES } from "../helpers/input-error-cases";
import { testApp } from "../helpers/synth";

const work = mkdtempSync(path.join(tmpdir(), "order-workflow-input-errors-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the app's stacks, added in-process with the case's environment and cdktf.json context", () => {
  test.each(CASES)("%s: refused with an InputError whose message is the one line", (_what, env, context, line) => {
    let thrown: unknown;
    try {
      addEnvironmentStacks(testApp(context as Record<string, unknown> | undefined), { ...env });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(InputError);
    expect((thrown as InputError).message).toBe(line);
    expect(line).not.toContain("\n");
  });
});
