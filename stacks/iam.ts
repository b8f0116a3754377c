/**
 * IAM policy documents as plain objects, built from explicit lists of actions and
 * resources so that tests can read them statement by statement.
 */
export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export function policyDocument(...statements: PolicyStatement[]): string {
  const document: PolicyDocument = { Version: "2012-10-17", Statement: statements };
  return JSON.stringify(document);
}

export function allow(sid: string, actions: readonly string[], resources: readonly string[]): PolicyStatement {
  return { Sid: sid, Effect: "Allow", Action: [...actions], Resource: [...resources] };
}

/** A trust policy that lets one AWS service assume the role. */
export function assumableBy(servicePrincipal: string): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [{ Effect: "Allow", Principal: { Service: servicePrincipal }, Action: "sts:AssumeRole" }],
  });
}

/** What a Lambda function needs to write its own log streams; the log groups exist already (Terraform creates them). */
export const LAMBDA_LOG_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"] as const;

/**
 * What Step Functions needs to deliver execution logs to CloudWatch Logs. These actions
 * do not support resource-level permissions, so AWS requires Resource "*"
 * (Step Functions developer guide, "IAM policies for logging to CloudWatch Logs").
 */
export const STATES_LOG_DELIVERY_ACTIONS = [
  "logs:CreateLogDelivery",
  "logs:GetLogDelivery",
  "logs:UpdateLogDelivery",
  "logs:DeleteLogDelivery",
  "logs:ListLogDeliveries",
  "logs:PutResourcePolicy",
  "logs:DescribeResourcePolicies",
  "logs:DescribeLogGroups",
] as const;

export const INVOKE_FUNCTION_ACTIONS = ["lambda:InvokeFunction"] as const;
export const START_EXECUTION_ACTIONS = ["states:StartExecution"] as const;
