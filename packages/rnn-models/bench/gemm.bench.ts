// The GEMM ceiling: each benchmark config's main matrix products timed alone, on rnnkit's wasm
// backend (rnnkit's own product where it runs, else XNNPACK's) and in PyTorch (torch.mm, OMP_WAIT_POLICY=PASSIVE) with
// the same thread count, side by side in one run. A config whose training time is mostly these
// products cannot run faster relative to PyTorch than these ratios, whatever else is fused.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '../src/index.js';
import { type BenchConfig, loadConfigs } from './config.js';
import { median } from './timing.js';
import { PYTHON, TORCH_INSTALL_HINT, torchVersion } from './torch-peer.js';

const USAGE = `pnpm --filter @rnnkit/rnn-models bench:gemm -- [--threads 2] [--only NAME] [--round-s 0.15]

  --threads N   threads for both (rnnkit's initBackend, torch.set_num_threads); default 2
  --only NAME   only this config's products (repeatable); default: every config
  --round-s S   each product is timed in 5 rounds of at least S seconds; the median round counts`;

/** One product of a training step, `[m, k]·[k, n]`, what it is, and how often a step runs it. */
interface Product {
  readonly config: string;
  readonly role: string;
  readonly m: number;
  readonly k: number;
  readonly n: number;
  readonly perStep: number;
}

/**
 * The products a training step of `config` spends its GEMM time on, as rnnkit's fused layers
 * and Dense run them (weight gradients after an explicit transpose, as the wasm kernels do):
 * per time step the recurrent product and its input gradient; per sequence the input
 * projection and the recurrent-weight gradient; the first Dense of the head, its input and its
 * weight gradient. seq2seq counts its encoder's and decoder's steps together (same units).
 */
export function productsOf(config: BenchConfig): Product[] {
  const gates = (config.cell === 'lstm' ? 4 : 3) * config.units;
  const { batch, units } = config;
  const steps = config.kind === 'seq2seq' ? config.src_len! + config.tgt_len! : config.seq_len!;
  const directions = config.bidirectional ? 2 : 1;
  const rows = batch * (config.kind === 'seq2seq' ? config.tgt_len! : config.seq_len!);
  const sequences = directions * (config.kind === 'seq2seq' ? steps / config.tgt_len! : 1);
  const headRows = config.kind === 'many_to_one' ? batch : rows;
  const headUnits = config.head.find((layer) => layer.type === 'dense')!.units!;
  const features = directions * units;
  const of = (role: string, m: number, k: number, n: number, perStep: number): Product => ({
    config: config.name,
    role,
    m,
    k,
    n,
    perStep,
  });
  return [
    of('recurrent step', batch, units, gates, steps * directions),
    of('recurrent step, input gradient', batch, gates, units, steps * directions),
    of('input projection', rows, config.embed_dim, gates, sequences),
    of('recurrent weight gradient', gates, rows, units, sequences),
    of('head', headRows, features, headUnits, 1),
    of('head, input gradient', headRows, headUnits, features, 1),
    of('head, weight gradient', features, headRows, headUnits, 1),
  ];
}

async function timeWasm(product: Product, roundSeconds: number): Promise<number> {
  const a = tf.randomNormal([product.m, product.k], 0, 1, 'float32', 1);
  const b = tf.randomNormal([product.k, product.n], 0, 1, 'float32', 2);
  try {
    for (let i = 0; i < 3; i++) tf.matMul(a, b).dispose();
    const rounds: number[] = [];
    for (let round = 0; round < 5; round++) {
      let reps = 0;
      const start = performance.now();
      let elapsed = 0;
      do {
        tf.matMul(a, b).dispose();
        reps++;
        elapsed = (performance.now() - start) / 1000;
      } while (elapsed < roundSeconds || reps < 3);
      rounds.push(elapsed / reps);
    }
    return median(rounds);
  } finally {
    a.dispose();
    b.dispose();
  }
}

async function timeTorch(
  products: readonly Product[],
  threads: number,
  roundSeconds: number,
): Promise<number[]> {
  const script = fileURLToPath(new URL('./gemm_peer.py', import.meta.url));
  const child = spawn(PYTHON, [script, String(threads), String(roundSeconds)], {
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  child.stdin.end(JSON.stringify(products.map(({ m, k, n }) => [m, k, n])));
  let out = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    out += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`gemm_peer.py exited with ${code}`);
  return out
    .trim()
    .split('\n')
    .map((line) => (JSON.parse(line) as { seconds: number }).seconds);
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const { values } = parseArgs({
    args: args[0] === '--' ? args.slice(1) : args,
    options: {
      threads: { type: 'string', default: '2' },
      only: { type: 'string', multiple: true },
      'round-s': { type: 'string', default: '0.15' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return;
  }
  const threads = Number(values.threads);
  const roundSeconds = Number(values['round-s']);
  if (!Number.isInteger(threads) || threads < 1 || threads > 8 || !(roundSeconds > 0)) {
    throw new Error(`--threads must be an integer in [1, 8] and --round-s a positive number\n${USAGE}`);
  }
  const version = torchVersion();
  if (version === null) throw new Error(`PyTorch is needed: ${TORCH_INSTALL_HINT}, then run with ${PYTHON}`);
  const configs = loadConfigs().filter((config) => !values.only || values.only.includes(config.name));
  const products = configs.flatMap(productsOf);
  // PyTorch first: a child started after initBackend pinned this thread to one CPU would inherit
  // that affinity and run its 2 threads on 1 core.
  const torchSeconds = await timeTorch(products, threads, roundSeconds);
  await initBackend({ backend: 'wasm', threads, pinThreads: threads > 1 });
  const wasmSeconds: number[] = [];
  for (const product of products) wasmSeconds.push(await timeWasm(product, roundSeconds));
  const gflops = (product: Product, seconds: number) =>
    (2 * product.m * product.k * product.n) / seconds / 1e9;
  console.log(`GEMM alone, ${threads} thread(s): rnnkit wasm vs PyTorch ${version} (torch.mm, PASSIVE)`);
  console.log('| config | product | [m, k]·[k, n] | per step | rnnkit GFLOP/s | PyTorch GFLOP/s | ratio |');
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  const totals = new Map<string, { ours: number; theirs: number }>();
  products.forEach((product, i) => {
    const ours = wasmSeconds[i]!;
    const theirs = torchSeconds[i]!;
    const total = totals.get(product.config) ?? { ours: 0, theirs: 0 };
    totals.set(product.config, {
      ours: total.ours + ours * product.perStep,
      theirs: total.theirs + theirs * product.perStep,
    });
    console.log(
      `| ${product.config} | ${product.role} | [${product.m}, ${product.k}]·[${product.k}, ${product.n}] | ${product.perStep} | ` +
        `${gflops(product, ours).toFixed(1)} | ${gflops(product, theirs).toFixed(1)} | ${(theirs / ours).toFixed(2)} |`,
    );
  });
  console.log(
    '\nThese products of one training step, in total (PyTorch ÷ rnnkit time: the ceiling of the train ratio where they dominate):',
  );
  console.log('| config | rnnkit ms | PyTorch ms | ratio |');
  console.log('| --- | --- | --- | --- |');
  for (const [config, { ours, theirs }] of totals) {
    console.log(
      `| ${config} | ${(ours * 1e3).toFixed(1)} | ${(theirs * 1e3).toFixed(1)} | ${(theirs / ours).toFixed(2)} |`,
    );
  }
}

await main();
