/**
 * The real Terraform toolchain, as the offline tests and the emulator lifecycle (`npm run
 * e2e`) both run it: finding `terraform` and a provider mirror, a CLI config that installs
 * hashicorp/aws from that mirror only, the provider pinned to the mirror's version, and
 * Terraform runs with a time limit that end the whole process group (Terraform and its
 * provider plugins) when they run over.
 *
 * No machine-specific path: the mirror is TF_PROVIDER_MIRROR, or one of Terraform's own
 * implied local mirror directories (CLI configuration, "provider_installation": on Linux
 * and other Unix systems ~/.terraform.d/plugins and, after the XDG Base Directory
 * specification, $XDG_DATA_HOME/terraform/plugins and each of $XDG_DATA_DIRS/terraform/plugins,
 * by default ~/.local/share, /usr/local/share and /usr/share), or else wherever the machine
 * keeps one: a short, bounded search of the filesystem (searchForMirror). `npm test` and
 * `.ci/run` (through scripts/provider-mirror.ts) both find it here.
 */
import { spawn, spawnSync } from "node:child_process";
import { Dirent, existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

export const AWS_PROVIDER_DIR = path.join("registry.terraform.io", "hashicorp", "aws");

/** The directories looked in for a mirror holding hashicorp/aws, in Terraform's order after TF_PROVIDER_MIRROR. */
export function mirrorCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const home = env.HOME || os.homedir();
  const dataHome = env.XDG_DATA_HOME || path.join(home, ".local", "share");
  const dataDirs = (env.XDG_DATA_DIRS || "/usr/local/share:/usr/share").split(":").filter(Boolean);
  const candidates = [
    env.TF_PROVIDER_MIRROR,
    path.join(home, ".terraform.d", "plugins"),
    path.join(dataHome, "terraform", "plugins"),
    ...dataDirs.map((dir) => path.join(dir, "terraform", "plugins")),
  ].filter((dir): dir is string => Boolean(dir));
  return [...new Set(candidates)];
}

export interface Toolchain {
  terraform: string;
  mirror: string;
  awsVersion: string;
}

/** Orders "5.9.0" before "5.100.0". */
function compareVersions(a: string, b: string): number {
  const [pa, pb] = [a, b].map((version) => version.split(/[.-]/).map((part) => Number(part) || 0));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if ((pa[i] ?? 0) !== (pb[i] ?? 0)) return (pa[i] ?? 0) - (pb[i] ?? 0);
  }
  return 0;
}

export interface MirrorSearch {
  /** Where the search starts. */
  roots: string[];
  /** How far below a root the mirror's registry.terraform.io folder may be. */
  maxDepth: number;
  /** The search gives up after this long (a slow network filesystem must not stall a test run). */
  budgetMs: number;
}

/** /opt/tf-plugins/registry.terraform.io is 3 deep, ~/.cache/<tool>/<x>/mirror/registry.terraform.io 6. */
export const DEFAULT_MIRROR_SEARCH: MirrorSearch = { roots: ["/"], maxDepth: 6, budgetMs: 5000 };

/** Never searched: they hold no mirror and are large (node_modules, .git) or not files at all (/proc, ...). */
const SKIPPED_NAMES = new Set(["node_modules", ".git"]);
const SKIPPED_SYSTEM_DIRS = new Set(["/proc", "/sys", "/dev", "/run"]);

/**
 * The shallowest folder under the roots that holds registry.terraform.io/hashicorp/aws,
 * breadth first, not following symbolic links (so no loops); or why none was found.
 */
