/**
 * Running the real Terraform toolchain offline (DESIGN.md section 5): a CLI config that
 * installs hashicorp/aws from the local filesystem mirror, the provider pinned to the
 * mirror's version, dummy credentials and the provider's skip_* flags. Nothing here
 * reaches the network.
 */
import { spawn, spawnSync } from "node:child_process";
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

function environment(stackDir: string): NodeJS.ProcessEnv {
  return {
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
  };
}

function terraformRun(status: number | null, stdout: string, stderr: string): TerraformRun {
  const text = `${stdout}\n${stderr}`.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
  return { status, stdout, stderr, text };
}

export function terraform(stackDir: string, args: string[]): TerraformRun {
  const result = spawnSync("terraform", [...args, "-no-color"], {
    cwd: stackDir,
    encoding: "utf8",
    timeout: 120000,
    env: environment(stackDir),
  });
  return terraformRun(result.status, result.stdout, result.stderr);
}

/** The same, without blocking: independent plans of one stack run side by side (they take no lock). */
export function terraformAsync(stackDir: string, args: string[]): Promise<TerraformRun> {
  return new Promise((resolve, reject) => {
    const child = spawn("terraform", [...args, "-no-color"], { cwd: stackDir, env: environment(stackDir) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.on("error", reject);
    child.on("close", (status) => resolve(terraformRun(status, stdout, stderr)));
  });
}

export interface PlannedChange {
  type: string;
  address: string;
  actions: string[];
  after: Record<string, any>;
}

/** `terraform plan -refresh=false` with extra arguments, then the planned changes from `terraform show -json`. */
export async function planOffline(
  stackDir: string,
  name: string,
  extraArgs: string[],
): Promise<{ plan: TerraformRun; changes: PlannedChange[] }> {
  const planFile = `${name}.tfplan`;
  const plan = await terraformAsync(stackDir, [
    "plan",
    "-refresh=false",
    "-input=false",
    "-lock=false",
    `-out=${planFile}`,
    ...extraArgs,
  ]);
  if (plan.status !== 0) return { plan, changes: [] };
  const show = await terraformAsync(stackDir, ["show", "-json", planFile]);
  const changes = (JSON.parse(show.stdout).resource_changes as any[]).map((change) => ({
    type: change.type,
    address: change.address,
    actions: change.change.actions,
    after: change.change.after,
  }));
  return { plan, changes };
}
