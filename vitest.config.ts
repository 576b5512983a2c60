import { defineConfig } from 'vitest/config';

// One vitest process runs every workspace project; each project's own config
// resolves sibling packages to their TypeScript source (see vitest.shared.ts).
export default defineConfig({
  test: {
    projects: [
      'packages/*/vitest.config.ts',
      'integration/vitest.config.ts',
      'examples/*/vitest.config.ts',
      'scripts/vitest.config.ts',
    ],
    reporters: ['default', './scripts/summary-reporter.ts'],
  },
});
