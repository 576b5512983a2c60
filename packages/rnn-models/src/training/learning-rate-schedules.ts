import { RnnModelsError } from '../errors.js';

/**
 * A learning rate as a function of the global step (0-based, counting every update across
 * epochs) and the epoch (0-based, as in callbacks). Must return a finite number ≥ 0.
 */
export type LearningRateFunction = (step: number, epoch: number) => number;

/**
 * A built-in schedule, relative to the base learning rate `lr` (the `learningRate` option, or
 * the optimizer's own):
 *
 * - `constant`: `lr`.
 * - `exponentialDecay` (Keras `ExponentialDecay`): `lr · decayRate^(step / decaySteps)`, with
 *   the exponent floored when `staircase`.
 * - `stepDecay`: `lr · factor^⌊epoch / epochsPerDrop⌋` — drops by `factor` every
 *   `epochsPerDrop` epochs.
 * - `cosineDecay` (Keras `CosineDecay` without warm-up): `lr · ((1 − alpha) · c + alpha)`,
 *   `c = ½(1 + cos(π · min(step, decaySteps) / decaySteps))`.
 * - `warmup`: linear warm-up, `lr · (step + 1) / warmupSteps` for the first `warmupSteps`
 *   steps (so step 0 already trains), then the schedule `after` (default `constant`) with its
 *   step counted from the end of the warm-up.
 */
export type LearningRateScheduleConfig =
  | { readonly kind: 'constant' }
  | {
      readonly kind: 'exponentialDecay';
      /** Steps over which the rate is multiplied by `decayRate`; an integer ≥ 1. */
      readonly decaySteps: number;
      /** Multiplier per `decaySteps`, in (0, 1]. */
      readonly decayRate: number;
      /** Decay in whole multiples of `decaySteps` only. @default false */
      readonly staircase?: boolean;
    }
  | {
      readonly kind: 'stepDecay';
      /** Epochs between drops; an integer ≥ 1. */
      readonly epochsPerDrop: number;
      /** Multiplier per drop, in (0, 1]. */
      readonly factor: number;
    }
  | {
      readonly kind: 'cosineDecay';
      /** Steps to decay over; an integer ≥ 1. The rate stays at `alpha · lr` afterwards. */
      readonly decaySteps: number;
      /** Final rate as a fraction of `lr`, in [0, 1]. @default 0 */
      readonly alpha?: number;
    }
  | {
      readonly kind: 'warmup';
      /** Steps of linear warm-up; an integer ≥ 1. */
      readonly warmupSteps: number;
      /** Schedule after the warm-up, whose step 0 is the first step after it. @default { kind: 'constant' } */
      readonly after?: LearningRateScheduleConfig | LearningRateFunction;
    };

/** Names of the built-in schedules. */
export type LearningRateScheduleKind = LearningRateScheduleConfig['kind'];

/**
 * Builds a learning-rate function from a schedule config (validated here) or wraps a
 * function, checking on every call that it returns a finite rate ≥ 0.
 *
 * @param baseLearningRate the rate `lr` the built-in schedules scale; ignored by functions,
 *   which return absolute rates.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an unknown `kind` or out-of-range
 *   parameter (at creation), or a function returning a negative or non-finite rate (when called).
 * @example
 * const lr = createLearningRateSchedule({ kind: 'exponentialDecay', decaySteps: 10, decayRate: 0.5 }, 0.1);
 * lr(10, 0); // 0.05
 */
export function createLearningRateSchedule(
  schedule: LearningRateScheduleConfig | LearningRateFunction,
  baseLearningRate: number,
): LearningRateFunction {
  if (typeof schedule === 'function') return checkedFunction(schedule);
  if (schedule === null || typeof schedule !== 'object') {
    throw invalid(
      `learningRateSchedule must be a function (step, epoch) => rate or an object with a kind, received ${String(schedule)}.`,
    );
  }
  const lr = baseLearningRate;
  const config = schedule as LearningRateScheduleConfig;
  switch (config.kind) {
    case 'constant':
      return () => lr;
    case 'exponentialDecay': {
      const decaySteps = requireInteger(config.decaySteps, 'exponentialDecay.decaySteps', 1);
      const decayRate = requireFraction(config.decayRate, 'exponentialDecay.decayRate');
      const staircase = requireBoolean(config.staircase ?? false, 'exponentialDecay.staircase');
      return (step) => {
        const exponent = step / decaySteps;
        return lr * decayRate ** (staircase ? Math.floor(exponent) : exponent);
      };
    }
    case 'stepDecay': {
      const epochsPerDrop = requireInteger(config.epochsPerDrop, 'stepDecay.epochsPerDrop', 1);
      const factor = requireFraction(config.factor, 'stepDecay.factor');
      return (_step, epoch) => lr * factor ** Math.floor(epoch / epochsPerDrop);
    }
    case 'cosineDecay': {
      const decaySteps = requireInteger(config.decaySteps, 'cosineDecay.decaySteps', 1);
      const alpha = config.alpha ?? 0;
      if (typeof alpha !== 'number' || !(alpha >= 0 && alpha <= 1)) {
        throw invalid(`cosineDecay.alpha must be a number in [0, 1], received ${String(alpha)}.`);
      }
      return (step) => {
        const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps));
        return lr * ((1 - alpha) * cosine + alpha);
      };
    }
    case 'warmup': {
      const warmupSteps = requireInteger(config.warmupSteps, 'warmup.warmupSteps', 1);
      const after = createLearningRateSchedule(config.after ?? { kind: 'constant' }, lr);
      return (step, epoch) =>
        step < warmupSteps ? (lr * (step + 1)) / warmupSteps : after(step - warmupSteps, epoch);
    }
    default: {
      const unknown: never = config;
      throw invalid(
        `Unknown learning-rate schedule kind ${JSON.stringify((unknown as { kind?: unknown }).kind)}; ` +
          "use 'constant', 'exponentialDecay', 'stepDecay', 'cosineDecay', 'warmup' or a function.",
      );
    }
  }
}

function checkedFunction(fn: LearningRateFunction): LearningRateFunction {
  return (step, epoch) => {
    const rate = fn(step, epoch);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
      throw invalid(
        `learningRateSchedule returned ${String(rate)} at step ${step} (epoch ${epoch}); it must return a finite number ≥ 0.`,
      );
    }
    return rate;
  };
}

function requireInteger(value: unknown, name: string, min: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min) {
    throw invalid(`${name} must be an integer ≥ ${min}, received ${String(value)}.`);
  }
  return value;
}

function requireFraction(value: unknown, name: string): number {
  if (typeof value !== 'number' || !(value > 0 && value <= 1)) {
    throw invalid(`${name} must be a number in (0, 1], received ${String(value)}.`);
  }
  return value;
}

function requireBoolean(value: unknown, name: string): boolean {
  if (typeof value !== 'boolean') throw invalid(`${name} must be a boolean, received ${String(value)}.`);
  return value;
}

function invalid(message: string): RnnModelsError {
  return new RnnModelsError('RNN_MODELS_INVALID_OPTION', message);
}
