/**
 * Finding the Terraform toolchain without any machine-specific path: TF_PROVIDER_MIRROR,
 * else Terraform's implied local mirror directories (CLI configuration docs,
 * "provider_installation"), in Terraform's order, else a bounded search of the filesystem;
 * and scripts/provider-mirror.ts, which gives .ci/run the same answer.
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { PROJECT_ROOT } from "../../stacks/bundle";
import {
  AWS_PROVIDER_DIR,
  DEFAULT_MIRROR_SEARCH,
  findMirror,
  findToolchain,
  mirrorCandidates,
  MirrorSearch,
  searchForMirror,
} from "../../scripts/terraform-toolchain";

const work = mkdtempSync(path.join(tmpdir(), "order-workflow-toolchain-"));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** A PATH holding only a stand-in terraform (and sh, for `command -v`). */
function pathWithTerraform(): string {
  const bin = path.join(work, "bin");
  mkdirSync(bin, { recursive: true });
  writeFileSync(path.join(bin, "terraform"), "#!/bin/sh\n");
  chmodSync(path.join(bin, "terraform"), 0o755);
  return `${bin}:/usr/bin:/bin`;
}

function mirrorWith(dir: string, ...versions: string[]): string {
  for (const version of versions) mkdirSync(path.join(dir, AWS_PROVIDER_DIR, version), { recursive: true });
  return dir;
}

/** A search of one folder of this test's own, never of the machine. */
const searchIn = (root: string, limits: Partial<MirrorSearch> = {}): MirrorSearch => ({
  ...DEFAULT_MIRROR_SEARCH,
  roots: [root],
  ...limits,
});

describe("the provider mirror", () => {
  test("the implied local mirror directories, in Terraform's order, after TF_PROVIDER_MIRROR", () => {
    expect(mirrorCandidates({ HOME: "/home/ops" })).toEqual([
      "/home/ops/.terraform.d/plugins",
      "/home/ops/.local/share/terraform/plugins",
      "/usr/local/share/terraform/plugins",
      "/usr/share/terraform/plugins",
    ]);
    expect(
      mirrorCandidates({ HOME: "/home/ops", TF_PROVIDER_MIRROR: "/srv/mirror", XDG_DATA_HOME: "/data", XDG_DATA_DIRS: "/a:/b" }),
    ).toEqual([
      "/srv/mirror",
      "/home/ops/.terraform.d/plugins",
      "/data/terraform/plugins",
      "/a/terraform/plugins",
      "/b/terraform/plugins",
    ]);
  });

  test("TF_PROVIDER_MIRROR wins; the newest version is pinned (5.100.0 after 5.99.1)", () => {
    const mirror = mirrorWith(path.join(work, "explicit"), "5.99.1", "5.100.0");
    const { toolchain } = findToolchain({ PATH: pathWithTerraform(), HOME: path.join(work, "home"), TF_PROVIDER_MIRROR: mirror });
    expect(toolchain).toMatchObject({ mirror, awsVersion: "5.100.0" });
  });

  test("an implied directory is found without any setting", () => {
    const home = path.join(work, "home-with-plugins");
    mirrorWith(path.join(home, ".local", "share", "terraform", "plugins"), "5.100.0");
    const { toolchain } = findToolchain({ PATH: pathWithTerraform(), HOME: home, XDG_DATA_DIRS: path.join(work, "none") });
    expect(toolchain?.mirror).toBe(path.join(home, ".local", "share", "terraform", "plugins"));
  });

  test("without a mirror, the reason names where it looked and what the search covered", () => {
    const nothing = path.join(work, "nothing");
    mkdirSync(path.join(nothing, "a", "b"), { recursive: true });
    const { toolchain, reason } = findToolchain(
      { PATH: pathWithTerraform(), HOME: path.join(work, "empty-home"), XDG_DATA_DIRS: path.join(work, "none") },
      searchIn(nothing),
    );
    expect(toolchain).toBeUndefined();
    expect(reason).toBe(
      `no provider mirror holding registry.terraform.io/hashicorp/aws (looked in ${path.join(work, "empty-home", ".terraform.d", "plugins")}, ` +
        `${path.join(work, "empty-home", ".local", "share", "terraform", "plugins")}, ${path.join(work, "none", "terraform", "plugins")}; ` +
        `searched the filesystem: none within 6 levels of ${nothing} (3 folders searched); set TF_PROVIDER_MIRROR)`,
    );
  });

  test("no setting and no implied directory: the filesystem search finds the mirror", () => {
    const root = path.join(work, "machine");
    const mirror = mirrorWith(path.join(root, "opt", "tf-plugins"), "5.100.0");
    const { toolchain } = findToolchain(
      { PATH: pathWithTerraform(), HOME: path.join(work, "empty-home"), XDG_DATA_DIRS: path.join(work, "none") },
      searchIn(root),
    );
    expect(toolchain).toMatchObject({ mirror, awsVersion: "5.100.0" });
  });

  test("without terraform on the PATH, the reason says so", () => {
    expect(findToolchain({ PATH: path.join(work, "no-such-dir") }).reason).toBe("terraform is not on PATH");
  });
});

