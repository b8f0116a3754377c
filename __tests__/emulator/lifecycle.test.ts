import { unfinishedResources } from "../../emulator/lifecycle";

// What a stopped apply was waiting for is what an operator needs from a CI log that has nothing else.
describe("unfinishedResources (a stopped Terraform run's last words)", () => {
  it("names the resources started and not finished, with the last elapsed time Terraform printed", () => {
    const stdout = [
      "aws_iam_role.order_role: Creating...",
      "aws_lambda_invocation.seed_stock: Creating...",
      "aws_iam_role.order_role: Creation complete after 1s [id=orders-dev-order]",
      "aws_sfn_state_machine.workflow: Modifying... [id=arn:aws:states:...]",
      "aws_lambda_invocation.seed_stock: Still creating... [10s elapsed]",
      "aws_lambda_invocation.seed_stock: Still creating... [2m30s elapsed]",
      "aws_dynamodb_table.stock: Destroying... [id=orders-dev-stock]",
      "aws_dynamodb_table.stock: Destruction complete after 2s",
    ].join("\n");
    expect(unfinishedResources(stdout)).toEqual([
      "aws_lambda_invocation.seed_stock (creating, 2m30s elapsed)",
      "aws_sfn_state_machine.workflow (modifying)",
    ]);
  });

  it("names nothing when every resource finished", () => {
    expect(unfinishedResources("aws_sqs_queue.dlq: Creating...\naws_sqs_queue.dlq: Creation complete after 0s [id=q]\n")).toEqual(
      [],
    );
  });
});
