// The neural model: the previous `sequenceLength` word ids → Embedding → stacked GRU → Dense
// logits over the vocabulary (rnn-models' languageModel template in 'next' mode), and the
// window batches it trains and is scored on (datasets' slidingWindows).
import { Dataset, slidingWindows } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import { maskedSparseCategoricalCrossentropy, sparseCategoricalAccuracy } from '@rnnkit/metrics/tensor';
import { type Batch, type DataSource, languageModel } from '@rnnkit/rnn-models';
import type * as tfl from '@tensorflow/tfjs-layers';

/** What rebuilds the network; saved in the checkpoint's extras as `model`. */
export interface ModelSettings {
  readonly vocabularySize: number;
  /** Words the model reads before predicting the next one (the notebook's window of 5). */
  readonly sequenceLength: number;
  readonly embeddingDim: number;
  /** GRU units, one number per layer. */
  readonly units: readonly number[];
  /** Dropout after each GRU layer (training only). */
  readonly dropout: number;
}

/** Embedding → GRU stack → Dense(vocabularySize) logits. The caller owns (disposes) the model. */
export function buildModel(settings: ModelSettings, seed: number): tfl.LayersModel {
  return languageModel({
    vocabularySize: settings.vocabularySize,
    sequenceLength: settings.sequenceLength,
    mode: 'next',
    embeddingDim: settings.embeddingDim,
    cell: 'gru',
    units: [...settings.units],
    layerDropout: settings.dropout,
    logits: true,
    seed,
  });
}

/**
 * Sparse cross-entropy from logits. Every target is a real word (the vocabulary has no padding
 * id), so nothing is masked: `padId` −1 matches no id. evaluate() recognizes the loss by name
 * and reports perplexity and bits per token from it.
 */
export const lmLoss = () => maskedSparseCategoricalCrossentropy({ fromLogits: true, padId: -1 });
export const lmMetrics = () => [sparseCategoricalAccuracy()];

/**
 * The windows whose target is a token of `ids[from … to)`: each reads the `sequenceLength` ids
 * before its target, which may lie before `from` (the held-out part's first targets take their
 * context from the end of the training part). `from` must be ≥ sequenceLength.
 */
export function windowsOver(ids: Int32Array, from: number, to: number, sequenceLength: number) {
  return Dataset.from(() => slidingWindows(ids.subarray(from - sequenceLength, to), { sequenceLength })).map(
    (window) => ({ xs: window.xs, ys: window.ys }),
  );
}

export interface TrainBatchOptions {
  readonly sequenceLength: number;
  readonly batchSize: number;
  readonly seed: number;
  /** Cap on batches per epoch (`Infinity`: every window once). */
  readonly stepsPerEpoch: number;
}

/**
 * Every window of the training ids once per epoch, shuffled across the whole text (a buffer as
 * large as the data; reshuffled every epoch from the seed). train() disposes the batches.
 */
export function trainingBatches(ids: Int32Array, options: TrainBatchOptions): DataSource<Batch> {
  const { sequenceLength, batchSize, seed, stepsPerEpoch } = options;
  const windows = windowsOver(ids, sequenceLength, ids.length, sequenceLength)
    .shuffle(ids.length, seed)
    .batch(batchSize, { dropRemainder: true });
  const capped = Number.isFinite(stepsPerEpoch) ? windows.take(stepsPerEpoch) : windows;
  return toTensors(capped, { xsDtype: 'int32', ysDtype: 'int32' });
}

/** Windows in text order for scoring (validation, held out): every target of `[from, to)` once. */
export function scoringBatches(
  ids: Int32Array,
  from: number,
  to: number,
  options: { readonly sequenceLength: number; readonly batchSize: number },
): DataSource<Batch> {
  return toTensors(windowsOver(ids, from, to, options.sequenceLength).batch(options.batchSize), {
    xsDtype: 'int32',
    ysDtype: 'int32',
  });
}
