/**
 * The roles and their policies (stacks/iam.ts, lambda-execution-role.ts), least privilege:
 * each principal may do exactly what it needs, on exactly its resources.
 */
import { SERVICES } from "../../stacks/services";
import { parsePolicy, parseTrustPolicy, reference, resources, synthStack, TerraformJson } from "../helpers/synth";

const { json } = synthStack("archive");

function policyOf(json: TerraformJson, logicalId: string) {
  const policy = resources(json, "aws_iam_role_policy")[logicalId];
  if (!policy) throw new Error(`no aws_iam_role_policy.${logicalId}`);
  return parsePolicy(policy.policy);
}

function roleOf(json: TerraformJson, name: string) {
  return Object.values(resources(json, "aws_iam_role")).find((role) => role.name === name)!;
}

function functionRef(json: TerraformJson, service: string, attribute: string): string {
  return reference(json, "aws_lambda_function", (fn) => fn.function_name === `\${var.project_name}-${service}`, attribute);
}

describe("IAM, least privilege", () => {
  const allPolicies = Object.values(resources(json, "aws_iam_role_policy")).map((policy) => parsePolicy(policy.policy));

  test("no policy allows a '*' action or a service-wide wildcard action", () => {
    for (const document of allPolicies) {
      for (const statement of document.Statement) {
        expect(statement.Effect).toBe("Allow");
        for (const action of statement.Action) expect(action).toMatch(/^[a-z0-9-]+:[A-Za-z]+$/);
      }
    }
  });

  const table = (name: string) => `\${aws_dynamodb_table.state_${name}.arn}`;
  test.each([
    ["user-service", []],
    [
      "order-service",
      [
        {
          Sid: "OrdersTable",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [table("orders")],
        },
      ],
    ],
    [
      "payment-service",
      [
        {
          Sid: "IdempotencyTable",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [table("idempotency")],
        },
      ],
    ],
    [
      "inventory-service",
      [
        {
          Sid: "IdempotencyTable",
          Action: ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:UpdateItem"],
          Resource: [table("idempotency")],
        },
        {
          Sid: "StockTable",
          Action: ["dynamodb:BatchGetItem", "dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:PutItem"],
          Resource: [table("stock")],
        },
      ],
    ],
    [
      "notification-service",
      [
        { Sid: "IdempotencyTable", Action: ["dynamodb:GetItem", "dynamodb:PutItem"], Resource: [table("idempotency")] },
        { Sid: "OrdersTable", Action: ["dynamodb:GetItem", "dynamodb:UpdateItem"], Resource: [table("orders")] },
      ],
    ],
  ])(
    "%s's role may write its own log streams and use exactly its tables, with exactly the actions its code calls",
    (service, tableStatements) => {
      const key = service.replace(/-/g, "_");
      const role = roleOf(json, `\${var.project_name}-${service}`);
      expect(parseTrustPolicy(role.assume_role_policy).Statement).toEqual([
        { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
      ]);
      expect(policyOf(json, `${key}_execution_policy`).Statement).toEqual([
        {
          Sid: "WriteOwnLogGroup",
          Effect: "Allow",
          Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
          Resource: [`\${aws_cloudwatch_log_group.${key}_logs.arn}:*`],
        },
        ...(tableStatements as object[]).map((statement) => ({ Effect: "Allow", ...statement })),
      ]);
    },
  );

  test("the state machine role may invoke only the five functions' published versions (not $LATEST) and deliver its logs", () => {
    const role = roleOf(json, "${var.project_name}-workflow-role");
    expect(parseTrustPolicy(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "states.amazonaws.com" });
    const [invoke, logs, ...rest] = policyOf(json, "workflow_policy").Statement;
    expect(rest).toEqual([]);
    expect(invoke.Action).toEqual(["lambda:InvokeFunction"]);
    expect(invoke.Resource).toEqual(SERVICES.map((service) => `${functionRef(json, service, "arn")}:*`));
    // The recipe's state machine role lacked these, so its logging_configuration failed at apply.
    expect(logs).toEqual({
      Sid: "DeliverExecutionLogs",
      Effect: "Allow",
      Action: [
        "logs:CreateLogDelivery",
        "logs:GetLogDelivery",
        "logs:UpdateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:DescribeResourcePolicies",
        "logs:DescribeLogGroups",
      ],
      Resource: ["*"],
    });
  });

  test("the EventBridge role may only start the workflow's live alias", () => {
    const role = roleOf(json, "${var.project_name}-trigger-role");
    expect(parseTrustPolicy(role.assume_role_policy).Statement[0].Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(policyOf(json, "trigger_policy").Statement).toEqual([
      {
        Sid: "StartOrderWorkflow",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [reference(json, "aws_sfn_alias", () => true, "arn")],
      },
    ]);
  });
});
