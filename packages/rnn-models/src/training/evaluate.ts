import { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { batchRules } from './batch-checks.js';
import { BatchPasses, type PassCaller } from './batch-passes.js';
import { type Batch, checkBatch, checkDataSource, type DataSource } from './data-source.js';
import {
  DEFAULT_EVALUATE_OPTIONS,
  type EvaluateOptions,
  resolveEvaluateOptions,
} from './evaluate-options.js';
import { evaluationPass } from './evaluation-pass.js';
import { EvaluationStep } from './evaluation-step.js';
import { getLoss, type LossFunction } from './losses.js';
import { disposeUnopenedArrays } from './train.js';
import { buildComputeLoss, buildMetrics } from './train-setup.js';
import { checkWholeSetRows, isWholeSet, WholeSetBatches } from './whole-set.js';

/** What {@link evaluate} returns: plain numbers. */
export interface EvaluateResult {
  /** Mean loss: over all samples, or over all real tokens when batches carry a `mask`. */
  readonly loss: number;
  /** Each metric's mean, weighted like `loss`; a custom step's extra logs too. */
  readonly metrics: Record<string, number>;
  readonly batches: number;
  /** Rows over all batches. */
  readonly samples: number;
  /** What the means are taken over: `samples`, or the mask sum (real tokens) with masks. */
  readonly weight: number;
  /**
   * `exp(loss)`, for a categorical cross-entropy loss (`sparseCategoricalCrossentropy`,
   * `categoricalCrossentropy`, `maskedSparseCategoricalCrossentropy`); absent otherwise.
   */
  readonly perplexity?: number;
  /** `loss / ln 2`: bits per token (per character for a character model), with `perplexity`. */
  readonly bitsPerToken?: number;
}

/** What {@link evaluate} reads: any source `train()` takes, or one `{ xs, ys }` of the whole set. */
export type EvaluateData<B extends Batch = Batch> = DataSource<B> | B;

const CALLER: PassCaller = {
  name: 'evaluate',
  onFailure: 'Evaluation stopped. Fix the data source (the original error is the cause).',
};

/**
 * Evaluates a model on data in inference mode (Keras' `model.evaluate`): loss and metrics as
 * plain numbers, and for a cross-entropy loss the perplexity and bits per token.
 *
 * Averaging: each batch's loss and metrics are its mean (weighted by `batch.mask` when given),
 * and the batches are combined weighted by their rows — or by their mask sums when they carry a
 * mask — so the result is the mean over every sample (every real token with masks) of the data,
 * exactly what one batch of all of it gives. A loss that returns one scalar per batch (e.g.
 * `maskedSparseCategoricalCrossentropy`, which masks padding itself) is weighted by rows, as
 * Keras does; for the exact mean over real tokens, give batches a `mask` and use
 * `'sparseCategoricalCrossentropy'`. `train()`'s `val_…` logs run this same pass.
 *
 * Targets of shape `[batch]` for a `[batch, 1]` output (`[batch, time]` for `[batch, time, 1]`)
 * get the unit axis added, as in `train()`.
 *
 * Tensor ownership: the caller's tensors stay the caller's (see `disposeBatches`); every tensor
 * evaluate makes is freed, on success and on every error. Yields to the event loop every ~20 ms.
 *
 * @param model a built `LayersModel`.
 * @param data batches `{ xs, ys, mask? }` as `train()` takes them (a dataset with `iterator()`, an
 *   array, an (async) iterable, or a function returning one), or one `{ xs, ys, mask? }` holding
 *   the whole set, cut into `batchSize` rows.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for bad options or data (also a source with
 *   no batches); `RNN_MODELS_SHAPE_MISMATCH` when inputs or targets do not fit the model and loss;
 *   `RNN_MODELS_INVALID_INPUT` for bad values; `RNN_MODELS_DATA_SOURCE_FAILED` when the source
 *   throws; `RNN_MODELS_ABORTED` when `signal` fires.
 * @example
 * const { loss, metrics, perplexity, bitsPerToken } = await evaluate(model, testBatches, {
 *   loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'],
 * });
 * const sentiment = await evaluate(classifier, { xs: ids, ys: labels }, { batchSize: 64 });
 */
export async function evaluate<B extends Batch = Batch>(
  model: LayersModel,
  data: EvaluateData<B>,
  options: EvaluateOptions<B> = {},
): Promise<EvaluateResult> {
  const opened = new Set<unknown>();
  try {
    return await evaluateModel(model, data, options, opened);
  } finally {
    disposeUnopenedArrays(options, [data], opened);
  }
}

async function evaluateModel<B extends Batch>(
  model: LayersModel,
  data: EvaluateData<B>,
  options: EvaluateOptions<B>,
  opened: Set<unknown>,
): Promise<EvaluateResult> {
  if (!(model instanceof LayersModel)) {
    validate.invalid(
      'evaluate',
      'model',
      model,
      'must be a tfjs-layers LayersModel (tfl.sequential, tfl.model)',
    );
  }
  const o = resolveEvaluateOptions(model, options);
  const single = isWholeSet(data);
  if (single) {
    checkBatch(data, 'evaluate: data', o.step === undefined);
    checkWholeSetRows(data, 'evaluate: data');
  } else {
    checkDataSource(data, 'data');
    if (o.batchSize !== undefined) {
      validate.invalid(
        'evaluate',
        'batchSize',
        o.batchSize,
        'applies only when data is one { xs, ys } of the whole set',
        'Batches from an array, iterable or dataset keep their own size: leave batchSize out.',
      );
    }
  }
  const source: DataSource<B> = single
    ? new WholeSetBatches(data as B, o.batchSize ?? DEFAULT_EVALUATE_OPTIONS.batchSize, { shuffle: false })
    : data;
  const steps = new EvaluationStep(
    model,
    { step: o.step, computeLoss: buildComputeLoss(o.loss), metrics: buildMetrics(model, o, 'evaluate') },
    batchRules(model, o.loss, o.step !== undefined),
  );
  const passes = new BatchPasses<B>({ signal: o.signal, disposeBatches: o.disposeBatches }, opened, CALLER);
  if ((model as { stateful?: boolean }).stateful === true && o.resetStates) model.resetStates();
  const onBatch = o.onBatch;
  const totals = await evaluationPass({ passes, steps }, source, {
    what: 'data',
    when: 'evaluation',
    where: (index) => `evaluate: batch ${index}`,
    epoch: 0,
    step: 0,
    ...(onBatch === undefined
      ? {}
      : { onBatch: (index, result) => onBatch(index, { ...result.values, size: result.size }) }),
  });
  if (totals === null) {
    throw new RnnModelsError(
      'RNN_MODELS_ABORTED',
      'evaluate: the signal fired before the pass ended; no result is returned, since the batches read so far ' +
        'would misstate the mean. Evaluate again without aborting, or on less data.',
      { cause: o.signal?.reason },
    );
  }
  if (totals.batches === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      'evaluate: data yielded no batches. A generator can be read only once: pass a function that creates it, ' +
        'or a dataset.',
    );
  }
  const { loss = Number.NaN, ...metrics } = totals.means;
  const result = { loss, metrics, batches: totals.batches, samples: totals.samples, weight: totals.weight };
  if (!isCrossEntropy(o.loss)) return result;
  return { ...result, perplexity: Math.exp(loss), bitsPerToken: loss / Math.LN2 };
}

/** Losses whose mean is in nats per token, so `exp` of it is a perplexity. */
function isCrossEntropy(loss: LossFunction | undefined): boolean {
  return (
    loss !== undefined &&
    (loss === getLoss('sparseCategoricalCrossentropy') ||
      loss === getLoss('categoricalCrossentropy') ||
      loss.name === 'maskedSparseCategoricalCrossentropy')
  );
}
