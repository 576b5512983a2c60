import { describeValue } from '@rnnkit/core';
import { type JsonValue, loadModel, type SavedOptimizerState, saveModel } from '@rnnkit/rnn-models/node';
import {
  type StandardizeOptions,
  TokenizeError,
  type Vocabulary,
  vocabularyFromJSON,
} from '@rnnkit/tokenize';
import type * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { type PairVocabularies, requirePairVocabularies } from './data/pair-codec.js';
import { EncoderDecoder } from './encoder-decoder.js';
import type { EncoderDecoderConfig, EncoderDecoderOptions } from './encoder-decoder-options.js';
import { Seq2SeqError, validate } from './errors.js';

/** A JSON object: what a translator's `config` must be. */
export type JsonObject = { readonly [key: string]: JsonValue };

/**
 * What {@link saveTranslator} stores: a tfjs-layers model with the JSON that rebuilds everything
 * around it — the `encoderDecoder` options (`config`), both vocabularies, BOS/EOS and the
 * standardize steps. `{ ...prepared, model, config }` (a `preparePairs` result) is one.
 */
export interface SavableTranslator extends PairVocabularies {
  /** The trained model. Read, never disposed. */
  readonly model: tfl.LayersModel;
  /**
   * The options the model was built with, as plain JSON (no functions, `undefined` or `NaN`):
   * an `EncoderDecoder`'s `config`, or any JSON object for another model.
   */
  readonly config: JsonObject | EncoderDecoderConfig;
}

/** What {@link loadTranslator} returns: a model the caller owns and plain data. */
export interface LoadedTranslator extends PairVocabularies {
  /** The rebuilt model with its weights, uncompiled. The caller owns it: `model.dispose()`. */
  readonly model: tfl.LayersModel;
  /** The `config` that was saved. */
  readonly config: JsonObject;
  /** `metadata` given to {@link saveTranslator}, or `null`. */
  readonly metadata: JsonValue;
  /** The optimizer state when one was saved (restore it with `restoreOptimizer` of `@rnnkit/rnn-models/node`). */
  readonly optimizer: SavedOptimizerState | undefined;
  /** Absolute path of the directory read. */
  readonly path: string;
  /** ISO time of the save. */
  readonly savedAt: string | undefined;
}

/** Options of {@link saveTranslator}. */
export interface SaveTranslatorOptions {
  /**
   * Optimizer whose state is saved too, for resuming training exactly (usually `model.optimizer`).
   * @default null
   */
  readonly optimizer?: tf.Optimizer | null;
  /**
   * Any JSON kept with the translator and returned by {@link loadTranslator} (epoch, scores, data
   * source…).
   * @default null
   */
  readonly metadata?: JsonValue;
}

/** The documented defaults of {@link SaveTranslatorOptions}. */
export const DEFAULT_SAVE_TRANSLATOR_OPTIONS = Object.freeze({
  optimizer: null as tf.Optimizer | null,
  metadata: null as JsonValue,
});

/** `format` of the extras a translator checkpoint holds. */
export const TRANSLATOR_FORMAT = 'rnnkit-seq2seq-translator';
/** Version of that layout; a newer one is refused. */
export const TRANSLATOR_FORMAT_VERSION = 1;

/**
 * Saves a translator as one checkpoint directory with `saveModel` of `@rnnkit/rnn-models/node`:
 * the model's `model.json` + `weights.bin`, and in `extras.json` the format tag, `config`, both
 * vocabularies' JSON (`toJSON()`: Keras' tokenizer JSON at word level), `bos`, `eos`,
 * `standardize` and `metadata`. Atomic and checksummed as `saveModel` is: a crash leaves the
 * previous complete save or the new one.
 *
 * Tensors: reads the model's weights (and the optimizer's); disposes nothing of the caller's.
 *
 * @param translator the model and its JSON, e.g. `{ ...prepared, model, config }`.
 * @param dir checkpoint directory; created if missing, replaced if it holds a checkpoint.
 * @returns where and what was written (`saveModel`'s result).
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` when `model` is not a LayersModel, `config` is not
 *   plain JSON or the vocabularies are malformed; `SEQ2SEQ_VOCABULARY_MISMATCH` when BOS/EOS are
 *   not target ids, or `config.sourceVocabularySize`/`targetVocabularySize` differ from the
 *   vocabularies; `SEQ2SEQ_INVALID_OPTION` for an unknown or invalid option. RnnModelsError
 *   `RNN_MODELS_INVALID_OPTION` when `dir` cannot be a checkpoint (a file, a folder of other
 *   files) and `RNN_MODELS_IO_ERROR` when the filesystem refuses, from `saveModel`.
 * @example
 * const prepared = preparePairs(pairs);
 * const model = encoderDecoder(options); // … trained
 * await saveTranslator({ ...prepared, model: model.model, config: options }, 'runs/fra/best');
 */
