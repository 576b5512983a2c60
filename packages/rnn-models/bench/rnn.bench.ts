// pnpm bench (in packages/rnn-models): train and inference tokens/s of the RNN models in
// configs.json (copied from shared/bench, the project's peer benchmark), built with rnnkit's
// fused layers ("rnnkit-wasm") and with stock tfjs-layers layers ("tfjs-layers-wasm"), on the
// same wasm backend (initBackend) in the same run; optionally next to PyTorch CPU
// (torch_peer.py, copied from shared/bench). Prints a table and ratios; never asserts.
//
// Every phase (train / infer) of every config × implementation runs in its own child process
// (case-child.ts): a wasm abort in one (stock pos-bigru training) cannot take the others
// down, and a phase still running after --hard-timeout-s is killed and reported. Phases never
// overlap: this machine has 2 cores.
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { type BenchConfig, CONFIGS_PATH, loadConfigs, tokensPerBatch } from './config.js';
import { type Options, parseOptions, USAGE } from './options.js';
import type {
  CaseRequest,
  ChildMessage,
  Impl,
  Phase,
  PhaseRecord,
  ProbeRequest,
  ProbeResult,
  Progress,
} from './protocol.js';
import { median } from './timing.js';
import {
  runTorchPeer,
  TORCH_INSTALL_HINT,
  TORCH_THREADINGS,
  type TorchRecord,
  type TorchThreading,
  torchVersion,
} from './torch-peer.js';

// ------------------------------------------------------------------- child processes ---

const CHILD = fileURLToPath(new URL('./case-child.ts', import.meta.url));

interface ChildOutcome<R> {
  readonly result: R | null;
  readonly progress: readonly Progress[];
  /** Why there is no result: exit status and stderr tail, or the hard timeout. */
  readonly failure: string | null;
  readonly killedAfterS: number | null;
}

/** Runs case-child.ts (under the same tsx loader as this script) with one request. */
function runChild<R>(
  request: CaseRequest | ProbeRequest,
  timeoutS: number,
  onProgress?: (p: Progress) => void,
): Promise<ChildOutcome<R>> {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(process.execPath, [...process.execArgv, CHILD, JSON.stringify(request)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const progress: Progress[] = [];
    let result: R | null = null;
    let stderr = '';
    let killed = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString()).slice(-8000);
    });
    createInterface({ input: child.stdout }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      let message: ChildMessage;
      try {
        message = JSON.parse(line) as ChildMessage;
      } catch {
        return;
      }
      if ('progress' in message) {
        progress.push(message.progress);
        onProgress?.(message.progress);
      } else {
        result = message.result as R;
      }
    });
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL');
    }, timeoutS * 1000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const elapsedS = (Date.now() - started) / 1000;
      const tail = stderr
        .trim()
        .split('\n')
        .filter((l) => l.trim() !== '')
        .slice(-3)
        .join(' | ');
      const failure = killed
        ? `hard timeout: killed after ${elapsedS.toFixed(0)} s`
        : result === null
          ? `child exited with ${signal ?? code}: ${tail}`.slice(0, 400)
          : null;
      resolve({ result: killed ? null : result, progress, failure, killedAfterS: killed ? elapsedS : null });
    });
  });
}

const round = (x: number, digits: number) => Math.round(x * 10 ** digits) / 10 ** digits;

/** A phase's record rebuilt from the progress lines of a child that died or was killed. */
function recordFromProgress(
  phase: Phase,
  outcome: ChildOutcome<PhaseRecord>,
  tokens: number,
  now: number,
): PhaseRecord {
  const record: PhaseRecord = {};
  const done = outcome.progress.filter((p) => p.phase === phase && p.stepMs !== undefined);
  if (done.length > 0) {
    const timed = done.filter((p) => !p.warmup).map((p) => p.stepMs!);
    const ms = timed.length ? median(timed) : done[0]!.stepMs!;
    const [msKey, rateKey, stepsKey, singleKey] =
      phase === 'train'
        ? ['step_ms', 'train_tokens_per_s', 'train_steps_timed', 'single_step']
        : ['infer_ms', 'infer_tokens_per_s', 'infer_steps_timed', 'infer_single_step'];
    record[msKey] = round(ms, 2);
    record[rateKey] = round(tokens / (ms / 1000), 2);
    record[stepsKey] = timed.length;
    if (timed.length === 0) record[singleKey] = true;
  }
  const last = outcome.progress[outcome.progress.length - 1];
  let error = `${phase}: ${outcome.failure}`;
  if (outcome.killedAfterS !== null) {
    error += last?.started ? ` during ${last.started}` : ' before the first step';
    // The step in progress had run at least this long.
    if (last?.started) record[`${phase}_unfinished_step_ms_lower_bound`] = round(now - last.wallMs, 0);
  }
  record['error'] = error;
  return record;
}

