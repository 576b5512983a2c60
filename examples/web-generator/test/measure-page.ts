// Tokens/s in the page, threaded and not: the built app in Chromium generates MEASURE's 1,000
// characters with the Moby-Dick model and trains on MEASURE's text, as src/node-bench.ts does in Node.
//   pnpm measure            # builds dist/ first unless WEB_GENERATOR_SKIP_BUILD=1
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { MEASURE } from '../src/sample-text.js';
import { buildApp, launchChromium, OUTPUT, ROOT, startPreview } from './harness.js';

if (process.env['WEB_GENERATOR_SKIP_BUILD'] !== '1' || !existsSync(join(ROOT, 'dist/index.html')))
  await buildApp();
const { server, url } = await startPreview();
const browser = await launchChromium();
const results: Record<string, unknown>[] = [];
mkdirSync(OUTPUT, { recursive: true });
try {
  for (const query of ['', '?threads=1']) {
    const page = await browser.newPage({ viewport: { width: 1000, height: 900 } });
    await page.goto(url + query);
    await page.waitForSelector('#generate:not([disabled])', { timeout: 60_000 });
    const badge = (await page.textContent('#backend')) ?? '';
    const { prompt, maxNewTokens, temperature, seed } = MEASURE.generate;
    await page.fill('#prompt', prompt);
    await page.fill('#temperature', String(temperature));
    await page.fill('#seed', String(seed));
    // A short warm-up, as Node's bench does.
    await page.fill('#max-new-tokens', '20');
    await page.click('#generate');
    await page.waitForSelector('#output[data-state=done]');
    await page.fill('#max-new-tokens', String(maxNewTokens));
    await page.click('#generate');
    await page.waitForSelector('#output[data-state=running]');
    await page.waitForSelector('#output[data-state=done]', { timeout: 120_000 });
    const generateTokensPerSecond = Number(
      await page.getAttribute('#generate-stats', 'data-tokens-per-second'),
    );
    const text = (await page.textContent('#generated')) ?? '';
    await page.fill('#train-text', MEASURE.trainText);
    await page.fill('#train-seconds', String(MEASURE.trainSeconds));
    await page.click('#train');
    await page.waitForSelector('#train-stats[data-state=done]', { timeout: 120_000 });
    const stats = page.locator('#train-stats');
    results.push({
      page: query || '(default)',
      backend: badge,
      generateTokensPerSecond,
      firstCharacters: text.slice(0, 60),
      trainCharactersPerSecond: Number(await stats.getAttribute('data-characters-per-second')),
      trainWorkerThreads: Number(await stats.getAttribute('data-threads')),
      trainSteps: Number(await stats.getAttribute('data-steps')),
      trainLoss: [
        Number(await stats.getAttribute('data-first-loss')),
        Number(await stats.getAttribute('data-last-loss')),
      ],
    });
    console.log(results.at(-1));
    await page.screenshot({ path: join(OUTPUT, `measure${query ? '-one-thread' : ''}.png`), fullPage: true });
    await page.close();
  }
} finally {
  await browser.close();
  await server.close();
}
writeFileSync(join(OUTPUT, 'page-measurements.json'), `${JSON.stringify(results, null, 2)}\n`);
