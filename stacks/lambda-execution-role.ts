/**
 * The execution role the five functions share. The services call no AWS API, so the
 * role may only write log streams into the functions' own log groups.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { allow, assumableBy, LAMBDA_LOG_ACTIONS, policyDocument } from "./iam";

export interface LambdaExecutionRoleProps {
  namePrefix: string;
  /** ARNs of the functions' log groups (without the `:*` suffix). */
  logGroupArns: string[];
}

export class LambdaExecutionRole extends Construct {
  readonly role: IamRole;
  readonly policy: IamRolePolicy;

  constructor(scope: Construct, id: string, props: LambdaExecutionRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: `${props.namePrefix}-lambda-exec`,
      description: "Execution role of the order workflow's Lambda functions",
      assumeRolePolicy: assumableBy("lambda.amazonaws.com"),
    });
    this.policy = new IamRolePolicy(this, "policy", {
      name: "write-own-logs",
      role: this.role.id,
      policy: policyDocument(
        allow(
          "WriteOwnLogGroups",
          LAMBDA_LOG_ACTIONS,
          // `<log group ARN>:*` is how IAM names a log group and its streams together.
          props.logGroupArns.map((arn) => `${arn}:*`),
        ),
      ),
    });
  }
}
