// pnpm bench (in packages/rnn-models): train and inference tokens/s of the RNN models in
// configs.json (copied from shared/bench, the project's peer benchmark), built with rnnkit's
// fused layers ("rnnkit-wasm") and with stock tfjs-layers layers ("tfjs-layers-wasm"), on the
// same wasm backend (initBackend) in the same run; optionally next to PyTorch CPU
// (torch_peer.py, copied from shared/bench). Prints a table and ratios; never asserts.
//
// rnnkit runs once per --threads setting (default auto,1,2: initBackend's 'auto' next to fixed
// thread counts), stock once. Every phase (train / infer) of every config × implementation ×
// thread setting runs in its own child process (case-child.ts): a wasm abort in one (stock
// pos-bigru training) cannot take the others down, a phase still running after
// --hard-timeout-s is killed and reported, and the wasm thread count is fixed at a process's
// first backend start. Phases never overlap: this machine has 2 cores. --load N keeps N
// busy-loop processes spinning through the whole run, to measure under other jobs' load.
import { type ChildProcess, spawn } from 'node:child_process';
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
  ThreadSetting,
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

/** The --load busy loops, and the case children running now: killed on every way out. */
const loadProcesses: ChildProcess[] = [];
const runningChildren = new Set<ChildProcess>();

/** Synchronous (signals only), so that it also works in an 'exit' handler. */
function killSpawned(): void {
  for (const child of [...loadProcesses, ...runningChildren]) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  loadProcesses.length = 0;
}

process.on('exit', killSpawned);
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.on(signal, () => {
    killSpawned();
    process.exit(code);
  });
}

/** Starts `count` busy-loop processes and gives them ~300 ms to spin up. */
async function startLoad(count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const child = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
    child.on('error', () => {}); // reported below: it is not running
    loadProcesses.push(child);
  }
  if (count === 0) return;
  await new Promise((resolve) => setTimeout(resolve, 300));
  const dead = loadProcesses.filter((child) => child.exitCode !== null || child.signalCode !== null);
  if (dead.length)
    throw new Error(`--load: ${dead.length} of ${count} busy-loop process(es) did not keep running`);
}

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
    runningChildren.add(child);
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
      runningChildren.delete(child);
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
  const threads = outcome.progress.find((p) => p.threads !== undefined)?.threads;
  if (threads !== undefined) record['threads'] = threads;
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
  'threads_setting',
  'threads_pinned',
  'load',
  'train_tokens_per_s',
  'infer_tokens_per_s',
  'step_ms',
  'infer_ms',
  'tokens_per_batch',
  'train_steps_timed',
  'infer_steps_timed',
  'peak_rss_mb',
  'train_peak_rss_mb',
  'infer_peak_rss_mb',
];

/** 'auto', '1 thread', '2 threads'. */
const settingLabel = (setting: ThreadSetting) =>
  setting === 'auto' ? 'auto' : `${setting} thread${setting === 1 ? '' : 's'}`;

const numberOrNull = (x: unknown) => (typeof x === 'number' ? x : null);

/**
 * One config × impl × thread setting line in the shape of shared/bench/results-baseline.jsonl.
 * The phases ran in separate children: `threads` is the train child's count (`train_threads`,
 * `infer_threads` each phase's: 'auto' may settle differently), `peak_rss_mb` the larger peak.
 */
function mergePhases(
  base: PhaseRecord,
  train: PhaseRecord,
  infer: PhaseRecord,
  pinThreads: boolean,
): PhaseRecord {
  const errors = [train['error'], infer['error']].filter((e) => typeof e === 'string');
  const merged: PhaseRecord = { ...base, ...train, ...infer };
  delete merged['error'];
  const trainThreads = numberOrNull(train['threads']);
  const inferThreads = numberOrNull(infer['threads']);
  const threads = trainThreads ?? inferThreads;
  Object.assign(merged, { threads, train_threads: trainThreads, infer_threads: inferThreads });
  merged['threads_pinned'] = pinThreads && threads !== null && threads > 1;
  const trainRss = numberOrNull(train['peak_rss_mb']);
  const inferRss = numberOrNull(infer['peak_rss_mb']);
  const rss = [trainRss, inferRss].filter((x) => x !== null);
  Object.assign(merged, {
    peak_rss_mb: rss.length ? Math.max(...rss) : null,
    train_peak_rss_mb: trainRss,
    infer_peak_rss_mb: inferRss,
  });
  const ordered: PhaseRecord = {};
  for (const key of FIELD_ORDER) ordered[key] = merged[key] ?? null;
  for (const [key, value] of Object.entries(merged)) if (!(key in ordered)) ordered[key] = value;
  if (errors.length) ordered['error'] = errors.join('; ');
  return ordered;
}

