/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: "node",
  roots: ["<rootDir>/__tests__"],
  testMatch: ["**/*.test.ts"],
  // "ts" first, so a stale compiled .js never shadows its .ts source.
  moduleFileExtensions: ["ts", "js", "json"],
  transform: {
    // Transpile only: `npm run typecheck` (tsc) checks types once instead of in every worker.
    "^.+\\.ts$": ["ts-jest", { diagnostics: false }],
  },
  // Finds the Terraform provider mirror once for every worker.
  globalSetup: "<rootDir>/__tests__/helpers/global-setup.ts",
  setupFilesAfterEnv: ["<rootDir>/__tests__/helpers/setup.ts"],
  // A suite that cannot run here prints SKIPPED <suite>: <reason> at the end (helpers/skip.ts).
  reporters: ["default", "<rootDir>/__tests__/helpers/skip-reporter.js"],
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