// ---------------------------------------------------------------------------- report ---

const IMPL_PREFIX: Record<Impl, string> = { rnnkit: 'rnnkit', stock: 'tfjs-layers' };
const FIELD_ORDER = [
  'name',
  'impl',
  'backend',
  'threads',
  'threads_pinned',
  'train_tokens_per_s',
  'infer_tokens_per_s',
  'step_ms',
  'infer_ms',
  'tokens_per_batch',
  'train_steps_timed',
  'infer_steps_timed',
];

/** One config × impl line in the shape of shared/bench/results-baseline.jsonl. */
function mergePhases(base: PhaseRecord, train: PhaseRecord, infer: PhaseRecord): PhaseRecord {
  const errors = [train['error'], infer['error']].filter((e) => typeof e === 'string');
  const merged: PhaseRecord = { ...base, ...train, ...infer };
  delete merged['error'];
  const ordered: PhaseRecord = {};
  for (const key of FIELD_ORDER) ordered[key] = merged[key] ?? null;
  for (const [key, value] of Object.entries(merged)) if (!(key in ordered)) ordered[key] = value;
  if (errors.length) ordered['error'] = errors.join('; ');
  return ordered;
}

const rate = (record: PhaseRecord | undefined, key: 'train_tokens_per_s' | 'infer_tokens_per_s') => {
  const value = record?.[key];
  return typeof value === 'number' && value > 0 ? value : null;
};
const ratio = (ours: number | null, theirs: number | null) =>
  ours === null || theirs === null ? null : round(ours / theirs, 3);

interface ConfigResult {
  readonly config: BenchConfig;
  readonly rnnkit: PhaseRecord;
  readonly stock: PhaseRecord | null;
  readonly torch: Partial<Record<TorchThreading, TorchRecord>>;
  readonly ratios: PhaseRecord;
}

function ratioLine(
  config: BenchConfig,
  rnnkit: PhaseRecord,
  stock: PhaseRecord | null,
  torch: ConfigResult['torch'],
) {
  const line: PhaseRecord = { name: config.name, impl: 'ratio' };
  for (const phase of ['train', 'infer'] as const) {
    const key = `${phase}_tokens_per_s` as const;
    const ours = rate(rnnkit, key);
    line[`${phase}_vs_stock`] = ratio(ours, rate(stock ?? undefined, key));
    // The targets compare against torch's default-threading figure (OMP_WAIT_POLICY
    // unset); the tuned one (PASSIVE, as in results-baseline.jsonl) is given beside it.
    line[`${phase}_vs_torch`] = ratio(ours, rate(torch['omp-default'], key));
    line[`${phase}_vs_torch_tuned`] = ratio(ours, rate(torch['omp-passive'], key));
  }
  line['torch_threading'] = { vs_torch: 'OMP_WAIT_POLICY unset', vs_torch_tuned: 'OMP_WAIT_POLICY=PASSIVE' };
  line['rnnkit_layers'] = rnnkit['layers'] ?? null;
  if (config.cell === 'gru')
    line['gru_reset_after'] = { rnnkit: rnnkit['gru_reset_after'] ?? null, stock: false };
  return line;
}

const formatRate = (x: number | null) =>
  x === null ? '—' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
const formatRatio = (x: unknown) =>
  typeof x === 'number' ? `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×` : '—';

