import { SeededRandom } from '@rnnkit/core';
import type { TrainStep } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { Seq2SeqError, validate } from './errors.js';
import type { TeacherForcingBatch } from './teacher-forcing.js';

/**
 * The teacher-forcing probability ε_i of Bengio et al. (2015) at step (or epoch) i — the chance
 * that a decoder input is the gold token; with 1 − ε_i it is the model's own prediction:
 * - `constant`: ε_i = `probability`;
 * - `linear`: ε_i = max(`minimum`, `start` − `slope`·i);
 * - `exponential`: ε_i = `base`^i (0 < base < 1);
 * - `inverseSigmoid`: ε_i = k / (k + exp(i / k)) (k ≥ 1).
 */
export type TeacherForcingSchedule =
  | { readonly kind: 'constant'; readonly probability: number }
  | { readonly kind: 'linear'; readonly slope: number; readonly start?: number; readonly minimum?: number }
  | { readonly kind: 'exponential'; readonly base: number }
  | { readonly kind: 'inverseSigmoid'; readonly k: number };

/** The schedule kinds, for validation and docs. */
export const TEACHER_FORCING_SCHEDULE_KINDS = Object.freeze([
  'constant',
  'linear',
  'exponential',
  'inverseSigmoid',
] as const);

/**
 * ε_i of a {@link TeacherForcingSchedule}, in [0, 1].
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_OPTION` for a bad schedule or a negative i.
 * @example
 * teacherForcingProbability({ kind: 'inverseSigmoid', k: 100 }, 500); // ≈ 0.40
 */
export function teacherForcingProbability(schedule: TeacherForcingSchedule, i: number): number {
  const where = 'teacherForcingProbability';
  validate.integer(where, 'i', i, { min: 0 });
  const s = checkSchedule(where, schedule);
  switch (s.kind) {
    case 'constant':
      return s.probability;
    case 'linear':
      return Math.min(1, Math.max(s.minimum ?? 0, (s.start ?? 1) - s.slope * i));
    case 'exponential':
      return s.base ** i;
    case 'inverseSigmoid':
      return s.k / (s.k + Math.exp(i / s.k));
  }
}

function checkSchedule(where: string, schedule: unknown): TeacherForcingSchedule {
  if (schedule === null || typeof schedule !== 'object') {
    validate.invalid(
      where,
      'schedule',
      schedule,
      "must be { kind: 'constant' | 'linear' | 'exponential' | 'inverseSigmoid', … }",
    );
  }
  const kind = validate.oneOf(
    where,
    'schedule.kind',
    (schedule as { kind?: unknown }).kind,
    TEACHER_FORCING_SCHEDULE_KINDS,
  );
  const name = `${where}: schedule`;
  switch (kind) {
    case 'constant': {
      const s = validate.options(name, schedule as object, ['kind', 'probability']) as {
        probability?: unknown;
      };
      validate.number(where, 'schedule.probability', s.probability, { min: 0, max: 1 });
      break;
    }
    case 'linear': {
      const s = validate.options(name, schedule as object, ['kind', 'slope', 'start', 'minimum']) as Record<
        string,
        unknown
      >;
      validate.number(where, 'schedule.slope', s['slope'], { min: 0 });
      if (s['start'] !== undefined) validate.number(where, 'schedule.start', s['start'], { min: 0, max: 1 });
      if (s['minimum'] !== undefined)
        validate.number(where, 'schedule.minimum', s['minimum'], { min: 0, max: 1 });
      break;
    }
    case 'exponential': {
      const s = validate.options(name, schedule as object, ['kind', 'base']) as { base?: unknown };
      validate.number(where, 'schedule.base', s.base, { min: 0, max: 1 });
      break;
    }
    case 'inverseSigmoid': {
      const s = validate.options(name, schedule as object, ['kind', 'k']) as { k?: unknown };
      validate.number(where, 'schedule.k', s.k, { min: 1 });
      break;
    }
  }
  return schedule as TeacherForcingSchedule;
}

/** What replaces a gold decoder input: the first pass's most likely token or a token drawn from its softmax. */
export type ScheduledSamplingPick = 'argmax' | 'sample';

/** Options of {@link scheduledSamplingStep}. */
export interface ScheduledSamplingOptions {
  /** The teacher-forcing probability over training (see {@link TeacherForcingSchedule}). */
  readonly schedule: TeacherForcingSchedule;
  /**
   * What i counts in the schedule: train()'s global `step` or the `epoch`.
   * @default 'step'
   */
  readonly per?: 'step' | 'epoch';
  /**
   * How the model's own token is picked from the first pass.
   * @default 'argmax'
   */
  readonly pick?: ScheduledSamplingPick;
  /**
   * Seed of the coin flips (and of `pick: 'sample'`); step s uses a generator seeded with
   * `seed + s`, so a resumed run draws the same. `null`: unseeded.
   * @default null
   */
  readonly seed?: number | null;
}

/** Defaults of the optional {@link ScheduledSamplingOptions}. */
export const DEFAULT_SCHEDULED_SAMPLING_OPTIONS = Object.freeze({
  per: 'step',
  pick: 'argmax',
  seed: null,
}) satisfies Readonly<Required<Omit<ScheduledSamplingOptions, 'schedule'>>>;

