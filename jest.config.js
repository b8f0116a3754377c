/**
 * Two projects. `unit` (`npm run test:unit`, under a minute): a module at a time, in-process,
 * mirroring the source tree (__tests__/stacks/trigger.test.ts tests stacks/trigger.ts).
 * `integration` (`npm run test:integration`): the system as a whole, in __tests__/system/
 * (the property, invariant and alarm-condition runs, the emulator lifecycle), and every file
 * named *.integration.test.ts, which runs Terraform, the AWS emulator or the cdktf CLI.
 * `npm test` runs both.
 */
/** What both projects share. */
const project = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  // "ts" first, so a stale compiled .js never shadows its .ts source.
  moduleFileExtensions: ["ts", "js", "json"],
  transform: {
    // Transpile only: `npm run typecheck` (tsc) checks types once instead of in every worker.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  setupFilesAfterEnv: ["<rootDir>/__tests__/helpers/setup.ts"],
};

/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      ...project,
      displayName: "unit",
      testMatch: ["<rootDir>/__tests__/**/*.test.ts"],
      testPathIgnorePatterns: ["/node_modules/", "/__tests__/system/", "\\.integration\\.test\\.ts$"],
    },
    {
      ...project,
      displayName: "integration",
      testMatch: ["<rootDir>/__tests__/system/**/*.test.ts", "<rootDir>/__tests__/**/*.integration.test.ts"],
    },
  ],
  // Finds the Terraform provider mirror once for every worker.
  globalSetup: "<rootDir>/__tests__/helpers/global-setup.ts",
  // A suite that cannot run here prints SKIPPED <suite>: <reason> at the end (helpers/skip.ts);
  // a test name over 1000 characters fails the run (helpers/titles.ts says why).
  reporters: ["default", "<rootDir>/__tests__/helpers/skip-reporter.js", "<rootDir>/__tests__/helpers/title-length-reporter.js"],
  testTimeout: 60000,
  // Two workers even on a 2-core machine (Jest's default there is one): the emulator
  // lifecycle spends most of its three minutes waiting on Terraform's provider, so the
  // other suites run beside it instead of after it.
  maxWorkers: 2,
  // A worker that loaded cdktf and the provider bindings may need more than Jest's default
  // half second to exit on a busy 2-core machine; past this it is killed, with a warning.
  workerGracefulExitTimeout: 5000,
  // The emulator lifecycle (about three minutes) starts first; see the file.
  testSequencer: "<rootDir>/__tests__/helpers/test-sequencer.js",
};