export async function saveTranslator(
  translator: SavableTranslator,
  dir: string,
  options: SaveTranslatorOptions = {},
): ReturnType<typeof saveModel> {
  const where = 'saveTranslator';
  const { optimizer, metadata } = validate.withDefaults(where, options, DEFAULT_SAVE_TRANSLATOR_OPTIONS);
  requireJson(where, 'metadata', metadata);
  const candidate = translator as Partial<SavableTranslator> | null;
  if (!(candidate?.model instanceof tfl.LayersModel)) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: translator.model must be a tfjs-layers LayersModel, got ${describeValue(candidate?.model)}.`,
    );
  }
  const vocabularies = requirePairVocabularies(where, translator);
  const config = requireConfig(where, 'translator.config', candidate.config);
  checkConfigSizes(where, config, vocabularies);
  const extras = {
    format: TRANSLATOR_FORMAT,
    formatVersion: TRANSLATOR_FORMAT_VERSION,
    config,
    sourceVocabulary: JSON.parse(vocabularies.sourceVocabulary.toJSON()) as JsonValue,
    targetVocabulary: JSON.parse(vocabularies.targetVocabulary.toJSON()) as JsonValue,
    bos: vocabularies.bos,
    eos: vocabularies.eos,
    standardize: vocabularies.standardize as JsonValue,
    metadata,
  };
  return saveModel(candidate.model, dir, optimizer === null ? { extras } : { extras, optimizer });
}

/**
 * Loads what {@link saveTranslator} wrote: the model (rnnkit's layers, and any custom layer
 * registered by an imported module, deserialize through `loadModel` of `@rnnkit/rnn-models/node`),
 * its config, both vocabularies (equal to the saved ones: same ids, same JSON), BOS/EOS and the
 * standardize steps — enough for `encodeSources`/`decodeTargets` and to rebuild the inference
 * model. Every file is verified against the checkpoint's checksums first.
 *
 * Tensors: the caller owns the returned model. On every failure after the model was rebuilt
 * (malformed extras), it is disposed before the error is thrown: nothing leaks.
 *
 * @param dir the directory given to {@link saveTranslator}.
 * @throws Seq2SeqError `SEQ2SEQ_CHECKPOINT_CORRUPT` when the checkpoint has no translator extras
 *   (a plain model checkpoint), a newer format, or malformed config, vocabularies, BOS/EOS or
 *   standardize; `SEQ2SEQ_VOCABULARY_MISMATCH` when the config's vocabulary sizes contradict the
 *   vocabularies; `SEQ2SEQ_INVALID_INPUT` when `dir` is not a non-empty string. RnnModelsError
 *   from `loadModel`: `RNN_MODELS_CHECKPOINT_CORRUPT` (no checkpoint, a file missing, truncated or
 *   changed since the save), `RNN_MODELS_CHECKPOINT_MISMATCH` (weights that do not fit, a layer
 *   class not registered), `RNN_MODELS_IO_ERROR`.
 * @example
 * const translator = await loadTranslator('runs/fra/best');
 * const { ids } = encodeSources(['Go now!'], translator);
 */
export async function loadTranslator(dir: string): Promise<LoadedTranslator> {
  const where = 'loadTranslator';
  if (typeof dir !== 'string' || dir.length === 0) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: dir must be a non-empty path, got ${describeValue(dir)}.`,
    );
  }
  const loaded = await loadModel(dir);
  try {
    return {
      ...readExtras(loaded.path, loaded.extras),
      model: loaded.model,
      optimizer: loaded.optimizer,
      path: loaded.path,
      savedAt: loaded.savedAt,
    };
  } catch (error) {
    loaded.model.dispose();
    throw error;
  }
}

/** What {@link loadEncoderDecoder} returns: {@link LoadedTranslator} with the model wrapped. */
export interface LoadedEncoderDecoder extends LoadedTranslator {
  /** The saved `encoderDecoder`, ready for `translate`; `translator.dispose()` frees its model. */
  readonly translator: EncoderDecoder;
}

/**
 * {@link loadTranslator} for a model made by `encoderDecoder`: the saved `config` is checked as
 * `encoderDecoder` options and the model wrapped in an {@link EncoderDecoder}, which decodes
 * exactly as the saved one did.
 *
 * @throws as {@link loadTranslator}, and Seq2SeqError `SEQ2SEQ_CHECKPOINT_CORRUPT` when the saved
 *   config is not valid `encoderDecoder` options or the model lacks the layers it implies (e.g. a
 *   translator saved from another kind of model). The model is disposed when it throws.
 * @example
 * const { translator, ...vocabularies } = await loadEncoderDecoder('runs/fra/best');
 * const { sequences } = encodeSources(['Go now!'], vocabularies);
 * const [best] = await translate(translator, sequences, { bos: vocabularies.bos, eos: vocabularies.eos });
 * translator.dispose();
 */
export async function loadEncoderDecoder(dir: string): Promise<LoadedEncoderDecoder> {
  const loaded = await loadTranslator(dir);
  try {
    // The constructor checks the JSON as encoderDecoder options.
    const translator = new EncoderDecoder(loaded.model, loaded.config as unknown as EncoderDecoderOptions);
    return { ...loaded, translator };
  } catch (cause) {
    loaded.model.dispose();
    if (!(cause instanceof Seq2SeqError)) throw cause;
    throw new Seq2SeqError(
      'SEQ2SEQ_CHECKPOINT_CORRUPT',
      `loadEncoderDecoder: ${loaded.path} does not hold an encoderDecoder model: ${cause.message} ` +
        'Load it with loadTranslator, or save the model made by encoderDecoder with its config.',
      { cause },
    );
  }
}

