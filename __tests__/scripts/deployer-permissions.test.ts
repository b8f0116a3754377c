/**
 * docs/deploying-identity.md is what `npm run docs:permissions` (scripts/deployer-permissions.ts)
 * writes now.
 */
import { readFileSync } from "node:fs";
import { PAGE, permissionsSection, Stacks, withPermissionsSection } from "../../scripts/deployer-permissions";
import { policyDocument } from "../../stacks/deployer-permissions";
import { removeTestOutdirs, synthStack } from "../helpers/synth";

const stacks: Stacks = { archive: synthStack("archive").json, synth: synthStack("synth").json };
afterAll(removeTestOutdirs);

describe("docs/deploying-identity.md", () => {
  test("GIVEN the synthesized stack WHEN the section is generated THEN the page holds exactly it (npm run docs:permissions)", () => {
    const page = readFileSync(PAGE, "utf8");
    expect(withPermissionsSection(page, permissionsSection(stacks))).toBe(page);
  });

  test("the page's policies are the module's, as JSON ready to paste", () => {
    const blocks = [...readFileSync(PAGE, "utf8").matchAll(/```json\n([\s\S]*?)\n```/g)].map(
      (match) => JSON.parse(match[1]) as unknown,
    );
    expect(blocks).toEqual([policyDocument("plan"), policyDocument("apply")]);
  });
});