describe("the filesystem search for a mirror", () => {
  test("the shallowest mirror wins; node_modules and .git are not searched; symbolic links are not followed", () => {
    const root = path.join(work, "search-order");
    mirrorWith(path.join(root, "node_modules", "pkg"), "5.1.0");
    mirrorWith(path.join(root, ".git", "x"), "5.1.0");
    const shallow = mirrorWith(path.join(root, "a", "b", "mirror"), "5.100.0");
    mirrorWith(path.join(root, "a", "b", "c", "d", "deeper"), "5.100.0");
    // A loop: followed, it would never end.
    symlinkSync(root, path.join(root, "a", "loop"));
    expect(searchForMirror(searchIn(root))).toEqual({ mirror: shallow });
    const hidden = path.join(work, "search-hidden");
    mirrorWith(path.join(hidden, "node_modules", "pkg"), "5.1.0");
    mirrorWith(path.join(hidden, "sub", ".git", "x"), "5.1.0");
    expect(searchForMirror(searchIn(hidden)).mirror).toBeUndefined();
  });

  test("bounded: a mirror deeper than maxDepth is not found, and the search stops at its time budget", () => {
    const root = path.join(work, "search-bounds");
    const deep = mirrorWith(path.join(root, "1", "2", "3"), "5.100.0");
    // registry.terraform.io is 4 levels below the root.
    expect(searchForMirror(searchIn(root, { maxDepth: 3 }))).toEqual({
      reason: `none within 3 levels of ${root} (3 folders searched)`,
    });
    expect(searchForMirror(searchIn(root, { maxDepth: 4 }))).toEqual({ mirror: deep });
    expect(searchForMirror(searchIn(root, { budgetMs: 0 }))).toEqual({
      reason: `the search of ${root} stopped after 0 s (0 folders)`,
    });
  });

  test("the default search is quick on this machine (under its 5 s budget, whatever it finds)", () => {
    const started = Date.now();
    const found = searchForMirror();
    expect(Date.now() - started).toBeLessThan(DEFAULT_MIRROR_SEARCH.budgetMs + 1000);
    expect(found.mirror ?? found.reason).toEqual(expect.any(String));
  }, 15000);
});

describe("scripts/provider-mirror.ts (what .ci/run exports)", () => {
  const run = (env: NodeJS.ProcessEnv) =>
    spawnSync(process.execPath, ["--import", "tsx", "scripts/provider-mirror.ts"], {
      cwd: PROJECT_ROOT,
      encoding: "utf8",
      timeout: 30000,
      env,
    });

  test("prints TF_PROVIDER_MIRROR's mirror, one line, exit 0", () => {
    const mirror = mirrorWith(path.join(work, "for-ci"), "5.100.0");
    const result = run({ ...process.env, TF_PROVIDER_MIRROR: mirror });
    expect([result.status, result.stdout, result.stderr]).toEqual([0, `${mirror}\n`, ""]);
  });

  test("gives the answer npm test gets in the same environment", () => {
    const env = { ...process.env };
    delete env.TF_PROVIDER_MIRROR;
    const inProcess = findMirror(env);
    const result = run(env);
    if (inProcess.mirror) expect([result.status, result.stdout]).toEqual([0, `${inProcess.mirror}\n`]);
    else expect([result.status, result.stderr]).toEqual([1, `${inProcess.reason}\n`]);
  }, 30000);
});
