/**
 * Where the state lives. Local state by default (a path relative to the stack directory,
 * so no absolute path of the build machine lands in cdk.tf.json). Terraform Cloud / HCP
 * Terraform when an organization and a workspace are given, by the same environment
 * variables Terraform itself reads for a `cloud` block, or by cdktf.json context; no
 * code change either way.
 */
import { CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformStack } from "cdktf";

export type BackendChoice = { kind: "local" } | { kind: "cloud"; organization: string; workspace: string; hostname?: string };

/** cdktf.json `context.terraformCloud`, e.g. `{ "organization": "acme", "workspace": "orders-prod" }`. */
export interface TerraformCloudContext {
  organization?: string;
  workspace?: string;
  hostname?: string;
}

/**
 * TF_CLOUD_ORGANIZATION, TF_WORKSPACE and TF_CLOUD_HOSTNAME (Terraform's own names) win
 * over the cdktf.json context. The organization decides: without one the state stays
 * local (TF_WORKSPACE alone is also how Terraform selects a local workspace); with one,
 * a missing workspace is an error rather than a silent fall back to local state.
 */
export function backendFromEnvironment(env: NodeJS.ProcessEnv, context: TerraformCloudContext = {}): BackendChoice {
  const organization = env.TF_CLOUD_ORGANIZATION || context.organization;
  const workspace = env.TF_WORKSPACE || context.workspace;
  const hostname = env.TF_CLOUD_HOSTNAME || context.hostname;
  if (!organization) return { kind: "local" };
  if (!workspace) {
    throw new Error(
      `Terraform Cloud organization "${organization}" needs a workspace: set TF_WORKSPACE ` +
        '(or "terraformCloud": { "organization", "workspace" } in cdktf.json context), or unset the organization for local state',
    );
  }
  return { kind: "cloud", organization, workspace, ...(hostname ? { hostname } : {}) };
}

export function configureBackend(stack: TerraformStack, choice: BackendChoice): void {
  if (choice.kind === "local") {
    new LocalBackend(stack, { path: "terraform.tfstate" });
    return;
  }
  new CloudBackend(stack, {
    organization: choice.organization,
    workspaces: new NamedCloudWorkspace(choice.workspace),
    ...(choice.hostname ? { hostname: choice.hostname } : {}),
  });
}
