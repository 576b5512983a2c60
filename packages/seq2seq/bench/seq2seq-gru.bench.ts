// pnpm bench (in packages/seq2seq): the peer benchmark's `seq2seq-gru` config (Keras' GRU
// translation tutorial: embedding 256, GRU 1024, no attention, batch 64, 8 source + 16 target
// tokens) built with encoderDecoder and trained through train() with the masked loss — the
// package's real path — next to the same config built by rnn-models' bench (trainOnBatch) and
// PyTorch CPU (torch_peer.py, both OpenMP wait policies), all in this run. Configs, the timing
// protocol (1 warm-up + median of up to --steps timed steps within --budget-s) and the torch
// plumbing come from rnn-models' bench harness (@rnnkit/rnn-models-bench). Prints figures and
// ratios; never asserts.
import { parseArgs } from 'node:util';
import { SeededRandom } from '@rnnkit/core';
import { maskedSparseCategoricalCrossentropy } from '@rnnkit/metrics/tensor';
import { initBackend, train } from '@rnnkit/rnn-models';
import { type BenchConfig, loadConfigs, tokensPerBatch } from '@rnnkit/rnn-models-bench/config';
import { buildCase, RNNKIT_LAYERS } from '@rnnkit/rnn-models-bench/models';
import { median, type Timing, timedPhase } from '@rnnkit/rnn-models-bench/timing';
import {
  runTorchPeer,
  TORCH_INSTALL_HINT,
  TORCH_THREADINGS,
  type TorchRecord,
  torchVersion,
} from '@rnnkit/rnn-models-bench/torch-peer';
import * as wasm from '@tensorflow/tfjs-backend-wasm';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { encoderDecoder, teacherForcingBatch } from '../src/index.js';

const NAME = 'seq2seq-gru';
const BOS = 1;
const EOS = 2;
const { values: flags } = parseArgs({
  args: process.argv.slice(2).filter((a) => a !== '--'),
  options: {
    steps: { type: 'string', default: '7' },
    'budget-s': { type: 'string', default: '60' },
    seed: { type: 'string', default: '0' },
    threads: { type: 'string', default: '2' },
    'skip-torch': { type: 'boolean', default: false },
    'skip-bench-model': { type: 'boolean', default: false },
    json: { type: 'boolean', default: false },
  },
});
const steps = Number(flags.steps);
const budgetS = Number(flags['budget-s']);
const seed = Number(flags.seed);
const config = loadConfigs().find((c) => c.name === NAME) as BenchConfig;
const tokens = tokensPerBatch(config); // batch*(src_len+tgt_len), as every peer counts
const say = (text: string) => (flags.json ? console.error(text) : console.log(text));

interface Row {
  readonly impl: string;
  readonly train: Timing | null;
  readonly infer: Timing | null;
  readonly params: number | null;
  readonly note: string;
}
const rows: Row[] = [];
const rate = (t: Timing | null) => (t === null ? null : tokens / (t.medianMs / 1000));

// PyTorch first, while no wasm thread is alive: one child process per OpenMP wait policy.
if (!flags['skip-torch']) {
  const version = torchVersion();
  if (version === null) {
    say(`PyTorch peer skipped: /usr/bin/python3 cannot import torch. Install it with: ${TORCH_INSTALL_HINT}`);
  } else {
    for (const threading of TORCH_THREADINGS) {
      process.stderr.write(`torch ${version} (${threading}) ...\n`);
      const [record] = await runTorchPeer({ names: [NAME], threading, steps, budgetS, seed });
      rows.push(torchRow(record!, threading));
    }
  }
}

function torchRow(record: TorchRecord, threading: string): Row {
  const timing = (ms: unknown, n: unknown): Timing | null =>
    typeof ms === 'number'
      ? { medianMs: ms, warmupMs: Number.NaN, steps: Number(n), minMs: null, maxMs: null }
      : null;
  if (flags.json) console.log(JSON.stringify(record));
  return {
    impl: `torch-cpu ${threading}`,
    train: timing(record['step_ms'], record['train_steps_timed']),
    infer: timing(record['infer_ms'], record['infer_steps_timed']),
    params: typeof record['params'] === 'number' ? record['params'] : null,
    note: typeof record['error'] === 'string' ? record['error'] : `torch ${record['torch'] ?? ''}`.trim(),
  };
}

const threads = Number(flags.threads);
const backend = await initBackend({ backend: 'wasm', threads, pinThreads: threads > 1 });
const threadCount = backend === 'wasm' ? wasm.getThreadsCount() : 1;
say(
  `${NAME}: ${tokens} tokens per batch; backend ${backend}, ${threadCount} thread(s)${threadCount > 1 ? ' pinned' : ''}; ` +
    `1 warm-up + up to ${steps} timed steps within ${budgetS} s per phase; Adam 1e-3, no clipping.`,
);
say('Timings are noisy while other jobs use this 2-core machine.');

const progress = (label: string) => (p: { stepMs?: number; warmup?: boolean }) => {
  if (p.stepMs !== undefined)
    process.stderr.write(` ${p.warmup ? `${label} warm-up ` : ''}${(p.stepMs / 1000).toFixed(2)}s`);
};

/** Inference as every peer measures it: the teacher-forced forward of one batch, read back. */
function inferPhase(model: tfl.LayersModel, xs: tf.Tensor[]): Promise<Timing> {
  return timedPhase(
    'infer',
    steps,
    budgetS,
    async () => {
      const out = model.predict(xs, { batchSize: config.batch }) as tf.Tensor;
      await out.data();
      out.dispose();
    },
    progress('infer'),
  );
}

