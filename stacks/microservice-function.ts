/**
 * One microservice: its log group (created by Terraform, so it has a retention period
 * and is destroyed with the stack) and its Lambda function built from functions/<service>/.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { bundleServices } from "./bundle";
import { packageBundle, PackagingMode } from "./packaging";
import { ServiceName } from "./services";
import { WorkflowVariables } from "./variables";

export function lambdaLogGroup(
  scope: Construct,
  namePrefix: string,
  service: ServiceName,
  vars: WorkflowVariables,
): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, `${service}-logs`, {
    name: `/aws/lambda/${namePrefix}-${service}`,
    retentionInDays: vars.logRetentionDays.numberValue,
    kmsKeyId: vars.kmsKeyArn.stringValue,
  });
}

export interface MicroserviceFunctionProps {
  namePrefix: string;
  service: ServiceName;
  roleArn: string;
  logGroup: CloudwatchLogGroup;
  vars: WorkflowVariables;
  packaging: PackagingMode;
  /** What must exist before the function runs, such as the role's policies. */
  dependsOn: ITerraformDependable[];
}

export class MicroserviceFunction extends Construct {
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: MicroserviceFunctionProps) {
    super(scope, id);
    const { vars } = props;
    const zip = packageBundle(this, props.service, bundleServices()[props.service], props.packaging);
    this.function = new LambdaFunction(this, "function", {
      functionName: `${props.namePrefix}-${props.service}`,
      description: `Order workflow: ${props.service}`,
      role: props.roleArn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      architectures: [vars.lambdaArchitecture.stringValue],
      filename: zip.filename,
      sourceCodeHash: zip.sourceCodeHash,
      timeout: vars.lambdaTimeout.numberValue,
      memorySize: vars.lambdaMemorySize.numberValue,
      reservedConcurrentExecutions: vars.lambdaReservedConcurrency.numberValue,
      environment: { variables: { LOG_LEVEL: "INFO" } },
      kmsKeyArn: vars.kmsKeyArn.stringValue,
      tracingConfig: { mode: `\${${vars.enableXrayTracing.fqn} ? "Active" : "PassThrough"}` },
      // The log group exists before the first invocation, so Lambda never creates one without retention.
      dependsOn: [props.logGroup, ...props.dependsOn],
    });
  }
}
