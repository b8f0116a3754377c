/**
 * The setup of the mutation scopes (stryker.config.cjs): setup.ts without cdktf, whose
 * matchers only the stack tests use and whose load would be paid by every test file
 * for every mutant. The services log one JSON line per call; tests read results, not logs.
 */
process.env.LOG_LEVEL = "SILENT";
