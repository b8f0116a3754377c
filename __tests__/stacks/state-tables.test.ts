/**
 * Durable state (stacks/state-tables.ts, stock-seed.ts, destroy-guard.ts): the tables, the
 * seeding of absent products, and the guard that refuses a destroy while they are protected.
 */
import { expect } from "@jest/globals";
import { CATALOGUE } from "../../functions/shared/catalogue";
import { DESTROY_REFUSED } from "../../stacks/destroy-guard";
import { SERVICES } from "../../stacks/services";
import { resources, synthStack } from "../helpers/synth";

const { json } = synthStack("archive");

describe("durable state (docs/durable-state.md)", () => {
  test("three on-demand tables keyed by a string, with point-in-time recovery, deletion protection from its variable", () => {
    expect(
      Object.fromEntries(
        Object.entries(resources(json, "aws_dynamodb_table")).map(([id, table]) => [
          id,
          [
            table.name,
            table.hash_key,
            table.attribute,
            table.billing_mode,
            table.point_in_time_recovery,
            table.deletion_protection_enabled,
          ],
        ]),
      ),
    ).toEqual({
      state_orders: [
        "${var.project_name}-orders",
        "orderId",
        [{ name: "orderId", type: "S" }],
        "PAY_PER_REQUEST",
        { enabled: true },
        "${var.table_deletion_protection}",
      ],
      state_idempotency: [
        "${var.project_name}-idempotency",
        "recordKey",
        [{ name: "recordKey", type: "S" }],
        "PAY_PER_REQUEST",
        { enabled: true },
        "${var.table_deletion_protection}",
      ],
      state_stock: [
        "${var.project_name}-stock",
        "productId",
        [{ name: "productId", type: "S" }],
        "PAY_PER_REQUEST",
        { enabled: true },
        "${var.table_deletion_protection}",
      ],
    });
  });

  test("encrypted with the customer's key when kms_key_arn is set, else with DynamoDB's own key", () => {
    for (const table of Object.values(resources(json, "aws_dynamodb_table"))) {
      expect(table.server_side_encryption).toEqual({ enabled: "${var.kms_key_arn != null}", kms_key_arn: "${var.kms_key_arn}" });
    }
  });

  test("idempotency records expire (TTL on expiresAt); orders and stock are kept", () => {
    const tables = resources(json, "aws_dynamodb_table");
    expect(tables.state_idempotency.ttl).toEqual({ attribute_name: "expiresAt", enabled: true });
    expect([tables.state_orders.ttl, tables.state_stock.ttl]).toEqual([undefined, undefined]);
  });

  test("Terraform writes no item: the stock is seeded by inventory-service, which adds only the products the table lacks", () => {
    expect(json.resource.aws_dynamodb_table_item).toBeUndefined();
    expect(resources(json, "aws_lambda_invocation")).toEqual({
      stock_seed: expect.objectContaining({
        function_name: "${aws_lambda_function.inventory_service_function.function_name}",
        depends_on: ["aws_dynamodb_table.state_stock"],
      }),
    });
    // A change of the catalogue changes the input: the next apply seeds the new products.
    expect(JSON.parse(resources(json, "aws_lambda_invocation").stock_seed.input)).toEqual({
      action: "seed",
      stock: [...CATALOGUE].map(([productId, available]) => ({ productId, available })),
    });
  });

  test("version 2's seed items are forgotten, never deleted, by the first apply of this version", () => {
    expect((json as { removed?: unknown }).removed).toEqual(
      ["prod001", "prod002", "prod003", "prod004", "prod005"].map((product) => ({
        from: `aws_dynamodb_table_item.state_stock_${product}`,
        lifecycle: { destroy: false },
      })),
    );
  });

  test("with table_deletion_protection, a destroy stops at its first step, the guard every other resource depends on, naming the variable", () => {
    const guard = resources(json, "terraform_data").destroy_guard;
    expect(guard.input).toEqual({ table_deletion_protection: "${var.table_deletion_protection}" });
    const every = Object.entries(json.resource)
      .flatMap(([type, byId]) => Object.keys(byId).map((id) => `${type}.${id}`))
      .filter((address) => address !== "terraform_data.destroy_guard");
    expect([...guard.depends_on].sort()).toEqual(every.sort());
    expect(guard.provisioner).toEqual([
      {
        "local-exec": {
          when: "destroy",
          command: `\${self.input.table_deletion_protection ? "echo ${DESTROY_REFUSED} 1>&2 && exit 1" : "echo table_deletion_protection is false: the tables are destroyed with the stack"}`,
        },
      },
    ]);
    expect(DESTROY_REFUSED).toContain("table_deletion_protection is true");
    // Plain words only: cmd and sh print the message alike.
    expect(DESTROY_REFUSED).not.toMatch(/[<>|&^%"'`$;()]/);
  });

  test("a CompensationFailed order raises its own alarm, from the workflow's execution log (Step Functions writes it, not a service)", () => {
    expect(resources(json, "aws_cloudwatch_log_metric_filter").metrics_compensation_failed).toMatchObject({
      name: "${var.project_name}-compensation-failed",
      log_group_name: "${aws_cloudwatch_log_group.workflow_logs.name}",
      pattern: '{ $.type = "ExecutionFailed" && $.details.error = "CompensationFailed" }',
      metric_transformation: { name: "CompensationFailed", namespace: "${var.project_name}", value: "1", default_value: "0" },
    });
    expect(resources(json, "aws_cloudwatch_metric_alarm").alarms_compensation_failed).toMatchObject({
      alarm_name: "${var.project_name}-compensation-failed",
      namespace: "${var.project_name}",
      metric_name: "CompensationFailed",
      statistic: "Sum",
      period: "${var.alarm_period_seconds}",
      threshold: "${var.alarm_thresholds.compensation_failed}",
      comparison_operator: "GreaterThanOrEqualToThreshold",
    });
  });

  test("the metric filters exist whether or not the alarms do (the dashboard shows the business metrics)", () => {
    const filters = Object.values(resources(json, "aws_cloudwatch_log_metric_filter"));
    expect(filters).toHaveLength(4 + 2 * SERVICES.length);
    for (const filter of filters) expect(filter.count).toBeUndefined();
  });
});
