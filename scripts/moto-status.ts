/**
 * node --import tsx scripts/moto-status.ts
 *
 * Says whether the installed moto is the release emulator/requirements.txt pins, in one
 * line; exit 0 when it is, 1 when it is another release or missing (the emulator tests
 * then print SKIPPED with the same reason). For .ci/run, which tries pip only then.
 */
import { findInstalledMoto, MOTO_VERSION } from "../emulator/server";

const { moto, reason } = findInstalledMoto();
if (!moto) {
  process.stdout.write(`moto: not installed: ${reason}\n`);
  process.exit(1);
}
if (moto.version !== MOTO_VERSION) {
  process.stdout.write(`moto ${moto.version} (${moto.python}): emulator/requirements.txt pins ${MOTO_VERSION}\n`);
  process.exit(1);
}
process.stdout.write(`moto ${moto.version} (${moto.python}): as emulator/requirements.txt pins\n`);
