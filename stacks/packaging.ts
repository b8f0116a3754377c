/**
 * How a bundle becomes the zip a Lambda function is created from. Both modes keep every
 * path relative to the stack directory, so `cdktf.out/stacks/<stack>` is self-contained
 * (Terraform Cloud uploads only that folder) and hashes match across machines.
 *
 * - `archive` (default): the bundle directory is copied into the stack directory and
 *   zipped at plan time by hashicorp/archive's `archive_file` with a fixed file mode.
 * - `synth`: the zip is made at synth time (TerraformAsset ARCHIVE) and hashed by
 *   Terraform's `filebase64sha256`, for runners without the archive provider
 *   (air-gapped mirrors, plan and apply in separate CI jobs).
 */
import { AssetType, Fn, TerraformAsset } from "cdktf";
import { DataArchiveFile } from "@cdktf/provider-archive/lib/data-archive-file";
import { Construct } from "constructs";
import { InputError } from "./input-error";

export const PACKAGING_MODES = ["archive", "synth"] as const;
export type PackagingMode = (typeof PACKAGING_MODES)[number];

/** Reads LAMBDA_PACKAGING, refusing anything but the two modes. */
export function packagingModeFromEnv(env: NodeJS.ProcessEnv = process.env): PackagingMode {
  const value = env.LAMBDA_PACKAGING ?? "archive";
  if (!(PACKAGING_MODES as readonly string[]).includes(value)) {
    throw new InputError(`LAMBDA_PACKAGING must be one of: ${PACKAGING_MODES.join(", ")} (got "${value}")`);
  }
  return value as PackagingMode;
}

export interface LambdaPackage {
  /** Value for aws_lambda_function.filename. */
  filename: string;
  /** Value for aws_lambda_function.source_code_hash. */
  sourceCodeHash: string;
}

/** Packages `bundleDir` for the function `name`, inside `scope` (one function's construct). */
export function packageBundle(scope: Construct, name: string, bundleDir: string, mode: PackagingMode): LambdaPackage {
  if (mode === "synth") {
    const zip = new TerraformAsset(scope, "zip", { path: bundleDir, type: AssetType.ARCHIVE });
    return { filename: zip.path, sourceCodeHash: Fn.filebase64sha256(zip.path) };
  }
  const bundle = new TerraformAsset(scope, "bundle", { path: bundleDir, type: AssetType.DIRECTORY });
  const archive = new DataArchiveFile(scope, "archive", {
    type: "zip",
    sourceDir: `\${path.module}/${bundle.path}`,
    outputPath: `\${path.module}/.archives/${name}.zip`,
    outputFileMode: "0644",
  });
  return { filename: archive.outputPath, sourceCodeHash: archive.outputBase64Sha256 };
}
