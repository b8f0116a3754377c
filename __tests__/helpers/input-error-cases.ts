/**
 * Synth-time inputs that break their rule, each with the one line the app refuses it with
 * (stacks/app.test.ts in-process, stacks/app.integration.test.ts as processes).
 */
export type Case = [what: string, env: NodeJS.ProcessEnv, context: object | undefined, line: string];

export const CASES: Case[] = [
  ["LAMBDA_PACKAGING", { LAMBDA_PACKAGING: "zip" }, undefined, 'LAMBDA_PACKAGING must be one of: archive, synth (got "zip")'],
  [
    "TF_STATE_BUCKET",
    { TF_STATE_BUCKET: "Acme_State" },
    undefined,
    'TF_STATE_BUCKET "Acme_State" is not a valid S3 bucket name: it may contain only lowercase letters, digits, dots (.) and hyphens (-)',
  ],
  [
    "TF_STATE_KEY",
    { TF_STATE_BUCKET: "acme-state", TF_STATE_KEY: "/orders/terraform.tfstate" },
    undefined,
    'TF_STATE_KEY "/orders/terraform.tfstate" is not a valid S3 state key: it must not start or end with "/"',
  ],
  [
    "TF_STATE_REGION",
    { TF_STATE_BUCKET: "acme-state", TF_STATE_REGION: "Europe" },
    undefined,
    'TF_STATE_REGION "Europe" is not a valid AWS Region: it must be a Region code such as "eu-west-1"',
  ],
  [
    "TF_STATE_KEY without a bucket",
    { TF_STATE_KEY: "orders/terraform.tfstate" },
    undefined,
    'TF_STATE_KEY is set but no state bucket is: set TF_STATE_BUCKET (or "s3State": { "bucket" } in cdktf.json context), or unset TF_STATE_KEY for local state',
  ],
  [
    "TF_CLOUD_ORGANIZATION",
    { TF_CLOUD_ORGANIZATION: "acme corp" },
    { terraformCloud: { workspace: "orders-{stack}" } },
    'TF_CLOUD_ORGANIZATION "acme corp" is not a valid Terraform Cloud organization: it may contain only letters, digits, "-" and "_"',
  ],
  [
    "TF_CLOUD_ORGANIZATION without TF_WORKSPACE",
    { TF_CLOUD_ORGANIZATION: "acme" },
    undefined,
    'Terraform Cloud organization "acme" needs a workspace: set TF_WORKSPACE (or "terraformCloud": { "organization", "workspace" } in cdktf.json context), or unset the organization for local state',
  ],
  [
    "TF_WORKSPACE with a stack per environment",
    { TF_CLOUD_ORGANIZATION: "acme", TF_WORKSPACE: "orders" },
    undefined,
    'TF_WORKSPACE names one Terraform Cloud workspace, and the app has one stack per environment (dev, prod): name them with "terraformCloud": { "workspace": "orders-{stack}" } in cdktf.json context, and unset TF_WORKSPACE (Terraform itself reads it, and would select that one workspace for every stack)',
  ],
  [
    "TF_CLOUD_HOSTNAME",
    { TF_CLOUD_ORGANIZATION: "acme", TF_CLOUD_HOSTNAME: "https://tfe.example.com" },
    { terraformCloud: { workspace: "orders-{stack}" } },
    'TF_CLOUD_HOSTNAME "https://tfe.example.com" is not a valid host name: it must be a host name such as "app.terraform.io", without "https://"',
  ],
  [
    "Terraform Cloud and S3 together",
    { TF_CLOUD_ORGANIZATION: "acme", TF_STATE_BUCKET: "acme-state" },
    undefined,
    "Both Terraform Cloud (TF_CLOUD_ORGANIZATION) and S3 state (TF_STATE_BUCKET) are chosen: the state can live in one place only, unset one of them",
  ],
  [
    "context terraformCloud not an object",
    {},
    { terraformCloud: "acme" },
    'cdktf.json context "terraformCloud" must be an object { "organization", "workspace", "hostname" }, got "acme"',
  ],
  [
    "context terraformCloud with a misspelt field",
    {},
    { terraformCloud: { organization: "acme", workspce: "orders" } },
    'cdktf.json context "terraformCloud" has an unknown field "workspce" (its fields: organization, workspace, hostname)',
  ],
  [
    "context terraformCloud.workspace not a string",
    {},
    { terraformCloud: { organization: "acme", workspace: 7 } },
    'cdktf.json context "terraformCloud.workspace" must be a string, got 7',
  ],
  [
    "context terraformCloud.workspace breaking the rule",
    {},
    { terraformCloud: { organization: "acme", workspace: "orders {stack}" } },
    'cdktf.json context "terraformCloud.workspace" "orders {stack}" is not a valid Terraform Cloud workspace: it may contain only letters, digits, "-" and "_"',
  ],
  [
    "context terraformCloud.workspace without {stack}",
    {},
    { terraformCloud: { organization: "acme", workspace: "orders" } },
    'cdktf.json context "terraformCloud.workspace" "orders" names one workspace, and the app has one stack per environment (dev, prod): put {stack} in it, for example "orders-{stack}"',
  ],
  [
    "TF_STATE_KEY without {stack}",
    { TF_STATE_BUCKET: "acme-state", TF_STATE_KEY: "orders/terraform.tfstate" },
    undefined,
    'TF_STATE_KEY "orders/terraform.tfstate" names one state, and the app has one stack per environment (dev, prod): put {stack} in the key (for example orders/{stack}/terraform.tfstate), or leave it out for the default microservices-stepfn/{stack}/terraform.tfstate',
  ],
  [
    "context s3State not an object",
    {},
    { s3State: ["acme-state"] },
    'cdktf.json context "s3State" must be an object { "bucket", "key", "region" }, got ["acme-state"]',
  ],
  [
    "context s3State with a misspelt field",
    {},
    { s3State: { bucekt: "acme-state" } },
    'cdktf.json context "s3State" has an unknown field "bucekt" (its fields: bucket, key, region)',
  ],
  [
    "context s3State.bucket breaking the rule",
    {},
    { s3State: { bucket: "Acme" } },
    'cdktf.json context "s3State.bucket" "Acme" is not a valid S3 bucket name: it may contain only lowercase letters, digits, dots (.) and hyphens (-)',
  ],
];
