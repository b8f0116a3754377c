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
  setupFilesAfterEnv: ["<rootDir>/__tests__/helpers/setup.ts"],
  testTimeout: 60000,
  // The emulator lifecycle (about three minutes) starts first; see the file.
  testSequencer: "<rootDir>/__tests__/helpers/test-sequencer.js",
};
