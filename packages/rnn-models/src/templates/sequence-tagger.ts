import * as tfl from '@tensorflow/tfjs-layers';
import { validate } from '../errors.js';
import {
  checkTemplateSizes,
  denseLayer,
  embeddingLayer,
  firstLayerInput,
  hiddenDenseLayers,
  layerName,
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

/** Options of {@link sequenceTagger}. */
export interface SequenceTaggerOptions
  extends EmbeddingOptions,
    RecurrentStackOptions,
    HeadOptions,
    SeedOptions {
  /** Number of tags (classes per step), padding tag included if you use one. Required. */
  readonly numTags: number;
  /**
   * Wrap each recurrent layer in `Bidirectional` (concat), so every step sees its left and right context.
   * @default true
   */
  readonly bidirectional?: boolean;
  /**
   * Apply the per-step Dense layers through tfjs' `TimeDistributed` wrapper (as the Keras POS
   * notebook; its summary shows `TimeDistributed`). The default applies Dense to the 3-D sequence
   * directly: the same function and parameters in one matrix product, where tfjs' `TimeDistributed`
   * loops over the steps.
   * @default false
   */
  readonly timeDistributed?: boolean;
  /**
   * Output raw logits (a linear output layer) instead of softmax probabilities.
   * @default false
   */
  readonly logits?: boolean;
}

/** {@link SequenceTaggerOptions} with every default filled in. */
export interface ResolvedSequenceTaggerOptions
  extends ResolvedEmbeddingOptions,
    ResolvedRecurrentStackOptions,
    ResolvedHeadOptions {
  readonly numTags: number;
  readonly bidirectional: boolean;
  readonly timeDistributed: boolean;
  readonly logits: boolean;
  readonly seed: number | null;
}

/** Defaults of {@link sequenceTagger} (every option but the required `vocabularySize` and `numTags`). */
export const DEFAULT_SEQUENCE_TAGGER_OPTIONS: Readonly<
  Omit<ResolvedSequenceTaggerOptions, 'vocabularySize' | 'numTags'>
> = Object.freeze({
  ...DEFAULT_SHARED_OPTIONS,
  cell: 'gru',
  units: Object.freeze([64]),
  maskZero: true,
  bidirectional: true,
  timeDistributed: false,
  logits: false,
});

const WHERE = 'sequenceTagger';

/**
 * Validates {@link SequenceTaggerOptions} and fills in the defaults of {@link DEFAULT_SEQUENCE_TAGGER_OPTIONS}.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a missing `vocabularySize` or `numTags`, a value of
 *   the wrong type or range, or `resetAfter` with a non-GRU cell.
 * @example
 * resolveSequenceTaggerOptions({ vocabularySize: 9001, numTags: 39 }).maskZero; // true
 */
export function resolveSequenceTaggerOptions(options: SequenceTaggerOptions): ResolvedSequenceTaggerOptions {
  const defaults = DEFAULT_SEQUENCE_TAGGER_OPTIONS;
  checkTemplateOptions(WHERE, options, defaults, ['vocabularySize', 'numTags']);
  return {
    ...resolveEmbeddingOptions(WHERE, options, defaults),
    ...resolveRecurrentStackOptions(WHERE, options, defaults),
    ...resolveHeadOptions(WHERE, options, defaults),
    numTags: validate.integer(WHERE, 'numTags', options.numTags, { min: 1 }),
    bidirectional: validate.boolean(WHERE, 'bidirectional', options.bidirectional ?? defaults.bidirectional),
    timeDistributed: validate.boolean(
      WHERE,
      'timeDistributed',
      options.timeDistributed ?? defaults.timeDistributed,
    ),
    logits: validate.boolean(WHERE, 'logits', options.logits ?? defaults.logits),
    seed: templateSeed(WHERE, options.seed),
  };
}

/**
 * A many-to-many (synced) sequence tagger: Embedding (id 0 = padding, masked by default) →
 * rnnkit recurrent layer(s), bidirectional by default, all returning sequences → optional per-step
 * hidden Dense layers → per-step Dense(numTags) softmax, as in the Keras POS-tagging notebook.
 *
 * Masking: padded steps (id 0) carry the recurrent states over in both directions, so the outputs
 * at real tokens do not depend on how much padding follows (or precedes) them. The outputs at padded
 * steps are meaningless; tfjs' `fit` does not mask the loss, so padded targets (e.g. tag 0) are still
 * learned — exclude them when you score.
 *
 * Input: ids `[batch, time]`. Output: `[batch, time, numTags]`. Not compiled; use
 * `'sparseCategoricalCrossentropy'` with targets `[batch, time, 1]`.
 *
 * @returns a new, uncompiled `tf.Sequential`; the caller owns it (`model.dispose()`).
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` (see {@link resolveSequenceTaggerOptions}).
 * @example
 * // Keras POS notebook: Embedding 9001×128 → Bidirectional(GRU 256) → TimeDistributed(Dense 39): 1,765,031 parameters
 * const tagger = sequenceTagger({
 *   vocabularySize: 9001, embeddingDim: 128, numTags: 39, units: 256, sequenceLength: 100, timeDistributed: true,
 * });
 */
export function sequenceTagger(options: SequenceTaggerOptions): tfl.Sequential {
  const resolved = resolveSequenceTaggerOptions(options);
  checkTemplateSizes(WHERE, {
    embedding: resolved,
    inputs: resolved.embeddingDim,
    stack: resolved,
    bidirectional: resolved.bidirectional,
    hiddenUnits: resolved.hiddenUnits,
    outputUnits: resolved.numTags,
  });
  const seeds = new SeedSequence(resolved.seed);
  const perStep = (layer: tfl.layers.Layer) =>
    resolved.timeDistributed
      ? tfl.layers.timeDistributed({ layer, name: layerName('time_distributed') })
      : layer;
  const model = tfl.sequential({
    layers: [
      embeddingLayer(resolved, seeds, firstLayerInput([resolved.sequenceLength], null)),
      ...recurrentLayers(resolved, resolved, seeds, {
        returnSequences: true,
        bidirectional: resolved.bidirectional,
        stateful: false,
      }),
      ...hiddenDenseLayers(resolved, seeds).map((layer) =>
        layer.getClassName() === 'Dense' ? perStep(layer) : layer,
      ),
      perStep(denseLayer(resolved.numTags, resolved.logits ? 'linear' : 'softmax', seeds)),
    ],
  });
  if (resolved.seed !== null) reseedBackwardLayers(model, seeds);
  return model;
}