export function searchForMirror(search: MirrorSearch = DEFAULT_MIRROR_SEARCH): { mirror?: string; reason?: string } {
  const deadline = Date.now() + search.budgetMs;
  let queue = search.roots.map((root) => path.resolve(root));
  let visited = 0;
  for (let depth = 0; depth < search.maxDepth && queue.length > 0; depth++) {
    const next: string[] = [];
    for (const dir of queue) {
      if (Date.now() >= deadline) {
        return {
          reason: `the search of ${search.roots.join(", ")} stopped after ${search.budgetMs / 1000} s (${visited} folders)`,
        };
      }
      visited++;
      let entries: Dirent[];
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue; // unreadable: not ours to search
      }
      for (const entry of entries) {
        if (!entry.isDirectory() || SKIPPED_NAMES.has(entry.name)) continue;
        const child = path.join(dir, entry.name);
        if (SKIPPED_SYSTEM_DIRS.has(child)) continue;
        if (entry.name === "registry.terraform.io" && existsSync(path.join(dir, AWS_PROVIDER_DIR))) return { mirror: dir };
        next.push(child);
      }
    }
    queue = next;
  }
  return { reason: `none within ${search.maxDepth} levels of ${search.roots.join(", ")} (${visited} folders searched)` };
}

/**
 * The provider mirror: TF_PROVIDER_MIRROR or an implied directory when one holds
 * hashicorp/aws, else the filesystem search; or the reason there is none.
 */
export function findMirror(
  env: NodeJS.ProcessEnv = process.env,
  search: MirrorSearch = DEFAULT_MIRROR_SEARCH,
): { mirror?: string; reason?: string } {
  const candidates = mirrorCandidates(env);
  const mirror = candidates.find((dir) => existsSync(path.join(dir, AWS_PROVIDER_DIR)));
  if (mirror) return { mirror };
  const found = searchForMirror(search);
  if (found.mirror) return found;
  return {
    reason: `no provider mirror holding ${AWS_PROVIDER_DIR} (looked in ${candidates.join(", ")}; searched the filesystem: ${found.reason}; set TF_PROVIDER_MIRROR)`,
  };
}

/** The toolchain, or the reason it is missing (callers print it and skip). */
export function findToolchain(
  env: NodeJS.ProcessEnv = process.env,
  search: MirrorSearch = DEFAULT_MIRROR_SEARCH,
): { toolchain?: Toolchain; reason?: string } {
  const which = spawnSync("/bin/sh", ["-c", "command -v terraform"], { encoding: "utf8", env });
  const terraform = which.stdout.trim();
  if (which.status !== 0 || !terraform) return { reason: "terraform is not on PATH" };
  const { mirror, reason } = findMirror(env, search);
  if (!mirror) return { reason };
  const versions = readdirSync(path.join(mirror, AWS_PROVIDER_DIR)).sort(compareVersions);
  if (versions.length === 0) return { reason: `${path.join(mirror, AWS_PROVIDER_DIR)} holds no version` };
  return { toolchain: { terraform, mirror, awsVersion: versions[versions.length - 1] } };
}

/** The part of cdk.tf.json this module changes. */
export interface SynthesizedStack {
  terraform: { required_providers: Record<string, { version?: string }> } & Record<string, unknown>;
  provider: Record<string, Record<string, unknown>[]>;
  [key: string]: unknown;
}

/** The CLI config file, next to the configuration: hashicorp/aws from the mirror, nothing from the network. */
export const CLI_CONFIG_FILE = "offline.tfrc";

export function writeCliConfig(stackDir: string, toolchain: Toolchain): string {
  const file = path.join(stackDir, CLI_CONFIG_FILE);
  writeFileSync(
    file,
    `provider_installation {\n  filesystem_mirror {\n    path    = ${JSON.stringify(toolchain.mirror)}\n    include = ["registry.terraform.io/hashicorp/aws"]\n  }\n}\n`,
  );
  return file;
}

/** Rewrites cdk.tf.json through `change`; returns the result. */
export function editStack(stackDir: string, change: (json: SynthesizedStack) => void): SynthesizedStack {
  const file = path.join(stackDir, "cdk.tf.json");
  const json = JSON.parse(readFileSync(file, "utf8")) as SynthesizedStack;
  change(json);
  writeFileSync(file, JSON.stringify(json, null, 2));
  return json;
}

