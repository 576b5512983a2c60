import { defineProject } from 'vitest/config';

/** Condition that makes `@rnnkit/*` imports resolve to `src/index.ts`, so tests need no prior build. */
export const SOURCE_CONDITION = '@rnnkit/source';

/** Per-project vitest config: same conditions everywhere, the project named after its package. */
export function rnnkitProject(name: string) {
  return defineProject({
    resolve: { conditions: [SOURCE_CONDITION, 'import', 'module', 'node', 'default'] },
    ssr: { resolve: { conditions: [SOURCE_CONDITION, 'import', 'module', 'node', 'default'] } },
    test: {
      name,
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      environment: 'node',
      // CI runs every project at once on 2 noisy cores; a correct test must not fail on time.
      testTimeout: 30_000,
    },
  });
}
