/**
 * One microservice: its log group (created by Terraform, so it has a retention period
 * and is destroyed with the stack), its execution role, and its Lambda function built
 * from functions/<service>/, told the names of the tables it uses.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DynamodbTable } from "@cdktf/provider-aws/lib/dynamodb-table";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { Construct } from "constructs";
import { METRICS_NAMESPACE_ENV } from "../functions/shared/metrics";
import { TABLE_ENVIRONMENT, TableName } from "../functions/shared/store";
import { bundleServices } from "./bundle";
import { TABLE_ACCESS } from "./iam";
import { LambdaExecutionRole } from "./lambda-execution-role";
import { packageBundle, PackagingMode } from "./packaging";
import { ServiceName } from "./services";
import { WorkflowVariables } from "./variables";
import { LAMBDA_RUNTIME } from "./lambda-runtime";

export interface MicroserviceFunctionProps {
  namePrefix: string;
  service: ServiceName;
  tables: Record<TableName, DynamodbTable>;
  vars: WorkflowVariables;
  packaging: PackagingMode;
}

export class MicroserviceFunction extends Construct {
  readonly function: LambdaFunction;
  readonly logGroup: CloudwatchLogGroup;
  readonly role: LambdaExecutionRole;

  constructor(scope: Construct, id: string, props: MicroserviceFunctionProps) {
    super(scope, id);
    const { vars } = props;
    const functionName = `${props.namePrefix}-${props.service}`;
    this.logGroup = new CloudwatchLogGroup(this, "logs", {
      name: `/aws/lambda/${functionName}`,
      retentionInDays: vars.logRetentionDays.numberValue,
      kmsKeyId: vars.kmsKeyArn.stringValue,
    });
    this.role = new LambdaExecutionRole(this, "execution", {
      functionName,
      service: props.service,
      logGroupArn: this.logGroup.arn,
      tables: props.tables,
      vars,
    });
    const tableNames = Object.fromEntries(
      (Object.keys(TABLE_ACCESS[props.service]) as TableName[]).map((table) => [
        TABLE_ENVIRONMENT[table],
        props.tables[table].name,
      ]),
    );
    const zip = packageBundle(this, props.service, bundleServices()[props.service], props.packaging);
    this.function = new LambdaFunction(this, "function", {
      functionName,
      description: `Order workflow: ${props.service}`,
      role: this.role.role.arn,
      runtime: LAMBDA_RUNTIME,
      handler: "index.handler",
      // Every change of code or configuration publishes a version; the workflow calls that version
      // (qualifiedArn), so an execution keeps the code it started with through later deploys.
      publish: true,
      architectures: [vars.lambdaArchitecture.stringValue],
      filename: zip.filename,
      sourceCodeHash: zip.sourceCodeHash,
      timeout: vars.lambdaTimeout.numberValue,
      memorySize: vars.lambdaMemorySize.numberValue,
      reservedConcurrentExecutions: vars.lambdaReservedConcurrency.numberValue,
      // Production logs warnings and errors only, and never the customer's data (see functions/shared/handler.ts).
      environment: {
        variables: {
          LOG_LEVEL: `\${${vars.environment.fqn} == "prod" ? "WARN" : "INFO"}`,
          LOG_CUSTOMER_DATA: `\${${vars.environment.fqn} == "prod" ? "omit" : "include"}`,
          // The namespace of the business metrics the services write (functions/shared/metrics.ts).
          [METRICS_NAMESPACE_ENV]: props.namePrefix,
          ...tableNames,
          ...(props.service === "order-service" ? { MAX_ORDER_TOTAL: `\${tostring(${vars.maxOrderTotal.fqn})}` } : {}),
        },
      },
      kmsKeyArn: vars.kmsKeyArn.stringValue,
      tracingConfig: { mode: `\${${vars.enableXrayTracing.fqn} ? "Active" : "PassThrough"}` },
      // The log group exists before the first invocation, so Lambda never creates one without
      // retention; the role's policies exist before the first call needs them.
      dependsOn: [this.logGroup, ...this.role.policies],
    });
  }
}
