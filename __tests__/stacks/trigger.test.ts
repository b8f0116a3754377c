/**
 * The EventBridge rule, target and dead-letter queue that start the workflow (stacks/trigger.ts).
 */
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { onlyResource, reference, synthStack } from "../helpers/synth";

const { synthesized, json } = synthStack("archive");

describe("trigger", () => {
  test("the rule matches source microservices.orders and detail-type Order Submitted", () => {
    const rule = onlyResource(json, "aws_cloudwatch_event_rule");
    expect(rule.name).toBe("${var.project_name}-trigger");
    expect(JSON.parse(rule.event_pattern)).toEqual({
      source: ["microservices.orders"],
      "detail-type": ["Order Submitted"],
      account: ["${local.deployment_account}"],
    });
  });

  test("the deploying account, partition and Region come from the workflow log group's ARN: no data source asks STS at plan time", () => {
    const arn = "aws_cloudwatch_log_group.workflow_logs.arn";
    expect(json.locals).toMatchObject({
      deployment_partition: `\${element(split(":", ${arn}), 1)}`,
      deployment_region: `\${element(split(":", ${arn}), 3)}`,
      deployment_account: `\${element(split(":", ${arn}), 4)}`,
    });
    expect(json.data?.aws_caller_identity).toBeUndefined();
  });

  test("the target starts the live alias with the event's detail fields and the event's id as input", () => {
    expect(synthesized).toHaveResourceWithProperties(CloudwatchEventTarget, {
      arn: reference(json, "aws_sfn_alias", () => true, "arn"),
      input_transformer: {
        input_paths: { userId: "$.detail.userId", orderData: "$.detail.orderData", eventId: "$.id" },
        input_template: '{"userId": <userId>, "orderData": <orderData>, "eventId": <eventId>}',
      },
    });
    const target = onlyResource(json, "aws_cloudwatch_event_target");
    expect(target.role_arn).toBe(
      reference(json, "aws_iam_role", (role) => role.name === "${var.project_name}-trigger-role", "arn"),
    );
    expect(target.input_path).toBeUndefined();
    // The recipe's jsonencode'd template turned <detail> into \u003cdetail\u003e.
    expect(synthesized).not.toMatch(/\\u003[ce]|jsonencode/);
  });
});