function table(results: readonly ConfigResult[], steps: number): string {
  const rows: string[][] = [['config', 'impl', 'train tok/s', 'infer tok/s', 'steps t/i', 'note']];
  const footnotes: string[] = [];
  const note = (record: PhaseRecord) => {
    const marks: string[] = [];
    if (record['single_step'] || record['infer_single_step']) marks.push('single step*');
    if (typeof record['error'] === 'string') {
      footnotes.push(`[${footnotes.length + 1}] ${record['name']} ${record['impl']}: ${record['error']}`);
      marks.push(`error [${footnotes.length}]`);
    }
    return marks.join(', ');
  };
  const stepsCell = (r: PhaseRecord) =>
    `${r['train_steps_timed'] ?? '-'}/${r['infer_steps_timed'] ?? '-'} of ${steps}`;
  const implRow = (name: string, label: string, record: PhaseRecord) => [
    name,
    label,
    formatRate(rate(record, 'train_tokens_per_s')),
    formatRate(rate(record, 'infer_tokens_per_s')),
    stepsCell(record),
    note(record),
  ];
  for (const result of results) {
    const { config, rnnkit, stock, torch, ratios } = result;
    rows.push(implRow(config.name, String(rnnkit['impl']), rnnkit));
    if (stock) rows.push(implRow('', String(stock['impl']), stock));
    for (const threading of TORCH_THREADINGS) {
      const record = torch[threading];
      if (record) rows.push(implRow('', `torch-cpu ${threading}`, record));
    }
    if (stock)
      rows.push([
        '',
        'rnnkit / stock',
        formatRatio(ratios['train_vs_stock']),
        formatRatio(ratios['infer_vs_stock']),
        '',
        '',
      ]);
    if (torch['omp-default'])
      rows.push([
        '',
        'rnnkit / torch',
        formatRatio(ratios['train_vs_torch']),
        formatRatio(ratios['infer_vs_torch']),
        '',
        'OMP default',
      ]);
    if (torch['omp-passive'])
      rows.push([
        '',
        'rnnkit / torch tuned',
        formatRatio(ratios['train_vs_torch_tuned']),
        formatRatio(ratios['infer_vs_torch_tuned']),
        '',
        'OMP PASSIVE',
      ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const right = new Set([2, 3]);
  const lines = rows.map((r) =>
    r
      .map((cell, c) => (right.has(c) ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)))
      .join('  ')
      .trimEnd(),
  );
  lines.splice(1, 0, '-'.repeat(Math.max(...lines.map((l) => l.length))));
  return [...lines, ...footnotes].join('\n');
}

// ------------------------------------------------------------------------------ main ---

async function main(): Promise<void> {
  let options: Options;
  try {
    options = parseOptions(process.argv.slice(2));
  } catch (error) {
    console.error(`${(error as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  const say = (text: string) => (options.json ? console.error(text) : console.log(text));
  const emit = (record: PhaseRecord) => {
    if (options.json) console.log(JSON.stringify(record));
  };
  const all = loadConfigs();
  const unknown = options.only.filter((name) => !all.some((c) => c.name === name));
  if (unknown.length) {
    console.error(`unknown config(s): ${unknown.join(', ')}; known: ${all.map((c) => c.name).join(', ')}`);
    process.exit(2);
  }
  const configs = options.only.length ? all.filter((c) => options.only.includes(c.name)) : all;

  // Backend and threads: 2 by default when the threaded wasm build starts here, else 1.
  let probe = await runChild<ProbeResult>(
    { probe: true, threads: options.threads ?? 2, pinThreads: options.pinThreads },
    120,
  );
  if (probe.result === null && options.threads === null) {
    say(`wasm with 2 threads did not start (${probe.failure}); using 1 thread`);
    probe = await runChild<ProbeResult>({ probe: true, threads: 1, pinThreads: false }, 120);
  }
  if (probe.result === null) {
    console.error(`the backend probe failed (wasm did not start, or src/ does not load): ${probe.failure}`);
    process.exit(1);
  }
  const { backend, threads } = probe.result;
  say(
    `${configs.length} config(s) from ${CONFIGS_PATH}; backend ${backend}, ${threads} thread(s)` +
      `${options.pinThreads && threads > 1 ? ' pinned to CPUs (--no-pin: not)' : ''}; ` +
      `${options.steps} timed steps after 1 warm-up, budget ${options.budgetS} s per phase, ` +
      `hard timeout ${options.hardTimeoutS} s`,
  );
  say('Timings are noisy while other jobs use this 2-core machine.');

  // PyTorch first: quick, and its figures are needed for every ratio line.
  const torchByName = new Map<string, Partial<Record<TorchThreading, TorchRecord>>>();
  if (options.peer === 'torch') {
    const version = torchVersion();
    if (version === null) {
      say(
        `PyTorch peer skipped: /usr/bin/python3 cannot import torch. Install it with: ${TORCH_INSTALL_HINT}`,
      );
    } else {
      for (const threading of TORCH_THREADINGS) {
        say(`torch ${version} (${threading}) ...`);
        await runTorchPeer({
          names: configs.map((c) => c.name),
          threading,
          steps: options.steps,
          budgetS: options.budgetS,
          seed: options.seed,
          onRecord: (record) => {
            torchByName.set(record.name, { ...torchByName.get(record.name), [threading]: record });
            process.stderr.write(
              `  ${record.name} torch-cpu ${threading}: train ${formatRate(rate(record, 'train_tokens_per_s'))}, ` +
                `infer ${formatRate(rate(record, 'infer_tokens_per_s'))} tok/s\n`,
            );
            emit(record);
          },
        });
      }
    }
  }

  const results: ConfigResult[] = [];
  for (const config of configs) {
    const tokens = tokensPerBatch(config);
    const records: Partial<Record<Impl, PhaseRecord>> = {};
    const impls: Impl[] = options.skipStock ? ['rnnkit'] : ['rnnkit', 'stock'];
    for (const impl of impls) {
      const label = `${IMPL_PREFIX[impl]}-${backend}`;
      const phases: Partial<Record<Phase, PhaseRecord>> = {};
      for (const phase of ['train', 'infer'] as const) {
        process.stderr.write(`  ${config.name} ${label} ${phase}:`);
        const { steps, budgetS, seed, stockKernels } = options;
        const request: CaseRequest = {
          config,
          impl,
          phase,
          threads,
          pinThreads: options.pinThreads && threads > 1,
          steps,
          budgetS,
          seed,
          stockKernels,
        };
        const outcome = await runChild<PhaseRecord>(request, options.hardTimeoutS, (p) => {
          if (p.stepMs !== undefined)
            process.stderr.write(` ${p.warmup ? 'warm-up ' : ''}${(p.stepMs / 1000).toFixed(2)}s`);
        });
        phases[phase] = outcome.result ?? recordFromProgress(phase, outcome, tokens, Date.now());
        const error = phases[phase]['error'];
        process.stderr.write(typeof error === 'string' ? ` — ${error}\n` : '\n');
      }
      const base = {
        name: config.name,
        impl: label,
        backend,
        threads,
        threads_pinned: options.pinThreads && threads > 1,
        tokens_per_batch: tokens,
      };
      records[impl] = mergePhases(base, phases.train ?? {}, phases.infer ?? {});
      emit(records[impl]);
    }
    const torch = torchByName.get(config.name) ?? {};
    const rnnkit = records.rnnkit!;
    const stock = records.stock ?? null;
    const ratios = ratioLine(config, rnnkit, stock, torch);
    emit(ratios);
    results.push({ config, rnnkit, stock, torch, ratios });
  }

  say('');
  say(table(results, options.steps));
  say('');
  const lines = results.flatMap((r) => [r.rnnkit, r.stock ?? {}, ...Object.values(r.torch)]);
  if (lines.some((r) => r['single_step'] || r['infer_single_step'])) {
    say(
      '* single step: the warm-up step alone used the budget; the figure is that first step (one-time costs included).',
    );
  }
  if (configs.some((c) => c.cell === 'gru')) {
    say(
      'GRU: rnnkit runs resetAfter: true (the Keras default, PyTorch semantics); stock tfjs-layers can only run ' +
        'reset_after=false. Same matmul sizes, slightly different element-wise work.',
    );
  }
  say(
    options.stockKernels === 'bare'
      ? `Stock tfjs-layers runs on tfjs-backend-wasm's own kernels plus only the UnsortedSegmentSum Embedding's gradient needs (${threads} thread(s)); --stock-kernels rnnkit gives it rnnkit's kernel replacements too.`
      : `Stock tfjs-layers runs with rnnkit's wasm kernel replacements too (${threads} thread(s)), which make its per-step loop several times faster than as shipped.`,
  );
}

await main();
