/**
 * The execution role of one function, named like the function: it may write its own log
 * streams, use exactly the tables and actions its code calls (TABLE_ACCESS), the
 * tables' customer key through DynamoDB when kms_key_arn is set, and send X-Ray traces
 * when tracing is on. One role per function, so no service can touch another's state.
 */
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicy } from "@cdktf/provider-aws/lib/iam-role-policy";
import { Construct } from "constructs";
import { TableName } from "../functions/shared/store";
import { countWhen, countWhenSet } from "./conditions";
import {
  allow,
  assumableBy,
  LAMBDA_LOG_ACTIONS,
  LAMBDA_XRAY_ACTIONS,
  policyDocument,
  TABLE_ACCESS,
  TABLE_KEY_ACTIONS,
} from "./iam";
import { ServiceName } from "./services";
import { WorkflowVariables } from "./variables";

export interface LambdaExecutionRoleProps {
  functionName: string;
  service: ServiceName;
  /** ARN of the function's log group (without the `:*` suffix). */
  logGroupArn: string;
  tables: Record<TableName, DynamodbTable>;
  vars: WorkflowVariables;
}

/** `OrdersTable` for "orders": a statement id per table. */
const sidOf = (table: string) => `${table[0].toUpperCase()}${table.slice(1)}Table`;

export class LambdaExecutionRole extends Construct {
  readonly role: IamRole;
  readonly policies: IamRolePolicy[];

  constructor(scope: Construct, id: string, props: LambdaExecutionRoleProps) {
    super(scope, id);
    const { vars } = props;
    const access = Object.entries(TABLE_ACCESS[props.service]) as [TableName, readonly string[]][];
    this.role = new IamRole(this, "role", {
      // Role names and function names are separate namespaces; this one fits IAM's 64 characters.
      name: props.functionName,
      description: `Execution role of ${props.service}`,
      assumeRolePolicy: assumableBy("lambda.amazonaws.com"),
    });
    const own = new IamRolePolicy(this, "policy", {
      name: "logs-and-state",
      role: this.role.id,
      policy: policyDocument(
        // `<log group ARN>:*` is how IAM names a log group and its streams together.
        allow("WriteOwnLogGroup", LAMBDA_LOG_ACTIONS, [`${props.logGroupArn}:*`]),
        ...access.map(([table, actions]) => allow(sidOf(table), actions, [props.tables[table].arn])),
      ),
    });
    this.policies = [own];
    if (access.length > 0) {
      this.policies.push(
        new IamRolePolicy(this, "table-key-policy", {
          count: countWhenSet(vars.kmsKeyArn),
          name: "use-table-key",
          role: this.role.id,
          policy: policyDocument(
            allow("UseTableKeyThroughDynamoDB", TABLE_KEY_ACTIONS, [vars.kmsKeyArn.stringValue], {
              StringLike: { "kms:ViaService": "dynamodb.*.amazonaws.com" },
            }),
          ),
        }),
      );
    }
    this.policies.push(
      new IamRolePolicy(this, "xray-policy", {
        count: countWhen(vars.enableXrayTracing),
        name: "send-traces",
        role: this.role.id,
        // AWS requires "*": X-Ray's trace-writing actions have no resource-level permissions.
        policy: policyDocument(allow("SendTraces", LAMBDA_XRAY_ACTIONS, ["*"])),
      }),
    );
  }
}
