/**
 * `npm run e2e` for real, as part of `npm test`: the stack applied to the AWS emulator,
 * smoke-tested, every example order run on both interpreters, updated in place, destroyed,
 * nothing left (emulator/lifecycle.ts). Skipped, saying why, where moto, terraform or the
 * provider mirror is missing. It is the longest suite: the test sequencer starts it first.
 */
import { emulatorSkipReason, startE2e, stopE2eRuns, verdictLine } from "../helpers/emulator";
import { describeUnless } from "../helpers/skip";

// Printed as SKIPPED, so that a skipped run is never mistaken for a passed one.
const describeWithEmulator = describeUnless(emulatorSkipReason(), "emulator lifecycle test");

/**
 * Above the lifecycle's own limits on its longest path (apply 240 s, then prod beside dev
 * 300 s), so that a slow phase fails with its own message, naming the resources Terraform
 * was still waiting on, instead of being cut off by jest. A run takes about 3.5 minutes
 * here (npm run e2e prints each phase's time); its speed is not what this test checks.
 */
const LIFECYCLE_TIMEOUT_MS = 600000;

describeWithEmulator("the stack on the AWS emulator (npm run e2e)", () => {
  afterAll(stopE2eRuns, 30000);

  test(
    "applies dev, then prod beside it without touching dev; passes the smoke test, runs every example order alike on both interpreters and orders of unusual names, updates in place (the live alias moving in that one apply), refuses prod's destroy while its tables are protected, and destroys both to nothing",
    async () => {
      const run = startE2e([]);
      const { status, stdout, stderr } = await run.done;
      // The report, in the test output: resources, seconds per phase, executions compared.
      console.log(stdout);
      if (status !== 0) console.error(stderr.slice(-4000));
      expect(verdictLine(stdout)).toBe("E2E PASSED");
      expect(status).toBe(0);
      expect(stdout).toMatch(/resources applied: \d+/);
      expect(stdout).toMatch(/executions compared: \d+/);
      // AWS provider issue 36272: the update publishes version 2 and the alias follows without a second apply.
      expect(stdout).toMatch(/live alias moved in that apply .* live: version 1 -> 2, with 5 new function versions/);
      expect(stdout).toMatch(/plan after update .* no changes/);
      expect(stdout).toMatch(/previous version still runs .* sample order SUCCEEDED on version 1 beside 2/);
      // Issue 17: names only AWS's rules allow; the data through a refused destroy and a second apply.
      expect(stdout).toMatch(/names AWS accepts .* order\+1, ordre-été: SUCCEEDED/);
      // Issue 18: the recovery commands on the emulator (emulator/recovery-phases.ts, docs/recovery.md).
      expect(stdout).toMatch(
        /dlq: replay twice, one order .* replayed again: ExecutionAlreadyExists; one order ord-\S+, one payment; queue empty/,
      );
      expect(stdout).toMatch(
        /dlq: delivered event replayed ends DUPLICATE .* the replay ended DUPLICATE of it; one order, one payment/,
      );
      expect(stdout).toMatch(/compensate: CompensationFailed order finished .* fault off: refunded, FAILED closed by operator/);
      expect(stdout).toMatch(/versions: previous version named .* previous version: 1, with the two tfvars lines/);
      expect(stdout).toMatch(
        /destroy refused while protected .* refused naming table_deletion_protection, nothing destroyed; \d+ items intact \(PROD001=\d+/,
      );
      expect(stdout).toMatch(
        /apply again keeps every figure .* table_deletion_protection off: Resources: 0 added, \d+ changed, 0 destroyed\. stock PROD001=/,
      );
      expect(stdout).toMatch(/nothing left .* every list empty/);
      // Issue 18: every AWS call the provider made is allowed by the deploying identity's policies (docs/deploying-identity.md).
      expect(stdout).toMatch(/deployer permissions .* \d+ provider calls \(\d+ in plans\) on \d+ services, .*: all allowed/);
    },
    LIFECYCLE_TIMEOUT_MS,
  );
});