/** The prebuilt bindings pin their own provider version; a mirror has the version it has. */
function pinToMirror(json: SynthesizedStack, toolchain: Toolchain): void {
  json.terraform.required_providers.aws.version = toolchain.awsVersion;
}

/** Makes a synthesized stack plannable offline, as a CI job with a private mirror would: no AWS call at all. */
export function prepareForOfflinePlan(stackDir: string, toolchain: Toolchain): SynthesizedStack {
  const json = editStack(stackDir, (stack) => {
    pinToMirror(stack, toolchain);
    Object.assign(stack.provider.aws[0], {
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    });
  });
  writeCliConfig(stackDir, toolchain);
  return json;
}

/**
 * Makes a synthesized stack applicable to an AWS emulator: the same pin and CLI config, and
 * a provider that fails fast (an action the emulator lacks answers HTTP 500, which the
 * provider would otherwise retry for minutes). The endpoint comes from the environment
 * (AWS_ENDPOINT_URL, see emulatorEnvironment): the provider still calls STS and IAM, which
 * the emulator answers, so nothing is skipped that a real account would check.
 */
export function prepareForEmulator(stackDir: string, toolchain: Toolchain, maxRetries = 2): SynthesizedStack {
  const json = editStack(stackDir, (stack) => {
    pinToMirror(stack, toolchain);
    Object.assign(stack.provider.aws[0], { max_retries: maxRetries });
  });
  writeCliConfig(stackDir, toolchain);
  return json;
}

const DUMMY_CREDENTIALS = { AWS_ACCESS_KEY_ID: "offline-dummy", AWS_SECRET_ACCESS_KEY: "offline-dummy" };

/** Terraform's environment for the offline plans: dummy credentials, no prompt, no checkpoint. */
export function offlineEnvironment(stackDir: string, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  return {
    ...base,
    TF_CLI_CONFIG_FILE: path.join(stackDir, CLI_CONFIG_FILE),
    TF_IN_AUTOMATION: "1",
    TF_INPUT: "0",
    CHECKPOINT_DISABLE: "1",
    ...DUMMY_CREDENTIALS,
    AWS_REGION: "us-east-1",
    AWS_EC2_METADATA_DISABLED: "true",
    AWS_PROFILE: "",
    // Terraform and its providers are Go programs, and every run loads the AWS provider's
    // whole schema: at Go's default (GOGC=100) a fifth to a quarter of their CPU goes to
    // garbage collection that GOGC=400 saves, for some 50 MB more per process. A GOGC set
    // by the caller is kept.
    GOGC: base.GOGC ?? "400",
  };
}

/** The same, aimed at an emulator: every AWS SDK (the Go one in the provider, v3 in Node) honours AWS_ENDPOINT_URL. */
export function emulatorEnvironment(stackDir: string, endpointUrl: string, base: NodeJS.ProcessEnv = process.env) {
  const env: NodeJS.ProcessEnv = { ...offlineEnvironment(stackDir, base), AWS_ENDPOINT_URL: endpointUrl };
  // Nothing of the caller's AWS setup may reach the emulator run, nor the emulator run reach AWS.
  for (const name of ["AWS_SESSION_TOKEN", "AWS_CONFIG_FILE", "AWS_SHARED_CREDENTIALS_FILE", "AWS_DEFAULT_PROFILE"]) {
    delete env[name];
  }
  delete env.AWS_PROFILE;
  env.AWS_DEFAULT_REGION = env.AWS_REGION;
  return env;
}

export interface TerraformRun {
  status: number | null;
  stdout: string;
  stderr: string;
  /** stdout and stderr with line breaks and box-drawing folded away, for matching messages. */
  text: string;
  /** The run exceeded its time limit and was ended. */
  timedOut: boolean;
  seconds: number;
}

