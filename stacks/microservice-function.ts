/**
 * One microservice: its log group (created by Terraform, so it has a retention period
 * and is destroyed with the stack) and its Lambda function built from functions/<service>/.
 */
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { ITerraformDependable } from "cdktf";
import { Construct } from "constructs";
import { bundleService } from "./bundle";
import { packageBundle, PackagingMode } from "./packaging";
import { ServiceName } from "./services";

export interface MicroserviceLogGroupProps {
  namePrefix: string;
  service: ServiceName;
  retentionInDays: number;
}

export function lambdaLogGroup(scope: Construct, props: MicroserviceLogGroupProps): CloudwatchLogGroup {
  return new CloudwatchLogGroup(scope, `${props.service}-logs`, {
    name: `/aws/lambda/${props.namePrefix}-${props.service}`,
    retentionInDays: props.retentionInDays,
  });
}

export interface MicroserviceFunctionProps {
  namePrefix: string;
  service: ServiceName;
  roleArn: string;
  logGroup: CloudwatchLogGroup;
  timeout: number;
  memorySize: number;
  packaging: PackagingMode;
  /** What must exist before the function runs, such as the role's policy. */
  dependsOn: ITerraformDependable[];
}

export class MicroserviceFunction extends Construct {
  readonly function: LambdaFunction;

  constructor(scope: Construct, id: string, props: MicroserviceFunctionProps) {
    super(scope, id);
    const zip = packageBundle(this, props.service, bundleService(props.service), props.packaging);
    this.function = new LambdaFunction(this, "function", {
      functionName: `${props.namePrefix}-${props.service}`,
      description: `Order workflow: ${props.service}`,
      role: props.roleArn,
      runtime: "nodejs22.x",
      handler: "index.handler",
      filename: zip.filename,
      sourceCodeHash: zip.sourceCodeHash,
      timeout: props.timeout,
      memorySize: props.memorySize,
      environment: { variables: { LOG_LEVEL: "INFO" } },
      // The log group exists before the first invocation, so Lambda never creates one without retention.
      dependsOn: [props.logGroup, ...props.dependsOn],
    });
  }
}
