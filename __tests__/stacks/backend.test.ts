/** The synthesized backend block for each way of choosing where the state lives, and each input refused. */
import { backendFromEnvironment, BackendContext } from "../../stacks/backend";
import { defaultStateKey } from "../../stacks/s3-state";
import { synthStack } from "../helpers/synth";

function backendBlock(env: NodeJS.ProcessEnv, context?: BackendContext) {
  const { terraform } = synthStack("synth", backendFromEnvironment(env, context)).json;
  return { backend: terraform.backend, cloud: terraform.cloud };
}

/** The error backendFromEnvironment throws, as text ("" when it throws none). */
function refusal(env: NodeJS.ProcessEnv, context?: BackendContext): string {
  try {
    backendFromEnvironment(env, context);
    return "";
  } catch (error) {
    return (error as Error).message;
  }
}

describe("backend", () => {
  test("GIVEN nothing WHEN synthesized THEN local state, relative to the stack directory", () => {
    expect(backendBlock({})).toEqual({ backend: { local: { path: "terraform.tfstate" } }, cloud: undefined });
  });

  test("TF_CLOUD_ORGANIZATION and TF_WORKSPACE select a Terraform Cloud workspace", () => {
    expect(backendBlock({ TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "orders-prod" })).toEqual({
      backend: undefined,
      cloud: { organization: "acme", workspaces: { name: "orders-prod" } },
    });
  });

  test("TF_CLOUD_HOSTNAME selects a Terraform Enterprise host", () => {
    expect(
      backendBlock({ TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "w", TF_CLOUD_HOSTNAME: "tfe.example.com" }).cloud,
    ).toEqual({
      hostname: "tfe.example.com",
      organization: "acme",
      workspaces: { name: "w" },
    });
  });

  test("cdktf.json context works the same, and the environment wins over it", () => {
    expect(backendBlock({}, { terraformCloud: { organization: "acme", workspace: "from-context" } }).cloud).toEqual({
      organization: "acme",
      workspaces: { name: "from-context" },
    });
    expect(
      backendBlock({ TF_WORKSPACE: "from-env" }, { terraformCloud: { organization: "acme", workspace: "from-context" } }).cloud!
        .workspaces,
    ).toEqual({
      name: "from-env",
    });
  });

  test("an organization without a workspace is an error, not a silent fall back to local state", () => {
    expect(() => backendFromEnvironment({ TF_CLOUD_ORGANIZATION: "acme" })).toThrow(
      'Terraform Cloud organization "acme" needs a workspace: set TF_WORKSPACE',
    );
  });

  test("TF_WORKSPACE alone keeps local state: it is also how Terraform selects a local workspace", () => {
    expect(backendFromEnvironment({ TF_WORKSPACE: "staging" })).toEqual({ kind: "local" });
  });
});

