/** The committed picture of the workflow is the definition's, state for state and edge for edge. */
import { readFileSync } from "node:fs";
import { localFunctionArns } from "../../local/runner";
import { DIAGRAM_FILE, diagramDocument, mermaidOf } from "../../scripts/diagram";
import { allStates, buildWorkflowDefinition } from "../../stacks/workflow-definition";
import { tasksOf } from "../helpers/workflow-states";

const definition = buildWorkflowDefinition(localFunctionArns());

describe("workflow diagram", () => {
  test("GIVEN the committed docs/workflow.md THEN it is what `npm run diagram` writes now (run it after changing the workflow)", () => {
    expect(readFileSync(DIAGRAM_FILE, "utf8")).toBe(diagramDocument());
  });

  test("every state is a node, every Catch a dashed edge, every Retry a loop, every Choice rule an edge", () => {
    const mermaid = mermaidOf(definition);
    const states = allStates(definition.States);
    for (const [name] of states) expect(mermaid).toMatch(new RegExp(`^  +${name}[\\[({]`, "m"));
    const count = (pattern: RegExp) => (mermaid.match(pattern) ?? []).length;
    const tasks = tasksOf(definition.States);
    const catchers = tasks.reduce((sum, [, task]) => sum + (task.Catch ?? []).length, 0);
    const retriers = tasks.reduce((sum, [, task]) => sum + (task.Retry ?? []).length, 0);
    expect(count(/ -\.->\|/g)).toBe(catchers);
    expect(count(/^ {2}(\w+) -->\|"retry x\d+: [^"]+"\| \1$/gm)).toBe(retriers);
    const checkFulfilment = definition.States.CheckFulfilment;
    expect(checkFulfilment.Type).toBe("Choice");
    expect(count(/^ {2}CheckFulfilment -->/gm)).toBe(
      (checkFulfilment.Type === "Choice" ? checkFulfilment.Choices.length : NaN) + 1,
    );
    expect(mermaid).toContain("ProcessPaymentAndInventory ==> AuthorizePayment");
    expect(mermaid).toContain("ProcessPaymentAndInventory ==> ReserveInventory");
  });
});
