// Shared by the end-to-end tests and the page measurements: build the app once, serve it with
// `vite preview` (COOP/COEP headers included), and drive Debian's Chromium with playwright-core.
import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';
import { build, type PreviewServer, preview } from 'vite';
import { ROOT } from './paths.js';

export { OUTPUT, ROOT } from './paths.js';

/** `vite build` into dist/ (warnings about Node-only modules of unused loaders silenced). */
export async function buildApp(): Promise<void> {
  await build({ root: ROOT, logLevel: 'error' });
}

/** `vite preview` of dist/ on a free port; returns the server and its URL. */
export async function startPreview(): Promise<{ server: PreviewServer; url: string }> {
  const server = await preview({ root: ROOT, logLevel: 'error', preview: { port: 0, host: '127.0.0.1' } });
  const url = server.resolvedUrls?.local[0];
  if (url === undefined) throw new Error('vite preview did not report a URL');
  return { server, url };
}

/** Debian's chromium (or CHROMIUM_PATH), headless; never a browser download. */
export async function launchChromium(): Promise<Browser> {
  const executablePath = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
  if (!existsSync(executablePath)) {
    throw new Error(
      `Chromium is not installed at ${executablePath}: the end-to-end tests need it. ` +
        'Install it with `apt-get install -y chromium` (Debian), or set CHROMIUM_PATH to a Chromium binary.',
    );
  }
  return chromium.launch({
    executablePath,
    headless: true,
    // Chromium refuses its sandbox as root (CI containers).
    args: process.getuid?.() === 0 ? ['--no-sandbox'] : [],
  });
}