describe("state in S3", () => {
  // The test stack is named microservices-stepfn; the app's are dev and prod (microservices-stepfn/dev/terraform.tfstate, ...).
  const S3_DEFAULTS = { key: "microservices-stepfn/microservices-stepfn/terraform.tfstate", encrypt: true, use_lockfile: true };

  test("GIVEN TF_STATE_BUCKET WHEN synthesized THEN an s3 backend with the lock file, encryption, and a key derived from the stack", () => {
    expect(backendBlock({ TF_STATE_BUCKET: "acme-tf-state" })).toEqual({
      backend: { s3: { bucket: "acme-tf-state", ...S3_DEFAULTS } },
      cloud: undefined,
    });
  });

  test("TF_STATE_KEY and TF_STATE_REGION choose the key and the bucket's Region; no DynamoDB table either way", () => {
    const { backend } = backendBlock({
      TF_STATE_BUCKET: "acme-tf-state",
      TF_STATE_KEY: "teams/orders/prod.tfstate",
      TF_STATE_REGION: "eu-west-1",
    });
    expect(backend).toEqual({
      s3: {
        bucket: "acme-tf-state",
        key: "teams/orders/prod.tfstate",
        region: "eu-west-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
    expect(backend!.s3!.dynamodb_table).toBeUndefined();
  });

  test("cdktf.json context s3State works the same, and each environment variable wins over its context field", () => {
    const context = { s3State: { bucket: "ctx-bucket", key: "ctx/terraform.tfstate", region: "us-east-2" } };
    expect(backendBlock({}, context).backend!.s3).toEqual({
      bucket: "ctx-bucket",
      key: "ctx/terraform.tfstate",
      region: "us-east-2",
      encrypt: true,
      use_lockfile: true,
    });
    expect(backendBlock({ TF_STATE_BUCKET: "env-bucket" }, context).backend!.s3).toMatchObject({
      bucket: "env-bucket",
      key: "ctx/terraform.tfstate",
      region: "us-east-2",
    });
  });

  test("an empty environment variable counts as unset, like Terraform Cloud's", () => {
    expect(backendFromEnvironment({ TF_STATE_BUCKET: "" })).toEqual({ kind: "local" });
  });

  test("TF_WORKSPACE alone with an S3 bucket keeps the S3 backend (Terraform then uses env:/<workspace>/<key>)", () => {
    expect(backendFromEnvironment({ TF_STATE_BUCKET: "acme-tf-state", TF_WORKSPACE: "staging" })).toEqual({
      kind: "s3",
      bucket: "acme-tf-state",
    });
  });

  test.each([
    ["ab", "must be 3 to 63 characters long, got 2"],
    ["a".repeat(64), "must be 3 to 63 characters long, got 64"],
    ["Acme-State", "may contain only lowercase letters, digits, dots (.) and hyphens (-)"],
    ["acme_state", "may contain only lowercase letters, digits, dots (.) and hyphens (-)"],
    ["acme state", "may contain only lowercase letters, digits, dots (.) and hyphens (-)"],
    ["-acme-state", "must begin and end with a lowercase letter or a digit"],
    ["acme-state.", "must begin and end with a lowercase letter or a digit"],
    ["acme..state", "must not contain two adjacent dots (..)"],
    ["192.168.5.4", "must not be formatted as an IP address"],
    ["xn--acme-state", 'must not start with "xn--" (reserved by AWS)'],
    ["sthree-acme", 'must not start with "sthree-" (reserved by AWS)'],
    ["sthree-configurator", 'must not start with "sthree-" (reserved by AWS)'],
    ["amzn-s3-demo-bucket", 'must not start with "amzn-s3-demo-" (reserved by AWS)'],
    ["acme-s3alias", 'must not end with "-s3alias" (reserved by AWS)'],
    ["acme--ol-s3", 'must not end with "--ol-s3" (reserved by AWS)'],
    ["acme.mrap", 'must not end with ".mrap" (reserved by AWS)'],
    ["acme--usw2-az1--x-s3", 'must not end with "--x-s3" (reserved by AWS)'],
    ["acme--table-s3", 'must not end with "--table-s3" (reserved by AWS)'],
  ])("bucket %j is refused at synth: %s", (bucket, rule) => {
    expect(refusal({ TF_STATE_BUCKET: bucket })).toBe(
      `TF_STATE_BUCKET ${JSON.stringify(bucket)} is not a valid S3 bucket name: it ${rule}`,
    );
  });

  test.each([
    "abc",
    "a".repeat(63),
    "acme.tf-state.2026",
    "192.168.5.4a",
    "1.2.3",
    "acme-s3-alias",
    "state-111122223333-us-west-2-an",
  ])("bucket %j is accepted", (bucket) => {
    expect(backendFromEnvironment({ TF_STATE_BUCKET: bucket })).toEqual({ kind: "s3", bucket });
  });

  const LONG_KEY_RULE = 'must be at most 1017 bytes (S3 keys are at most 1024, and the lock file adds ".tflock"), got 1018';
  test.each([
    ['"/orders/terraform.tfstate"', "/orders/terraform.tfstate", 'must not start or end with "/"'],
    ['"orders/"', "orders/", 'must not start or end with "/"'],
    ['"orders//terraform.tfstate"', "orders//terraform.tfstate", 'must not contain an empty path segment ("//")'],
    ['"orders/../terraform.tfstate"', "orders/../terraform.tfstate", 'must not contain "." or ".." path segments'],
    ['"./terraform.tfstate"', "./terraform.tfstate", 'must not contain "." or ".." path segments'],
    ["with a line break", "orders/terra\nform.tfstate", "must not contain control characters"],
    [
      '"orders/terraform.tfstate.tflock"',
      "orders/terraform.tfstate.tflock",
      'must not end with ".tflock" (that is the name of a lock file)',
    ],
    ["of 1018 ASCII characters", "k".repeat(1018), LONG_KEY_RULE],
    ["of 509 two-byte characters", "é".repeat(509), LONG_KEY_RULE],
  ])("key %s is refused at synth", (_label, key, rule) => {
    expect(refusal({ TF_STATE_BUCKET: "acme-tf-state", TF_STATE_KEY: key })).toBe(
      `TF_STATE_KEY ${JSON.stringify(key)} is not a valid S3 state key: it ${rule}`,
    );
  });

  test("a key of exactly 1017 bytes, with spaces and dots in names, is accepted", () => {
    for (const key of ["k".repeat(1017), "orders/prod v2/terraform.tfstate", "a.b/terraform.tfstate"])
      expect(backendFromEnvironment({ TF_STATE_BUCKET: "acme-tf-state", TF_STATE_KEY: key })).toMatchObject({ key });
  });

  test("an empty key in cdktf.json context is refused (an empty environment variable is unset)", () => {
    expect(refusal({}, { s3State: { bucket: "acme-tf-state", key: "" } })).toBe(
      'cdktf.json context "s3State.key" "" is not a valid S3 state key: it must not be empty',
    );
  });

  test.each(["EU-WEST-1", "eu-west", "euwest1", "moon-base-1a", "eu_west_1"])("Region %j is refused at synth", (region) => {
    expect(refusal({ TF_STATE_BUCKET: "acme-tf-state", TF_STATE_REGION: region })).toBe(
      `TF_STATE_REGION ${JSON.stringify(region)} is not a valid AWS Region: it must be a Region code such as "eu-west-1"`,
    );
  });

  test("context values are named as the user wrote them", () => {
    expect(refusal({}, { s3State: { bucket: "Acme" } })).toBe(
      'cdktf.json context "s3State.bucket" "Acme" is not a valid S3 bucket name: it may contain only lowercase letters, digits, dots (.) and hyphens (-)',
    );
    expect(refusal({}, { s3State: { bucket: "acme-tf-state", region: "us-gov-west-1x" } })).toBe(
      'cdktf.json context "s3State.region" "us-gov-west-1x" is not a valid AWS Region: it must be a Region code such as "eu-west-1"',
    );
    expect(refusal({}, { s3State: { bucket: 42 } as never })).toBe(
      'cdktf.json context "s3State.bucket" must be a string, got 42',
    );
    expect(refusal({}, { s3State: "acme-tf-state" as never })).toBe(
      'cdktf.json context "s3State" must be an object { "bucket", "key", "region" }, got "acme-tf-state"',
    );
  });

  test("a key or a Region without a bucket is an error, not a silent fall back to local state", () => {
    expect(refusal({ TF_STATE_KEY: "orders/terraform.tfstate" })).toBe(
      'TF_STATE_KEY is set but no state bucket is: set TF_STATE_BUCKET (or "s3State": { "bucket" } in cdktf.json context), or unset TF_STATE_KEY for local state',
    );
    expect(refusal({}, { s3State: { region: "eu-west-1" } })).toContain(
      'cdktf.json context "s3State.region" is set but no state bucket is',
    );
  });

  test.each<[string, NodeJS.ProcessEnv, BackendContext | undefined, string]>([
    [
      "both environments",
      { TF_STATE_BUCKET: "acme-tf-state", TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "orders" },
      undefined,
      "Both Terraform Cloud (TF_CLOUD_ORGANIZATION) and S3 state (TF_STATE_BUCKET) are chosen: the state can live in one place only, unset one of them",
    ],
    [
      "S3 by environment, Terraform Cloud by context",
      { TF_STATE_BUCKET: "acme-tf-state" },
      { terraformCloud: { organization: "acme", workspace: "orders" } },
      'Both Terraform Cloud (cdktf.json context "terraformCloud") and S3 state (TF_STATE_BUCKET) are chosen',
    ],
    [
      "both contexts",
      {},
      { terraformCloud: { organization: "acme", workspace: "orders" }, s3State: { bucket: "acme-tf-state" } },
      'Both Terraform Cloud (cdktf.json context "terraformCloud") and S3 state (cdktf.json context "s3State") are chosen',
    ],
    [
      "an organization without a workspace",
      { TF_STATE_BUCKET: "acme-tf-state", TF_CLOUD_ORGANIZATION: "acme" },
      undefined,
      "Both Terraform Cloud (TF_CLOUD_ORGANIZATION) and S3 state (TF_STATE_BUCKET) are chosen",
    ],
  ])("S3 and Terraform Cloud together are refused at synth: %s", (_case, env, context, message) => {
    expect(refusal(env, context)).toContain(message);
  });
});

describe("backends of an app with one stack per environment", () => {
  const stacks = ["dev", "prod"];
  const forStack = (stack: string, env: NodeJS.ProcessEnv, context: BackendContext = {}) =>
    backendFromEnvironment(env, { ...context, stack, stacks });

  test("local state: each stack's own file, in its own directory", () => {
    expect(forStack("prod", {})).toEqual({ kind: "local" });
  });

  test("S3: the default key is per stack, under the app's name; {stack} in a given key is the stack", () => {
    expect(forStack("prod", { TF_STATE_BUCKET: "acme-tf-state" })).toEqual({ kind: "s3", bucket: "acme-tf-state" });
    expect(defaultStateKey("prod")).toBe("microservices-stepfn/prod/terraform.tfstate");
    expect(forStack("prod", { TF_STATE_BUCKET: "acme-tf-state", TF_STATE_KEY: "orders/{stack}/terraform.tfstate" })).toEqual({
      kind: "s3",
      bucket: "acme-tf-state",
      key: "orders/prod/terraform.tfstate",
    });
  });

  test("S3: one key for every stack is refused, naming the input and the stacks", () => {
    expect(refusal({ TF_STATE_BUCKET: "acme-tf-state", TF_STATE_KEY: "orders.tfstate" }, { stack: "dev", stacks })).toBe(
      'TF_STATE_KEY "orders.tfstate" names one state, and the app has one stack per environment (dev, prod): put {stack} in the key (for example orders/{stack}/terraform.tfstate), or leave it out for the default microservices-stepfn/{stack}/terraform.tfstate',
    );
  });

  test("Terraform Cloud: a workspace per stack from the context's {stack}; TF_WORKSPACE, one workspace, is refused", () => {
    const context = { terraformCloud: { organization: "acme", workspace: "orders-{stack}" } };
    expect(forStack("prod", {}, context)).toEqual({ kind: "cloud", organization: "acme", workspace: "orders-prod" });
    expect(forStack("dev", {}, context)).toEqual({ kind: "cloud", organization: "acme", workspace: "orders-dev" });
    expect(refusal({ TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "orders-prod" }, { stack: "dev", stacks })).toMatch(
      /^TF_WORKSPACE names one Terraform Cloud workspace, and the app has one stack per environment \(dev, prod\)/,
    );
    expect(refusal({}, { terraformCloud: { organization: "acme", workspace: "orders" }, stack: "dev", stacks })).toBe(
      'cdktf.json context "terraformCloud.workspace" "orders" names one workspace, and the app has one stack per environment (dev, prod): put {stack} in it, for example "orders-{stack}"',
    );
  });

  test("with a single stack, TF_WORKSPACE and one key still work as before", () => {
    expect(
      backendFromEnvironment({ TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "w" }, { stack: "dev", stacks: ["dev"] }),
    ).toEqual({
      kind: "cloud",
      organization: "acme",
      workspace: "w",
    });
  });
});
