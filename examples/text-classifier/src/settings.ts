// Command-line flags → checked settings. Kept apart from main.ts so the checks are testable
// without training anything; main.ts prints a UsageError's message and exits with code 1.
import { parseArgs } from 'node:util';
import type { ClassifierOptions } from './classifier.js';

/** A bad flag: the message says which and what it takes. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Settings extends Omit<ClassifierOptions, 'verbose'> {
  readonly quality: boolean;
  /** A `sentence<TAB>label` file, or null for SpamAssassin. */
  readonly tsv: string | null;
  readonly testFraction: number;
  readonly validationFraction: number;
  /** Train on only the first N training examples (null: all); the test part stays whole. */
  readonly trainExamples: number | null;
  /** wasm threads, or 'auto': as many as cores sit idle at the start (initBackend). */
  readonly threads: number | 'auto';
  readonly out: string;
  readonly modelDir: string;
}

export const USAGE = `Usage: tsx src/main.ts [--quality] [--tsv FILE] [flags]
  --quality                  the full run: longer texts, more epochs; writes results/text-classifier.json
  --tsv FILE                 sentence<TAB>label lines (0/1, the UCI sentiment format) instead of SpamAssassin
  --num-words N              vocabulary: the N−1 most frequent training words (default 10000)
  --length-percentile P      maxLength = the P-th percentile of training lengths in tokens (75; 95 with --quality)
  --max-length N             a fixed maxLength instead of the percentile
  --embedding N              embedding size (64)       --units N      LSTM units per direction (32)
  --dense N                  Dense units before the sigmoid, 0 for none (32)
  --dropout F                dropout on the LSTM inputs, in [0, 1) (0)
  --epochs N                 most epochs (3; 8 with --quality); early stopping may end sooner
  --patience N               epochs without a better validation loss before stopping (2)
  --batch N (64)   --learning-rate F (0.003)   --seed N (42)   --threads auto|1|2 (auto)
  --test-fraction F          held-out part (0.2)       --validation-fraction F  of the training part (0.1)
  --train-examples N         train on the first N training examples only (all)
  --out DIR                  plots and results (out; results with --quality)
  --model-dir DIR            where the model and its tokenizer are saved (models/text-classifier)`;

const FLAGS = {
  quality: { type: 'boolean', default: false },
  tsv: { type: 'string' },
  'num-words': { type: 'string' },
  'length-percentile': { type: 'string' },
  'max-length': { type: 'string' },
  embedding: { type: 'string' },
  units: { type: 'string' },
  dense: { type: 'string' },
  dropout: { type: 'string' },
  epochs: { type: 'string' },
  patience: { type: 'string' },
  batch: { type: 'string' },
  'learning-rate': { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  'test-fraction': { type: 'string' },
  'validation-fraction': { type: 'string' },
  'train-examples': { type: 'string' },
  out: { type: 'string' },
  'model-dir': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

type Flag = Exclude<keyof typeof FLAGS, 'quality' | 'help' | 'tsv' | 'out' | 'model-dir'>;

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
    flag: Flag,
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
  const fraction = { min: 0.01, max: 0.5 };
  return {
    quality,
    tsv: (values.tsv as string | undefined) ?? null,
    numWords: number('num-words', 10_000, { integer: true, min: 3 }),
    maxLength: values['max-length'] === undefined ? null : number('max-length', 0, { integer: true, min: 1 }),
    lengthPercentile: number('length-percentile', quality ? 95 : 75, { min: 1, max: 100 }),
    embeddingDim: number('embedding', 64, { integer: true, min: 1 }),
    units: number('units', 32, { integer: true, min: 1 }),
    denseUnits: number('dense', 32, { integer: true, min: 0 }),
    dropout: number('dropout', 0, { min: 0, below: 1 }),
    epochs: number('epochs', quality ? 8 : 3, { integer: true, min: 1 }),
    patience: number('patience', 2, { integer: true, min: 0 }),
    batchSize: number('batch', 64, { integer: true, min: 1 }),
    learningRate: number('learning-rate', 0.003, { min: 1e-6, max: 1 }),
    seed: number('seed', 42, { integer: true, min: 0 }),
    threads: threads(),
    testFraction: number('test-fraction', 0.2, fraction),
    validationFraction: number('validation-fraction', 0.1, fraction),
    trainExamples:
      values['train-examples'] === undefined ? null : number('train-examples', 0, { integer: true, min: 2 }),
    out: (values.out as string | undefined) ?? (quality ? 'results' : 'out'),
    modelDir: (values['model-dir'] as string | undefined) ?? 'models/text-classifier',
  };
}
