// A web-test-runner reporter that writes the counts of one run to a JSON file, so the
// project's test script can sum every suite without scraping progress output. Counts are
// also kept per engine, and an engine missing from this machine counts as one skipped test
// (its message names the Debian package), so a run without it never looks like a full pass.
import { writeFileSync } from 'node:fs';

function count(suite, totals) {
  for (const test of suite?.tests ?? []) {
    if (test.skipped) totals.skipped++;
    else if (test.passed) totals.passed++;
    else totals.failed++;
  }
  for (const child of suite?.suites ?? []) count(child, totals);
}

const zero = () => ({ passed: 0, failed: 0, skipped: 0, sessionErrors: 0 });

/**
 * @param {string} file
 * @param {{ missing?: Array<{ label: string, message: string }> }} [options]
 */
export function summaryReporter(file, { missing = [] } = {}) {
  return {
    onTestRunFinished({ sessions }) {
      const totals = zero();
      /** @type {Record<string, ReturnType<typeof zero>>} */
      const engines = {};
      for (const session of sessions) {
        const engine = (engines[session.browser.name] ??= zero());
        for (const target of [totals, engine]) {
          count(session.testResults, target);
          // A file that failed to load or threw outside a test has errors but no failed test.
          if (!session.passed && (session.errors?.length ?? 0) > 0) target.sessionErrors++;
        }
      }
      for (const { label } of missing) {
        totals.skipped++;
        engines[label] = { ...zero(), skipped: 1 };
      }
      writeFileSync(file, JSON.stringify({ ...totals, engines, missing: missing.map((m) => m.message) }));
    },
  };
}
