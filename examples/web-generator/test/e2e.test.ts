// End to end in Debian's Chromium: the built app served by `vite preview` (cross-origin
// isolated), driven through playwright-core. Screenshots go to test-output/.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import type { PreviewServer } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TYGER } from '../src/sample-text.js';
import { launchChromium, OUTPUT, startPreview } from './harness.js';

let server: PreviewServer;
let url: string;
let browser: Browser;

beforeAll(async () => {
  mkdirSync(OUTPUT, { recursive: true });
  ({ server, url } = await startPreview());
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** A new page with the Moby-Dick model loaded; page errors fail the test. */
async function openApp(query = ''): Promise<{ page: Page; errors: string[] }> {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  const errors: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url + query);
  await page.waitForSelector('#generate:not([disabled])', { timeout: 30_000 });
  return { page, errors };
}

/**
 * Clicks Generate and waits for the end, recording the generated text's length at every
 * animation frame: what a visitor sees appear.
 */
async function generate(page: Page, settings: { maxNewTokens: number; seed: number; prompt?: string }) {
  await page.fill('#max-new-tokens', String(settings.maxNewTokens));
  await page.fill('#seed', String(settings.seed));
  if (settings.prompt !== undefined) await page.fill('#prompt', settings.prompt);
  await page.evaluate(() => {
    const w = window as unknown as { frameLengths: number[] };
    w.frameLengths = [];
    const generated = document.getElementById('generated')!;
    const output = document.getElementById('output')!;
    const sample = () => {
      w.frameLengths.push(generated.textContent!.length);
      if (output.dataset['state'] !== 'done') requestAnimationFrame(sample);
    };
    requestAnimationFrame(sample);
  });
  await page.click('#generate');
  await page.waitForSelector('#output[data-state=done]', { timeout: 30_000 });
  return {
    text: (await page.textContent('#generated')) ?? '',
    frameLengths: await page.evaluate(() => (window as unknown as { frameLengths: number[] }).frameLengths),
    tokensPerSecond: Number(await page.getAttribute('#generate-stats', 'data-tokens-per-second')),
  };
}

const measurements: Record<string, unknown> = {};
afterAll(() =>
  writeFileSync(join(OUTPUT, 'measurements.json'), `${JSON.stringify(measurements, null, 2)}\n`),
);

describe('the web generator in Chromium', () => {
  it('streams 200 characters on threaded wasm, the same for the same seed', async () => {
    // Two threads asked for: the default, 'auto', runs one on a 2-core machine.
    const { page, errors } = await openApp('?threads=2');
    const badge = page.locator('#backend');
    expect(await badge.getAttribute('data-backend')).toBe('wasm');
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true); // COOP/COEP served by vite preview
    expect(await badge.getAttribute('data-isolated')).toBe('true');
    expect(Number(await badge.getAttribute('data-threads'))).toBeGreaterThan(1);
    expect(await badge.textContent()).toMatch(/^wasm, \d+ threads · cross-origin isolated/);
    // rnnkit's product helpers: Web Workers named as such (their threads wait in Atomics.wait, so
    // the debugging protocol's target list is what can see them).
    const cdp = await page.context().newCDPSession(page);
    const { targetInfos } = (await cdp.send('Target.getTargets')) as {
      targetInfos: { type: string; title: string }[];
    };
    const helpers = targetInfos.filter((t) => t.type === 'worker' && t.title === 'rnnkit-product-helper');
    expect(helpers).toHaveLength(Number(await badge.getAttribute('data-threads')) - 1);
    await cdp.detach();
    const first = await generate(page, { maxNewTokens: 200, seed: 7, prompt: 'Call me Ishmael. ' });
    await page.screenshot({ path: join(OUTPUT, 'generate.png'), fullPage: true });
    expect([...first.text]).toHaveLength(200);
    const partial = new Set(first.frameLengths.filter((n) => n > 0 && n < first.text.length));
    expect(
      partial.size,
      `lengths seen at each frame: ${first.frameLengths.join(' ')}`,
    ).toBeGreaterThanOrEqual(2);
    const second = await generate(page, { maxNewTokens: 200, seed: 7 });
    expect(second.text).toBe(first.text);
    const other = await generate(page, { maxNewTokens: 200, seed: 8 });
    expect(other.text).not.toBe(first.text);
    measurements['generateTokensPerSecondThreaded'] = first.tokensPerSecond;
    measurements['threads'] = Number(await badge.getAttribute('data-threads'));
    expect(errors).toEqual([]);
    await page.close();
  });

  it('runs single-threaded when asked (?threads=1) and generates the same text', async () => {
    const { page, errors } = await openApp('?threads=1');
    expect(await page.getAttribute('#backend', 'data-threads')).toBe('1');
    const run = await generate(page, { maxNewTokens: 200, seed: 7, prompt: 'Call me Ishmael. ' });
    const threaded = await openApp('?threads=2');
    expect(
      (await generate(threaded.page, { maxNewTokens: 200, seed: 7, prompt: 'Call me Ishmael. ' })).text,
    ).toBe(run.text);
    measurements['generateTokensPerSecondOneThread'] = run.tokensPerSecond;
    expect(errors).toEqual([]);
    await page.close();
    await threaded.page.close();
  });

  it("runs 'auto' threads by default: half the logical cores (1–4), as the badge says", async () => {
    const { page, errors } = await openApp();
    const expected = await page.evaluate(() =>
      Math.max(1, Math.min(4, Math.floor(navigator.hardwareConcurrency / 2))),
    );
    expect(await page.getAttribute('#backend', 'data-isolated')).toBe('true');
    expect(Number(await page.getAttribute('#backend', 'data-threads'))).toBe(expected);
    expect(await page.textContent('#backend')).toMatch(new RegExp(`^wasm, ${expected} threads? · `));
    measurements['defaultThreads'] = expected;
    expect(errors).toEqual([]);
    await page.close();
  });

  it('without COOP/COEP headers says so and runs one thread, sampling the same text', async () => {
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    // The same server, its isolation headers removed on the way.
    await page.route('**/*', async (route) => {
      const response = await route.fetch();
      const headers = { ...response.headers() };
      delete headers['cross-origin-opener-policy'];
      delete headers['cross-origin-embedder-policy'];
      await route.fulfill({ response, headers });
    });
    await page.goto(url);
    await page.waitForSelector('#generate:not([disabled])', { timeout: 30_000 });
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(false);
    expect(await page.getAttribute('#backend', 'data-backend')).toBe('wasm');
    expect(await page.getAttribute('#backend', 'data-threads')).toBe('1');
    expect(await page.textContent('#backend')).toMatch(/not cross-origin isolated/);
    const plain = await generate(page, { maxNewTokens: 50, seed: 7, prompt: 'Call me Ishmael. ' });
    const isolated = await openApp();
    const threaded = await generate(isolated.page, {
      maxNewTokens: 50,
      seed: 7,
      prompt: 'Call me Ishmael. ',
    });
    expect(plain.text).toBe(threaded.text);
    expect(errors).toEqual([]);
    await page.close();
    await isolated.page.close();
  });

  it('trains in the page without freezing it until stopped, the loss falls, then generates; the download loads again', async () => {
    const { page, errors } = await openApp();
    const text = TYGER.repeat(4);
    // Dropping a .txt file on the text box fills it.
    const dropped = await page.evaluateHandle((content) => {
      const transfer = new DataTransfer();
      transfer.items.add(new File([content], 'tyger.txt', { type: 'text/plain' }));
      return transfer;
    }, text);
    await page.dispatchEvent('#train-text', 'drop', { dataTransfer: dropped });
    await page.waitForFunction(
      (length) => (document.getElementById('train-text') as HTMLTextAreaElement).value.length === length,
      text.length,
    );
    expect(await page.inputValue('#train-text')).toBe(text);
    await page.fill('#train-seconds', '120');
    await page.fill('#train-units', '64');
    // The longest gap between animation frames while the worker trains: the page stays responsive.
    await page.evaluate(() => {
      const w = window as unknown as { longestFrameGap: number };
      w.longestFrameGap = 0;
      let last = performance.now();
      const tick = (now: number) => {
        w.longestFrameGap = Math.max(w.longestFrameGap, now - last);
        last = now;
        if (document.getElementById('train-stats')!.dataset['state'] !== 'done') requestAnimationFrame(tick);
      };
      requestAnimationFrame(tick);
    });
    await page.click('#train');
    // A few seconds of steps, then Stop: the model trained so far is kept and used.
    await page.waitForFunction(
      () => Number(document.getElementById('train-stats')!.dataset['steps']) >= 20,
      null,
      {
        timeout: 40_000,
      },
    );
    await page.click('#stop-training');
    await page.waitForSelector('#train-stats[data-state=done]', { timeout: 20_000 });
    expect(await page.getAttribute('#train-stats', 'data-stopped-by')).toBe('user');
    const stats = page.locator('#train-stats');
    const firstLoss = Number(await stats.getAttribute('data-first-loss'));
    const lastLoss = Number(await stats.getAttribute('data-last-loss'));
    expect(Number(await stats.getAttribute('data-steps'))).toBeGreaterThan(3);
    expect(lastLoss).toBeLessThan(0.8 * firstLoss);
    expect(
      await page.evaluate(() => (window as unknown as { longestFrameGap: number }).longestFrameGap),
    ).toBeLessThan(1000);
    expect(await page.getAttribute('#model-info', 'data-source')).toBe('trained in this page');
    measurements['trainCharactersPerSecond'] = Number(await stats.getAttribute('data-characters-per-second'));
    measurements['trainWorkerThreads'] = Number(await stats.getAttribute('data-threads'));
    measurements['trainLoss'] = [firstLoss, lastLoss];

    const sample = await generate(page, { maxNewTokens: 100, seed: 3, prompt: 'The ' });
    await page.screenshot({ path: join(OUTPUT, 'train.png'), fullPage: true });
    expect([...sample.text]).toHaveLength(100);
    const alphabet = new Set(text);
    expect([...sample.text].every((c) => alphabet.has(c))).toBe(true);

    // Download the three files, pick them again: the same model, the same text.
    const folder = join(OUTPUT, 'trained-model');
    mkdirSync(folder, { recursive: true });
    const paths: string[] = [];
    for (const [id, name] of [
      ['#download-model', 'model.json'],
      ['#download-weights', 'weights.bin'],
      ['#download-extras', 'extras.json'],
    ] as const) {
      const download = page.waitForEvent('download');
      await page.click(id);
      const path = join(folder, name);
      await (await download).saveAs(path);
      paths.push(path);
    }
    await page.setInputFiles('#pick-files', paths);
    await page.waitForSelector('#model-info[data-source="chosen files"]', { timeout: 20_000 });
    expect((await generate(page, { maxNewTokens: 100, seed: 3, prompt: 'The ' })).text).toBe(sample.text);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('says what is wrong with a corrupt model folder, and keeps the model it had', async () => {
    const { page, errors } = await openApp();
    const folder = join(OUTPUT, 'corrupt-model');
    mkdirSync(folder, { recursive: true });
    writeFileSync(join(folder, 'model.json'), '{"modelTopology": {"class_name": "Sequential", "config": {');
    writeFileSync(join(folder, 'weights.bin'), new Uint8Array(64));
    writeFileSync(join(folder, 'extras.json'), '{"vocabulary": "{}"}');
    await page.setInputFiles(
      '#pick-files',
      ['model.json', 'weights.bin', 'extras.json'].map((f) => join(folder, f)),
    );
    const message = page.locator('#model-message');
    await message.waitFor({ state: 'visible', timeout: 10_000 });
    expect(await message.getAttribute('data-file')).toBe('model.json');
    expect(await message.textContent()).toMatch(/model\.json is not valid JSON/);
    expect(await message.textContent()).toMatch(/Still using: Moby-Dick/);
    await page.screenshot({ path: join(OUTPUT, 'corrupt.png'), fullPage: true });

    // A folder without model.json at all.
    writeFileSync(join(folder, 'notes.txt'), 'not a model');
    await page.setInputFiles('#pick-files', [join(folder, 'notes.txt')]);
    await page.waitForFunction(() =>
      document.getElementById('model-message')!.textContent!.includes('No model.json'),
    );
    expect((await generate(page, { maxNewTokens: 20, seed: 1 })).text).toHaveLength(20); // still works
    expect(errors).toEqual([]);
    await page.close();
  });
});
