/**
 * Fails the run when a test's full name is longer than MAX_TITLE_LENGTH (helpers/titles.ts
 * says why: Stryker could not select that test by name). A table test that prints a long
 * value in its title shows it with inTitle() instead.
 */
const path = require("node:path");

const MAX_TITLE_LENGTH = 1000;

class TitleLengthReporter {
  constructor() {
    /** `<file>: <the name's first 120 characters>...` for each name that is too long. */
    this.tooLong = [];
  }

  onTestResult(_test, testResult) {
    for (const assertion of testResult.testResults) {
      if (assertion.fullName.length > MAX_TITLE_LENGTH)
        this.tooLong.push(
          `${path.relative(process.cwd(), testResult.testFilePath)}: ${assertion.fullName.slice(0, 120)}... (${assertion.fullName.length} characters)`,
        );
    }
  }

  onRunComplete() {
    for (const line of this.tooLong)
      process.stderr.write(
        `TEST NAME TOO LONG (over ${MAX_TITLE_LENGTH} characters; show long values with inTitle()): ${line}\n`,
      );
  }

  getLastError() {
    if (this.tooLong.length > 0) return new Error(`${this.tooLong.length} test name(s) over ${MAX_TITLE_LENGTH} characters`);
  }
}

module.exports = TitleLengthReporter;
