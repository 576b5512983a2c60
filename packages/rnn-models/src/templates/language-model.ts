import * as tfl from '@tensorflow/tfjs-layers';
import { validate } from '../errors.js';
import {
  checkTemplateSizes,
  denseLayer,
  embeddingLayer,
  firstLayerInput,
  hiddenDenseLayers,
  recurrentLayers,
  SeedSequence,
} from './build-layers.js';
import {
  checkTemplateOptions,
  DEFAULT_SHARED_OPTIONS,
  type EmbeddingOptions,
  type HeadOptions,
  optionalLength,
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

/**
 * How a language model is trained:
 * - `'next'`: many-to-one on fixed windows — ids `[batch, time]` → the next id's distribution
 *   `[batch, vocab]` (the Keras poetry notebooks);
 * - `'shifted'`: many-to-many — ids `[batch, time]` → a distribution for every step
 *   `[batch, time, vocab]`, trained on the input shifted by one (the TF "Alice" text-generation tutorial).
 */
export type LanguageModelMode = 'next' | 'shifted';

/** The modes, for validation and docs. */
export const LANGUAGE_MODEL_MODES: readonly LanguageModelMode[] = Object.freeze(['next', 'shifted']);

/**
 * Options of {@link languageModel}. Char- and word-level models differ only in `vocabularySize`
 * (characters or words) and usually `embeddingDim`.
 */
export interface LanguageModelOptions
  extends EmbeddingOptions,
    RecurrentStackOptions,
    HeadOptions,
    SeedOptions {
  /**
   * `'next'` (many-to-one, output `[batch, vocab]`) or `'shifted'` (many-to-many, output `[batch, time, vocab]`).
   * @default 'shifted'
   */
  readonly mode?: LanguageModelMode;
  /**
   * Output raw logits (a linear output layer) instead of softmax probabilities — for sampling with a
   * temperature or a from-logits loss. tfjs' string losses expect probabilities.
   * @default false
   */
  readonly logits?: boolean;
  /**
   * Stateful recurrent layers for truncated BPTT and step-by-step generation: the final state of
   * batch row i becomes the initial state of row i of the next batch, until `model.resetStates()`.
   * Needs `batchSize` (tfjs allocates the states per row); train with `shuffle: false`.
   * @default false
   */
  readonly stateful?: boolean;
  /**
   * Fixed batch size (the model's `batchInputShape[0]`); required with `stateful`. `null`: any batch size.
   * @default null
   */
  readonly batchSize?: number | null;
}

/** {@link LanguageModelOptions} with every default filled in. */
export interface ResolvedLanguageModelOptions
  extends ResolvedEmbeddingOptions,
    ResolvedRecurrentStackOptions,
    ResolvedHeadOptions {
  readonly mode: LanguageModelMode;
  readonly logits: boolean;
  readonly stateful: boolean;
  readonly batchSize: number | null;
  readonly seed: number | null;
}

/** Defaults of {@link languageModel} (every option but the required `vocabularySize`). */
export const DEFAULT_LANGUAGE_MODEL_OPTIONS: Readonly<Omit<ResolvedLanguageModelOptions, 'vocabularySize'>> =
  Object.freeze({
    ...DEFAULT_SHARED_OPTIONS,
    mode: 'shifted',
    cell: 'lstm',
    units: Object.freeze([128]),
    maskZero: false,
    logits: false,
    stateful: false,
    batchSize: null,
  });

const WHERE = 'languageModel';

/**
 * Validates {@link LanguageModelOptions} and fills in the defaults of {@link DEFAULT_LANGUAGE_MODEL_OPTIONS}.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a missing `vocabularySize`, a value of the wrong type
 *   or range, `resetAfter` with a non-GRU cell, or `stateful` without `batchSize`.
 * @example
 * resolveLanguageModelOptions({ vocabularySize: 90 }).units; // [128]
 */
export function resolveLanguageModelOptions(options: LanguageModelOptions): ResolvedLanguageModelOptions {
  const defaults = DEFAULT_LANGUAGE_MODEL_OPTIONS;
  checkTemplateOptions(WHERE, options, defaults, ['vocabularySize']);
  const stateful = validate.boolean(WHERE, 'stateful', options.stateful ?? defaults.stateful);
  const batchSize = optionalLength(
    WHERE,
    'batchSize',
    options.batchSize === undefined ? defaults.batchSize : options.batchSize,
  );
  if (stateful && batchSize === null) {
    validate.invalid(
      WHERE,
      'batchSize',
      batchSize,
      'is required with stateful: true (stateful layers keep one state row per batch row)',
      'Pass batchSize: the number of parallel streams you train or generate, e.g. { stateful: true, batchSize: 64 }.',
    );
  }
  return {
    ...resolveEmbeddingOptions(WHERE, options, defaults),
    ...resolveRecurrentStackOptions(WHERE, options, defaults),
    ...resolveHeadOptions(WHERE, options, defaults),
    mode: validate.oneOf(WHERE, 'mode', options.mode ?? defaults.mode, LANGUAGE_MODEL_MODES),
    logits: validate.boolean(WHERE, 'logits', options.logits ?? defaults.logits),
    stateful,
    batchSize,
    seed: templateSeed(WHERE, options.seed),
  };
}

/**
 * A char- or word-level language model: Embedding → rnnkit recurrent layer(s) (optionally each
 * followed by BatchNormalization/Dropout) → optional hidden Dense layers → Dense(vocab) with softmax
 * (or logits).
 *
 * Input: ids `[batch, time]` (`int32` or `float32` holding integers). Output: `'next'` → `[batch, vocab]`,
 * `'shifted'` → `[batch, time, vocab]`. The model is not compiled; with probabilities use
 * `loss: 'sparseCategoricalCrossentropy'` and `float32` target ids `[batch, 1]` (`'next'`) or
 * `[batch, time, 1]` (`'shifted'`; tfjs' loss floors the targets, which `int32` fails).
 *
 * @returns a new, uncompiled `tf.Sequential` (a `LayersModel`); the caller owns it (`model.dispose()`).
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` (see {@link resolveLanguageModelOptions}).
 * @example
 * // Keras poetry notebook (char-level, next-character): 81,212 parameters
 * const poetry = languageModel({
 *   vocabularySize: 28, embeddingDim: 8, sequenceLength: 40, mode: 'next',
 *   units: 128, activation: 'relu', batchNorm: true, hiddenUnits: [64],
 * });
 * // TF "Alice" tutorial (char-level, shifted targets, logits), stateful for generation
 * const alice = languageModel({
 *   vocabularySize: 90, embeddingDim: 256, cell: 'gru', units: 100, logits: true, stateful: true, batchSize: 1,
 * });
 */
export function languageModel(options: LanguageModelOptions): tfl.Sequential {
  const resolved = resolveLanguageModelOptions(options);
  checkTemplateSizes(WHERE, {
    embedding: resolved,
    inputs: resolved.embeddingDim,
    stack: resolved,
    bidirectional: false,
    hiddenUnits: resolved.hiddenUnits,
    outputUnits: resolved.vocabularySize,
  });
  const seeds = new SeedSequence(resolved.seed);
  const shifted = resolved.mode === 'shifted';
  return tfl.sequential({
    layers: [
      embeddingLayer(resolved, seeds, firstLayerInput([resolved.sequenceLength], resolved.batchSize)),
      ...recurrentLayers(resolved, resolved, seeds, {
        returnSequences: shifted,
        bidirectional: false,
        stateful: resolved.stateful,
      }),
      ...hiddenDenseLayers(resolved, seeds),
      denseLayer(resolved.vocabularySize, resolved.logits ? 'linear' : 'softmax', seeds),
    ],
  });
}
