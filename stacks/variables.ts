/**
 * The stack's Terraform variables (DESIGN.md section 2). They are declared on the stack
 * itself, so `-var`, `*.tfvars`, `cdktf deploy --var` and Terraform Cloud workspace
 * variables bind by these exact names. Every one has a description, a type, a default
 * that works and a validation whose message names the variable and the rule.
 */
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";

/** The retention periods CloudWatch Logs accepts (PutRetentionPolicy), in days. */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

export const ENVIRONMENTS = ["dev", "test", "staging", "prod"];

/** A Terraform expression that is true when `ref` is a whole number from `min` to `max`. */
function wholeNumberBetween(ref: string, min: number, max: number): string {
  return `\${${ref} == floor(${ref}) && ${ref} >= ${min} && ${ref} <= ${max}}`;
}

export class WorkflowVariables {
  readonly projectName: TerraformVariable;
  readonly environment: TerraformVariable;
  readonly lambdaTimeout: TerraformVariable;
  readonly lambdaMemorySize: TerraformVariable;
  readonly logRetentionDays: TerraformVariable;
  readonly awsRegion: TerraformVariable;

  constructor(scope: Construct) {
    this.projectName = new TerraformVariable(scope, "project_name", {
      type: "string",
      default: "microservices-stepfn",
      description:
        "Prefix of every resource name (<project_name>-user-service, <project_name>-workflow, ...). 3 to 40 characters so that derived names stay within AWS limits.",
      validation: [
        {
          condition: "${length(var.project_name) >= 3 && length(var.project_name) <= 40}",
          errorMessage: "project_name must be 3 to 40 characters long, so that every derived name stays within AWS's 64-character limits.",
        },
        {
          condition: '${can(regex("^[a-z][a-z0-9-]*[a-z0-9]$", var.project_name))}',
          errorMessage: "project_name may contain only lowercase letters, digits and hyphens, must start with a letter and must end with a letter or digit.",
        },
      ],
    });

    this.environment = new TerraformVariable(scope, "environment", {
      type: "string",
      default: "dev",
      description: "Deployment environment, written to the Environment tag of every resource (never into names).",
      validation: [
        {
          condition: `\${contains(${JSON.stringify(ENVIRONMENTS)}, var.environment)}`,
          errorMessage: `environment must be one of: ${ENVIRONMENTS.join(", ")}.`,
        },
      ],
    });

    this.lambdaTimeout = new TerraformVariable(scope, "lambda_timeout", {
      type: "number",
      default: 30,
      description: "Timeout of each Lambda function, in whole seconds (3 to 900).",
      validation: [
        {
          condition: wholeNumberBetween("var.lambda_timeout", 3, 900),
          errorMessage: "lambda_timeout must be a whole number of seconds from 3 to 900 (Lambda's maximum).",
        },
      ],
    });

    this.lambdaMemorySize = new TerraformVariable(scope, "lambda_memory_size", {
      type: "number",
      default: 128,
      description: "Memory of each Lambda function, in whole MB (128 to 10240).",
      validation: [
        {
          condition: wholeNumberBetween("var.lambda_memory_size", 128, 10240),
          errorMessage: "lambda_memory_size must be a whole number of MB from 128 to 10240 (Lambda's limits).",
        },
      ],
    });

    this.logRetentionDays = new TerraformVariable(scope, "log_retention_days", {
      type: "number",
      default: 30,
      description: "How long CloudWatch keeps the functions' and the workflow's logs, in days.",
      validation: [
        {
          condition: `\${contains(${JSON.stringify(LOG_RETENTION_DAYS)}, var.log_retention_days)}`,
          errorMessage: `log_retention_days must be one of the values CloudWatch Logs accepts: ${LOG_RETENTION_DAYS.join(", ")}.`,
        },
      ],
    });

    this.awsRegion = new TerraformVariable(scope, "aws_region", {
      type: "string",
      nullable: true,
      description:
        "AWS Region to deploy to. Leave null to use the usual AWS environment (AWS_REGION, AWS_DEFAULT_REGION or the profile's region).",
      validation: [
        {
          condition: '${var.aws_region == null || can(regex("^[a-z]{2}(-[a-z]+)+-[0-9]+$", var.aws_region))}',
          errorMessage: 'aws_region must be a Region code such as "us-east-1" or "eu-west-2", or null.',
        },
      ],
    });
    // cdktf drops a null default; set it raw so that the variable stays optional.
    this.awsRegion.addOverride("default", null);
  }
}
