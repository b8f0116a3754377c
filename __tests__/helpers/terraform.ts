/**
 * Running the real Terraform toolchain offline (docs/verification.md), for the tests: the
 * toolchain itself (mirror discovery, CLI config, the provider pinned to the mirror's
 * version, dummy credentials and the provider's skip_* flags) is the shared module
 * scripts/terraform-toolchain.ts, also used by `npm run e2e`. Nothing here reaches the network.
 */
import { TerraformRun, terraformAsync } from "../../scripts/terraform-toolchain";
import type { JsonObject } from "./synth";

export {
  findToolchain,
  prepareForOfflinePlan,
  terraform,
  terraformAsync,
  type TerraformRun,
  type Toolchain,
} from "../../scripts/terraform-toolchain";

export interface PlannedChange {
  type: string;
  address: string;
  actions: string[];
  after: JsonObject;
}

/** What the tests read of `terraform show -json`'s resource_changes. */
interface ShownChange {
  type: string;
  address: string;
  change: { actions: string[]; after: JsonObject };
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
  const { resource_changes } = JSON.parse(show.stdout) as { resource_changes: ShownChange[] };
  const changes = resource_changes.map((change) => ({
    type: change.type,
    address: change.address,
    actions: change.change.actions,
    after: change.change.after,
  }));
  return { plan, changes };
}
