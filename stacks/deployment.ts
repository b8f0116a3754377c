/**
 * Where the stack is deployed: the partition, Region and account, read from the ARN of a
 * resource the stack creates first (the workflow's log group). A data source such as
 * aws_caller_identity would ask STS at plan time, which an offline plan cannot; an ARN
 * is known after apply and makes Terraform order the resources that need it after it.
 */
import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";

export interface Deployment {
  partition: string;
  region: string;
  account: string;
  /** The same as references, for use inside a Terraform expression (`local.deployment_region`). */
  references: { partition: string; region: string; account: string };
}

export function deploymentFrom(scope: Construct, anArn: string): Deployment {
  const part = (name: string, index: number) => {
    const local = new TerraformLocal(scope, name, Fn.element(Fn.split(":", anArn), index));
    local.overrideLogicalId(name);
    return local;
  };
  const [partition, region, account] = [
    part("deployment_partition", 1),
    part("deployment_region", 3),
    part("deployment_account", 4),
  ];
  return {
    partition: partition.asString,
    region: region.asString,
    account: account.asString,
    references: { partition: partition.fqn, region: region.fqn, account: account.fqn },
  };
}
