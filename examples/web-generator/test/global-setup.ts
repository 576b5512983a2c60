import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { buildApp, ROOT } from './harness.js';

/**
 * Builds the app once for every test file (vite build: ~15 s of CPU). While iterating on the
 * tests alone, WEB_GENERATOR_SKIP_BUILD=1 reuses an existing dist/.
 */
export default async function setup(): Promise<void> {
  if (process.env['WEB_GENERATOR_SKIP_BUILD'] === '1' && existsSync(join(ROOT, 'dist/index.html'))) return;
  await buildApp();
}