type RateKey = 'train_tokens_per_s' | 'infer_tokens_per_s';
const rate = (record: PhaseRecord | undefined, key: RateKey) => {
  const value = record?.[key];
  return typeof value === 'number' && value > 0 ? value : null;
};
const ratio = (ours: number | null, theirs: number | null) =>
  ours === null || theirs === null ? null : round(ours / theirs, 3);

/** rnnkit's merged record for one --threads setting. */
interface RnnkitRun {
  readonly setting: ThreadSetting;
  readonly record: PhaseRecord;
}

interface ConfigResult {
  readonly config: BenchConfig;
  /** In --threads order; the first is the one the ratio rows compare. */
  readonly rnnkit: readonly RnnkitRun[];
  readonly stock: PhaseRecord | null;
  readonly torch: Partial<Record<TorchThreading, TorchRecord>>;
  readonly ratios: PhaseRecord;
}

/** The fixed setting with the highest rate in this phase (ignoring failed ones). */
function bestFixed(runs: readonly RnnkitRun[], key: RateKey): { setting: number; rate: number } | null {
  let best: { setting: number; rate: number } | null = null;
  for (const run of runs) {
    const value = rate(run.record, key);
    if (run.setting === 'auto' || value === null) continue;
    if (best === null || value > best.rate) best = { setting: run.setting, rate: value };
  }
  return best;
}

function ratioLine(
  config: BenchConfig,
  runs: readonly RnnkitRun[],
  stock: PhaseRecord | null,
  torch: ConfigResult['torch'],
  load: number,
) {
  const first = runs[0]!;
  const auto = runs.find((run) => run.setting === 'auto');
  const one = runs.find((run) => run.setting === 1);
  const line: PhaseRecord = {
    name: config.name,
    impl: 'ratio',
    load,
    // The vs_stock / vs_torch ratios are the first --threads setting's.
    rnnkit_threads_setting: first.setting,
    rnnkit_threads: {
      train: first.record['train_threads'] ?? null,
      infer: first.record['infer_threads'] ?? null,
    },
  };
  const best: Record<Phase, number | null> = { train: null, infer: null };
  for (const phase of ['train', 'infer'] as const) {
    const key = `${phase}_tokens_per_s` as const;
    const ours = rate(first.record, key);
    line[`${phase}_vs_stock`] = ratio(ours, rate(stock ?? undefined, key));
    // The issue's targets compare against torch's default-threading figure (OMP_WAIT_POLICY
    // unset); the tuned one (PASSIVE, as in results-baseline.jsonl) is given beside it.
    line[`${phase}_vs_torch`] = ratio(ours, rate(torch['omp-default'], key));
    line[`${phase}_vs_torch_tuned`] = ratio(ours, rate(torch['omp-passive'], key));
  }
  for (const phase of ['train', 'infer'] as const) {
    const key = `${phase}_tokens_per_s` as const;
    const autoRate = rate(auto?.record, key);
    const bestRun = bestFixed(runs, key);
    best[phase] = bestRun?.setting ?? null;
    line[`${phase}_auto_vs_best_fixed`] = ratio(autoRate, bestRun?.rate ?? null);
    line[`${phase}_auto_vs_1_thread`] = ratio(autoRate, rate(one?.record, key));
  }
  line['best_fixed_threads'] = best;
  line['torch_threading'] = { vs_torch: 'OMP_WAIT_POLICY unset', vs_torch_tuned: 'OMP_WAIT_POLICY=PASSIVE' };
  line['rnnkit_layers'] = first.record['layers'] ?? null;
  if (config.cell === 'gru')
    line['gru_reset_after'] = { rnnkit: first.record['gru_reset_after'] ?? null, stock: false };
  return line;
}

const formatRate = (x: number | null) =>
  x === null ? '—' : x >= 100 ? Math.round(x).toLocaleString('en-US') : x.toFixed(1);
const formatRatio = (x: unknown) =>
  typeof x === 'number' ? `${x >= 10 ? x.toFixed(1) : x.toFixed(2)}×` : '—';
const formatRss = (x: unknown) => (typeof x === 'number' ? Math.round(x).toLocaleString('en-US') : '—');

/** `auto (2)`, or `auto (2/1)` when the train and infer children got different counts. */
function rnnkitLabel(run: RnnkitRun): string {
  if (run.setting !== 'auto') return settingLabel(run.setting);
  const train = numberOrNull(run.record['train_threads']);
  const infer = numberOrNull(run.record['infer_threads']);
  return train === infer ? `auto (${train ?? '?'})` : `auto (${train ?? '?'}/${infer ?? '?'})`;
}