function readExtras(
  path: string,
  extras: JsonValue | undefined,
): PairVocabularies & { readonly config: JsonObject; readonly metadata: JsonValue } {
  const corrupt = (detail: string, cause?: unknown) =>
    new Seq2SeqError(
      'SEQ2SEQ_CHECKPOINT_CORRUPT',
      `loadTranslator: ${path} is not a translator saved by saveTranslator: ${detail}. Save it again with saveTranslator.`,
      cause === undefined ? undefined : { cause },
    );
  if (extras === undefined || extras === null || typeof extras !== 'object' || Array.isArray(extras)) {
    throw corrupt(
      extras === undefined
        ? 'it has no extras.json (a plain model checkpoint?)'
        : 'extras.json is not an object',
    );
  }
  const fields = extras as { readonly [key: string]: JsonValue };
  if (fields.format !== TRANSLATOR_FORMAT)
    throw corrupt(`extras.format is ${describeValue(fields.format)}, not '${TRANSLATOR_FORMAT}'`);
  if (fields.formatVersion !== TRANSLATOR_FORMAT_VERSION) {
    throw corrupt(
      `extras.formatVersion is ${describeValue(fields.formatVersion)}; this version of @rnnkit/seq2seq reads ${TRANSLATOR_FORMAT_VERSION}`,
    );
  }
  const vocabulary = (name: 'sourceVocabulary' | 'targetVocabulary'): Vocabulary => {
    try {
      return vocabularyFromJSON(fields[name] as object);
    } catch (cause) {
      if (!(cause instanceof TokenizeError)) throw cause;
      throw corrupt(`extras.${name} is not a vocabulary's JSON (${cause.message})`, cause);
    }
  };
  let config: JsonObject;
  let vocabularies: PairVocabularies;
  try {
    config = requireConfig('loadTranslator', 'extras.config', fields.config);
    vocabularies = requirePairVocabularies('loadTranslator', {
      sourceVocabulary: vocabulary('sourceVocabulary'),
      targetVocabulary: vocabulary('targetVocabulary'),
      bos: fields.bos as number,
      eos: fields.eos as number,
      standardize: fields.standardize as StandardizeOptions | null,
    });
  } catch (cause) {
    if (cause instanceof Seq2SeqError && cause.code !== 'SEQ2SEQ_CHECKPOINT_CORRUPT')
      throw corrupt(cause.message, cause);
    throw cause;
  }
  checkConfigSizes('loadTranslator', config, vocabularies);
  return { ...vocabularies, config, metadata: fields.metadata ?? null };
}

/** `config` must be a plain JSON object. */
function requireConfig(where: string, name: string, value: unknown): JsonObject {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: ${name} must be a plain JSON object, got ${describeValue(value)}.`,
    );
  }
  requireJsonValue(where, name, value, 0, 'SEQ2SEQ_INVALID_INPUT');
  return value as JsonObject;
}

function requireJson(where: string, name: string, value: unknown): void {
  requireJsonValue(where, name, value, 0, 'SEQ2SEQ_INVALID_OPTION');
}

/** Fails on anything JSON would not give back as it is: functions, `undefined`, non-finite numbers, class instances. */
function requireJsonValue(
  where: string,
  name: string,
  value: unknown,
  depth: number,
  code: 'SEQ2SEQ_INVALID_INPUT' | 'SEQ2SEQ_INVALID_OPTION',
): void {
  const fail = (what: string): never => {
    throw new Seq2SeqError(
      code,
      `${where}: ${name} must be plain JSON (null, booleans, finite numbers, strings, arrays, plain objects), got ${what}.`,
    );
  };
  if (depth > 64) fail('nesting deeper than 64 levels');
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) fail(describeValue(value));
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      requireJsonValue(where, `${name}[${i}]`, item, depth + 1, code);
    });
    return;
  }
  if (
    typeof value === 'object' &&
    (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)
  ) {
    for (const [key, item] of Object.entries(value))
      requireJsonValue(where, `${name}.${key}`, item, depth + 1, code);
    return;
  }
  fail(describeValue(value));
}

/** The encoderDecoder options name the vocabulary sizes; they must be the vocabularies'. */
function checkConfigSizes(where: string, config: JsonObject, vocabularies: PairVocabularies): void {
  for (const [key, vocabulary] of [
    ['sourceVocabularySize', vocabularies.sourceVocabulary],
    ['targetVocabularySize', vocabularies.targetVocabulary],
  ] as const) {
    const size = config[key];
    if (size !== undefined && size !== vocabulary.vocabularySize) {
      throw new Seq2SeqError(
        'SEQ2SEQ_VOCABULARY_MISMATCH',
        `${where}: config.${key} is ${describeValue(size)}, but the ${key.replace('Size', '')} has ${vocabulary.vocabularySize} ids. ` +
          'Save the vocabularies the model was built for.',
      );
    }
  }
}
