/**
 * State in an S3 bucket: which inputs choose it, and the rules each input must meet. The
 * rules are checked at synth, so that a typo fails in seconds with a message naming the
 * input, instead of at `terraform init` (or, for a bucket name S3 refuses, only when
 * somebody tries to create that bucket).
 */
import { checkContextObject, contextName, InputError } from "./input-error";

/** cdktf.json `context.s3State`, e.g. `{ "bucket": "acme-tf-state", "key": "orders/terraform.tfstate", "region": "eu-west-1" }`. */
export interface S3StateContext {
  bucket?: string;
  key?: string;
  region?: string;
}

const S3_STATE_FIELDS = ["bucket", "key", "region"] as const;

export interface S3State {
  bucket: string;
  /** Absent: defaultStateKey(<stack name>). */
  key?: string;
  /** Absent: Terraform takes the Region from AWS_REGION / AWS_DEFAULT_REGION / the profile at init. */
  region?: string;
}

/**
 * The key of a stack's state when none is given: under the app's name, so that the
 * environments of this app sit together and apart from other apps' in a shared bucket.
 */
export function defaultStateKey(stackName: string): string {
  return `microservices-stepfn/${stackName}/terraform.tfstate`;
}

/** Terraform's S3 backend writes the lock next to the state, as `<key>.tflock` (use_lockfile). */
export const LOCK_FILE_SUFFIX = ".tflock";

/** S3's limit on an object key, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

/**
 * S3's naming rules for general purpose buckets (Amazon S3 User Guide, "General purpose
 * bucket naming rules"). Each rule is stated the way the message says it.
 */
const RESERVED_PREFIXES = ["xn--", "sthree-", "amzn-s3-demo-"];
const RESERVED_SUFFIXES = ["-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"];

export function bucketNameProblem(name: string): string | undefined {
  if (name.length < 3 || name.length > 63) return `must be 3 to 63 characters long, got ${name.length}`;
  if (!/^[a-z0-9.-]+$/.test(name)) return "may contain only lowercase letters, digits, dots (.) and hyphens (-)";
  if (!/^[a-z0-9]/.test(name) || !/[a-z0-9]$/.test(name)) return "must begin and end with a lowercase letter or a digit";
  if (name.includes("..")) return "must not contain two adjacent dots (..)";
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(name)) return "must not be formatted as an IP address";
  const prefix = RESERVED_PREFIXES.find((reserved) => name.startsWith(reserved));
  if (prefix) return `must not start with "${prefix}" (reserved by AWS)`;
  const suffix = RESERVED_SUFFIXES.find((reserved) => name.endsWith(reserved));
  if (suffix) return `must not end with "${suffix}" (reserved by AWS)`;
  return undefined;
}

/**
 * Terraform refuses a key that starts or ends with "/" (S3 would strip the leading one and
 * treat a trailing one as a folder). The others keep the lock file and the workspace paths
 * (`env:/<workspace>/<key>`) sound: the lock file's key is one suffix longer, and a key
 * that is itself a lock file would collide with another state's lock.
 */
export function stateKeyProblem(key: string): string | undefined {
  if (key.length === 0) return "must not be empty";
  if (key.startsWith("/") || key.endsWith("/")) return 'must not start or end with "/"';
  if (key.includes("//")) return 'must not contain an empty path segment ("//")';
  if (key.split("/").some((segment) => segment === "." || segment === "..")) return 'must not contain "." or ".." path segments';
  // eslint-disable-next-line no-control-regex -- finding control characters is the point
  if (/[\u0000-\u001f\u007f]/.test(key)) return "must not contain control characters";
  if (key.endsWith(LOCK_FILE_SUFFIX)) return `must not end with "${LOCK_FILE_SUFFIX}" (that is the name of a lock file)`;
  const bytes = Buffer.byteLength(key, "utf8");
  const limit = MAX_KEY_BYTES - LOCK_FILE_SUFFIX.length;
  if (bytes > limit)
    return `must be at most ${limit} bytes (S3 keys are at most ${MAX_KEY_BYTES}, and the lock file adds "${LOCK_FILE_SUFFIX}"), got ${bytes}`;
  return undefined;
}

/** The same Region pattern as the stack's aws_region variable. */
export function regionProblem(region: string): string | undefined {
  return /^[a-z]{2}(-[a-z]+)+-[0-9]+$/.test(region) ? undefined : 'must be a Region code such as "eu-west-1"';
}

interface Input {
  value: string;
  /** How the user wrote it: `TF_STATE_BUCKET` or `cdktf.json context "s3State.bucket"`. */
  name: string;
}

/** One field: the environment wins over the context, as for Terraform Cloud. */
function input(
  env: NodeJS.ProcessEnv,
  variable: string,
  context: S3StateContext,
  field: keyof S3StateContext,
): Input | undefined {
  const fromEnv = env[variable];
  if (fromEnv !== undefined && fromEnv !== "") return { value: fromEnv, name: variable };
  const fromContext = context[field];
  if (fromContext === undefined) return undefined;
  return { value: fromContext, name: contextName(`s3State.${field}`) };
}

function check(given: Input | undefined, rule: (value: string) => string | undefined, what: string): void {
  if (!given) return;
  const problem = rule(given.value);
  if (problem) throw new InputError(`${given.name} ${JSON.stringify(given.value)} is not a valid ${what}: it ${problem}`);
}

/**
 * TF_STATE_BUCKET, TF_STATE_KEY and TF_STATE_REGION, or cdktf.json `context.s3State`.
 * undefined when neither names a bucket. A key or Region without a bucket is an error
 * rather than a silent fall back to local state.
 */
export function s3StateFromEnvironment(env: NodeJS.ProcessEnv, context: S3StateContext = {}): S3State | undefined {
  checkContextObject("s3State", context, S3_STATE_FIELDS);
  const bucket = input(env, "TF_STATE_BUCKET", context, "bucket");
  const key = input(env, "TF_STATE_KEY", context, "key");
  const region = input(env, "TF_STATE_REGION", context, "region");
  if (!bucket) {
    const orphan = key ?? region;
    if (orphan)
      throw new InputError(
        `${orphan.name} is set but no state bucket is: set TF_STATE_BUCKET (or "s3State": { "bucket" } in cdktf.json context), or unset ${orphan.name} for local state`,
      );
    return undefined;
  }
  check(bucket, bucketNameProblem, "S3 bucket name");
  check(key, stateKeyProblem, "S3 state key");
  check(region, regionProblem, "AWS Region");
  return { bucket: bucket.value, ...(key ? { key: key.value } : {}), ...(region ? { region: region.value } : {}) };
}
