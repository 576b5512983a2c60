// Command-line flags of the transfer example, checked up front: a bad flag is a UsageError
// (main prints it with the usage and exits 1) before anything loads or trains.
import { parseArgs } from 'node:util';

export const USAGE = `Usage: pnpm start [--source FILE] [--target FILE] [--pretrained DIR] [--quality]
  --source FILE            pretraining text (default: Moby-Dick)
  --target FILE            fine-tuning text; its last --held-out part is scored (default: the State of the Union addresses)
  --pretrained DIR         start from a model saved by examples/char-lm (or by this example) instead of pretraining
  --pretrain-steps N       pretraining batches on the source (start 300, quality 1000)
  --steps N                fine-tuning batches; the from-scratch model gets the same (start 120, quality 480)
  --cell gru|lstm (gru)    --units 256 | 256,256 (256)   --embedding 64 (64)   [architecture when pretraining here]
  --sequence-length 100    --batch 64    --learning-rate 0.005    --final-learning-rate-fraction 0.05
  --held-out 0.1           the target's last part, never trained on
  --validation 0.01        the end of the target's training part (and of the source), for validation losses
  --prompt TEXT            --max-new-tokens 400    --temperature 0.6
  --seed 42    --threads auto|N (auto)    --out out/transfer`;

/** A command-line mistake: printed with the usage, exit code 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

export interface CliSettings {
  readonly quality: boolean;
  readonly source: string | undefined;
  readonly target: string | undefined;
  readonly pretrained: string | undefined;
  readonly pretrainSteps: number;
  readonly steps: number;
  readonly cell: 'lstm' | 'gru';
  readonly units: readonly number[];
  readonly embeddingDim: number;
  readonly sequenceLength: number;
  readonly batchSize: number;
  readonly learningRate: number;
  readonly finalLearningRateFraction: number;
  readonly heldOutFraction: number;
  readonly validationFraction: number;
  readonly prompt: string | undefined;
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly seed: number;
  /** wasm threads, or 'auto': as many as cores sit idle at the start (initBackend). */
  readonly threads: number | 'auto';
  readonly out: string;
}

/** `start` and `quality` differ only in these budgets (README: "Settings"). */
const DEFAULTS = {
  start: { 'pretrain-steps': '300', steps: '120' },
  quality: { 'pretrain-steps': '1000', steps: '480' },
} as const;

function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        quality: { type: 'boolean', default: false },
        source: { type: 'string' },
        target: { type: 'string' },
        pretrained: { type: 'string' },
        'pretrain-steps': { type: 'string' },
        steps: { type: 'string' },
        cell: { type: 'string', default: 'gru' },
        units: { type: 'string', default: '256' },
        embedding: { type: 'string', default: '64' },
        'sequence-length': { type: 'string', default: '100' },
        batch: { type: 'string', default: '64' },
        'learning-rate': { type: 'string', default: '0.005' },
        'final-learning-rate-fraction': { type: 'string', default: '0.05' },
        'held-out': { type: 'string', default: '0.1' },
        validation: { type: 'string', default: '0.01' },
        prompt: { type: 'string' },
        'max-new-tokens': { type: 'string', default: '400' },
        temperature: { type: 'string', default: '0.6' },
        seed: { type: 'string', default: '42' },
        threads: { type: 'string', default: 'auto' },
        out: { type: 'string', default: 'out/transfer' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function parseCli(argv: readonly string[]): CliSettings {
  const values = readFlags(argv);
  const defaults = values.quality ? DEFAULTS.quality : DEFAULTS.start;
  /** `--name` as a number in [min, max] (an integer unless `real`). */
  const number = (
    name: string,
    raw: string | undefined,
    rule: { min: number; max?: number; real?: boolean },
  ) => {
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
      throw new UsageError(`--${name} must be ${kind} ${range}, got '${raw}'.`);
    }
    return value;
  };
  const cell = values.cell;
  if (cell !== 'lstm' && cell !== 'gru')
    throw new UsageError(`--cell must be 'lstm' or 'gru', got '${cell}'.`);
  if (values.pretrained !== undefined && values.source !== undefined) {
    throw new UsageError(
      '--pretrained and --source exclude each other: a pretrained model was already trained on its source.',
    );
  }
  // Training runs as four epochs of steps/4 batches: validation (and, fine-tuning, scores) after each quarter.
  const quarters = (name: 'steps' | 'pretrain-steps') => {
    const steps = number(name, values[name] ?? defaults[name], { min: 4 });
    if (steps % 4 !== 0) throw new UsageError(`--${name} must be a multiple of 4, got '${steps}'.`);
    return steps;
  };
  const steps = quarters('steps');
  const pretrainSteps = quarters('pretrain-steps');
  return {
    quality: values.quality,
    source: values.source,
    target: values.target,
    pretrained: values.pretrained,
    pretrainSteps,
    steps,
    cell,
    units: values.units.split(',').map((part) => number('units', part, { min: 1, max: 4096 })),
    embeddingDim: number('embedding', values.embedding, { min: 1, max: 4096 }),
    sequenceLength: number('sequence-length', values['sequence-length'], { min: 2, max: 10_000 }),
    batchSize: number('batch', values.batch, { min: 1, max: 4096 }),
    learningRate: number('learning-rate', values['learning-rate'], { min: 1e-6, max: 1, real: true }),
    finalLearningRateFraction: number(
      'final-learning-rate-fraction',
      values['final-learning-rate-fraction'],
      { min: 0, max: 1, real: true },
    ),
    heldOutFraction: number('held-out', values['held-out'], { min: 0.001, max: 0.5, real: true }),
    validationFraction: number('validation', values.validation, { min: 0.001, max: 0.5, real: true }),
    prompt: values.prompt,
    maxNewTokens: number('max-new-tokens', values['max-new-tokens'], { min: 0, max: 1_000_000 }),
    temperature: number('temperature', values.temperature, { min: 0, max: 100, real: true }),
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
