import { defineConfig } from 'vitest/config';

// Standalone on purpose: the example tests the installed (built) rnnkit packages, as a copy
// of this folder outside the workspace would.
export default defineConfig({
  test: {
    name: 'example-scale-out',
    include: ['src/**/*.test.ts'],
    testTimeout: 60_000,
  },
});
