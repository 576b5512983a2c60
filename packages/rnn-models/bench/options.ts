// The bench's command line (`pnpm bench -- [options]`): usage text and parsing.
import { parseArgs } from 'node:util';
import type { StockKernels, ThreadSetting } from './protocol.js';

export const USAGE = `pnpm --filter @rnnkit/rnn-models bench -- [options]

  --only NAME        run only this config (repeatable, or comma-separated); default: all of configs.json
  --steps N          timed steps per phase after 1 warm-up step; the median is reported (default 7, as the shared baseline's protocol)
  --budget-s S       soft time budget per phase: no new timed step starts after S seconds;
                     if the warm-up alone takes longer, that single step is reported (default 60)
  --hard-timeout-s S kill a phase still running after S seconds (default max(300, budget + 240))
  --threads LIST     rnnkit's initBackend thread settings, comma-separated, each 'auto' (as many
                     threads as cores other processes leave idle at the child's start, 1..4)
                     or an integer ≥ 1; rnnkit runs once per setting (default auto,1,2).
                     Ratio rows use the FIRST setting; with auto and fixed settings, auto is
                     also compared with the best fixed one and with 1 thread. Stock runs once,
                     with the largest fixed setting (2 if only auto). Only 1 thread when the
                     threaded build does not start
  --no-pin           do not pin threads to CPUs (default with 2+ threads: initBackend's
                     pinThreads for both implementations — the set-up for a training process)
  --load N           start N busy-loop processes (node -e 'for (;;) {}') before anything is
                     timed, keep them spinning for the whole run, kill them at the end: the
                     bench under other jobs' load, where 'auto' should pick fewer threads
                     (default 0)
  --skip-stock       skip the stock tfjs-layers runs (minutes per config)
  --stock-kernels K  'bare' (default): stock tfjs-layers on tfjs-backend-wasm's own kernels
                     plus only the UnsortedSegmentSum its Embedding gradient needs, as users
                     have it; 'rnnkit': with all of rnnkit's wasm kernel replacements as well
  --peer torch       also run PyTorch CPU (torch_peer.py, 2 threads) with both OpenMP wait
                     policies, and print rnnkit/PyTorch ratios
  --seed N           seed of the random inputs (default 0)
  --json             JSON lines on stdout (one per config × impl × thread setting, one per
                     torch policy, one ratio line per config);
                     the table then goes to stderr. Use pnpm -s to keep pnpm's banner out.
  -h, --help`;

/** The bench's command-line options, parsed. */
export interface Options {
  readonly only: readonly string[];
  readonly steps: number;
  readonly budgetS: number;
  readonly hardTimeoutS: number;
  /** rnnkit's thread settings, in the order given (duplicates dropped); ratios use the first. */
  readonly threads: readonly ThreadSetting[];
  /** Busy-loop processes kept running through the whole bench. */
  readonly load: number;
  readonly skipStock: boolean;
  readonly pinThreads: boolean;
  readonly stockKernels: StockKernels;
  readonly peer: 'torch' | null;
  readonly seed: number;
  readonly json: boolean;
}

export function parseOptions(argv: readonly string[]): Options {
  // pnpm 10 hands the `--` of `pnpm bench -- --json` on to the script.
  const args = argv[0] === '--' ? argv.slice(1) : [...argv];
  const { values } = parseArgs({
    args,
    strict: true,
    options: {
      only: { type: 'string', multiple: true, default: [] },
      steps: { type: 'string', default: '7' },
      'budget-s': { type: 'string', default: '60' },
      'hard-timeout-s': { type: 'string' },
      threads: { type: 'string', default: 'auto,1,2' },
      load: { type: 'string', default: '0' },
      'skip-stock': { type: 'boolean', default: false },
      'no-pin': { type: 'boolean', default: false },
      'stock-kernels': { type: 'string', default: 'bare' },
      peer: { type: 'string' },
      seed: { type: 'string', default: '0' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const number = (flag: string, text: string, rule: (x: number) => boolean, ruleText: string) => {
    const value = Number(text);
    if (text.trim() === '' || !rule(value)) throw new Error(`--${flag} must be ${ruleText}, got '${text}'`);
    return value;
  };
  const stockKernels = values['stock-kernels'];
  if (stockKernels !== 'bare' && stockKernels !== 'rnnkit') {
    throw new Error(`--stock-kernels must be 'bare' or 'rnnkit', got '${stockKernels}'`);
  }
  if (values.peer !== undefined && values.peer !== 'torch') {
    throw new Error(`--peer must be 'torch', got '${values.peer}'`);
  }
  const budgetS = number('budget-s', values['budget-s'], (x) => x > 0, 'a positive number of seconds');
  return {
    only: values.only.flatMap((names) => names.split(',').filter((name) => name !== '')),
    steps: number('steps', values.steps, (x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0'),
    budgetS,
    hardTimeoutS:
      values['hard-timeout-s'] === undefined
        ? Math.max(300, budgetS + 240)
        : number('hard-timeout-s', values['hard-timeout-s'], (x) => x > 0, 'a positive number'),
    threads: parseThreadSettings(values.threads),
    load: number('load', values.load, (x) => Number.isInteger(x) && x >= 0, 'an integer ≥ 0'),
    skipStock: values['skip-stock'],
    pinThreads: !values['no-pin'],
    stockKernels,
    peer: values.peer === 'torch' ? 'torch' : null,
    seed: number('seed', values.seed, Number.isInteger, 'an integer'),
    json: values.json,
  };
}

/** `--threads auto,1,2` → ['auto', 1, 2]; duplicates dropped, order kept. */
function parseThreadSettings(text: string): ThreadSetting[] {
  const fail = () => {
    throw new Error(`--threads must be 'auto' or integers ≥ 1, comma-separated, got '${text}'`);
  };
  const settings: ThreadSetting[] = [];
  for (const item of text.split(',').map((part) => part.trim())) {
    if (item === '') fail();
    let setting: ThreadSetting;
    if (item === 'auto') setting = 'auto';
    else {
      const value = Number(item);
      if (!/^[0-9]+$/.test(item) || !Number.isInteger(value) || value < 1) fail();
      setting = value;
    }
    if (!settings.includes(setting)) settings.push(setting);
  }
  return settings;
}
