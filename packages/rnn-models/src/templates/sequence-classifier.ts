import * as tfl from '@tensorflow/tfjs-layers';
import { validate } from '../errors.js';
import {
  checkTemplateSizes,
  denseLayer,
  embeddingLayer,
  firstLayerInput,
  hiddenDenseLayers,
  recurrentLayers,
  reseedBackwardLayers,
  SeedSequence,
} from './build-layers.js';
import {
  checkTemplateOptions,
  DEFAULT_SHARED_OPTIONS,
  type EmbeddingOptions,
  type HeadOptions,
  type RecurrentStackOptions,
  type ResolvedEmbeddingOptions,
  type ResolvedHeadOptions,
  type ResolvedRecurrentStackOptions,
  resolveEmbeddingOptions,
  resolveHeadOptions,
  resolveRecurrentStackOptions,
  type SeedOptions,
  templateSeed,
} from './shared-options.js';

/** Options of {@link sequenceClassifier}. */
export interface SequenceClassifierOptions
  extends EmbeddingOptions,
    RecurrentStackOptions,
    HeadOptions,
    SeedOptions {
  /**
   * Number of classes. 2 gives a binary head — one sigmoid unit, output `[batch, 1]`, for
   * `loss: 'binaryCrossentropy'`; 3 or more a softmax over `numClasses`, output `[batch, numClasses]`.
   * @default 2
   */
  readonly numClasses?: number;
  /**
   * Wrap each recurrent layer in `Bidirectional` (outputs of both directions concatenated, so the
   * layer's output width is 2 × units), as in the TF sentiment notebook.
   * @default false
   */
  readonly bidirectional?: boolean;
  /**
   * Output raw logits (a linear output layer) instead of sigmoid/softmax probabilities (the TF
   * sentiment notebook's `Dense(1)` with `from_logits=True`). tfjs' string losses expect probabilities.
   * @default false
   */
  readonly logits?: boolean;
}

/** {@link SequenceClassifierOptions} with every default filled in. */
export interface ResolvedSequenceClassifierOptions
  extends ResolvedEmbeddingOptions,
    ResolvedRecurrentStackOptions,
    ResolvedHeadOptions {
  readonly numClasses: number;
  readonly bidirectional: boolean;
  readonly logits: boolean;
  readonly seed: number | null;
}

/** Defaults of {@link sequenceClassifier} (every option but the required `vocabularySize`). */
export const DEFAULT_SEQUENCE_CLASSIFIER_OPTIONS: Readonly<
  Omit<ResolvedSequenceClassifierOptions, 'vocabularySize'>
> = Object.freeze({
  ...DEFAULT_SHARED_OPTIONS,
  cell: 'lstm',
  units: Object.freeze([64]),
  maskZero: false,
  numClasses: 2,
  bidirectional: false,
  logits: false,
});

const WHERE = 'sequenceClassifier';

/**
 * Validates {@link SequenceClassifierOptions} and fills in the defaults of
 * {@link DEFAULT_SEQUENCE_CLASSIFIER_OPTIONS}.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a missing `vocabularySize`, `numClasses` below 2, a
 *   value of the wrong type or range, or `resetAfter` with a non-GRU cell.
 * @example
 * resolveSequenceClassifierOptions({ vocabularySize: 5272 }).numClasses; // 2
 */
export function resolveSequenceClassifierOptions(
  options: SequenceClassifierOptions,
): ResolvedSequenceClassifierOptions {
  const defaults = DEFAULT_SEQUENCE_CLASSIFIER_OPTIONS;
  checkTemplateOptions(WHERE, options, defaults, ['vocabularySize']);
  const numClasses = validate.integer(WHERE, 'numClasses', options.numClasses ?? defaults.numClasses, {
    min: 1,
  });
  if (numClasses < 2) {
    validate.invalid(
      WHERE,
      'numClasses',
      numClasses,
      'must be at least 2',
      'Pass 2 for a binary (one sigmoid unit) classifier.',
    );
  }
  return {
    ...resolveEmbeddingOptions(WHERE, options, defaults),
    ...resolveRecurrentStackOptions(WHERE, options, defaults),
    ...resolveHeadOptions(WHERE, options, defaults),
    numClasses,
    bidirectional: validate.boolean(WHERE, 'bidirectional', options.bidirectional ?? defaults.bidirectional),
    logits: validate.boolean(WHERE, 'logits', options.logits ?? defaults.logits),
    seed: templateSeed(WHERE, options.seed),
  };
}

/**
 * A many-to-one text classifier: Embedding → rnnkit recurrent layer(s), optionally bidirectional
 * (only the last returns its final output) → optional hidden Dense layers → Dense(1) sigmoid
 * (binary) or Dense(numClasses) softmax.
 *
 * Input: ids `[batch, time]`. Output: `[batch, 1]` (binary) or `[batch, numClasses]`. The model is not
 * compiled: use `'binaryCrossentropy'` (binary) or `'sparseCategoricalCrossentropy'` with targets `[batch]`.
 *
 * @returns a new, uncompiled `tf.Sequential`; the caller owns it (`model.dispose()`).
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` (see {@link resolveSequenceClassifierOptions}).
 * @example
 * // TF sentiment notebook: Embedding 5272×64 → Bidirectional(LSTM 64) → Dense 64 relu → Dense 1: 411,777 parameters
 * const model = sequenceClassifier({
 *   vocabularySize: 5272, embeddingDim: 64, units: 64, bidirectional: true, hiddenUnits: [64], logits: true,
 * });
 */
export function sequenceClassifier(options: SequenceClassifierOptions): tfl.Sequential {
  const resolved = resolveSequenceClassifierOptions(options);
  checkTemplateSizes(WHERE, {
    embedding: resolved,
    inputs: resolved.embeddingDim,
    stack: resolved,
    bidirectional: resolved.bidirectional,
    hiddenUnits: resolved.hiddenUnits,
    outputUnits: resolved.numClasses,
  });
  const seeds = new SeedSequence(resolved.seed);
  const binary = resolved.numClasses === 2;
  const model = tfl.sequential({
    layers: [
      embeddingLayer(resolved, seeds, firstLayerInput([resolved.sequenceLength], null)),
      ...recurrentLayers(resolved, resolved, seeds, {
        returnSequences: false,
        bidirectional: resolved.bidirectional,
        stateful: false,
      }),
      ...hiddenDenseLayers(resolved, seeds),
      denseLayer(
        binary ? 1 : resolved.numClasses,
        resolved.logits ? 'linear' : binary ? 'sigmoid' : 'softmax',
        seeds,
      ),
    ],
  });
  if (resolved.seed !== null) reseedBackwardLayers(model, seeds);
  return model;
}
