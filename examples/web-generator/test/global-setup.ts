import { existsSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './paths.js';

/**
 * Builds the app once for every test file (vite build: ~15–20 s of CPU) — unless dist/ is newer
 * than everything it is built from (the app's sources and the rnnkit packages' builds), as after
 * the root `pnpm test`, whose `turbo run build` has just built it. WEB_GENERATOR_SKIP_BUILD=1
 * reuses any existing dist/ while iterating on the tests.
 */
export default async function setup(): Promise<void> {
  const built = join(ROOT, 'dist/index.html');
  if (existsSync(built)) {
    if (process.env['WEB_GENERATOR_SKIP_BUILD'] === '1') return;
    if (statSync(built).mtimeMs > newestInput()) return;
  }
  // Vite loads only when a build is needed.
  const { buildApp } = await import('./harness.js');
  await buildApp();
}

/** The latest modification time among the files the build reads. */
function newestInput(): number {
  const rnnkit = join(ROOT, 'node_modules/@rnnkit');
  const packages = readdirSync(rnnkit).map((name) => join(realpathSync(join(rnnkit, name)), 'dist'));
  const inputs = ['index.html', 'vite.config.ts', 'package.json', 'src', 'public'].map((p) => join(ROOT, p));
  return Math.max(...[...inputs, ...packages].map(newest));
}

function newest(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))));
}