function terraformRun(status: number | null, stdout: string, stderr: string, timedOut: boolean, started: number) {
  const text = `${stdout}\n${stderr}`.replace(/[│╷╵]/g, " ").replace(/\s+/g, " ");
  return { status, stdout, stderr, text, timedOut, seconds: (Date.now() - started) / 1000 };
}

export interface RunOptions {
  env?: NodeJS.ProcessEnv;
  timeoutMs?: number;
  /** Receives the output as it comes (for progress in long runs). */
  onOutput?: (chunk: string) => void;
}

export const DEFAULT_TERRAFORM_TIMEOUT_MS = 120000;

/** Blocking run, for the quick offline checks (the offline tests' `terraform`). */
export function terraform(stackDir: string, args: string[], options: RunOptions = {}): TerraformRun {
  const started = Date.now();
  const result = spawnSync("terraform", [...args, "-no-color"], {
    cwd: stackDir,
    encoding: "utf8",
    timeout: options.timeoutMs ?? DEFAULT_TERRAFORM_TIMEOUT_MS,
    killSignal: "SIGKILL",
    env: options.env ?? offlineEnvironment(stackDir),
  });
  const error: NodeJS.ErrnoException | undefined = result.error;
  const timedOut = error?.code === "ETIMEDOUT";
  return terraformRun(result.status, result.stdout ?? "", result.stderr ?? "", timedOut, started);
}

/** Process groups started here and still running: ended on exit, Ctrl-C or a time limit. */
const runningGroups = new Set<number>();

/** Ends every process group this module started (Terraform and its provider plugins), at once. */
export function killRunningGroups(signal: NodeJS.Signals = "SIGKILL"): void {
  for (const pid of runningGroups) {
    try {
      process.kill(-pid, signal);
    } catch {
      // already gone
    }
  }
}

/**
 * Any command in a process group of its own, with a time limit: when it runs over, the
 * whole group gets SIGTERM, then SIGKILL 5 s later (Terraform passes SIGTERM on to its
 * provider plugins and stops; the group kill catches whatever does not).
 */
export function runCommand(command: string, args: string[], cwd: string, options: RunOptions = {}): Promise<TerraformRun> {
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, {
      cwd,
      env: options.env ?? process.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    if (child.pid) runningGroups.add(child.pid);
    let stdout = "";
    let stderr = "";
    let timedOut = false;
    const timeoutMs = options.timeoutMs ?? DEFAULT_TERRAFORM_TIMEOUT_MS;
    const signalGroup = (signal: NodeJS.Signals) => {
      try {
        process.kill(-child.pid!, signal);
      } catch {
        // already gone
      }
    };
    let killer: NodeJS.Timeout | undefined;
    const timer = setTimeout(() => {
      timedOut = true;
      signalGroup("SIGTERM");
      killer = setTimeout(() => signalGroup("SIGKILL"), 5000);
    }, timeoutMs);
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
      options.onOutput?.(String(chunk));
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
      options.onOutput?.(String(chunk));
    });
    child.on("error", (error) => {
      clearTimeout(timer);
      if (child.pid) runningGroups.delete(child.pid);
      reject(error);
    });
    child.on("close", (status) => {
      clearTimeout(timer);
      if (killer) clearTimeout(killer);
      // Anything the command left behind in its group (a provider plugin) goes with it.
      signalGroup("SIGKILL");
      if (child.pid) runningGroups.delete(child.pid);
      resolve(terraformRun(status, stdout, stderr, timedOut, started));
    });
  });
}

/** Terraform without blocking: independent plans of one stack run side by side (they take no lock). */
export function terraformAsync(stackDir: string, args: string[], options: RunOptions = {}): Promise<TerraformRun> {
  return runCommand("terraform", [...args, "-no-color"], stackDir, {
    ...options,
    env: options.env ?? offlineEnvironment(stackDir),
  });
}
