import { validate } from '../errors.js';

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
  return buildLearningRateSchedule('createLearningRateSchedule', schedule, baseLearningRate);
}

/** The names each schedule kind takes. */
const SCHEDULE_KEYS: Readonly<Record<LearningRateScheduleKind, readonly string[]>> = Object.freeze({
  constant: ['kind'],
  exponentialDecay: ['kind', 'decaySteps', 'decayRate', 'staircase'],
  stepDecay: ['kind', 'epochsPerDrop', 'factor'],
  cosineDecay: ['kind', 'decaySteps', 'alpha'],
  warmup: ['kind', 'warmupSteps', 'after'],
});
const SCHEDULE_KINDS = Object.keys(SCHEDULE_KEYS) as LearningRateScheduleKind[];

/**
 * {@link createLearningRateSchedule} with the name of the public call that failed (`where`),
 * e.g. `train({ learningRateSchedule })`.
 */
export function buildLearningRateSchedule(
  where: string,
  schedule: LearningRateScheduleConfig | LearningRateFunction,
  baseLearningRate: number,
): LearningRateFunction {
  if (typeof schedule === 'function') return checkedFunction(schedule);
  validate.number(where, 'baseLearningRate', baseLearningRate, { min: 0 });
  if (schedule === null || typeof schedule !== 'object') {
    validate.invalid(
      where,
      'learningRateSchedule',
      schedule,
      'must be a function (step, epoch) => rate or an object with a kind',
    );
  }
  const kind = validate.oneOf(where, 'kind', (schedule as { kind?: unknown }).kind, SCHEDULE_KINDS);
  validate.options(where, schedule, SCHEDULE_KEYS[kind]);
  const lr = baseLearningRate;
  const config = schedule as LearningRateScheduleConfig;
  const steps = (name: string, value: unknown) =>
    validate.integer(where, `${kind}.${name}`, value, { min: 1 });
  const fraction = (name: string, value: unknown) =>
    validate.number(where, `${kind}.${name}`, value, { min: 0, max: 1, minExclusive: true });
  switch (config.kind) {
    case 'constant':
      return () => lr;
    case 'exponentialDecay': {
      const decaySteps = steps('decaySteps', config.decaySteps);
      const decayRate = fraction('decayRate', config.decayRate);
      const staircase = validate.boolean(where, 'exponentialDecay.staircase', config.staircase ?? false);
      return (step) => {
        const exponent = step / decaySteps;
        return lr * decayRate ** (staircase ? Math.floor(exponent) : exponent);
      };
    }
    case 'stepDecay': {
      const epochsPerDrop = steps('epochsPerDrop', config.epochsPerDrop);
      const factor = fraction('factor', config.factor);
      return (_step, epoch) => lr * factor ** Math.floor(epoch / epochsPerDrop);
    }
    case 'cosineDecay': {
      const decaySteps = steps('decaySteps', config.decaySteps);
      const alpha = validate.number(where, 'cosineDecay.alpha', config.alpha ?? 0, { min: 0, max: 1 });
      return (step) => {
        const cosine = 0.5 * (1 + Math.cos((Math.PI * Math.min(step, decaySteps)) / decaySteps));
        return lr * ((1 - alpha) * cosine + alpha);
      };
    }
    case 'warmup': {
      const warmupSteps = steps('warmupSteps', config.warmupSteps);
      const after = buildLearningRateSchedule(where, config.after ?? { kind: 'constant' }, lr);
      return (step, epoch) =>
        step < warmupSteps ? (lr * (step + 1)) / warmupSteps : after(step - warmupSteps, epoch);
    }
  }
}

function checkedFunction(fn: LearningRateFunction): LearningRateFunction {
  return (step, epoch) => {
    const rate = fn(step, epoch);
    if (typeof rate !== 'number' || !Number.isFinite(rate) || rate < 0) {
      validate.invalid(
        'learningRateSchedule',
        `the rate at step ${step} (epoch ${epoch})`,
        rate,
        'must be a finite number ≥ 0',
      );
    }
    return rate;
  };
}
