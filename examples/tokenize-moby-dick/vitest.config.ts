import { defineConfig } from 'vitest/config';

// Standalone on purpose: the example tests the installed (built) @rnnkit/tokenize, as a
// copy of this folder outside the workspace would.
export default defineConfig({
  test: {
    name: 'example-tokenize-moby-dick',
    include: ['src/**/*.test.ts'],
  },
});
