import { Testing } from "cdktf";
import util from "node:util";
import { removeTestOutdirs } from "./synth";

// cdktf calls util.isArray, which Node.js 22 deprecates (DEP0044): without this each Jest worker
// prints the warning once. stacks/quiet-cdktf-deprecation.ts cannot reach Jest's workers (their
// tests see a copy of `process`), but the util module is the worker's own: its isArray is
// Array.isArray without the deprecation wrapper. (The default import: a namespace import's
// object is a copy.)
(util as { isArray?: unknown }).isArray = Array.isArray;
// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...
Testing.setupJest();
// The services log one JSON line per call; tests read results, not logs.
process.env.LOG_LEVEL = "SILENT";
// Testing.app() outdirs would otherwise pile up in the temp folder.
afterAll(removeTestOutdirs);
