// Command-line flags of the word-lm example, checked up front: a bad flag is a UsageError (main
// prints it with the usage and exits 1) before anything loads or trains.
import { parseArgs } from 'node:util';
import type { CorpusName } from './corpus.js';

export const USAGE = `Usage: pnpm start [--corpus moby-dick|sotu | --text book.txt] [--min-count 5]
  [--sequence-length 5] [--embedding 64] [--units 256] [--dropout 0.1] [--batch 64]
  [--epochs 100] [--steps-per-epoch 100|all] [--minutes 3|all] [--learning-rate 0.002]
  [--final-learning-rate-fraction 0.05] [--patience 6] [--held-out 0.1] [--validation 0.05]
  [--prompt TEXT] [--samples 3] [--max-new-tokens 40] [--temperature 0.8] [--top-k 40]
  [--seed 42] [--threads auto|N] [--out out/word-lm] [--generate-only] [--quality] [--help]`;

/** A command-line mistake: printed with the usage, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliSettings {
  readonly quality: boolean;
  readonly generateOnly: boolean;
  readonly help: boolean;
  readonly corpus: CorpusName;
  readonly text: string | undefined;
  readonly minCount: number;
  readonly sequenceLength: number;
  readonly embeddingDim: number;
  readonly units: readonly number[];
  readonly dropout: number;
  readonly batchSize: number;
  readonly epochs: number;
  readonly stepsPerEpoch: number;
  readonly minutes: number;
  readonly learningRate: number;
  readonly finalLearningRateFraction: number;
  readonly patience: number;
  readonly heldOutFraction: number;
  readonly validationFraction: number;
  readonly prompt: string | undefined;
  readonly samples: number;
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly topK: number | null;
  readonly seed: number;
  /** wasm threads, or 'auto': as many as cores sit idle at the start (initBackend). */
  readonly threads: number | 'auto';
  readonly out: string;
}

/** `start` and `quality` differ only in these defaults (README: "Options"). */
export const DEFAULTS = {
  // Short epochs (freshly shuffled draws of the training windows), so a validation figure comes
  // every minute or so on 2 cores, and the time budget can stop training soon after it is spent.
  start: { epochs: '100', minutes: '3', 'steps-per-epoch': '100' },
  // 12 min of training leaves room for loading, the trigram and scoring within 15 minutes.
  quality: { epochs: '100', minutes: '12', 'steps-per-epoch': '200' },
} as const;

function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        quality: { type: 'boolean', default: false },
        'generate-only': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
        corpus: { type: 'string', default: 'moby-dick' },
        text: { type: 'string' },
        'min-count': { type: 'string', default: '5' },
        'sequence-length': { type: 'string', default: '5' },
        embedding: { type: 'string', default: '64' },
        units: { type: 'string', default: '256' },
        dropout: { type: 'string', default: '0.1' },
        batch: { type: 'string', default: '64' },
        epochs: { type: 'string' },
        'steps-per-epoch': { type: 'string' },
        minutes: { type: 'string' },
        'learning-rate': { type: 'string', default: '0.002' },
        'final-learning-rate-fraction': { type: 'string', default: '0.05' },
        patience: { type: 'string', default: '6' },
        'held-out': { type: 'string', default: '0.1' },
        validation: { type: 'string', default: '0.05' },
        prompt: { type: 'string' },
        samples: { type: 'string', default: '3' },
        'max-new-tokens': { type: 'string', default: '40' },
        temperature: { type: 'string', default: '0.8' },
        'top-k': { type: 'string', default: '40' },
        seed: { type: 'string', default: '42' },
        threads: { type: 'string', default: 'auto' },
        out: { type: 'string', default: 'out/word-lm' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

/** Parses `argv` (without node and the script; pnpm's lone `--` is skipped). */
export function parseCli(argv: readonly string[]): CliSettings {
  const values = readFlags(argv.filter((arg) => arg !== '--'));
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
  const corpus = values.corpus;
  if (corpus !== 'moby-dick' && corpus !== 'sotu')
    throw new UsageError(`--corpus must be 'moby-dick' or 'sotu', got '${corpus}'.`);
  if (values.text !== undefined && argv.some((arg) => arg === '--corpus' || arg.startsWith('--corpus=')))
    throw new UsageError('--text and --corpus both name the text: give one of them.');
  const units = values.units.split(',').map((part) => number('units', part, { min: 1, max: 4096 }));
  return {
    quality: values.quality,
    generateOnly: values['generate-only'],
    help: values.help,
    corpus,
    text: values.text,
    minCount: number('min-count', values['min-count'], { min: 1 }),
    sequenceLength: number('sequence-length', values['sequence-length'], { min: 1, max: 100 }),
    embeddingDim: number('embedding', values.embedding, { min: 1, max: 4096 }),
    units,
    dropout: number('dropout', values.dropout, { min: 0, max: 0.9, real: true }),
    batchSize: number('batch', values.batch, { min: 1, max: 8192 }),
    epochs: number('epochs', values.epochs ?? defaults.epochs, { min: 1 }),
    stepsPerEpoch: number('steps-per-epoch', values['steps-per-epoch'] ?? defaults['steps-per-epoch'], {
      min: 1,
      all: true,
    }),
    minutes: number('minutes', values.minutes ?? defaults.minutes, { min: 0, real: true, all: true }),
    learningRate: number('learning-rate', values['learning-rate'], { min: 1e-6, max: 1, real: true }),
    finalLearningRateFraction: number(
      'final-learning-rate-fraction',
      values['final-learning-rate-fraction'],
      { min: 0, max: 1, real: true },
    ),
    patience: number('patience', values.patience, { min: 0 }),
    heldOutFraction: number('held-out', values['held-out'], { min: 0.01, max: 0.5, real: true }),
    validationFraction: number('validation', values.validation, { min: 0.01, max: 0.5, real: true }),
    prompt: values.prompt,
    samples: number('samples', values.samples, { min: 1, max: 64 }),
    maxNewTokens: number('max-new-tokens', values['max-new-tokens'], { min: 1, max: 10_000 }),
    temperature: number('temperature', values.temperature, { min: 0, max: 100, real: true }),
    topK: values['top-k'] === 'all' ? null : number('top-k', values['top-k'], { min: 1 }),
    seed: number('seed', values.seed, { min: 0, max: 2 ** 31 - 1 }),
    threads: parseThreads(values.threads),
    out: values.out,
  };
}

/** `--threads`: 'auto' or an integer in [1, 8]. */
function parseThreads(raw: string): number | 'auto' {
  if (raw === 'auto') return 'auto';
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 1 || value > 8)
    throw new UsageError(`--threads must be 'auto' or an integer in [1, 8], got '${raw}'.`);
  return value;
}
