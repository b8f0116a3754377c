/**
 * Running the real Terraform toolchain offline (DESIGN.md section 5): a CLI config that
 * installs hashicorp/aws from the local filesystem mirror, the provider pinned to the
 * mirror's version, dummy credentials and the provider's skip_* flags. Nothing here
 * reaches the network.
 */
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { TerraformJson } from "./synth";

const AWS_PROVIDER_DIR = path.join("registry.terraform.io", "hashicorp", "aws");
const MIRROR_CANDIDATES = [
  process.env.TF_PROVIDER_MIRROR,
  "/opt/tf-plugins",
  "/usr/share/terraform/plugins",
  "/usr/local/share/terraform/plugins",
  path.join(process.env.HOME ?? "/root", ".terraform.d", "plugins"),
  path.join(process.env.HOME ?? "/root", ".local", "share", "terraform", "plugins"),
];

export interface Toolchain {
  terraform: string;
  mirror: string;
  awsVersion: string;
}

/** The toolchain, or the reason it is missing (a test prints it and skips). */
export function findToolchain(): { toolchain?: Toolchain; reason?: string } {
  const which = spawnSync("sh", ["-c", "command -v terraform"], { encoding: "utf8" });
  const terraform = which.stdout.trim();
  if (which.status !== 0 || !terraform) return { reason: "terraform is not on PATH" };
  const mirror = MIRROR_CANDIDATES.find((dir) => dir && existsSync(path.join(dir, AWS_PROVIDER_DIR)));
  if (!mirror) {
    return {
      reason: `no provider mirror holding ${AWS_PROVIDER_DIR} (looked in ${MIRROR_CANDIDATES.filter(Boolean).join(", ")}; set TF_PROVIDER_MIRROR)`,
    };
  }
  const versions = readdirSync(path.join(mirror, AWS_PROVIDER_DIR)).sort();
  return { toolchain: { terraform, mirror, awsVersion: versions[versions.length - 1] } };
}

/** Makes a synthesized stack plannable offline, as a CI job with a private mirror would. */
export function prepareForOfflinePlan(stackDir: string, toolchain: Toolchain): TerraformJson {
  const file = path.join(stackDir, "cdk.tf.json");
  const json: TerraformJson = JSON.parse(readFileSync(file, "utf8"));
  json.terraform.required_providers.aws.version = toolchain.awsVersion;
  Object.assign(json.provider.aws[0], {
    skip_credentials_validation: true,
    skip_requesting_account_id: true,
    skip_metadata_api_check: true,
    skip_region_validation: true,
  });
  writeFileSync(file, JSON.stringify(json, null, 2));
  writeFileSync(
    path.join(stackDir, "offline.tfrc"),
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(toolchain.mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
  );
  return json;
}

export interface TerraformRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr with line breaks and box-drawing folded away, for matching messages. */
  text: string;
}

export function terraform(stackDir: string, args: string[]): TerraformRun {
  const result = spawnSync("terraform", [...args, "-no-color"], {
    cwd: stackDir,
    encoding: "utf8",
    timeout: 120000,
    env: {
      ...process.env,
      TF_CLI_CONFIG_FILE: path.join(stackDir, "offline.tfrc"),
      TF_IN_AUTOMATION: "1",
      TF_INPUT: "0",
      CHECKPOINT_DISABLE: "1",
      AWS_ACCESS_KEY_ID: "offline-dummy",
      AWS_SECRET_ACCESS_KEY: "offline-dummy",
      AWS_REGION: "us-east-1",
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_PROFILE: "",
    },
  });
  const text = `${result.stdout}\n${result.stderr}`.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
  return { status: result.status, stdout: result.stdout, stderr: result.stderr, text };
}
