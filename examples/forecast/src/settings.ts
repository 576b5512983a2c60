// Command-line flags → checked settings. Kept apart from main.ts so the checks are testable
// without training anything; main.ts prints a UsageError's message and exits with code 1.
import { parseArgs } from 'node:util';

/** A bad flag: the message says which and what it takes. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Settings {
  readonly quality: boolean;
  /** A daily CSV file, or null for the US births. */
  readonly csv: string | null;
  readonly dateColumn: string;
  readonly valueColumn: string;
  /** Past days each forecast reads. */
  readonly inputSteps: number;
  /** Days of the single-shot multi-step forecast (and of the autoregressive rollout compared with it). */
  readonly horizon: number;
  /** LSTM units. */
  readonly units: number;
  /** Dense units between the LSTM and the output (0: none). */
  readonly hidden: number;
  readonly dropout: number;
  readonly loss: 'meanSquaredError' | 'meanAbsoluteError';
  readonly epochs: number;
  readonly patience: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly seed: number;
  /** wasm threads, or 'auto': as many as cores sit idle at the start (initBackend). */
  readonly threads: number | 'auto';
  readonly out: string;
  readonly modelDir: string;
}

export const USAGE = `Usage: tsx src/main.ts [--quality] [--csv FILE --date-column C --value-column C] [flags]
  --quality               the full run: more epochs; writes results/forecast.json and the plots there
  --csv FILE              your own daily series instead of the US births 1969–1988: one row per day, no gaps
  --date-column C         its date column, YYYY-MM-DD (date)     --value-column C   its value column (value)
  --input-steps N         past days each forecast reads (28)
  --horizon N             days of the single-shot multi-step forecast and the rollout (14)
  --units N               LSTM units (64)            --hidden N   Dense units after the LSTM, 0 for none (0)
  --dropout F             dropout on the LSTM inputs, in [0, 1) (0)
  --loss mse|mae          training loss on the z-scored values (mae)
  --epochs N              most epochs per model (12; 40 with --quality); early stopping may end sooner
  --patience N            epochs without a better validation loss before stopping (6)
  --batch N (64)   --learning-rate F (0.003)   --seed N (42)   --threads auto|1|2 (auto)
  --out DIR               plots and results (out; results with --quality)
  --model-dir DIR         where the models and their normalization statistics are saved (models/forecast)
The last year of the series is held out, the year before it validates (early stopping), the rest trains.`;

const FLAGS = {
  quality: { type: 'boolean', default: false },
  csv: { type: 'string' },
  'date-column': { type: 'string' },
  'value-column': { type: 'string' },
  'input-steps': { type: 'string' },
  horizon: { type: 'string' },
  units: { type: 'string' },
  hidden: { type: 'string' },
  dropout: { type: 'string' },
  loss: { type: 'string' },
  epochs: { type: 'string' },
  patience: { type: 'string' },
  batch: { type: 'string' },
  'learning-rate': { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  out: { type: 'string' },
  'model-dir': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

type NumberFlag =
  | 'input-steps'
  | 'horizon'
  | 'units'
  | 'hidden'
  | 'dropout'
  | 'epochs'
  | 'patience'
  | 'batch'
  | 'learning-rate'
  | 'seed';

const LOSSES = { mse: 'meanSquaredError', mae: 'meanAbsoluteError' } as const;

/** Parses `argv` (without node and the script); `null` when `--help` was asked for. */
export function parseSettings(argv: readonly string[]): Settings | null {
  let values: Record<string, string | boolean | undefined>;
  try {
    // pnpm 10 passes a lone `--` through to the script; it separates nothing here.
    ({ values } = parseArgs({ args: argv.filter((arg) => arg !== '--'), options: FLAGS, strict: true }));
  } catch (error) {
    throw new UsageError(`${(error as Error).message}\n${USAGE}`);
  }
  if (values.help === true) return null;
  const quality = values.quality === true;
  const number = (
    flag: NumberFlag,
    fallback: number,
    rule: { integer?: boolean; min: number; max?: number; below?: number },
  ) => {
    const given = values[flag];
    if (given === undefined) return fallback;
    const value = Number(given);
    const ok =
      given !== '' &&
      Number.isFinite(value) &&
      (!rule.integer || Number.isInteger(value)) &&
      value >= rule.min &&
      (rule.max === undefined || value <= rule.max) &&
      (rule.below === undefined || value < rule.below);
    if (!ok) {
      const kind = rule.integer ? 'an integer' : 'a number';
      const range =
        rule.below !== undefined
          ? `in [${rule.min}, ${rule.below})`
          : rule.max !== undefined
            ? `in [${rule.min}, ${rule.max}]`
            : `≥ ${rule.min}`;
      throw new UsageError(`--${flag} must be ${kind} ${range}, got ${JSON.stringify(given)}.`);
    }
    return value;
  };
  /** `--threads`: 'auto' (the default) or an integer in [1, 2]. */
  const threads = (): number | 'auto' => {
    const given = values.threads as string | undefined;
    if (given === undefined || given === 'auto') return 'auto';
    const value = Number(given);
    if (given.trim() === '' || !Number.isInteger(value) || value < 1 || value > 2)
      throw new UsageError(`--threads must be 'auto' or an integer in [1, 2], got ${JSON.stringify(given)}.`);
    return value;
  };
  const csv = (values.csv as string | undefined) ?? null;
  for (const flag of ['date-column', 'value-column'] as const) {
    if (values[flag] !== undefined && csv === null) {
      throw new UsageError(`--${flag} names a column of the --csv file; pass --csv FILE too.`);
    }
    if (values[flag] === '') throw new UsageError(`--${flag} must name a column, got "".`);
  }
  const loss = (values.loss as string | undefined) ?? 'mae';
  if (!(loss in LOSSES)) throw new UsageError(`--loss must be mse or mae, got ${JSON.stringify(loss)}.`);
  return {
    quality,
    csv,
    dateColumn: (values['date-column'] as string | undefined) ?? 'date',
    valueColumn: (values['value-column'] as string | undefined) ?? 'value',
    inputSteps: number('input-steps', 28, { integer: true, min: 1, max: 364 }),
    horizon: number('horizon', 14, { integer: true, min: 1, max: 90 }),
    units: number('units', 64, { integer: true, min: 1 }),
    hidden: number('hidden', 0, { integer: true, min: 0 }),
    dropout: number('dropout', 0, { min: 0, below: 1 }),
    loss: LOSSES[loss as keyof typeof LOSSES],
    epochs: number('epochs', quality ? 40 : 12, { integer: true, min: 1 }),
    patience: number('patience', 6, { integer: true, min: 0 }),
    batchSize: number('batch', 64, { integer: true, min: 1 }),
    learningRate: number('learning-rate', 0.003, { min: 1e-6, max: 1 }),
    seed: number('seed', 42, { integer: true, min: 0 }),
    threads: threads(),
    out: (values.out as string | undefined) ?? (quality ? 'results' : 'out'),
    modelDir: (values['model-dir'] as string | undefined) ?? 'models/forecast',
  };
}
