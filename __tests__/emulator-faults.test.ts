/**
 * `npm run e2e` when things go wrong: a port already in use, an emulator that never gets
 * ready, an apply that fails half-way, a Terraform step over its time limit, Ctrl-C. Each
 * time the command names the phase in one line, exits non-zero, and leaves nothing running.
 *
 * Cheap on purpose: only the port test starts moto; the others use a stand-in launcher
 * (__tests__/fixtures/emulator/fake-launcher.py) and a stand-in `terraform` first on the
 * PATH, so no provider runs. The fault handling under test is the real one.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { isRunning, startE2e, stopE2eRuns, verdictLine, waitForProgress } from "./helpers/emulator";
import { findMoto } from "../emulator/server";

const FIXTURES = path.join(__dirname, "fixtures", "emulator");
const { moto, reason } = findMoto();
if (!moto) console.warn(`SKIPPED emulator tests: ${reason}`);
const describeWithMoto = moto ? describe : describe.skip;

describeWithMoto("npm run e2e when something goes wrong", () => {
  const work = mkdtempSync(path.join(tmpdir(), "order-workflow-e2e-faults-"));
  // A mirror that only has to be found: the stand-in terraform installs nothing.
  const mirror = path.join(work, "mirror");
  mkdirSync(path.join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0"), { recursive: true });
  let pidCount = 0;

  afterAll(async () => {
    await stopE2eRuns();
    rmSync(work, { recursive: true, force: true });
  }, 30000);

  /** Environment for a run with the stand-ins; returns it and the file where they record their pids. */
  function standIns(extra: NodeJS.ProcessEnv): { env: NodeJS.ProcessEnv; pids: () => number[] } {
    const pidFile = path.join(work, `pids-${++pidCount}`);
    writeFileSync(pidFile, "");
    return {
      env: {
        ...process.env,
        PATH: `${FIXTURES}:${process.env.PATH}`,
        TF_PROVIDER_MIRROR: mirror,
        MOTO_PYTHON: moto!.python,
        E2E_LAUNCHER: path.join(FIXTURES, "fake-launcher.py"),
        FAKE_PID_FILE: pidFile,
        ...extra,
      },
      pids: () => readFileSync(pidFile, "utf8").split("\n").filter(Boolean).map(Number),
    };
  }

  test.concurrent(
    "a port already in use: the emulator phase fails naming the port",
    async () => {
      const blocker: Server = createServer();
      await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
      const port = (blocker.address() as { port: number }).port;
      try {
        const run = startE2e(["--port", String(port)], { ...process.env, TF_PROVIDER_MIRROR: mirror });
        const { status, stdout } = await run.done;
        expect(verdictLine(stdout)).toMatch(
          new RegExp(`^E2E FAILED in phase "start emulator": the emulator cannot listen on 127\\.0\\.0\\.1:${port}: .*in use`),
        );
        expect(status).toBe(1);
      } finally {
        blocker.close();
      }
    },
    60000,
  );

  test.concurrent(
    "an emulator that never gets ready: stopped after the readiness limit",
    async () => {
      const { env, pids } = standIns({ E2E_READY_TIMEOUT_MS: "8000" });
      const { status, stdout } = await startE2e([], env).done;
      expect(verdictLine(stdout)).toMatch(/^E2E FAILED in phase "start emulator": the emulator did not start within 8 s/);
      expect(status).toBe(1);
      expect(pids()).toHaveLength(1); // it did start, and was stopped
      expect(pids().filter(isRunning)).toEqual([]);
    },
    60000,
  );

  test.concurrent(
    "an apply that fails half-way: the apply phase fails with Terraform's error, the emulator is stopped",
    async () => {
      const { env, pids } = standIns({ FAKE_READY: "1", STANDIN_APPLY: "fail" });
      const { status, stdout } = await startE2e([], env).done;
      expect(verdictLine(stdout)).toBe(
        'E2E FAILED in phase "terraform apply": terraform apply exited with status 1: Error: creating Lambda Function ' +
          "(microservices-stepfn-user-service): operation error Lambda: CreateFunction, StatusCode: 500",
      );
      expect(status).toBe(1);
      expect(pids().filter(isRunning)).toEqual([]);
    },
    90000,
  );

  test.concurrent(
    "a Terraform step over its time limit: Terraform and its plugin are ended, the emulator is stopped",
    async () => {
      const { env, pids } = standIns({ FAKE_READY: "1", STANDIN_APPLY: "hang", E2E_TERRAFORM_TIMEOUT_SECONDS: "2" });
      const { status, stdout } = await startE2e([], env).done;
      expect(verdictLine(stdout)).toBe(
        'E2E FAILED in phase "terraform apply": terraform apply exceeded its time limit of 2 s and was stopped',
      );
      expect(status).toBe(1);
      expect(pids()).toHaveLength(3); // launcher, terraform, its plugin
      expect(pids().filter(isRunning)).toEqual([]);
    },
    90000,
  );

  test.concurrent(
    "Ctrl-C during apply: the run stops, names the phase, exits 130, and leaves nothing running",
    async () => {
      const { env, pids } = standIns({ FAKE_READY: "1", STANDIN_APPLY: "hang" });
      const run = startE2e([], env);
      await waitForProgress(run, "terraform apply ...", 60000);
      // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
      while (pids().length < 3) await new Promise((resolve) => setTimeout(resolve, 100));
      run.kill("SIGINT");
      const { status, signal, stdout } = await run.done;
      expect(verdictLine(stdout)).toBe('E2E FAILED in phase "terraform apply": interrupted by SIGINT');
      // npm itself dies of the SIGINT (a shell shows 130 either way); the e2e command exits 130.
      expect({ status, signal }).toEqual(signal ? { status: null, signal: "SIGINT" } : { status: 130, signal: null });
      await new Promise((resolve) => setTimeout(resolve, 500));
      expect(pids().filter(isRunning)).toEqual([]);
    },
    90000,
  );
});
