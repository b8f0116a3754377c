/**
 * Where the state lives. Local state by default (a path relative to the stack directory,
 * so no absolute path of the build machine lands in cdk.tf.json). Terraform Cloud / HCP
 * Terraform when an organization and a workspace are given, by the same environment
 * variables Terraform itself reads for a `cloud` block, or by cdktf.json context. An S3
 * bucket when one is named (s3-state.ts). No code change either way, and never two at once.
 */
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { defaultStateKey, S3State, S3StateContext, s3StateFromEnvironment } from "./s3-state";

export type BackendChoice =
  { kind: "local" } | { kind: "cloud"; organization: string; workspace: string; hostname?: string } | ({ kind: "s3" } & S3State);

/** cdktf.json `context.terraformCloud`, e.g. `{ "organization": "acme", "workspace": "orders-prod" }`. */
export interface TerraformCloudContext {
  organization?: string;
  workspace?: string;
  hostname?: string;
}

/** The cdktf.json context entries that choose a backend, and the stack being configured. */
export interface BackendContext {
  terraformCloud?: TerraformCloudContext;
  s3State?: S3StateContext;
  /** The stack this backend is for; `{stack}` in a workspace name or a state key stands for it. */
  stack?: string;
  /** Every stack of the app: with more than one, one workspace name or one key cannot serve them all. */
  stacks?: string[];
}

/** What `{stack}` in a workspace name or a state key is replaced with. */
export const STACK_PLACEHOLDER = "{stack}";

const withStack = (text: string, stack: string | undefined) =>
  stack === undefined ? text : text.replaceAll(STACK_PLACEHOLDER, stack);

/**
 * TF_CLOUD_ORGANIZATION, TF_WORKSPACE and TF_CLOUD_HOSTNAME (Terraform's own names) win
 * over the cdktf.json context. The organization decides: without one the state stays
 * local (TF_WORKSPACE alone is also how Terraform selects a local workspace); with one,
 * a missing workspace is an error rather than a silent fall back to local state.
 * TF_STATE_BUCKET (or context s3State.bucket) chooses S3; naming both Terraform Cloud and
 * S3 is an error, since either alone would silently leave the other one's state behind.
 */
export function backendFromEnvironment(env: NodeJS.ProcessEnv, context: BackendContext = {}): BackendChoice {
  const cloud = context.terraformCloud ?? {};
  const several = (context.stacks ?? []).length > 1 ? context.stacks! : undefined;
  const organization = env.TF_CLOUD_ORGANIZATION || cloud.organization;
  const s3 = s3StateFromEnvironment(env, context.s3State ?? {});
  if (organization && s3) {
    const cloudInput = env.TF_CLOUD_ORGANIZATION ? "TF_CLOUD_ORGANIZATION" : 'cdktf.json context "terraformCloud"';
    const s3Input = env.TF_STATE_BUCKET ? "TF_STATE_BUCKET" : 'cdktf.json context "s3State"';
    throw new Error(
      `Both Terraform Cloud (${cloudInput}) and S3 state (${s3Input}) are chosen: the state can live in one place only, unset one of them`,
    );
  }
  if (s3) {
    if (several && s3.key !== undefined && !s3.key.includes(STACK_PLACEHOLDER)) {
      const input = env.TF_STATE_KEY ? "TF_STATE_KEY" : 'cdktf.json context "s3State.key"';
      throw new Error(
        `${input} "${s3.key}" names one state, and the app has one stack per environment (${several.join(", ")}): put ${STACK_PLACEHOLDER} in the key (for example orders/${STACK_PLACEHOLDER}/terraform.tfstate), or leave it out for the default ${defaultStateKey(STACK_PLACEHOLDER)}`,
      );
    }
    return { kind: "s3", ...s3, ...(s3.key !== undefined ? { key: withStack(s3.key, context.stack) } : {}) };
  }
  if (!organization) return { kind: "local" };
  if (several && env.TF_WORKSPACE) {
    throw new Error(
      `TF_WORKSPACE names one Terraform Cloud workspace, and the app has one stack per environment (${several.join(", ")}): ` +
        `name them with "terraformCloud": { "workspace": "orders-${STACK_PLACEHOLDER}" } in cdktf.json context, and unset TF_WORKSPACE (Terraform itself reads it, and would select that one workspace for every stack)`,
    );
  }
  const workspace = env.TF_WORKSPACE || cloud.workspace;
  const hostname = env.TF_CLOUD_HOSTNAME || cloud.hostname;
  if (!workspace) {
    throw new Error(
      `Terraform Cloud organization "${organization}" needs a workspace: set TF_WORKSPACE ` +
        '(or "terraformCloud": { "organization", "workspace" } in cdktf.json context), or unset the organization for local state',
    );
  }
  if (several && !workspace.includes(STACK_PLACEHOLDER)) {
    throw new Error(
      `cdktf.json context "terraformCloud.workspace" "${workspace}" names one workspace, and the app has one stack per environment (${several.join(", ")}): put ${STACK_PLACEHOLDER} in it, for example "orders-${STACK_PLACEHOLDER}"`,
    );
  }
  return { kind: "cloud", organization, workspace: withStack(workspace, context.stack), ...(hostname ? { hostname } : {}) };
}

export function configureBackend(stack: TerraformStack, choice: BackendChoice): void {
  switch (choice.kind) {
    case "local":
      new LocalBackend(stack, { path: "terraform.tfstate" });
      return;
    case "cloud":
      new CloudBackend(stack, {
        organization: choice.organization,
        workspaces: new NamedCloudWorkspace(choice.workspace),
        ...(choice.hostname ? { hostname: choice.hostname } : {}),
      });
      return;
    case "s3": {
      const backend = new S3Backend(stack, {
        bucket: choice.bucket,
        key: choice.key ?? defaultStateKey(stack.node.id),
        ...(choice.region ? { region: choice.region } : {}),
        // The state holds every resource's attributes: encrypted at rest whatever the bucket's default.
        encrypt: true,
      });
      // Terraform >= 1.10 locks with a `<key>.tflock` object next to the state, so no
      // DynamoDB table is needed. cdktf 0.21's S3BackendConfig predates the setting.
      backend.addOverride("use_lockfile", true);
      return;
    }
  }
}
