/** The synthesized backend block for each way of choosing where the state lives. */
import { backendFromEnvironment } from "../stacks/backend";
import { synthStack } from "./helpers/synth";

function backendBlock(env: NodeJS.ProcessEnv, context?: object) {
  const { terraform } = synthStack("synth", backendFromEnvironment(env, context)).json;
  return { backend: terraform.backend, cloud: terraform.cloud };
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
    expect(backendBlock({}, { organization: "acme", workspace: "from-context" }).cloud).toEqual({
      organization: "acme",
      workspaces: { name: "from-context" },
    });
    expect(
      backendBlock({ TF_WORKSPACE: "from-env" }, { organization: "acme", workspace: "from-context" }).cloud.workspaces,
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
