/**
 * The definition as it is deployed, byte for byte.
 *
 * __tests__/fixtures/workflow-definition.rendered.txt is the `definition` of
 * aws_sfn_state_machine as cdk.tf.json carried it before the builder was rewritten on typed
 * ASL (issue 18): JSON text whose Task timeouts and execution timeout are Terraform
 * expressions of lambda_timeout. A change of the builder that is meant to change nothing
 * must leave this text as it is: any other byte is a new definition, which publishes a new
 * state machine version on the next apply and makes every plan show a change. stacks/workflow.test.ts
 * checks that the synthesized stack carries exactly this text; here the builder's own
 * output is checked against it, for Terraform and with the numbers the local runner uses.
 * A change of the workflow itself rewrites the fixture (the synthesized `definition`).
 */
import { localFunctionArns } from "../../../local/runner";
import { mapServices, SERVICES } from "../../../stacks/services";
import { jsonWithExpressions, TerraformExpression } from "../../../stacks/terraform-expression";
import { buildWorkflowDefinition, expressionOptionsFor, optionsFor } from "../../../stacks/workflow-definition";
import { RENDERED_DEFINITION } from "../../helpers/rendered-definition";

/** The references cdk.tf.json uses for the functions' published versions. */
const versionReferences = mapServices((service) => `\${aws_lambda_function.${service.replace("-", "_")}_function.qualified_arn}`);

describe("the rendered definition", () => {
  test("GIVEN the functions' version references and lambda_timeout WHEN rendered for Terraform THEN it is the committed text", () => {
    const lambdaTimeout = TerraformExpression.reference("var.lambda_timeout");
    const definition = buildWorkflowDefinition(versionReferences, expressionOptionsFor(lambdaTimeout));
    expect(jsonWithExpressions(definition)).toBe(RENDERED_DEFINITION);
  });

  test("the fixture's timeouts are the expressions of lambda_timeout, and only they are", () => {
    expect(RENDERED_DEFINITION.match(/"TimeoutSeconds":(\$\{[^}]*\}|\d+)/g)).toEqual([
      '"TimeoutSeconds":${25 * (var.lambda_timeout + 5) + 55}',
      ...Array.from({ length: 14 }, () => '"TimeoutSeconds":${var.lambda_timeout + 5}'),
    ]);
  });

  test.each([
    [30, 35, 930],
    [1, 6, 205],
    [900, 905, 25 * 905 + 55],
  ])(
    "GIVEN functions of %i s WHEN built with numbers THEN it is the committed text with Tasks of %i s and an execution of %i s",
    (lambdaTimeout, task, execution) => {
      const arns = localFunctionArns();
      let expected = RENDERED_DEFINITION.replace("${25 * (var.lambda_timeout + 5) + 55}", String(execution)).replaceAll(
        "${var.lambda_timeout + 5}",
        String(task),
      );
      for (const service of SERVICES) expected = expected.replaceAll(versionReferences[service], arns[service]);
      expect(expected).not.toContain("${");
      expect(JSON.stringify(buildWorkflowDefinition(arns, optionsFor(lambdaTimeout)))).toBe(expected);
    },
  );
});
