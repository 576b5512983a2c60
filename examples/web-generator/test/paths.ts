import { fileURLToPath } from 'node:url';

/** The example's folder. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url));
/** Screenshots, downloads and measurements of the tests (git-ignored). */
export const OUTPUT = fileURLToPath(new URL('../test-output/', import.meta.url));
