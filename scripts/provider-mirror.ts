/**
 * node --import tsx scripts/provider-mirror.ts
 *
 * Prints the Terraform provider mirror that `npm test` uses (TF_PROVIDER_MIRROR, Terraform's
 * implied mirror directories, else a bounded search of the filesystem), one line on stdout;
 * or why there is none on stderr, exit 1. `.ci/run` exports what it prints as
 * TF_PROVIDER_MIRROR, so that the tests do not search again.
 */
import { findMirror } from "./terraform-toolchain";

const { mirror, reason } = findMirror();
if (mirror) {
  process.stdout.write(`${mirror}\n`);
} else {
  process.stderr.write(`${reason}\n`);
  process.exit(1);
}
