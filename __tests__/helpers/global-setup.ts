/**
 * Runs once per `npm test`, before Jest starts its workers: the provider mirror is found
 * here (scripts/terraform-toolchain.ts; its filesystem search takes up to a few seconds)
 * and handed to every worker as TF_PROVIDER_MIRROR, which they inherit, so that no test
 * file searches again. Nothing to find when terraform is not installed.
 */
import { findToolchain } from "../../scripts/terraform-toolchain";

export default function globalSetup(): void {
  if (process.env.TF_PROVIDER_MIRROR) return;
  const { toolchain } = findToolchain();
  if (toolchain) process.env.TF_PROVIDER_MIRROR = toolchain.mirror;
}
