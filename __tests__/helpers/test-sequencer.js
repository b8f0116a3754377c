/**
 * Jest's own order (slowest and failed first, from its cache), except that the emulator
 * lifecycle always starts first: it takes about three minutes on one worker while the
 * other suites share the other, so starting it last (as a fresh clone without jest's
 * timing cache would, by file size) would add its whole length to `npm test`.
 */
const Sequencer = require("@jest/test-sequencer").default;

const FIRST = ["system/lifecycle.integration.test.ts", "system/terraform-offline.integration.test.ts"];

class LifecycleFirst extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const index = FIRST.findIndex((name) => test.path.endsWith(name));
      return index < 0 ? FIRST.length : index;
    };
    const sorted = super.sort(tests);
    return (Array.isArray(sorted) ? sorted : []).slice().sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = LifecycleFirst;
