// @ts-check
/**
 * Whether a build output is newer than every file it was built from, so that an unchanged
 * project skips esbuild (its first call costs about 0.1 s) when it synthesizes again.
 * Git checkouts and edits set fresh modification times, so they always rebuild.
 */
const { existsSync, readdirSync, statSync, utimesSync, writeFileSync } = require("node:fs");
const path = require("node:path");

/** @param {string} entry @returns {number} the newest modification time in a file or folder, in ms */
function newestMtime(entry) {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce((newest, name) => Math.max(newest, newestMtime(path.join(entry, name))), stat.mtimeMs);
}

/**
 * @param {string} stamp a file touched after each successful build
 * @param {string[]} sources the files and folders the build reads
 */
function isUpToDate(stamp, sources) {
  if (process.env.CDKTF_APP_REBUILD === "1" || !existsSync(stamp)) return false;
  const built = statSync(stamp).mtimeMs;
  return sources.every((source) => newestMtime(source) < built);
}

/**
 * @param {string} stamp
 * @param {Date} startedAt when the build began: a source saved during the build is then newer than the stamp
 */
function markBuilt(stamp, startedAt) {
  writeFileSync(stamp, "");
  utimesSync(stamp, startedAt, startedAt);
}

module.exports = { isUpToDate, markBuilt };
