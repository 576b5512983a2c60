// Command-line flags of the scale-out example, checked up front: a bad flag is a UsageError
// (main prints it with the usage and exits 1) before anything loads, trains or spawns.
import { parseArgs } from 'node:util';

export const USAGE = `Usage: pnpm start [--stage all|prepare|finetune|import] [--text book.txt] [--cell gru|lstm]
  [--units 128] [--embedding 32] [--sequence-length 64] [--batch 32] [--rnnkit-steps 100]
  [--epochs 4] [--steps-per-epoch 400|all] [--learning-rate 0.003] [--nproc 2] [--dist-backend gloo|nccl]
  [--held-out 0.05] [--held-out-windows 200] [--prompt TEXT] [--max-new-tokens 300] [--temperature 0.6]
  [--python /usr/bin/python3] [--seed 42] [--threads auto|N] [--out out/scale-out]`;

/** A command-line mistake: printed with the usage, exit code 1. */
export class UsageError extends Error {}

export const STAGES = ['all', 'prepare', 'finetune', 'import'] as const;
export type Stage = (typeof STAGES)[number];

export interface CliSettings {
  /** `prepare`: data + brief rnnkit training + export; `finetune`: torchrun; `import`: back into rnnkit. */
  readonly stage: Stage;
  readonly text: string | undefined;
  readonly cell: 'lstm' | 'gru';
  readonly units: number;
  readonly embeddingDim: number;
  readonly sequenceLength: number;
  readonly batchSize: number;
  /** Batches of the brief rnnkit training before the export. */
  readonly rnnkitSteps: number;
  /** PyTorch fine-tuning epochs. */
  readonly epochs: number;
  /** Batches per epoch and rank (`Infinity`: a whole pass over the rank's share). */
  readonly stepsPerEpoch: number;
  readonly learningRate: number;
  /** Processes torchrun starts (`--nproc_per_node`). */
  readonly nproc: number;
  readonly distBackend: 'gloo' | 'nccl';
  readonly heldOutFraction: number;
  /** Held-out windows of `sequenceLength + 1` characters both sides score. */
  readonly heldOutWindows: number;
  readonly prompt: string;
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly python: string;
  readonly seed: number;
  /**
   * rnnkit's wasm threads, shared by the PyTorch ranks in stage 2; 'auto': as many as cores sit
   * idle at the start (initBackend), and the ranks share what it resolved to.
   */
  readonly threads: number | 'auto';
  readonly out: string;
}

function readFlags(argv: readonly string[]) {
  try {
    return parseArgs({
      args: [...argv],
      allowPositionals: false,
      options: {
        stage: { type: 'string', default: 'all' },
        text: { type: 'string' },
        cell: { type: 'string', default: 'gru' },
        units: { type: 'string', default: '128' },
        embedding: { type: 'string', default: '32' },
        'sequence-length': { type: 'string', default: '64' },
        batch: { type: 'string', default: '32' },
        'rnnkit-steps': { type: 'string', default: '100' },
        epochs: { type: 'string', default: '4' },
        'steps-per-epoch': { type: 'string', default: '400' },
        'learning-rate': { type: 'string', default: '0.003' },
        nproc: { type: 'string', default: '2' },
        'dist-backend': { type: 'string', default: 'gloo' },
        'held-out': { type: 'string', default: '0.05' },
        'held-out-windows': { type: 'string', default: '200' },
        prompt: { type: 'string', default: 'Call me Ishmael. ' },
        'max-new-tokens': { type: 'string', default: '300' },
        temperature: { type: 'string', default: '0.6' },
        python: { type: 'string', default: '/usr/bin/python3' },
        seed: { type: 'string', default: '42' },
        threads: { type: 'string', default: 'auto' },
        out: { type: 'string', default: 'out/scale-out' },
      },
    }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
}

export function parseCli(argv: readonly string[]): CliSettings {
  const values = readFlags(argv);
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
  const oneOf = <T extends string>(name: string, raw: string, allowed: readonly T[]): T => {
    if (!allowed.includes(raw as T)) {
      throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${raw}'.`);
    }
    return raw as T;
  };
  if (values.prompt.length === 0) throw new UsageError('--prompt must not be empty.');
  return {
    stage: oneOf('stage', values.stage, STAGES),
    text: values.text,
    cell: oneOf('cell', values.cell, ['gru', 'lstm'] as const),
    units: number('units', values.units, { min: 1, max: 4096 }),
    embeddingDim: number('embedding', values.embedding, { min: 1, max: 4096 }),
    sequenceLength: number('sequence-length', values['sequence-length'], { min: 2, max: 10_000 }),
    batchSize: number('batch', values.batch, { min: 1, max: 100_000 }),
    rnnkitSteps: number('rnnkit-steps', values['rnnkit-steps'], { min: 1 }),
    epochs: number('epochs', values.epochs, { min: 1, max: 10_000 }),
    stepsPerEpoch: number('steps-per-epoch', values['steps-per-epoch'], { min: 1, all: true }),
    learningRate: number('learning-rate', values['learning-rate'], { min: 1e-8, max: 10, real: true }),
    nproc: number('nproc', values.nproc, { min: 1, max: 1024 }),
    distBackend: oneOf('dist-backend', values['dist-backend'], ['gloo', 'nccl'] as const),
    heldOutFraction: number('held-out', values['held-out'], { min: 0.001, max: 0.5, real: true }),
    heldOutWindows: number('held-out-windows', values['held-out-windows'], { min: 1 }),
    prompt: values.prompt,
    maxNewTokens: number('max-new-tokens', values['max-new-tokens'], { min: 1, max: 100_000 }),
    temperature: number('temperature', values.temperature, { min: 0, max: 10, real: true }),
    python: values.python,
    seed: number('seed', values.seed, { min: 0, max: 2 ** 31 - 1 }),
    threads: parseThreads(values.threads),
    out: values.out,
  };
}

/** `--threads`: 'auto' or an integer in [1, 256]. */
function parseThreads(raw: string): number | 'auto' {
  if (raw === 'auto') return 'auto';
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 1 || value > 256)
    throw new UsageError(`--threads must be 'auto' or an integer in [1, 256], got '${raw}'.`);
  return value;
}
