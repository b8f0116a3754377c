/**
 * Where the state lives. Local state by default (a path relative to the stack directory,
 * so no absolute path of the build machine lands in cdk.tf.json). Terraform Cloud / HCP
 * Terraform when an organization and a workspace are given, by the same environment
 * variables Terraform itself reads for a `cloud` block, or by cdktf.json context. An S3
 * bucket when one is named (s3-state.ts). No code change either way, and never two at once.
 */
import { CloudBackend, LocalBackend, NamedCloudWorkspace, S3Backend, TerraformStack } from "cdktf";
import { checkContextObject, contextName, InputError } from "./input-error";
import { defaultStateKey, S3State, S3StateContext, s3StateFromEnvironment } from "./s3-state";

export type BackendChoice =
  { kind: "local" } | { kind: "cloud"; organization: string; workspace: string; hostname?: string } | ({ kind: "s3" } & S3State);

/** cdktf.json `context.terraformCloud`, e.g. `{ "organization": "acme", "workspace": "orders-prod" }`. */
export interface TerraformCloudContext {
  organization?: string;
  workspace?: string;
  hostname?: string;
}

const TERRAFORM_CLOUD_FIELDS = ["organization", "workspace", "hostname"] as const;

/**
 * Names HCP Terraform accepts for an organization and a workspace: letters, digits, "-" and
 * "_" (Terraform Enterprise documentation, "Workspace Naming"; organizations alike).
 */
const NAME_RULE = /^[A-Za-z0-9_-]+$/;
/** A host name, with a port if need be; not a URL. */
const HOSTNAME_RULE = /^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*(:\d{1,5})?$/;

/** An input's value and how the user wrote it (`TF_WORKSPACE` or `cdktf.json context "terraformCloud.workspace"`). */
function cloudInput(env: NodeJS.ProcessEnv, variable: string, cloud: TerraformCloudContext, field: keyof TerraformCloudContext) {
  if (env[variable]) return { value: env[variable], name: variable };
  const value = cloud[field];
  return value === undefined ? undefined : { value, name: contextName(`terraformCloud.${field}`) };
}

function checkCloudInput(given: { value: string; name: string } | undefined, rule: RegExp, what: string, ruleText: string) {
  if (given && !rule.test(given.value)) {
    throw new InputError(`${given.name} ${JSON.stringify(given.value)} is not a valid ${what}: it ${ruleText}`);
  }
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
  const cloud: TerraformCloudContext = checkContextObject("terraformCloud", context.terraformCloud ?? {}, TERRAFORM_CLOUD_FIELDS);
  const several = (context.stacks ?? []).length > 1 ? context.stacks! : undefined;
  const organization = cloudInput(env, "TF_CLOUD_ORGANIZATION", cloud, "organization");
  const s3 = s3StateFromEnvironment(env, context.s3State ?? {});
  if (organization && s3) {
    const cloudChoice = env.TF_CLOUD_ORGANIZATION ? "TF_CLOUD_ORGANIZATION" : contextName("terraformCloud");
    const s3Choice = env.TF_STATE_BUCKET ? "TF_STATE_BUCKET" : contextName("s3State");
    throw new InputError(
      `Both Terraform Cloud (${cloudChoice}) and S3 state (${s3Choice}) are chosen: the state can live in one place only, unset one of them`,
    );
  }
  if (s3) {
    if (several && s3.key !== undefined && !s3.key.includes(STACK_PLACEHOLDER)) {
      const input = env.TF_STATE_KEY ? "TF_STATE_KEY" : contextName("s3State.key");
      throw new InputError(
        `${input} "${s3.key}" names one state, and the app has one stack per environment (${several.join(", ")}): put ${STACK_PLACEHOLDER} in the key (for example orders/${STACK_PLACEHOLDER}/terraform.tfstate), or leave it out for the default ${defaultStateKey(STACK_PLACEHOLDER)}`,
      );
    }
    return { kind: "s3", ...s3, ...(s3.key !== undefined ? { key: withStack(s3.key, context.stack) } : {}) };
  }
  if (!organization) return { kind: "local" };
  if (several && env.TF_WORKSPACE) {
    throw new InputError(
      `TF_WORKSPACE names one Terraform Cloud workspace, and the app has one stack per environment (${several.join(", ")}): ` +
        `name them with "terraformCloud": { "workspace": "orders-${STACK_PLACEHOLDER}" } in cdktf.json context, and unset TF_WORKSPACE (Terraform itself reads it, and would select that one workspace for every stack)`,
    );
  }
  const workspace = cloudInput(env, "TF_WORKSPACE", cloud, "workspace");
  const hostname = cloudInput(env, "TF_CLOUD_HOSTNAME", cloud, "hostname");
  checkCloudInput(organization, NAME_RULE, "Terraform Cloud organization", 'may contain only letters, digits, "-" and "_"');
  if (!workspace) {
    throw new InputError(
      `Terraform Cloud organization "${organization.value}" needs a workspace: set TF_WORKSPACE ` +
        '(or "terraformCloud": { "organization", "workspace" } in cdktf.json context), or unset the organization for local state',
    );
  }
  if (several && !workspace.value.includes(STACK_PLACEHOLDER)) {
    throw new InputError(
      `${workspace.name} "${workspace.value}" names one workspace, and the app has one stack per environment (${several.join(", ")}): put ${STACK_PLACEHOLDER} in it, for example "orders-${STACK_PLACEHOLDER}"`,
    );
  }
  // The name rule applies to the names the template gives: {stack} stands for a stack's name.
  if (!NAME_RULE.test(withStack(workspace.value, "stack"))) {
    checkCloudInput(workspace, NAME_RULE, "Terraform Cloud workspace", 'may contain only letters, digits, "-" and "_"');
  }
  checkCloudInput(hostname, HOSTNAME_RULE, "host name", 'must be a host name such as "app.terraform.io", without "https://"');
  return {
    kind: "cloud",
    organization: organization.value,
    workspace: withStack(workspace.value, context.stack),
    ...(hostname ? { hostname: hostname.value } : {}),
  };
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
