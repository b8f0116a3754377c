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
}

export function deploymentFrom(scope: Construct, anArn: string): Deployment {
  const part = (name: string, index: number) => {
    const local = new TerraformLocal(scope, name, Fn.element(Fn.split(":", anArn), index));
    local.overrideLogicalId(name);
    return local.asString;
  };
  return {
    partition: part("deployment_partition", 1),
    region: part("deployment_region", 3),
    account: part("deployment_account", 4),
  };
}
