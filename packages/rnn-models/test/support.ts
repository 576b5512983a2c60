/**
 * The scaffold most rnn-models test files share: the cpu backend before the tests and the float
 * tolerances. Test-only: outside src, so it is neither built into dist nor published.
 */
import { beforeAll } from 'vitest';
import { initBackend } from '../src/backend/backend.js';

/** Tolerance of float comparisons between equal computations on different paths. */
export const CLOSE = { rtol: 1e-4, atol: 1e-5 };

/** No tolerance at all. */
export const EXACT = { rtol: 0, atol: 0 };

/** The cpu backend before the file's tests. Call once at the top of a test file. */
export function useCpuBackend(): void {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });
}