// --- rnnkit through encoderDecoder + train() + the masked loss, as a user writes it. ---
{
  const sourceVocabularySize = config.src_vocab_size!;
  const targetVocabularySize = config.tgt_vocab_size!;
  const translator = encoderDecoder({
    sourceVocabularySize,
    targetVocabularySize,
    embeddingDim: config.embed_dim,
    units: config.units,
    cell: 'gru',
    attention: 'none',
    seed,
  });
  // Random pairs without padding: ids 3 … vocabulary − 1 (0 pads, 1/2 are BOS/EOS). Targets have
  // tgt_len − 1 ids, so BOS + target and target + EOS are tgt_len long, as the peers' batches.
  const random = new SeededRandom(seed);
  const ids = (length: number, vocabulary: number) =>
    Array.from({ length }, () => 3 + random.nextInt(vocabulary - 3));
  const batch = () =>
    teacherForcingBatch(
      Array.from({ length: config.batch }, () => ids(config.src_len!, sourceVocabularySize)),
      Array.from({ length: config.batch }, () => ids(config.tgt_len! - 1, targetVocabularySize)),
      { bos: BOS, eos: EOS },
    );
  // train() pulls batches from this generator: 1 warm-up, then timed steps within the budget.
  // A step's time is from one batch's end to the next (train's own per-step work included).
  const ends: number[] = [];
  const started = performance.now();
  function* batches() {
    for (let i = 0; i <= steps; i++) {
      if (i > 0 && (performance.now() - started) / 1000 >= budgetS) return;
      yield batch();
    }
  }
  process.stderr.write('rnnkit encoderDecoder train:');
  await train(translator.model, batches(), {
    loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
    optimizer: 'adam',
    learningRate: 1e-3,
    epochs: 1,
    verbose: 0,
    callbacks: {
      onBatchEnd: () => {
        const now = performance.now();
        const stepMs = now - (ends.at(-1) ?? started);
        ends.push(now);
        progress('train')({ stepMs, warmup: ends.length === 1 });
      },
    },
  });
  const times = ends.slice(1).map((end, i) => end - ends[i]!);
  const trainTiming: Timing = {
    medianMs: times.length ? median(times) : ends[0]! - started,
    warmupMs: ends[0]! - started,
    steps: times.length,
    minMs: times.length ? Math.min(...times) : null,
    maxMs: times.length ? Math.max(...times) : null,
  };
  process.stderr.write('\nrnnkit encoderDecoder infer:');
  const inferBatch = batch();
  const inferTiming = await inferPhase(translator.model, [...inferBatch.xs]);
  process.stderr.write('\n');
  tf.dispose([...inferBatch.xs, inferBatch.ys]);
  rows.unshift({
    impl: `rnnkit-${backend} encoderDecoder + train()`,
    train: trainTiming,
    infer: inferTiming,
    params: translator.model.countParams(),
    note: 'masked loss, logits',
  });
  translator.dispose();
}

// --- rnnkit through rnn-models' bench model (its functional model, trainOnBatch). ---
if (!flags['skip-bench-model']) {
  const { model, xs, ys } = buildCase(config, { layers: RNNKIT_LAYERS, resetAfter: true, seed });
  process.stderr.write('rnnkit bench model train:');
  const trainTiming = await timedPhase(
    'train',
    steps,
    budgetS,
    async () => {
      await model.trainOnBatch(xs, ys);
    },
    progress('train'),
  );
  process.stderr.write('\nrnnkit bench model infer:');
  const inferTiming = await inferPhase(model, xs as tf.Tensor[]);
  process.stderr.write('\n');
  rows.splice(1, 0, {
    impl: `rnnkit-${backend} bench model (trainOnBatch)`,
    train: trainTiming,
    infer: inferTiming,
    params: model.countParams(),
    note: 'softmax + sparse CE',
  });
  model.dispose();
  tf.dispose([...(xs as tf.Tensor[]), ys]);
}

// --- report ---
const format = (x: number | null) => (x === null ? '—' : Math.round(x).toLocaleString('en-US'));
const table: string[][] = [
  ['impl', 'train tok/s', 'infer tok/s', 'train/infer ms', 'steps t/i', 'params', 'note'],
];
for (const row of rows) {
  if (flags.json && row.impl.startsWith('rnnkit')) {
    console.log(
      JSON.stringify({
        name: NAME,
        impl: row.impl,
        train_tokens_per_s: rate(row.train),
        infer_tokens_per_s: rate(row.infer),
        step_ms: row.train?.medianMs ?? null,
        infer_ms: row.infer?.medianMs ?? null,
        tokens_per_batch: tokens,
        params: row.params,
      }),
    );
  }
  table.push([
    row.impl,
    format(rate(row.train)),
    format(rate(row.infer)),
    `${row.train?.medianMs.toFixed(0) ?? '—'} / ${row.infer?.medianMs.toFixed(0) ?? '—'}`,
    `${row.train?.steps ?? '-'}/${row.infer?.steps ?? '-'}`,
    row.params === null ? '—' : row.params.toLocaleString('en-US'),
    row.note,
  ]);
}
const ours = rows[0]!;
for (const row of rows.slice(1)) {
  const ratio = (a: number | null, b: number | null) =>
    a === null || b === null ? '—' : `${(a / b).toFixed(2)}×`;
  table.push([
    `encoderDecoder / ${row.impl}`,
    ratio(rate(ours.train), rate(row.train)),
    ratio(rate(ours.infer), rate(row.infer)),
    '',
    '',
    '',
    '',
  ]);
}
const widths = table[0]!.map((_, c) => Math.max(...table.map((r) => r[c]!.length)));
const lines = table.map((r) =>
  r
    .map((cell, c) => (c === 1 || c === 2 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
    .join('  ')
    .trimEnd(),
);
lines.splice(1, 0, '-'.repeat(Math.max(...lines.map((l) => l.length))));
say('');
say(lines.join('\n'));
