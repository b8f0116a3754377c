/**
 * `npm run e2e` when things go wrong: a port already in use, an emulator that never gets
 * ready, an apply that fails half-way, a Terraform step over its time limit, Ctrl-C. Each
 * time the command names the phase in one line, exits non-zero, and leaves nothing running.
 *
 * Cheap on purpose: only the port test starts moto; the others use a stand-in launcher
 * (__tests__/fixtures/emulator/fake-launcher.py) and a stand-in `terraform` first on the
 * PATH, so no provider runs. The fault handling under test is the real one. The five runs
 * start together (beforeAll) and each test checks one.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer, Server } from "node:net";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { E2eRun, isRunning, startE2e, stopE2eRuns, verdictLine, waitForProgress } from "../helpers/emulator";
import { findLambdaNode, findMoto } from "../../emulator/server";
import { describeUnless } from "../helpers/skip";

const FIXTURES = path.join(__dirname, "..", "fixtures", "emulator");
const { moto, reason } = findMoto();
// npm run e2e starts the emulator for the functions, on their runtime's Node.js 22.
const node = findLambdaNode();
const describeWithMoto = describeUnless(moto ? ("reason" in node ? node.reason : undefined) : reason, "emulator fault tests");

type Outcome = Awaited<E2eRun["done"]> & { pids: number[]; port?: number };

describeWithMoto("npm run e2e when something goes wrong", () => {
  const work = mkdtempSync(path.join(tmpdir(), "order-workflow-e2e-faults-"));
  // A mirror that only has to be found: the stand-in terraform installs nothing.
  const mirror = path.join(work, "mirror");
  mkdirSync(path.join(mirror, "registry.terraform.io", "hashicorp", "aws", "5.100.0"), { recursive: true });
  let pidCount = 0;
  let outcomes: Record<"port" | "neverReady" | "applyFails" | "overTime" | "ctrlC", Promise<Outcome>>;

  /** Environment for a run with the stand-ins, and the file where they record their pids. */
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

  /** Runs npm run e2e with stand-ins; `during` may act on the run before it ends. */
  async function withStandIns(extra: NodeJS.ProcessEnv, during?: (run: E2eRun, pids: () => number[]) => Promise<void>) {
    const { env, pids } = standIns(extra);
    const run = startE2e([], env);
    await during?.(run, pids);
    const done = await run.done;
    // Anything left would have to outlive its parent; give the system a moment to reap.
    await new Promise((resolve) => setTimeout(resolve, 300));
    return { ...done, pids: pids() };
  }

  beforeAll(() => {
    outcomes = {
      port: (async () => {
        const blocker: Server = createServer();
        await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
        const port = (blocker.address() as { port: number }).port;
        try {
          const done = await startE2e(["--port", String(port)], { ...process.env, TF_PROVIDER_MIRROR: mirror }).done;
          return { ...done, pids: [], port };
        } finally {
          await new Promise((resolve) => blocker.close(resolve));
        }
      })(),
      neverReady: withStandIns({ E2E_READY_TIMEOUT_MS: "8000" }),
      applyFails: withStandIns({ FAKE_READY: "1", STANDIN_APPLY: "fail" }),
      overTime: withStandIns({ FAKE_READY: "1", STANDIN_APPLY: "hang", E2E_TERRAFORM_TIMEOUT_SECONDS: "2" }),
      ctrlC: withStandIns({ FAKE_READY: "1", STANDIN_APPLY: "hang" }, async (run, pids) => {
        await waitForProgress(run, "terraform apply ...", 60000);
        while (pids().length < 3) await new Promise((resolve) => setTimeout(resolve, 100));
        // What a terminal does on Ctrl-C: SIGINT to the whole foreground process group.
        run.kill("SIGINT");
      }),
    };
    // Each test awaits its own; none may be left unhandled meanwhile.
    for (const outcome of Object.values(outcomes)) outcome.catch(() => undefined);
  });

  afterAll(async () => {
    await Promise.allSettled(Object.values(outcomes ?? {}));
    await stopE2eRuns();
    rmSync(work, { recursive: true, force: true });
  }, 90000);

  test("a port already in use: the emulator phase fails naming the port", async () => {
    const { status, stdout, port } = await outcomes.port;
    expect(verdictLine(stdout)).toMatch(
      new RegExp(`^E2E FAILED in phase "start emulator": the emulator cannot listen on 127\\.0\\.0\\.1:${port}: .*in use`),
    );
    expect(status).toBe(1);
  }, 90000);

  test("an emulator that never gets ready: stopped after the readiness limit", async () => {
    const { status, stdout, pids } = await outcomes.neverReady;
    expect(verdictLine(stdout)).toMatch(/^E2E FAILED in phase "start emulator": the emulator did not start within 8 s/);
    expect(status).toBe(1);
    expect(pids).toHaveLength(1); // it did start, and was stopped
    expect(pids.filter(isRunning)).toEqual([]);
  }, 90000);

  test("an apply that fails half-way: the apply phase fails with Terraform's error, the emulator is stopped", async () => {
    const { status, stdout, pids } = await outcomes.applyFails;
    expect(verdictLine(stdout)).toBe(
      'E2E FAILED in phase "terraform apply": terraform apply exited with status 1: Error: creating Lambda Function ' +
        "(microservices-stepfn-user-service): operation error Lambda: CreateFunction, StatusCode: 500",
    );
    expect(status).toBe(1);
    expect(pids.filter(isRunning)).toEqual([]);
  }, 90000);

  test("a Terraform step over its time limit: names what it was still waiting on, if anything; Terraform and its plugin are ended, the emulator is stopped", async () => {
    const { status, stdout, pids } = await outcomes.overTime;
    expect(verdictLine(stdout)).toMatch(
      /^E2E FAILED in phase "terraform apply": terraform apply exceeded its time limit of 2 s and was stopped(; still waiting on aws_\w+\.\w+ \((creating|modifying)[^)]*\)(, aws_\w+\.\w+ \([^)]*\))*)?$/,
    );
    expect(status).toBe(1);
    expect(pids).toHaveLength(3); // launcher, terraform, its plugin
    expect(pids.filter(isRunning)).toEqual([]);
  }, 90000);

  test("Ctrl-C during apply: the run stops, names the phase, exits 130, and leaves nothing running", async () => {
    const { status, signal, stdout, pids } = await outcomes.ctrlC;
    expect(verdictLine(stdout)).toBe('E2E FAILED in phase "terraform apply": interrupted by SIGINT');
    // npm itself dies of the SIGINT (a shell shows 130 either way); the e2e command exits 130.
    expect({ status, signal }).toEqual(signal ? { status: null, signal: "SIGINT" } : { status: 130, signal: null });
    expect(pids).toHaveLength(3);
    expect(pids.filter(isRunning)).toEqual([]);
  }, 90000);
});
