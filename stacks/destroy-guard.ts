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
import { DataResource, TerraformResource } from "cdktf";
import { Construct } from "constructs";
import { WorkflowVariables } from "./variables";

/** What the refused destroy says; plain words only, so that sh and cmd print it alike. */
export const DESTROY_REFUSED =
  "Refusing to destroy: table_deletion_protection is true, so the orders, idempotency and stock tables are kept with their data. " +
  "To delete them: apply with table_deletion_protection = false, then destroy.";

export class DestroyGuard extends Construct {
  readonly guard: DataResource;

  constructor(scope: Construct, id: string, props: { vars: WorkflowVariables }) {
    super(scope, id);
    const refuse = `echo ${DESTROY_REFUSED} 1>&2 && exit 1`;
    const allow = "echo table_deletion_protection is false: the tables are destroyed with the stack";
    this.guard = new DataResource(this, "guard", {
      input: { table_deletion_protection: props.vars.tableDeletionProtection.booleanValue },
      provisioners: [
        {
          type: "local-exec",
          when: "destroy",
          // A destroy-time command may read only `self`: the protection as the last apply left it.
          command: `\${self.input.table_deletion_protection ? ${JSON.stringify(refuse)} : ${JSON.stringify(allow)}}`,
        },
      ],
    });
  }

  /** Makes the guard the first thing a destroy destroys: it depends on every other resource. */
  guardAll(resources: TerraformResource[]): void {
    this.guard.dependsOn = resources
      .filter((resource) => resource !== this.guard)
      .map((resource) => `${resource.terraformResourceType}.${resource.friendlyUniqueId}`);
  }
}
