/** The committed picture of the workflow is the definition's, state for state and edge for edge. */
import { readFileSync } from "node:fs";
import { localFunctionArns } from "../local/runner";
import { DIAGRAM_FILE, diagramDocument, mermaidOf } from "../scripts/diagram";
import { allStates, buildWorkflowDefinition } from "../stacks/workflow-definition";

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
    const catchers = states.reduce((sum, [, state]) => sum + ((state.Catch as unknown[]) ?? []).length, 0);
    const retriers = states.reduce((sum, [, state]) => sum + ((state.Retry as unknown[]) ?? []).length, 0);
    expect(count(/ -\.->\|/g)).toBe(catchers);
    expect(count(/^ {2}(\w+) -->\|"retry x\d+: [^"]+"\| \1$/gm)).toBe(retriers);
    expect(count(/^ {2}CheckFulfilment -->/gm)).toBe((definition.States.CheckFulfilment.Choices as unknown[]).length + 1);
    expect(mermaid).toContain("ProcessPaymentAndInventory ==> AuthorizePayment");
    expect(mermaid).toContain("ProcessPaymentAndInventory ==> ReserveInventory");
  });
});
