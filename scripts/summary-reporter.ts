import type { Reporter, TestModule } from 'vitest/node';

/**
 * Ends a run with one plain line, "Tests: N passed, N failed, N skipped", that CI
 * systems read without parsing vitest's coloured table.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const totals = { passed: 0, failed: 0, skipped: 0 };
    for (const testModule of testModules) {
      for (const test of testModule.children.allTests()) {
        const state = test.result().state;
        if (state === 'passed') totals.passed++;
        else if (state === 'failed') totals.failed++;
        else totals.skipped++;
      }
      if (testModule.state() === 'failed' && testModule.children.size === 0) totals.failed++;
    }
    process.stdout.write(
      `\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped\n`,
    );
  }
}
