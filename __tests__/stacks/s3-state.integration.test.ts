/**
 * The S3 backend through real Terraform: the synthesized stack with TF_STATE_BUCKET is
 * initialized against the S3 of the project's AWS emulator (emulator/server.ts), and a plan is shown
 * to take the native S3 lock file `<key>.tflock` and to release it: a second plan started
 * meanwhile is refused with the ID written in that lock file. The emulator's address and
 * the skip_* flags it needs are added here, to the synthesized JSON, never in product code.
 */
import { S3Client } from "@aws-sdk/client-s3";
import { App } from "cdktf";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { backendFromEnvironment } from "../../stacks/backend";
import { defaultStateKey } from "../../stacks/s3-state";
import { OrderWorkflowStack, STACK_NAME } from "../../stacks/order-workflow-stack";
import { Emulator, findMoto, startEmulator } from "../../emulator/server";
import { BucketWatch, createBucket, listing, s3Client } from "../helpers/s3";
import { describeUnless } from "../helpers/skip";
import { removeDirectory, TerraformJson } from "../helpers/synth";
import { findToolchain, prepareForOfflinePlan, terraform, terraformAsync } from "../helpers/terraform";

const BUCKET = "orders-tf-state";
const KEY = defaultStateKey(STACK_NAME);
const LOCK_FILE = `${KEY}.tflock`;

/** `cdktf synth` of the app with these environment variables, into a fresh directory (synth-time packaging: no hashicorp/archive offline). */
function synthWith(env: NodeJS.ProcessEnv): { root: string; stackDir: string } {
  const root = mkdtempSync(path.join(tmpdir(), "order-workflow-s3-"));
  const app = new App({ outdir: root });
  new OrderWorkflowStack(app, STACK_NAME, { packaging: "synth", backend: backendFromEnvironment(env) });
  app.synth();
  return { root, stackDir: path.join(root, "stacks", STACK_NAME) };
}

const { toolchain, reason: noToolchain } = findToolchain();
const { moto, reason: motoMissing } = findMoto();
const reason = noToolchain ?? motoMissing;

describeUnless(toolchain ? undefined : noToolchain, "S3 backend Terraform tests")("S3 backend block, offline", () => {
  let root: string | undefined;
  afterAll(() => removeDirectory(root));

  test("terraform init -backend=false and validate accept the configuration with its s3 backend block", () => {
    let stackDir: string;
    ({ root, stackDir } = synthWith({ TF_STATE_BUCKET: BUCKET, TF_STATE_REGION: "eu-west-1" }));
    const json = prepareForOfflinePlan(stackDir, toolchain!) as unknown as TerraformJson;
    expect(json.terraform.backend!.s3).toMatchObject({ bucket: BUCKET, key: KEY, use_lockfile: true, encrypt: true });
    const init = terraform(stackDir, ["init", "-backend=false", "-input=false"]);
    expect(init.text).toContain("Terraform has been successfully initialized");
    const validate = terraform(stackDir, ["validate"]);
    expect(validate.text).toContain("The configuration is valid");
  });
});

describeUnless(reason, "S3 backend emulator test")("S3 backend against the AWS emulator", () => {
  let emulator: Emulator | undefined;
  let s3: S3Client;
  let watch: BucketWatch | undefined;
  let root: string | undefined;
  let stackDir: string;

  beforeAll(async () => {
    ({ root, stackDir } = synthWith({ TF_STATE_BUCKET: BUCKET }));
    // S3 only: no function runs, so no Node.js 22 is needed.
    emulator = await startEmulator({ moto: moto!, workDir: root, runsFunctions: false });
    s3 = s3Client(emulator.endpoint);
    await createBucket(s3, BUCKET);
    prepareForOfflinePlan(stackDir, toolchain!);
    // The emulator instead of AWS: its endpoint, path-style addressing, and no call to
    // STS, IAM or the metadata service (the dummy credentials come from the helper's environment).
    const file = path.join(stackDir, "cdk.tf.json");
    const json = JSON.parse(readFileSync(file, "utf8")) as TerraformJson;
    Object.assign(json.terraform.backend!.s3!, {
      endpoints: { s3: emulator.endpoint },
      use_path_style: true,
      skip_credentials_validation: true,
      skip_requesting_account_id: true,
      skip_metadata_api_check: true,
      skip_region_validation: true,
    });
    writeFileSync(file, JSON.stringify(json, null, 2));
  }, 60000);

  afterAll(async () => {
    await watch?.stop();
    s3?.destroy();
    await emulator?.stop();
    removeDirectory(root);
  });

  test("terraform init configures the s3 backend against the emulator's bucket", () => {
    const init = terraform(stackDir, ["init", "-input=false"]);
    expect(init.text).toContain('Successfully configured the backend "s3"');
    expect(init.status).toBe(0);
  });

  test("a plan holds the lock file <key>.tflock while it runs: a second plan is refused with its ID, and the lock is gone after", async () => {
    watch = new BucketWatch(s3, BUCKET);
    await watch.until((listing) => !listing.keys.includes(LOCK_FILE), 30000, "first listing without a lock");

    const startedAt = Date.now();
    let endedAt = Infinity;
    const first = terraformAsync(stackDir, ["plan", "-refresh=false", "-input=false"]).then((run) => {
      endedAt = Date.now();
      return run;
    });
    const held = await watch.until((listing) => listing.keys.includes(LOCK_FILE), 60000, `${LOCK_FILE} in the bucket`);
    const lock = held.locks[LOCK_FILE];
    expect(held.at).toBeGreaterThanOrEqual(startedAt);
    expect(held.at).toBeLessThan(endedAt);
    expect(lock).toMatchObject({ Operation: "OperationTypePlan", Path: `${BUCKET}/${KEY}` });

    // -lock-timeout=0s: refused at once instead of waiting for the first plan to finish.
    const second = await terraformAsync(stackDir, ["plan", "-refresh=false", "-input=false", "-lock-timeout=0s"]);
    expect(second.status).toBe(1);
    expect(second.text).toContain("Error acquiring the state lock");
    expect(second.text).toContain(`ID: ${lock.ID}`);
    expect(second.text).toContain(`Path: ${BUCKET}/${KEY}`);

    const plan = await first;
    expect(plan.status).toBe(0);
    expect(plan.text).toContain("Plan:");
    // Released as the plan ended; a plan writes no state, so the bucket is empty again.
    expect(await listing(s3, BUCKET)).toEqual({ keys: [], locks: {} });
    console.log(
      `S3 backend emulator test: ${LOCK_FILE} seen ${Math.round(held.at - startedAt)} ms after the plan started, ` +
        `held by lock ${lock.ID}; the concurrent plan was refused; released when the plan ended ${endedAt - startedAt} ms in`,
    );
  }, 180000);
});
