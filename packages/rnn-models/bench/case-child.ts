// Child process of rnn.bench.ts: times ONE phase (train or infer) of ONE config with ONE
// implementation, on the wasm backend set up by initBackend, and prints its record. Phases
// run in their own processes because a wasm abort (stock pos-bigru training runs out of the
// 4 GiB wasm heap) leaves nothing else runnable in that process, and because the wasm
// thread count is fixed at the backend's first start in a process.
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { WASM_KERNEL_REPLACEMENTS } from '../src/backend/wasm-kernels.js';
import { initBackend, train } from '../src/index.js';
import { tokensPerBatch } from './config.js';
import { buildCase, type RecurrentFactory, RNNKIT_LAYERS, STOCK_LAYERS } from './models.js';
import type {
  CaseRequest,
  ChildMessage,
  PhaseRecord,
  ProbeRequest,
  ProbeResult,
  Progress,
  ThreadSetting,
} from './protocol.js';
import { timedPhase } from './timing.js';

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
/** This process's peak resident set so far, MiB (maxRSS is in KiB), to 0.1. */
const peakRssMb = () => Math.round(process.resourceUsage().maxRSS / 102.4) / 10;

async function startBackend(threads: ThreadSetting, pinThreads: boolean) {
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

async function runCase(request: CaseRequest): Promise<PhaseRecord> {
  const { config, impl, phase } = request;
  const wallStart = performance.now();
  const started = await startBackend(request.threads, request.pinThreads);
  // Before the first step, so that the parent knows the thread count even if the child dies.
  progress({ phase, threads: started.threads });
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
    threads_setting: request.threads,
    // initBackend pins (pinThreads) only with 2+ threads.
    threads_pinned: request.pinThreads && started.backend === 'wasm' && started.threads > 1,
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
      // One step: forward, loss, backward, Adam update, loss read back. Stock: tfjs-layers'
      // trainOnBatch with its own loss; rnnkit: train() on the batch, as users train (rnnkit's
      // loss for the compiled name, its batch checks and logs included).
      const step =
        impl === 'stock'
          ? async () => {
              await model.trainOnBatch(xs, ys);
            }
          : async () => {
              await train(model, [{ xs, ys }], { epochs: 1, verbose: 0 });
            };
      const t = await timedPhase(phase, request.steps, request.budgetS, step, progress);
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
      const t = await timedPhase(
        phase,
        request.steps,
        request.budgetS,
        async () => {
          const out = model.predict(xs, { batchSize: config.batch }) as tf.Tensor;
          await out.data();
          out.dispose();
        },
        progress,
      );
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
  record['peak_rss_mb'] = peakRssMb();
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
