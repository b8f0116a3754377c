/**
 * Finding the Terraform toolchain without any machine-specific path: TF_PROVIDER_MIRROR,
 * else Terraform's implied local mirror directories (CLI configuration docs,
 * "provider_installation"), in Terraform's order.
 */
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { AWS_PROVIDER_DIR, findToolchain, mirrorCandidates } from "../scripts/terraform-toolchain";

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

  test("without a mirror, the reason names where it looked", () => {
    const { toolchain, reason } = findToolchain({
      PATH: pathWithTerraform(),
      HOME: path.join(work, "empty-home"),
      XDG_DATA_DIRS: path.join(work, "none"),
    });
    expect(toolchain).toBeUndefined();
    expect(reason).toMatch(
      /^no provider mirror holding registry.terraform.io\/hashicorp\/aws \(looked in .*; set TF_PROVIDER_MIRROR\)$/,
    );
  });

  test("without terraform on the PATH, the reason says so", () => {
    expect(findToolchain({ PATH: path.join(work, "no-such-dir") }).reason).toBe("terraform is not on PATH");
  });
});
