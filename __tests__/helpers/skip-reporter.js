/**
 * Prints `SKIPPED <suite>: <reason>` for every suite skipped with describeUnless (skip.ts),
 * at the end of the run just above Jest's summary, so that a skipped suite is never read
 * as a passed one.
 */
const SKIPPED_PREFIX = "SKIPPED ";

class SkipReporter {
  constructor() {
    /** One line per reason, in the order the files finished. */
    this.lines = new Set();
  }

  onTestResult(_test, testResult) {
    for (const assertion of testResult.testResults) {
      if ((assertion.status === "pending" || assertion.status === "skipped") && assertion.title.startsWith(SKIPPED_PREFIX))
        this.lines.add(assertion.title);
    }
  }

  onRunComplete() {
    // stderr, where Jest writes its own report.
    for (const line of this.lines) process.stderr.write(`${line}\n`);
  }
}

module.exports = SkipReporter;
