/**
 * moto pinned in one place, emulator/requirements.txt: the version the emulator expects is
 * read from it, another installed release is refused with a reason (the emulator tests
 * then print SKIPPED instead of failing on a gap the patches do not know), and
 * scripts/moto-status.ts tells .ci/run whether the installed moto matches. A stand-in
 * Python (MOTO_PYTHON) plays each installed release; no moto is needed.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { findMoto, MOTO_VERSION, pinnedMotoVersion, PYTHON_MODULES, REQUIREMENTS_FILE } from "../../emulator/server";
import { PROJECT_ROOT } from "../../stacks/bundle";

const work = mkdtempSync(path.join(tmpdir(), "order-workflow-moto-pin-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A "python" that answers the installation check as if it had moto at `version`. */
function pythonWithMoto(version: string): string {
  const file = path.join(work, `python-moto-${version}`);
  writeFileSync(file, `#!/bin/sh\necho ${version}\n`);
  chmodSync(file, 0o755);
  return file;
}

/** No moto_server on this PATH: only MOTO_PYTHON can offer one. */
const envWith = (python: string): NodeJS.ProcessEnv => ({ ...process.env, PATH: "/usr/bin:/bin", MOTO_PYTHON: python });

describe("emulator/requirements.txt", () => {
  test("pins moto[server] exactly, and MOTO_VERSION is that pin", () => {
    const requirements = readFileSync(REQUIREMENTS_FILE, "utf8");
    expect(requirements).toMatch(/^moto\[server\]==\d+\.\d+\.\d+$/m);
    expect(MOTO_VERSION).toBe(pinnedMotoVersion(requirements));
  });

  test("lists, pinned, every module the launcher and the patches import besides moto", () => {
    const requirements = readFileSync(REQUIREMENTS_FILE, "utf8");
    for (const module of PYTHON_MODULES.filter((name) => name !== "moto")) {
      // pip names the package with a hyphen where Python imports it with an underscore.
      expect(requirements).toMatch(new RegExp(`^${module.replace(/_/g, "-")}==\\S+$`, "m"));
    }
  });

  test("the pin is read with extras, spaces or comments around it; a file without one is refused", () => {
    expect(pinnedMotoVersion("# emulator\nboto3==1.0\nmoto[server,s3]==5.3.1 ; python_version >= '3.9'\n")).toBe("5.3.1");
    expect(pinnedMotoVersion("moto==4.0.0\n")).toBe("4.0.0");
    expect(() => pinnedMotoVersion("boto3==1.0\n")).toThrow('has no "moto[server]==<version>" line');
  });
});

describe("findMoto", () => {
  test("the pinned release is found", () => {
    const python = pythonWithMoto(MOTO_VERSION);
    expect(findMoto(envWith(python))).toEqual({ moto: { python, version: MOTO_VERSION } });
  });

  test("another release is refused, naming both versions and the fix", () => {
    const python = pythonWithMoto("5.0.9");
    expect(findMoto(envWith(python))).toEqual({
      reason: `moto 5.0.9 is installed (${python}), emulator/requirements.txt pins ${MOTO_VERSION} (pip install -r emulator/requirements.txt)`,
    });
  });

  test("no moto at all: the reason says how to install it", () => {
    const env: NodeJS.ProcessEnv = { ...process.env, PATH: "/usr/bin:/bin" };
    delete env.MOTO_PYTHON;
    expect(findMoto(env).reason).toBe("moto_server is not on PATH (pip install -r emulator/requirements.txt)");
  });
});

describe("scripts/moto-status.ts (.ci/run's report)", () => {
  const status = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/moto-status.ts"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 30000,
      env: { ...env, PATH: `${path.dirname(process.execPath)}:${env.PATH}` },
    });

  test("matching: one line, exit 0", () => {
    const python = pythonWithMoto(MOTO_VERSION);
    const result = status(envWith(python));
    expect([result.status, result.stdout]).toEqual([0, `moto ${MOTO_VERSION} (${python}): as emulator/requirements.txt pins\n`]);
  });

  test("another release: one line naming both, exit 1", () => {
    const python = pythonWithMoto("5.0.9");
    const result = status(envWith(python));
    expect([result.status, result.stdout]).toEqual([
      1,
      `moto 5.0.9 (${python}): emulator/requirements.txt pins ${MOTO_VERSION}\n`,
    ]);
  });
});
