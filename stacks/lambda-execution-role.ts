/**
 * The execution role the five functions share. The services call no AWS API, so the
 * role may only write log streams into the functions' own log groups, and send X-Ray
 * traces when tracing is on.
 */
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { countWhen } from "./conditions";
import { allow, assumableBy, LAMBDA_LOG_ACTIONS, LAMBDA_XRAY_ACTIONS, policyDocument } from "./iam";

export interface LambdaExecutionRoleProps {
  namePrefix: string;
  /** ARNs of the functions' log groups (without the `:*` suffix). */
  logGroupArns: string[];
  enableXrayTracing: TerraformVariable;
}

export class LambdaExecutionRole extends Construct {
  readonly role: IamRole;
  readonly policies: IamRolePolicy[];

  constructor(scope: Construct, id: string, props: LambdaExecutionRoleProps) {
    super(scope, id);
    this.role = new IamRole(this, "role", {
      name: `${props.namePrefix}-lambda-exec`,
      description: "Execution role of the order workflow's Lambda functions",
      assumeRolePolicy: assumableBy("lambda.amazonaws.com"),
    });
    const logs = new IamRolePolicy(this, "policy", {
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
    const xray = new IamRolePolicy(this, "xray-policy", {
      count: countWhen(props.enableXrayTracing),
      name: "send-traces",
      role: this.role.id,
      // AWS requires "*": X-Ray's trace-writing actions have no resource-level permissions.
      policy: policyDocument(allow("SendTraces", LAMBDA_XRAY_ACTIONS, ["*"])),
    });
    this.policies = [logs, xray];
  }
}
