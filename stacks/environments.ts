/**
 * One stack per environment, each with its own state: the app has a stack for every
 * settings file `env/<environment>.tfvars` (`dev`, `prod`, ...), named after it. Deploying
 * one (`cdktf deploy prod`) never touches another's resources or state:
 *
 * - each stack is its own Terraform configuration in `cdktf.out/stacks/<environment>`, with
 *   its own state (a local file there, its own S3 key, or its own Terraform Cloud workspace:
 *   backend.ts);
 * - the environment's settings travel with its stack: the file is written into the stack's
 *   directory as `<environment>.auto.tfvars`, which Terraform (and Terraform Cloud, which
 *   uploads that directory) loads by itself, so `cdktf deploy prod`, `terraform apply` in the
 *   directory and a remote run all use env/prod.tfvars without a `--var-file`;
 * - a stack accepts only its own environment: `environment` is validated against the stack's
 *   name, so another environment's settings (`--var-file=env/dev.tfvars` on the prod stack)
 *   are refused at plan time;
 * - two environments may not share a project_name, which prefixes every resource name.
 *
 * docs/operations.md, "Environments".
 */
import { copyFileSync, existsSync, readdirSync, readFileSync } from "node:fs";
import * as path from "node:path";
import { PROJECT_ROOT } from "./bundle";
import { InputError } from "./input-error";
import { ENVIRONMENTS } from "./variables";

export const ENV_DIRECTORY = path.join(PROJECT_ROOT, "env");

export interface EnvironmentFile {
  /** The environment, and the name of its stack. */
  name: string;
  /** env/<name>.tfvars */
  file: string;
}

/** The `project_name = "..."` of a settings file, if it sets one (a plain string, as the files do). */
export function projectNameIn(text: string): string | undefined {
  return /^\s*project_name\s*=\s*"([^"]*)"/m.exec(text)?.[1];
}

/**
 * The environments to deploy: one per `<name>.tfvars` in `directory`, named after one of
 * ENVIRONMENTS, in ENVIRONMENTS' order. Refuses, naming the file, a settings file of an
 * unknown environment and two environments with one project_name.
 */
export function environmentFiles(directory = ENV_DIRECTORY): EnvironmentFile[] {
  if (!existsSync(directory)) return [];
  const files = readdirSync(directory).filter((file) => file.endsWith(".tfvars"));
  const found = files.map((file) => ({ name: file.slice(0, -".tfvars".length), file: path.join(directory, file) }));
  for (const { name, file } of found) {
    if (!ENVIRONMENTS.includes(name)) {
      throw new InputError(
        `${path.relative(PROJECT_ROOT, file)}: "${name}" is not an environment (the settings files are named after one of ${ENVIRONMENTS.join(", ")})`,
      );
    }
  }
  const byProject = new Map<string, string>();
  for (const { name, file } of found) {
    const project = projectNameIn(readFileSync(file, "utf8"));
    if (project === undefined) continue;
    const other = byProject.get(project);
    if (other) {
      throw new InputError(
        `env/${other}.tfvars and env/${name}.tfvars both set project_name = "${project}": every resource name derives from it, so the two environments would fight over the same resources`,
      );
    }
    byProject.set(project, name);
  }
  return found.sort((a, b) => ENVIRONMENTS.indexOf(a.name) - ENVIRONMENTS.indexOf(b.name));
}

/** The name Terraform auto-loads a stack's settings under, in its directory. */
export const settingsFileName = (environment: string) => `${environment}.auto.tfvars`;

/**
 * Writes each environment's settings file into its stack's directory, after the app has
 * synthesized the stacks into `outdir` (cdktf.out): `cdktf.out/stacks/<name>/<name>.auto.tfvars`.
 */
export function writeSettingsFiles(outdir: string, environments: EnvironmentFile[]): void {
  for (const { name, file } of environments) copyFileSync(file, path.join(outdir, "stacks", name, settingsFileName(name)));
}
