import { defineConfig } from 'vitest/config';

// Standalone on purpose: the example tests the installed (built) rnnkit packages, as a copy of
// this folder outside the workspace would. The global setup builds the app once (dist/) for the
// bundle check and the end-to-end tests.
export default defineConfig({
  test: {
    name: 'example-web-generator',
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
