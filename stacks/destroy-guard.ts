/**
 * Refuses `terraform destroy` (and `cdktf destroy`) while table_deletion_protection is
 * true, before anything is destroyed, with a message that names the variable. DynamoDB
 * alone would refuse only the tables' deletion, at the end, after every other resource
 * had gone. The guard depends on every other resource of the stack, so a destroy starts
 * with it; its destroy-time command fails while the protection is on.
 *
 * Turning the protection off is an ordinary apply (the guard's input changes in place,
 * and DynamoDB's deletion protection with it); the destroy after it goes through.
 */
import { TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { WorkflowVariables } from "./variables";

/** What the refused destroy says; plain words only, so that sh and cmd print it alike. */
export const DESTROY_REFUSED =
  "Refusing to destroy: table_deletion_protection is true, so the orders, idempotency and stock tables are kept with their data. " +
  "To delete them: apply with table_deletion_protection = false, then destroy.";

/**
 * Terraform's built-in `terraform_data` (Terraform >= 1.4), declared directly rather than
 * through cdktf's DataResource, which would make every synth run `terraform version`: synth
 * stays possible without Terraform installed, and the stack's `required_version` states what
 * Terraform it needs (order-workflow-stack.ts).
 */
class TerraformData extends TerraformResource {
  constructor(
    scope: Construct,
    id: string,
    private readonly input: Record<string, unknown>,
  ) {
    super(scope, id, { terraformResourceType: "terraform_data", terraformGeneratorMetadata: { providerName: "terraform" } });
  }

  protected synthesizeAttributes(): Record<string, unknown> {
    return { input: this.input };
  }
}

export class DestroyGuard extends Construct {
  readonly guard: TerraformResource;

  constructor(scope: Construct, id: string, props: { vars: WorkflowVariables }) {
    super(scope, id);
    const refuse = `echo ${DESTROY_REFUSED} 1>&2 && exit 1`;
    const allow = "echo table_deletion_protection is false: the tables are destroyed with the stack";
    this.guard = new TerraformData(this, "guard", {
      table_deletion_protection: props.vars.tableDeletionProtection.booleanValue,
    });
    this.guard.addOverride("provisioner", [
      {
        "local-exec": {
          when: "destroy",
          // A destroy-time command may read only `self`: the protection as the last apply left it.
          command: `\${self.input.table_deletion_protection ? ${JSON.stringify(refuse)} : ${JSON.stringify(allow)}}`,
        },
      },
    ]);
  }

  /** Makes the guard the first thing a destroy destroys: it depends on every other resource. */
  guardAll(resources: TerraformResource[]): void {
    this.guard.dependsOn = resources
      .filter((resource) => resource !== this.guard)
      .map((resource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`);
  }
}
