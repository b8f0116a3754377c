import { Testing } from "cdktf";

// cdktf's matchers: toHaveResource, toHaveResourceWithProperties, toBeValidTerraform, ...
Testing.setupJest();
// The services log one JSON line per call; tests read results, not logs.
process.env.LOG_LEVEL = "SILENT";
