/**
 * cdktf 0.21 calls util.isArray when it synthesizes an output, and Node.js 22 deprecates
 * that call at run time (DEP0044): every synth would print a DeprecationWarning on stderr,
 * which `cdktf synth` then shows as an "[ERROR]" line although nothing failed. The call is
 * cdktf's, and cdktf is no longer maintained (CDK Terrain is its successor), so this drops
 * that one warning, by its code, and lets every other warning through.
 *
 * Imported for its effect by every entry point that synthesizes: main.ts, the local
 * runner's --event, the tests' setup.
 */
const CDKTF_DEPRECATION = "DEP0044";

const emitWarning = process.emitWarning.bind(process);
process.emitWarning = function (warning: string | Error, ...rest: unknown[]) {
  // Node passes the code third (emitWarning(message, type, code)) or in an options object.
  const [typeOrOptions, code] = rest;
  const given = typeof typeOrOptions === "object" && typeOrOptions !== null ? (typeOrOptions as { code?: string }).code : code;
  if (given === CDKTF_DEPRECATION) return;
  return (emitWarning as (...args: unknown[]) => void)(warning, ...rest);
};
