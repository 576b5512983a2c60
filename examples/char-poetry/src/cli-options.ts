// Command-line flags of the char-poetry example, checked up front: a bad flag is a UsageError
// (main prints it with the usage and exits 1) before anything loads or trains.
import { parseArgs } from 'node:util';

export const USAGE = `Usage: pnpm start [--text FILE | --csv poems.csv --author "William Shakespeare"] [flags]
  --quality                 the full run: 12 × 1000 batches (~3 passes over Moby-Dick); writes results/
  --text FILE               any UTF-8 text instead of Moby-Dick (a Gutenberg header/footer is stripped)
  --csv FILE --author NAME  the Kaggle poetry CSV (author,content,poem name,age,type): NAME's poems
  --epochs N                epochs (start 3, quality 12); --patience may stop sooner
  --steps-per-epoch N|all   batches per epoch (start 300, quality 1000; all: every window)
  --batch N (256)  --learning-rate F (0.004)  --final-learning-rate-fraction F (0.05)  --patience N (0: off)
  --shuffle-buffer N        windows in the shuffle buffer (100000)
  --recalibration N         training windows BatchNormalization's statistics are recomputed on (20000)
  --held-out F (0.1)        share at the end of the text never trained on
  --validation F (0.05)     share at the end of the training part for early stopping
  --prompt TEXT ("To be or not to be.")  --max-new-tokens N (300)  --temperature F (0.5; 0 greedy)
  --seed N (42)  --threads auto|1|2 (auto)  --out DIR (out/char-poetry)  --help`;

/** A command-line mistake: printed with the usage, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliSettings {
  readonly quality: boolean;
  readonly text: string | undefined;
  readonly csv: string | undefined;
  readonly author: string | undefined;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly finalLearningRateFraction: number;
  readonly patience: number;
  readonly shuffleBuffer: number;
  readonly recalibrationWindows: number;
  readonly heldOutFraction: number;
  readonly validationFraction: number;
  readonly prompt: string;
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly seed: number;
  /** wasm threads, or 'auto': as many as cores sit idle at the start (initBackend). */
  readonly threads: number | 'auto';
  readonly out: string;
}

/** `start` and `quality` differ only in these defaults (README: "Settings"). */
const DEFAULTS = {
  start: { epochs: '3', 'steps-per-epoch': '300' },
  quality: { epochs: '12', 'steps-per-epoch': '1000' },
} as const;

const FLAGS = {
  quality: { type: 'boolean', default: false },
  help: { type: 'boolean', default: false },
  text: { type: 'string' },
  csv: { type: 'string' },
  author: { type: 'string' },
  epochs: { type: 'string' },
  'steps-per-epoch': { type: 'string' },
  batch: { type: 'string', default: '256' },
  'learning-rate': { type: 'string', default: '0.004' },
  'final-learning-rate-fraction': { type: 'string', default: '0.05' },
  patience: { type: 'string', default: '0' },
  'shuffle-buffer': { type: 'string', default: '100000' },
  recalibration: { type: 'string', default: '20000' },
  'held-out': { type: 'string', default: '0.1' },
  validation: { type: 'string', default: '0.05' },
  prompt: { type: 'string', default: 'To be or not to be.' },
  'max-new-tokens': { type: 'string', default: '300' },
  temperature: { type: 'string', default: '0.5' },
  seed: { type: 'string', default: '42' },
  threads: { type: 'string', default: 'auto' },
  out: { type: 'string', default: 'out/char-poetry' },
} as const;

/** Parses `argv` (without node and the script); `null` when `--help` was asked for. */
export function parseCli(argv: readonly string[]): CliSettings | null {
  let values: ReturnType<typeof parseArgs<{ options: typeof FLAGS }>>['values'];
  try {
    // pnpm 10 passes a lone `--` through to the script; it separates nothing here.
    ({ values } = parseArgs({ args: argv.filter((arg) => arg !== '--'), options: FLAGS, strict: true }));
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help) return null;
  const defaults = values.quality ? DEFAULTS.quality : DEFAULTS.start;
  /** `--name` as a number in [min, max] (an integer unless `real`); `all` → Infinity where allowed. */
  const number = (
    name: string,
    raw: string | undefined,
    rule: { min: number; max?: number; real?: boolean; all?: boolean },
  ) => {
    if (rule.all && raw === 'all') return Number.POSITIVE_INFINITY;
    const value = Number(raw);
    const max = rule.max ?? Number.POSITIVE_INFINITY;
    if (
      raw === undefined ||
      raw.trim() === '' ||
      !Number.isFinite(value) ||
      value < rule.min ||
      value > max ||
      (!rule.real && !Number.isInteger(value))
    ) {
      const kind = rule.real ? 'a number' : 'an integer';
      const range = Number.isFinite(max) ? `in [${rule.min}, ${max}]` : `≥ ${rule.min}`;
      throw new UsageError(`--${name} must be ${kind} ${range}${rule.all ? " or 'all'" : ''}, got '${raw}'.`);
    }
    return value;
  };
  if (values.csv !== undefined && values.text !== undefined)
    throw new UsageError('--csv and --text are two sources of text: pass one of them.');
  if (values.csv !== undefined && (values.author ?? '').trim() === '')
    throw new UsageError(
      '--csv needs --author NAME: whose poems to learn (e.g. --author "William Shakespeare").',
    );
  if (values.author !== undefined && values.csv === undefined)
    throw new UsageError('--author selects poems of a --csv file: pass --csv poems.csv too.');
  if (values.prompt.trim() === '') throw new UsageError('--prompt must have at least one character.');
  return {
    quality: values.quality,
    text: values.text,
    csv: values.csv,
    author: values.author,
    epochs: number('epochs', values.epochs ?? defaults.epochs, { min: 1, max: 1000 }),
    stepsPerEpoch: number('steps-per-epoch', values['steps-per-epoch'] ?? defaults['steps-per-epoch'], {
      min: 1,
      all: true,
    }),
    batchSize: number('batch', values.batch, { min: 1, max: 65_536 }),
    learningRate: number('learning-rate', values['learning-rate'], { min: 1e-6, max: 1, real: true }),
    finalLearningRateFraction: number(
      'final-learning-rate-fraction',
      values['final-learning-rate-fraction'],
      { min: 0, max: 1, real: true },
    ),
    patience: number('patience', values.patience, { min: 0 }),
    shuffleBuffer: number('shuffle-buffer', values['shuffle-buffer'], { min: 1, max: 10_000_000 }),
    recalibrationWindows: number('recalibration', values.recalibration, { min: 1, max: 10_000_000 }),
    heldOutFraction: number('held-out', values['held-out'], { min: 0.01, max: 0.5, real: true }),
    validationFraction: number('validation', values.validation, { min: 0.01, max: 0.5, real: true }),
    prompt: values.prompt,
    maxNewTokens: number('max-new-tokens', values['max-new-tokens'], { min: 0, max: 1_000_000 }),
    temperature: number('temperature', values.temperature, { min: 0, max: 100, real: true }),
    seed: number('seed', values.seed, { min: 0, max: 2 ** 31 - 1 }),
    threads: parseThreads(values.threads),
    out: values.out,
  };
}

/** `--threads`: 'auto' or an integer in [1, 2]. */
function parseThreads(raw: string): number | 'auto' {
  if (raw === 'auto') return 'auto';
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 1 || value > 2)
    throw new UsageError(`--threads must be 'auto' or an integer in [1, 2], got '${raw}'.`);
  return value;
}
