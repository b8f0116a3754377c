/**
 * The emulator's compatibility layer (emulator/moto) stays as small as moto allows:
 *
 * - every patch's gap is still there in moto as installed, without the patch; when moto
 *   closes a gap, this fails and says which patch to delete;
 * - with the patches applied, every probe finds its gap covered, and the Lambda and
 *   EventBridge patches pass their detailed checks (verify());
 * - every known defect of moto's ASL interpreter (emulator/known-defects.ts, recorded and
 *   deliberately not patched) is still there; when moto fixes one, this fails and says
 *   which entry to delete.
 */
import { expect } from "@jest/globals";
import { spawn } from "node:child_process";
import { readdirSync } from "node:fs";
import * as path from "node:path";
import { RECORDED_DEFECTS } from "../../emulator/known-defects";
import { EMULATOR_DIR, findLambdaNode, findMoto, MOTO_VERSION, nodeRuntimeArgument, PROBES } from "../../emulator/server";
import { PROJECT_ROOT } from "../../stacks/bundle";
import { describeUnless } from "../helpers/skip";

interface ProbeAnswers {
  moto: string;
  patches: Record<
    string,
    { gap: boolean | null; detail: string; what: string; verified?: { ok: boolean | null; detail: string } }
  >;
  defects: Record<string, { present: boolean | null; detail: string; what: string }>;
}

const { moto, reason } = findMoto();
// The Lambda patch's checks run the functions' runtime, Node.js 22.
const node = findLambdaNode();
const describeWithMoto = describeUnless(
  moto ? ("reason" in node ? node.reason : undefined) : reason,
  "emulator compatibility tests",
);

function probes(args: string[]): Promise<ProbeAnswers> {
  return new Promise((resolve, reject) => {
    const child = spawn(moto!.python, [PROBES, ...args], {
      cwd: EMULATOR_DIR,
      env: { ...process.env, PYTHONDONTWRITEBYTECODE: "1" },
    });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("close", (status) =>
      status === 0
        ? resolve(JSON.parse(stdout) as ProbeAnswers)
        : reject(new Error(`probes.py ${args.join(" ")}: ${stderr.slice(-2000)}`)),
    );
  });
}

const PATCH_FILES = readdirSync(path.join(EMULATOR_DIR, "moto", "patches"))
  .filter((file) => file.endsWith(".py") && file !== "__init__.py")
  .map((file) => file.replace(/\.py$/, ""))
  .sort();

describeWithMoto("the emulator's compatibility patches and known defects", () => {
  let unpatched: Promise<ProbeAnswers>;
  let patched: Promise<ProbeAnswers>;

  beforeAll(() => {
    // Two processes side by side: one never applies a patch, the other applies them all.
    unpatched = probes([]);
    const { binary } = node as { binary: string };
    patched = probes(["--patched", ...nodeRuntimeArgument(binary), "--node-path", path.join(PROJECT_ROOT, "node_modules")]);
  });

  test(`moto is the release the patches were written for (${MOTO_VERSION})`, async () => {
    // Another release may have closed gaps or opened new ones: the probes below say which.
    expect((await unpatched).moto).toBe(MOTO_VERSION);
  }, 60000);

  test("every patch file is registered, and only those", async () => {
    expect(Object.keys((await unpatched).patches).sort()).toEqual(PATCH_FILES);
  }, 60000);

  test.each(PATCH_FILES)(
    "patch %s is still needed: unpatched moto still has its gap",
    async (name) => {
      const answer = (await unpatched).patches[name];
      if (answer.gap === false) {
        throw new Error(
          `moto ${(await unpatched).moto} no longer has the gap "${answer.what}" (${answer.detail}): delete emulator/moto/patches/${name}.py and its entry in patches/__init__.py`,
        );
      }
      expect(answer).toMatchObject({ gap: true });
    },
    60000,
  );

  test.each(PATCH_FILES)(
    "patch %s covers its gap, and does what it promises where it has a verify()",
    async (name) => {
      const answer = (await patched).patches[name];
      expect({ name, gap: answer.gap, detail: answer.detail }).toEqual({ name, gap: false, detail: expect.any(String) });
      if (answer.verified) expect({ name, ...answer.verified }).toEqual({ name, ok: true, detail: expect.any(String) });
    },
    60000,
  );

  test("the Lambda and EventBridge patches pass their detailed checks", async () => {
    const { patches } = await patched;
    expect(patches.lambda_node_runtime.verified?.detail).toBe(
      "result, environment, SDK, error and timeout as Lambda's; Node.js 22 for nodejs22.x, another runtime refused",
    );
    expect(patches.events_stepfunctions_targets.verified?.detail).toBe(
      "InputPath, InputTransformer, whole event; pattern and rule state honoured",
    );
  }, 60000);

  test("every recorded defect has its probe, and every probe its record", async () => {
    expect(RECORDED_DEFECTS.map((defect) => defect.probe).sort()).toEqual(Object.keys((await unpatched).defects).sort());
  }, 60000);

  test.each(RECORDED_DEFECTS.map((defect) => defect.probe))(
    "known defect %s is still in moto (recorded, deliberately not patched)",
    async (name) => {
      const answer = (await unpatched).defects[name];
      if (answer.present === false) {
        throw new Error(
          `moto ${(await unpatched).moto} fixed "${answer.what}" (${answer.detail}): delete its entry in emulator/known-defects.ts and emulator/moto/defects.py, and its finding in the README`,
        );
      }
      expect(answer).toMatchObject({ present: true });
    },
    60000,
  );
});
