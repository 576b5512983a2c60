// Child process of rnn.bench.ts: times ONE phase (train or infer) of ONE config with ONE
// implementation, on the wasm backend set up by initBackend, and prints its record. Phases
// run in their own processes because a wasm abort (stock pos-bigru training runs out of the
// 4 GiB wasm heap) leaves nothing else runnable in that process, and because the wasm
// thread count is fixed at the backend's first start in a process.
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { WASM_KERNEL_REPLACEMENTS } from '../src/backend/wasm-kernels.js';
import { initBackend } from '../src/index.js';
import { tokensPerBatch } from './config.js';
import { buildCase, type RecurrentFactory, RNNKIT_LAYERS, STOCK_LAYERS } from './models.js';
import type {
  CaseRequest,
  ChildMessage,
  Phase,
  PhaseRecord,
  ProbeRequest,
  ProbeResult,
  Progress,
} from './protocol.js';

// tfjs-backend-wasm's own kernels, captured before initBackend replaces them (module import
// registered them above), so the bare stock runs can put them back.
const wasmOriginals = WASM_KERNEL_REPLACEMENTS.map((kernel) => tf.getKernel(kernel.kernelName, 'wasm')!);

function restoreBareWasmKernels(): void {
  for (const kernel of wasmOriginals) {
    tf.unregisterKernel(kernel.kernelName, 'wasm');
    tf.registerKernel(kernel);
  }
}

const send = (message: ChildMessage) => process.stdout.write(`${JSON.stringify(message)}\n`);
const progress = (p: Omit<Progress, 'wallMs'>) => send({ progress: { ...p, wallMs: Date.now() } });
const round2 = (x: number | null) => (x === null ? null : Math.round(x * 100) / 100);

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function startBackend(threads: number, pinThreads: boolean) {
  const backend = await initBackend({ backend: 'wasm', threads, pinThreads, fallbackToCpu: false });
  return { backend, threads: backend === 'wasm' ? wasm.getThreadsCount() : 1 };
}

async function probe(request: ProbeRequest): Promise<ProbeResult> {
  const started = await startBackend(request.threads, request.pinThreads);
  // A tiny matMul proves the (threaded) backend computes.
  const product = tf.tidy(() => tf.sum(tf.matMul(tf.ones([64, 64]), tf.ones([64, 64]))));
  const value = (await product.data())[0];
  product.dispose();
  if (value !== 64 ** 3) throw new Error(`backend check: matMul sum ${value}, expected ${64 ** 3}`);
  return started;
}

function factoryFor(impl: CaseRequest['impl']): { layers: RecurrentFactory; source: string } {
  return impl === 'stock'
    ? { layers: STOCK_LAYERS, source: 'tfjs-layers' }
    : { layers: RNNKIT_LAYERS, source: 'rnnkit' };
}

interface Timing {
  medianMs: number;
  warmupMs: number;
  steps: number;
  minMs: number | null;
  maxMs: number | null;
}

/** 1 warm-up step, then up to `steps` timed steps while the phase is within `budgetS`. */
async function timedPhase(phase: Phase, steps: number, budgetS: number, step: () => Promise<void>) {
  const start = performance.now();
  progress({ phase, started: 'warm-up' });
  await step();
  const warmupMs = performance.now() - start;
  progress({ phase, warmup: true, stepMs: warmupMs });
  const times: number[] = [];
  while (times.length < steps && (performance.now() - start) / 1000 < budgetS) {
    progress({ phase, started: `step ${times.length + 1}` });
    const t0 = performance.now();
    await step();
    times.push(performance.now() - t0);
    progress({ phase, stepMs: times[times.length - 1]! });
  }
  const timing: Timing = {
    // No timed step: the warm-up alone used the budget and is what gets reported.
    medianMs: times.length ? median(times) : warmupMs,
    warmupMs,
    steps: times.length,
    minMs: times.length ? Math.min(...times) : null,
    maxMs: times.length ? Math.max(...times) : null,
  };
  return timing;
}

async function runCase(request: CaseRequest): Promise<PhaseRecord> {
  const { config, impl, phase } = request;
  const wallStart = performance.now();
  const started = await startBackend(request.threads, request.pinThreads);
  const bareKernels = impl === 'stock' && request.stockKernels === 'bare';
  if (bareKernels) restoreBareWasmKernels();
  const tokens = tokensPerBatch(config);
  const { layers, source } = factoryFor(impl);
  const resetAfter = impl === 'rnnkit' && source === 'rnnkit';
  const record: PhaseRecord = {
    name: config.name,
    impl: `${impl === 'stock' ? 'tfjs-layers' : 'rnnkit'}-${started.backend}`,
    backend: started.backend,
    threads: started.threads,
    tokens_per_batch: tokens,
    layers: source,
    ...(impl === 'stock' ? { stock_kernels: request.stockKernels } : {}),
    ...(config.cell === 'gru' ? { gru_reset_after: resetAfter } : {}),
    wasm_simd: await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT'),
    wasm_multithread: await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT'),
  };
  const { model, xs, ys } = buildCase(config, { layers, resetAfter, seed: request.seed });
  record['params'] = model.countParams();
  const phaseStart = performance.now();
  try {
    if (phase === 'train') {
      // trainOnBatch: forward, loss, backward, Adam update, loss read back (it awaits the value).
      const t = await timedPhase(phase, request.steps, request.budgetS, async () => {
        await model.trainOnBatch(xs, ys);
      });
      Object.assign(record, {
        step_ms: round2(t.medianMs),
        train_tokens_per_s: round2(tokens / (t.medianMs / 1000)),
        train_steps_timed: t.steps,
        train_warmup_ms: round2(t.warmupMs),
        train_min_ms: round2(t.minMs),
        train_max_ms: round2(t.maxMs),
        ...(t.steps === 0 ? { single_step: true } : {}),
      });
    } else {
      const t = await timedPhase(phase, request.steps, request.budgetS, async () => {
        const out = model.predict(xs, { batchSize: config.batch }) as tf.Tensor;
        await out.data();
        out.dispose();
      });
      Object.assign(record, {
        infer_ms: round2(t.medianMs),
        infer_tokens_per_s: round2(tokens / (t.medianMs / 1000)),
        infer_steps_timed: t.steps,
        infer_warmup_ms: round2(t.warmupMs),
        infer_min_ms: round2(t.minMs),
        infer_max_ms: round2(t.maxMs),
        ...(t.steps === 0 ? { infer_single_step: true } : {}),
      });
    }
  } catch (error) {
    record['error'] = `${phase}: ${String((error as Error)?.message ?? error)
      .split('\n')[0]!
      .slice(0, 300)}`;
    record[`${phase}_failed_after_ms`] = round2(performance.now() - phaseStart);
  }
  record['versions'] = {
    'tfjs-core': tf.version_core,
    'tfjs-layers': tfl.version_layers,
    'tfjs-backend-wasm': wasm.version_wasm,
  };
  record['node'] = process.version;
  record[`${phase}_wall_s`] = round2((performance.now() - wallStart) / 1000);
  return record;
}

const request = JSON.parse(process.argv[2] ?? '{}') as CaseRequest | ProbeRequest;
try {
  send({ result: request.probe ? await probe(request) : await runCase(request) });
  process.exit(0);
} catch (error) {
  console.error((error as Error)?.stack ?? String(error));
  process.exit(1);
}
