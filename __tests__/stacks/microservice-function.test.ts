/**
 * Each service's function (stacks/microservice-function.ts): runtime, settings, environment,
 * log group.
 */
import { LambdaFunction } from "@cdktf/provider-aws/lib/lambda-function";
import { SERVICES } from "../../stacks/services";
import { resources, synthStack } from "../helpers/synth";

const { synthesized, json } = synthStack("archive");

describe("functions", () => {
  test.each(SERVICES)("%s: nodejs22.x, sized by the variables, named from project_name, after its log group", (service) => {
    expect(synthesized).toHaveResourceWithProperties(LambdaFunction, {
      function_name: `\${var.project_name}-${service}`,
      runtime: "nodejs22.x",
      handler: "index.handler",
      timeout: "${var.lambda_timeout}",
      memory_size: "${var.lambda_memory_size}",
    });
    const fn = Object.values(resources(json, "aws_lambda_function")).find((f) => f.function_name.endsWith(`-${service}`))!;
    const logGroup = Object.entries(resources(json, "aws_cloudwatch_log_group")).find(
      ([, group]) => group.name === `/aws/lambda/\${var.project_name}-${service}`,
    );
    expect(logGroup).toBeDefined();
    expect(logGroup![1].retention_in_days).toBe("${var.log_retention_days}");
    expect(fn.depends_on).toContain(`aws_cloudwatch_log_group.${logGroup![0]}`);
    const key = service.replace(/-/g, "_");
    expect(fn.role).toBe(`\${aws_iam_role.${key}_execution_role.arn}`);
    expect(fn.depends_on).toContain(`aws_iam_role_policy.${key}_execution_policy`);
  });

  test.each([
    ["user-service", {}],
    ["order-service", { ORDERS_TABLE: "${aws_dynamodb_table.state_orders.name}" }],
    ["payment-service", { IDEMPOTENCY_TABLE: "${aws_dynamodb_table.state_idempotency.name}" }],
    [
      "inventory-service",
      {
        IDEMPOTENCY_TABLE: "${aws_dynamodb_table.state_idempotency.name}",
        STOCK_TABLE: "${aws_dynamodb_table.state_stock.name}",
      },
    ],
    [
      "notification-service",
      {
        ORDERS_TABLE: "${aws_dynamodb_table.state_orders.name}",
        IDEMPOTENCY_TABLE: "${aws_dynamodb_table.state_idempotency.name}",
      },
    ],
  ])("%s is told the names of exactly the tables it uses, and logs by environment", (service, tables) => {
    const fn = Object.values(resources(json, "aws_lambda_function")).find((f) => f.function_name.endsWith(`-${service}`))!;
    expect(fn.environment.variables).toEqual({
      LOG_LEVEL: '${var.environment == "prod" ? "WARN" : "INFO"}',
      LOG_CUSTOMER_DATA: '${var.environment == "prod" ? "omit" : "include"}',
      METRICS_NAMESPACE: "${var.project_name}",
      ...tables,
      ...(service === "order-service" ? { MAX_ORDER_TOTAL: "${tostring(var.max_order_total)}" } : {}),
    });
  });

  test("the state machine has its own log group under /aws/vendedlogs/states/", () => {
    const names = Object.values(resources(json, "aws_cloudwatch_log_group")).map((group) => group.name);
    expect(names).toContain("/aws/vendedlogs/states/${var.project_name}-workflow");
    expect(names).toHaveLength(6);
  });
});
