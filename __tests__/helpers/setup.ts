import "../../stacks/quiet-cdktf-deprecation";
import { Testing } from "cdktf";
import { removeTestOutdirs } from "./synth";

// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...
Testing.setupJest();
// The services log one JSON line per call; tests read results, not logs.
process.env.LOG_LEVEL = "SILENT";
// Testing.app() outdirs would otherwise pile up in the temp folder.
afterAll(removeTestOutdirs);