function table(results: readonly ConfigResult[], steps: number, stockThreads: number): string {
  const header = ['config', 'impl', 'train tok/s', 'infer tok/s', 'peak RSS MB', 'steps t/i', 'note'];
  const rows: string[][] = [header];
  const footnotes: string[] = [];
  const note = (record: PhaseRecord, label: string) => {
    const marks: string[] = [];
    if (record['single_step'] || record['infer_single_step']) marks.push('single step*');
    if (typeof record['error'] === 'string') {
      footnotes.push(`[${footnotes.length + 1}] ${record['name']} ${label}: ${record['error']}`);
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
    formatRss(record['peak_rss_mb']),
    stepsCell(record),
    note(record, label),
  ];
  const ratioRow = (label: string, train: unknown, infer: unknown, remark: string) => [
    '',
    label,
    formatRatio(train),
    formatRatio(infer),
    '',
    '',
    remark,
  ];
  for (const result of results) {
    const { config, rnnkit, stock, torch, ratios } = result;
    rnnkit.forEach((run, i) => {
      rows.push(implRow(i === 0 ? config.name : '', `${run.record['impl']} ${rnnkitLabel(run)}`, run.record));
    });
    if (stock) rows.push(implRow('', `${stock['impl']} ${settingLabel(stockThreads)}`, stock));
    for (const threading of TORCH_THREADINGS) {
      const record = torch[threading];
      if (record) rows.push(implRow('', `torch-cpu ${threading}`, record));
    }
    const compared = `rnnkit ${settingLabel(rnnkit[0]!.setting)}`;
    if (stock)
      rows.push(ratioRow('rnnkit / stock', ratios['train_vs_stock'], ratios['infer_vs_stock'], compared));
    if (torch['omp-default'])
      rows.push(
        ratioRow(
          'rnnkit / torch',
          ratios['train_vs_torch'],
          ratios['infer_vs_torch'],
          `${compared}; OMP default`,
        ),
      );
    if (torch['omp-passive'])
      rows.push(
        ratioRow(
          'rnnkit / torch tuned',
          ratios['train_vs_torch_tuned'],
          ratios['infer_vs_torch_tuned'],
          `${compared}; OMP PASSIVE`,
        ),
      );
    const settings = rnnkit.map((run) => run.setting);
    if (settings.includes('auto') && settings.some((s) => s !== 'auto')) {
      const best = ratios['best_fixed_threads'] as Record<Phase, number | null>;
      const bestText = (n: number | null) => (n === null ? '—' : String(n));
      rows.push(
        ratioRow(
          'auto / best fixed',
          ratios['train_auto_vs_best_fixed'],
          ratios['infer_auto_vs_best_fixed'],
          `best fixed threads t/i: ${bestText(best.train)}/${bestText(best.infer)}`,
        ),
      );
    }
    if (settings.includes('auto') && settings.includes(1))
      rows.push(
        ratioRow('auto / 1 thread', ratios['train_auto_vs_1_thread'], ratios['infer_auto_vs_1_thread'], ''),
      );
  }
  const widths = header.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
  const right = new Set([2, 3, 4]);
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

  // The load spins before anything is timed (the probe included) and until the end.
  try {
    await startLoad(options.load);
    await run(options, configs, say, emit);
  } finally {
    killSpawned();
  }
}

async function run(
  options: Options,
  configs: readonly BenchConfig[],
  say: (text: string) => void,
  emit: (record: PhaseRecord) => void,
): Promise<void> {
  // Backend: the threaded wasm build must start with 2 threads, else everything runs on 1.
  let settings = options.threads;
  let probe = await runChild<ProbeResult>({ probe: true, threads: 2, pinThreads: options.pinThreads }, 120);
  if (probe.result === null) {
    say(`wasm with 2 threads did not start (${probe.failure}); running with 1 thread only`);
    settings = [1];
    probe = await runChild<ProbeResult>({ probe: true, threads: 1, pinThreads: false }, 120);
  }
  if (probe.result === null) {
    console.error(`the backend probe failed (wasm did not start, or src/ does not load): ${probe.failure}`);
    process.exit(1);
  }
  const { backend } = probe.result;
  const fixed = settings.filter((s): s is number => s !== 'auto');
  const stockThreads = fixed.length ? Math.max(...fixed) : 2;
  const pinFor = (setting: ThreadSetting) => options.pinThreads && (setting === 'auto' || setting > 1);
  say(
    `${configs.length} config(s) from ${CONFIGS_PATH}; backend ${backend}; rnnkit threads ` +
      `${settings.join(', ')}${options.skipStock ? '' : `, stock ${stockThreads}`}` +
      `${options.pinThreads ? ' (2+ threads pinned to CPUs; --no-pin: not)' : ''}; ` +
      `load: ${options.load} busy-loop process${options.load === 1 ? '' : 'es'}; ` +
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
          onRecord: (printed) => {
            const record: TorchRecord = { ...printed, load: options.load };
            torchByName.set(record.name, { ...torchByName.get(record.name), [threading]: record });
            process.stderr.write(
              `  ${record.name} torch-cpu ${threading}: train ${formatRate(rate(record, 'train_tokens_per_s'))}, ` +
                `infer ${formatRate(rate(record, 'infer_tokens_per_s'))} tok/s, ` +
                `peak RSS ${formatRss(record['peak_rss_mb'])} MB\n`,
            );
            emit(record);
          },
        });
      }
    }
  }

  /** Both phases of one config × impl × thread setting, each in its own child. */
  const runPhases = async (config: BenchConfig, impl: Impl, setting: ThreadSetting): Promise<PhaseRecord> => {
    const tokens = tokensPerBatch(config);
    const label = `${IMPL_PREFIX[impl]}-${backend} ${settingLabel(setting)}`;
    const pinThreads = pinFor(setting);
    const phases: Partial<Record<Phase, PhaseRecord>> = {};
    for (const phase of ['train', 'infer'] as const) {
      process.stderr.write(`  ${config.name} ${label} ${phase}:`);
      const { steps, budgetS, seed, stockKernels } = options;
      const request: CaseRequest = {
        config,
        impl,
        phase,
        threads: setting,
        pinThreads,
        steps,
        budgetS,
        seed,
        stockKernels,
      };
      const outcome = await runChild<PhaseRecord>(request, options.hardTimeoutS, (p) => {
        if (p.threads !== undefined && setting === 'auto') process.stderr.write(` ${p.threads} thread(s);`);
        if (p.stepMs !== undefined)
          process.stderr.write(` ${p.warmup ? 'warm-up ' : ''}${(p.stepMs / 1000).toFixed(2)}s`);
      });
      phases[phase] = outcome.result ?? recordFromProgress(phase, outcome, tokens, Date.now());
      const error = phases[phase]['error'];
      const rss = phases[phase]['peak_rss_mb'];
      process.stderr.write(
        typeof error === 'string'
          ? ` — ${error}\n`
          : typeof rss === 'number'
            ? ` (${formatRss(rss)} MB)\n`
            : '\n',
      );
    }
    const base = {
      name: config.name,
      impl: `${IMPL_PREFIX[impl]}-${backend}`,
      backend,
      threads_setting: setting,
      load: options.load,
      tokens_per_batch: tokens,
    };
    const record = mergePhases(base, phases.train ?? {}, phases.infer ?? {}, pinThreads);
    emit(record);
    return record;
  };

  const results: ConfigResult[] = [];
  for (const config of configs) {
    const rnnkit: RnnkitRun[] = [];
    for (const setting of settings)
      rnnkit.push({ setting, record: await runPhases(config, 'rnnkit', setting) });
    const stock = options.skipStock ? null : await runPhases(config, 'stock', stockThreads);
    const torch = torchByName.get(config.name) ?? {};
    const ratios = ratioLine(config, rnnkit, stock, torch, options.load);
    emit(ratios);
    results.push({ config, rnnkit, stock, torch, ratios });
  }

  say('');
  say(table(results, options.steps, stockThreads));
  say('');
  const lines = results.flatMap((r) => [
    ...r.rnnkit.map((run) => run.record),
    r.stock ?? {},
    ...Object.values(r.torch),
  ]);
  if (lines.some((r) => r['single_step'] || r['infer_single_step'])) {
    say(
      '* single step: the warm-up step alone used the budget; the figure is that first step (one-time costs included).',
    );
  }
  if (settings.includes('auto')) {
    say(
      `auto: initBackend's threads: 'auto' in each child — as many threads as cores other processes leave idle ` +
        `over 200 ms at its start (1 to 4), so train and infer may differ: "auto (train/infer)". ` +
        `Ratio rows compare the first --threads setting (${settingLabel(settings[0]!)}).`,
    );
  }
  say("peak RSS: the larger of the train and infer children's maxRSS; torch: the python process's VmHWM.");
  if (configs.some((c) => c.cell === 'gru')) {
    say(
      'GRU: rnnkit runs resetAfter: true (the Keras default, PyTorch semantics); stock tfjs-layers can only run ' +
        'reset_after=false. Same matmul sizes, slightly different element-wise work.',
    );
  }
  if (!options.skipStock) {
    say(
      options.stockKernels === 'bare'
        ? `Stock tfjs-layers runs on tfjs-backend-wasm's own kernels plus only the UnsortedSegmentSum Embedding's gradient needs (${settingLabel(stockThreads)}); --stock-kernels rnnkit gives it rnnkit's kernel replacements too.`
        : `Stock tfjs-layers runs with rnnkit's wasm kernel replacements too (${settingLabel(stockThreads)}), which make its per-step loop several times faster than as shipped.`,
    );
  }
}

await main();
