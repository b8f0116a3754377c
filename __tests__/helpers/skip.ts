/**
 * A suite that cannot run on this machine (no terraform, no moto, ...) is skipped, and the
 * run's output says so: `SKIPPED <suite>: <reason>`, printed by skip-reporter.js at the end
 * of the run. A console.warn at load time is not enough: Jest drops the console output of a
 * test file whose tests are all skipped.
 *
 *   const describeWithTerraform = describeUnless(reason, "offline Terraform tests");
 *   describeWithTerraform("terraform init, validate and plan", () => { ... });
 */

/** Titles of the marker tests the reporter prints. */
export const SKIPPED_PREFIX = "SKIPPED ";

/** `describe` when `reason` is undefined; otherwise `describe.skip`, with the reason recorded for the reporter. */
export function describeUnless(reason: string | undefined, suite: string): jest.Describe {
  if (reason === undefined) return describe;
  // The reason travels in a skipped test's title: the one channel from a test file to a
  // reporter that Jest keeps for a file whose tests all skip.
  test.skip(`${SKIPPED_PREFIX}${suite}: ${reason}`, () => undefined);
  return describe.skip;
}
