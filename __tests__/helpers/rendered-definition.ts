/** The committed rendering of the workflow definition (see stacks/workflow-definition/index.test.ts for why it exists). */
import { readFileSync } from "node:fs";
import * as path from "node:path";

export const RENDERED_DEFINITION_FILE = path.join(__dirname, "..", "fixtures", "workflow-definition.rendered.txt");

/** The fixture's text; a final newline an editor may add is not part of it. */
export const RENDERED_DEFINITION = readFileSync(RENDERED_DEFINITION_FILE, "utf8").replace(/\n$/, "");
