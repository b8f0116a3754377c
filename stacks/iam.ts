/**
 * IAM policy documents as plain objects, built from explicit lists of actions and
 * resources so that tests can read them statement by statement.
 */
import type { TableName } from "../functions/shared/store";
import type { PerService } from "./services";
export interface PolicyStatement {
  Sid: string;
  Effect: "Allow";
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export interface PolicyDocument {
  Version: "2012-10-17";
  Statement: PolicyStatement[];
}

export function policyDocument(...statements: PolicyStatement[]): string {
  const document: PolicyDocument = { Version: "2012-10-17", Statement: statements };
  return JSON.stringify(document);
}

export function allow(
  sid: string,
  actions: readonly string[],
  resources: readonly string[],
  condition?: PolicyStatement["Condition"],
): PolicyStatement {
  return {
    Sid: sid,
    Effect: "Allow",
    Action: [...actions],
    Resource: [...resources],
    ...(condition ? { Condition: condition } : {}),
  };
}

export interface ServicePrincipalStatement {
  Sid: string;
  Effect: "Allow";
  Principal: { Service: string };
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string>>;
}

/** A resource policy (for example a queue policy) that lets one AWS service act, optionally under a condition. */
export function resourcePolicy(...statements: ServicePrincipalStatement[]): string {
  return JSON.stringify({ Version: "2012-10-17", Statement: statements });
}

/** Who may make a service assume a role: resources of one account, whose ARN matches one of some patterns. */
export interface TrustScope {
  sourceAccount: string;
  sourceArns: string[];
}

/**
 * A trust policy that lets one AWS service assume the role, optionally only on behalf of
 * this account's resources whose ARN matches (confused-deputy protection: aws:SourceAccount
 * and aws:SourceArn, which the service sets when it assumes the role).
 */
export function assumableBy(servicePrincipal: string, scope?: TrustScope): string {
  return JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      {
        Effect: "Allow",
        Principal: { Service: servicePrincipal },
        Action: "sts:AssumeRole",
        ...(scope
          ? {
              Condition: {
                StringEquals: { "aws:SourceAccount": scope.sourceAccount },
                ArnLike: { "aws:SourceArn": scope.sourceArns },
              },
            }
          : {}),
      },
    ],
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
/** What EventBridge needs to put an undeliverable event into the dead-letter queue. */
export const DEAD_LETTER_SEND_ACTIONS = ["sqs:SendMessage"] as const;

/**
 * What a Lambda function needs to send X-Ray traces (the AWSXRayDaemonWriteAccess subset
 * Lambda uses). X-Ray has no resource-level permissions, so AWS requires Resource "*".
 */
export const LAMBDA_XRAY_ACTIONS = ["xray:PutTraceSegments", "xray:PutTelemetryRecords"] as const;
/** What Step Functions needs for X-Ray tracing (Step Functions developer guide, "IAM policies for X-Ray"); Resource "*" as above. */
export const STATES_XRAY_ACTIONS = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "xray:GetSamplingRules",
  "xray:GetSamplingTargets",
] as const;

/**
 * The DynamoDB actions each service's code calls, per table (functions/shared/dynamodb-store.ts:
 * GetItem, BatchGetItem, and PutItem / UpdateItem alone or inside TransactWriteItems). Nothing
 * else: no Scan, Query, DeleteItem or ConditionCheckItem.
 * - order-service creates the order record, and closes or resolves it (UpdateItem);
 * - payment-service and inventory-service keep one ledger item per key: put when it acts, updated by its undo;
 * - inventory-service takes and puts back stock (UpdateItem), reads it, and seeds absent products (PutItem);
 * - notification-service closes the order record and keeps a record of a notice about no order.
 */
export const TABLE_ACCESS: PerService<Partial<Record<TableName, readonly string[]>>> = {
  "user-service": {},
  "order-service": { orders: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"] },
  "payment-service": { idempotency: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"] },
  "inventory-service": {
    idempotency: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
    stock: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"],
  },
  "notification-service": {
    idempotency: ["dynamodb:GetItem", "dynamodb:PutItem"],
    orders: ["dynamodb:GetItem", "dynamodb:UpdateItem"],
  },
};

/**
 * What reading and writing a table encrypted with a customer managed key needs of the
 * key, only through DynamoDB (kms:ViaService), as AWS CDK grants a table's readers and writers.
 */
export const TABLE_KEY_ACTIONS = ["kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey"] as const;

/**
 * What the workflow role needs of the customer's key when the state machine's data is
 * encrypted with it (Step Functions developer guide, "Data at rest encryption"), only for
 * this state machine's encryption context.
 */
export const STATES_KEY_ACTIONS = ["kms:Decrypt", "kms:GenerateDataKey"] as const;

/**
 * What the workflow role needs of the customer's key to deliver its execution logs to a
 * log group encrypted with that key (the same guide, "Data at rest encryption": log
 * delivery), only for encryption contexts of this account's CloudWatch Logs
 * (`kms:EncryptionContext:SourceArn` = `arn:<partition>:logs:<region>:<account>:*`).
 * The key policy must also let `delivery.logs.amazonaws.com` decrypt (docs/security.md).
 */
export const STATES_LOG_KEY_ACTIONS = ["kms:GenerateDataKey"] as const;

/** Every action any policy of this stack may allow, for the test that no policy grows beyond these lists. */
export const ALL_ALLOWED_ACTIONS = [
  ...STATES_KEY_ACTIONS,
  ...STATES_LOG_KEY_ACTIONS,
  ...Object.values(TABLE_ACCESS).flatMap((tables) => Object.values(tables).flat()),
  ...TABLE_KEY_ACTIONS,
  ...LAMBDA_LOG_ACTIONS,
  ...STATES_LOG_DELIVERY_ACTIONS,
  ...INVOKE_FUNCTION_ACTIONS,
  ...START_EXECUTION_ACTIONS,
  ...DEAD_LETTER_SEND_ACTIONS,
  ...LAMBDA_XRAY_ACTIONS,
  ...STATES_XRAY_ACTIONS,
];

/** The only actions AWS requires Resource "*" for, in this stack. */
export const WILDCARD_RESOURCE_ACTIONS = [...STATES_LOG_DELIVERY_ACTIONS, ...LAMBDA_XRAY_ACTIONS, ...STATES_XRAY_ACTIONS];
