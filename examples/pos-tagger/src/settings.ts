// Command-line flags → checked settings. Kept apart from main.ts so the checks are testable
// without training anything; main.ts prints a UsageError's message and exits with code 1.
import { parseArgs } from 'node:util';
import type { TaggerOptions } from './tagger.js';

/** A bad flag: the message says which and what it takes. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface Settings extends Omit<TaggerOptions, 'verbose'> {
  readonly quality: boolean;
  /** A `word/TAG` file (one sentence per line), or null for the Brown corpus. */
  readonly tagged: string | null;
  readonly testFraction: number;
  readonly validationFraction: number;
  /** Train on only the first N training sentences (null: all); validation and test stay whole. */
  readonly trainSentences: number | null;
  /** wasm threads, or 'auto': as many as cores sit idle at the start (initBackend). */
  readonly threads: number | 'auto';
  readonly out: string;
  readonly modelDir: string;
  /** Sentences to tag with the reloaded model (whitespace-separated tokens). */
  readonly tag: readonly string[];
}

export const USAGE = `Usage: tsx src/main.ts [--quality] [--tagged FILE] [--tag "A sentence ."] [flags]
  --quality                  the full run: all training sentences, more epochs; writes results/pos-tagger.json
  --tagged FILE              word/TAG lines (Brown/NLTK format) instead of the Brown corpus
  --tag "TEXT"               a sentence for the reloaded model to tag (repeatable)
  --train-sentences N        train on the first N training sentences only (12000; all with --quality)
  --epochs N                 most epochs (2; 3 with --quality); early stopping may end sooner
  --patience N               epochs without a better validation loss before stopping (1)
  --min-count N              training words seen fewer times become <unk> (2)
  --unk-rate F               chance a known training word is read as <unk> in an epoch, seeded (0.01)
  --embedding N              word embedding size (64)    --suffix-embedding N  per suffix length (24)
  --shape-embedding N        word-shape embedding size (8)
  --units N                  GRU units per direction (128)
  --dropout F                dropout on the GRU inputs, in [0, 1) (0.1)
  --batch-tokens N           padded tokens per batch, batches bucketed by length (2048)
  --learning-rate F (0.004)  --seed N (42)   --threads auto|1|2 (auto)
  --test-fraction F          held-out sentences (0.1)   --validation-fraction F  of the training part (0.05)
  --out DIR                  plots and results (out; results with --quality)
  --model-dir DIR            where the model and its vocabularies are saved (models/pos-tagger)`;

const FLAGS = {
  quality: { type: 'boolean', default: false },
  tagged: { type: 'string' },
  tag: { type: 'string', multiple: true },
  'train-sentences': { type: 'string' },
  epochs: { type: 'string' },
  patience: { type: 'string' },
  'min-count': { type: 'string' },
  'unk-rate': { type: 'string' },
  embedding: { type: 'string' },
  'suffix-embedding': { type: 'string' },
  'shape-embedding': { type: 'string' },
  units: { type: 'string' },
  dropout: { type: 'string' },
  'batch-tokens': { type: 'string' },
  'learning-rate': { type: 'string' },
  seed: { type: 'string' },
  threads: { type: 'string' },
  'test-fraction': { type: 'string' },
  'validation-fraction': { type: 'string' },
  out: { type: 'string' },
  'model-dir': { type: 'string' },
  help: { type: 'boolean', default: false },
} as const;

type Flag = Exclude<keyof typeof FLAGS, 'quality' | 'help' | 'tagged' | 'tag' | 'out' | 'model-dir'>;

/** The sentences tagged at the end when no `--tag` is given. */
export const DEFAULT_SENTENCES = [
  'The old man the boats .',
  'Time flies like an arrow ; fruit flies like a banana .',
  'The complex houses married and single soldiers and their families .',
] as const;

/** Parses `argv` (without node and the script); `null` when `--help` was asked for. */
export function parseSettings(argv: readonly string[]): Settings | null {
  let values: Record<string, string | boolean | string[] | undefined>;
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
    const given = values[flag] as string | undefined;
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
  const fraction = { min: 0.01, max: 0.5 };
  const tag = (values.tag as string[] | undefined) ?? [];
  const blank = tag.find((text) => text.trim() === '');
  if (blank !== undefined) throw new UsageError(`--tag needs a sentence, got ${JSON.stringify(blank)}.`);
  /** `--threads`: 'auto' (the default) or an integer in [1, 2]. */
  const threads = (): number | 'auto' => {
    const given = values.threads as string | undefined;
    if (given === undefined || given === 'auto') return 'auto';
    const value = Number(given);
    if (given.trim() === '' || !Number.isInteger(value) || value < 1 || value > 2)
      throw new UsageError(`--threads must be 'auto' or an integer in [1, 2], got ${JSON.stringify(given)}.`);
    return value;
  };
  return {
    quality,
    tagged: (values.tagged as string | undefined) ?? null,
    tag: tag.length > 0 ? tag : [...DEFAULT_SENTENCES],
    trainSentences:
      values['train-sentences'] === undefined
        ? quality
          ? null
          : 12_000
        : number('train-sentences', 0, { integer: true, min: 2 }),
    epochs: number('epochs', quality ? 3 : 2, { integer: true, min: 1 }),
    patience: number('patience', 1, { integer: true, min: 0 }),
    minCount: number('min-count', 2, { integer: true, min: 1 }),
    unkRate: number('unk-rate', 0.01, { min: 0, below: 1 }),
    embeddingDim: number('embedding', 64, { integer: true, min: 1 }),
    suffixEmbeddingDim: number('suffix-embedding', 24, { integer: true, min: 1 }),
    shapeEmbeddingDim: number('shape-embedding', 8, { integer: true, min: 1 }),
    units: number('units', 128, { integer: true, min: 1 }),
    dropout: number('dropout', 0.1, { min: 0, below: 1 }),
    batchTokens: number('batch-tokens', 2048, { integer: true, min: 16 }),
    learningRate: number('learning-rate', 0.004, { min: 1e-6, max: 1 }),
    seed: number('seed', 42, { integer: true, min: 0 }),
    threads: threads(),
    testFraction: number('test-fraction', 0.1, fraction),
    validationFraction: number('validation-fraction', 0.05, fraction),
    out: (values.out as string | undefined) ?? (quality ? 'results' : 'out'),
    modelDir: (values['model-dir'] as string | undefined) ?? 'models/pos-tagger',
  };
}
