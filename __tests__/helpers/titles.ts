/**
 * Test titles stay short. Stryker runs the tests that cover a mutant by a name filter, one
 * regular expression of their titles, and V8 refuses to compile one that holds a title of tens
 * of thousands of characters ("Regular expression too large"): the mutant is then reported as a
 * runtime error, outside the score, instead of killed or survived. title-length-reporter.js
 * fails a run in which a test's full name is over 1000 characters.
 */

/** How much of a value a title shows. */
const SHOWN = 300;

/** A value as a test title shows it: its JSON, cut after 300 characters and saying how long it was. */
export function inTitle(value: unknown): string {
  const json = JSON.stringify(value) ?? String(value);
  return json.length <= SHOWN ? json : `${json.slice(0, SHOWN)}... (${json.length} characters)`;
}