/**
 * The decoder inputs of the training pass of two-pass scheduled sampling (Mihaylova & Martins
 * 2019): a first teacher-forced pass of `model` in inference mode (no dropout, no gradient
 * reaches the picked ids) predicts every position; then each real decoder input after BOS
 * (`t ≥ 1`, gold id ≠ 0) is kept with `probability` and otherwise replaced by the model's
 * token for it — the first pass's prediction at `t − 1` (argmax, or drawn from its softmax).
 * BOS and padding are never replaced. At probability 1 the gold inputs come back unchanged; at
 * 0 every real input after BOS is the model's own previous prediction.
 *
 * Synchronous (reads the first pass back), so it runs inside train()'s step.
 *
 * @param sourceIds `[batch, Ts]` int32, caller owns. @param decoderInputIds `[batch, Tt]` int32, caller owns.
 * @returns new int32 decoder inputs `[batch, Tt]`, owned by the caller.
 */
export function scheduledDecoderInputs(
  model: tfl.LayersModel,
  sourceIds: tf.Tensor2D,
  decoderInputIds: tf.Tensor2D,
  probability: number,
  random: { nextFloat(): number },
  pick: ScheduledSamplingPick = 'argmax',
): tf.Tensor2D {
  const [batch, length] = decoderInputIds.shape;
  const gold = decoderInputIds.dataSync() as Int32Array;
  const mixed = Int32Array.from(gold);
  if (probability >= 1) return tf.tensor2d(mixed, [batch, length], 'int32');
  const logits = model.apply([sourceIds, decoderInputIds], { training: false }) as tf.Tensor3D;
  const vocabulary = logits.shape[2];
  let predicted: Int32Array;
  if (pick === 'argmax') {
    const ids = tf.argMax(logits, -1);
    predicted = ids.dataSync() as Int32Array;
    ids.dispose();
  } else {
    const probabilities = tf.softmax(logits);
    const values = probabilities.dataSync() as Float32Array;
    probabilities.dispose();
    predicted = new Int32Array(batch * length);
    for (let row = 0; row < batch * length; row++) {
      let u = random.nextFloat();
      let id = vocabulary - 1;
      for (let v = 0; v < vocabulary; v++) {
        u -= values[row * vocabulary + v]!;
        if (u < 0) {
          id = v;
          break;
        }
      }
      predicted[row] = id;
    }
  }
  logits.dispose();
  for (let b = 0; b < batch; b++) {
    for (let t = 1; t < length; t++) {
      const at = b * length + t;
      if (gold[at] !== 0 && random.nextFloat() >= probability) mixed[at] = predicted[at - 1]!;
    }
  }
  return tf.tensor2d(mixed, [batch, length], 'int32');
}

/**
 * A `TrainStep` for rnn-models' `train()` that trains an {@link EncoderDecoder}'s model with
 * scheduled sampling (Bengio et al. 2015) in its two-pass form (Mihaylova & Martins 2019): per
 * training batch, ε = the schedule's teacher-forcing probability at this step (or epoch); when
 * ε < 1, {@link scheduledDecoderInputs} mixes gold and predicted decoder inputs; then the
 * training pass runs on `[sourceIds, mixed inputs]` and the loss compares with the gold labels.
 * At ε = 1 it skips the first pass, so it is bit for bit teacher forcing. Validation batches
 * are always teacher-forced. Logs `teacher_forcing` (ε) with the loss. Needs train()'s `loss`.
 *
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_OPTION` for a bad schedule or an unknown option (here);
 *   from the step, when train() has no loss.
 * @example
 * await train(translator.model, batches, {
 *   loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
 *   step: scheduledSamplingStep({ schedule: { kind: 'inverseSigmoid', k: 200 }, seed: 1 }),
 * });
 */
export function scheduledSamplingStep(options: ScheduledSamplingOptions): TrainStep<TeacherForcingBatch> {
  const where = 'scheduledSamplingStep';
  const given = validate.withDefaults(where, options, DEFAULT_SCHEDULED_SAMPLING_OPTIONS, ['schedule']);
  const schedule = checkSchedule(where, given.schedule);
  const per = validate.oneOf(where, 'per', given.per, ['step', 'epoch'] as const);
  const pick = validate.oneOf(where, 'pick', given.pick, ['argmax', 'sample'] as const);
  const seed = validate.seed(where, 'seed', given.seed) ?? Math.floor(Math.random() * 2 ** 31);
  return ({ model, batch, training, epoch, step, computeLoss }) => {
    if (computeLoss === undefined) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_OPTION',
        `${where}: train() has no loss to apply. Pass loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }) to train().`,
      );
    }
    const [sourceIds, decoderInputIds] = batch.xs;
    const probability = training ? teacherForcingProbability(schedule, per === 'step' ? step : epoch) : 1;
    const inputs =
      probability >= 1
        ? decoderInputIds
        : scheduledDecoderInputs(
            model,
            sourceIds,
            decoderInputIds,
            probability,
            new SeededRandom(seed + step),
            pick,
          );
    const yPred = model.apply([sourceIds, inputs], { training }) as tf.Tensor;
    return { loss: computeLoss(batch.ys, yPred), yPred, logs: { teacher_forcing: tf.scalar(probability) } };
  };
}
