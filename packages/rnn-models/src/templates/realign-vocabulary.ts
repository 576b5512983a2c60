import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { checkLayersModel, checkStrings } from '../inspect/arguments.js';
import { buildVocabularyMap, transferWeights } from '../inspect/transfer-weights.js';

/** How {@link realignVocabulary} seeds the embedding row of a token the old vocabulary lacks. */
export type NewTokenEmbedding = 'mean' | 'initializer';

/** The choices, for validation and docs. */
export const NEW_TOKEN_EMBEDDINGS: readonly NewTokenEmbedding[] = Object.freeze(['mean', 'initializer']);

/** Options of {@link realignVocabulary}. */
export interface RealignVocabularyOptions {
  /**
   * Embedding row of each new token: `'mean'` — the mean of the old model's rows, so the
   * recurrent layers first see a new token as an average known one (an input inside the range
   * they were trained on; its own row moves away with its first gradients); `'initializer'` —
   * drawn by the Embedding layer's own initializer (its config's, reseeded by `seed`), as a
   * model trained from scratch would start.
   * @default 'mean'
   */
  readonly newTokenEmbedding?: NewTokenEmbedding;
  /**
   * Output bias of each new token; its output-kernel column is zero, so its logit starts at
   * exactly this value whatever the input. `'min'`: the smallest bias of the old output layer —
   * a token the old model never predicted starts as unlikely a priori as its rarest known token,
   * so the probabilities of the shared tokens barely move before fine-tuning, and the new
   * token's logit rises as fast as the target text shows it. A number sets it directly.
   * Ignored when the output layer has no bias (`useBias: false`).
   * @default 'min'
   */
  readonly newTokenBias?: 'min' | number;
  /**
   * Seed of the embedding initializer with `newTokenEmbedding: 'initializer'`; `null` keeps the
   * seed in the layer's config (rnnkit's templates built with `seed` have one). With `'mean'`
   * nothing is random, and a seed is refused rather than ignored.
   * @default null
   */
  readonly seed?: number | null;
}

/** Defaults of {@link realignVocabulary}. */
export const DEFAULT_REALIGN_VOCABULARY_OPTIONS: Readonly<Required<RealignVocabularyOptions>> = Object.freeze(
  {
    newTokenEmbedding: 'mean',
    newTokenBias: 'min',
    seed: null,
  },
);

const WHERE = 'realignVocabulary';

interface ResolvedRealignVocabularyOptions {
  readonly newTokenEmbedding: NewTokenEmbedding;
  readonly newTokenBias: 'min' | number;
  readonly seed: number | null;
}

function resolveRealignVocabularyOptions(
  options: RealignVocabularyOptions | undefined,
): ResolvedRealignVocabularyOptions {
  const merged = validate.withDefaults(WHERE, options, DEFAULT_REALIGN_VOCABULARY_OPTIONS);
  const newTokenEmbedding = validate.oneOf(
    WHERE,
    'newTokenEmbedding',
    merged.newTokenEmbedding,
    NEW_TOKEN_EMBEDDINGS,
  );
  const newTokenBias =
    merged.newTokenBias === 'min' ? 'min' : validate.number(WHERE, 'newTokenBias', merged.newTokenBias);
  const seed = validate.seed(WHERE, 'seed', merged.seed);
  if (seed !== null && newTokenEmbedding === 'mean') {
    validate.invalid(
      WHERE,
      'seed',
      seed,
      "applies only with newTokenEmbedding: 'initializer' ('mean' draws nothing)",
      "Drop seed, or pass newTokenEmbedding: 'initializer'.",
    );
  }
  return { newTokenEmbedding, newTokenBias, seed };
}

interface LayerConfigEntry {
  className: string;
  config: Record<string, unknown> & { name?: string };
}

/**
 * A copy of a language model for another vocabulary — the "Alice → Dr Seuss" step of
 * fine-tuning a character (or word) model on a new text whose tokens differ. `model` must have
 * the shape of {@link languageModel}'s: its first layer an `Embedding` with one row per old token,
 * its last a `Dense` with one unit (logit or probability) per old token.
 *
 * The result has the same layers and configuration with `inputDim` and `units` set to
 * `newTokens.length`. For a token in both vocabularies, its embedding row and its output-kernel
 * column and bias are copied from its old id to its new id; every other weight is copied
 * unchanged (through {@link transferWeights}), so on inputs made of shared tokens the new model's
 * logits over the shared tokens equal the old model's. A token only in `newTokens` gets the
 * embedding row of `newTokenEmbedding`, a zero output-kernel column and the bias of
 * `newTokenBias`. Old tokens missing from `newTokens` are dropped.
 *
 * Ownership: `model` is only read (it stays usable; the caller still owns and disposes it).
 * The returned model is new, uncompiled and owned by the caller (`model.dispose()`; stateful
 * layers start with zero states). No other tensors are left behind, also when it throws.
 *
 * @param model the trained model (built), e.g. `languageModel(...)` or `loadModel(dir).model`.
 * @param oldTokens `model`'s vocabulary in id order (`vocabulary.tokens`); its length must equal
 *   the Embedding's `inputDim` and the output's `units`.
 * @param newTokens the new vocabulary in id order; duplicates take the first old id.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when `model` is not a model, a token list is
 *   not an array of strings, `newTokens` is empty, or an option is unknown (naming the closest)
 *   or out of range; `RNN_MODELS_UNSUPPORTED_MODEL` when the first layer is not an Embedding or
 *   the last not a Dense; `RNN_MODELS_SHAPE_MISMATCH` when their sizes differ from `oldTokens.length`.
 * @example
 * const seussModel = realignVocabulary(aliceModel, aliceVocabulary.tokens, seussVocabulary.tokens);
 * // fine-tune: await train(seussModel, seussBatches, { ... }); then seussModel.dispose()
 */
export function realignVocabulary(
  model: tfl.LayersModel,
  oldTokens: readonly string[],
  newTokens: readonly string[],
  options?: RealignVocabularyOptions,
): tfl.LayersModel {
  checkLayersModel(WHERE, 'model', model);
  checkStrings(WHERE, 'oldTokens', oldTokens);
  checkStrings(WHERE, 'newTokens', newTokens);
  if (newTokens.length === 0) {
    validate.invalid(WHERE, 'newTokens', newTokens, 'must hold at least one token');
  }
  const resolved = resolveRealignVocabularyOptions(options);
  const { embedding, output } = vocabularyLayers(model, oldTokens.length);

  const config = model.getConfig() as { layers?: LayerConfigEntry[] };
  const entries = config.layers ?? [];
  const configOf = (name: string): LayerConfigEntry['config'] => {
    const entry = entries.find((candidate) => candidate.config.name === name);
    if (entry === undefined) {
      throw new RnnModelsError(
        'RNN_MODELS_UNSUPPORTED_MODEL',
        `${WHERE}: layer '${name}' is missing from the model's config, so the model cannot be rebuilt; ` +
          'pass a Sequential or functional tfjs-layers model.',
      );
    }
    return entry.config;
  };
  const embeddingConfig = configOf(embedding.name);
  embeddingConfig['inputDim'] = newTokens.length;
  if (resolved.seed !== null) {
    const initializer = embeddingConfig['embeddingsInitializer'] as {
      config?: Record<string, unknown>;
    } | null;
    if (initializer?.config !== undefined) initializer.config['seed'] = resolved.seed;
  }
  configOf(output.name)['units'] = newTokens.length;

  const Rebuilt = (model.getClassName() === 'Sequential' ? tfl.Sequential : tfl.LayersModel) as unknown as {
    fromConfig(cls: unknown, config: unknown): tfl.LayersModel;
  };
  const realigned = Rebuilt.fromConfig(Rebuilt, config);
  try {
    const map = buildVocabularyMap(oldTokens, newTokens);
    transferWeights(model, realigned, { vocabularyMap: map });
    const fresh = [...map.keys()].filter((newId) => map[newId]! < 0);
    if (fresh.length > 0) seedNewTokens(realigned, { embedding, output }, fresh, resolved);
    return realigned;
  } catch (error) {
    realigned.dispose();
    throw error;
  }
}

/** The Embedding (first layer with weights) and the output Dense (last layer), checked against the vocabulary size. */
function vocabularyLayers(
  model: tfl.LayersModel,
  vocabularySize: number,
): { embedding: tfl.layers.Layer; output: tfl.layers.Layer } {
  const layers = model.layers.filter((layer) => layer.getClassName() !== 'InputLayer');
  const embedding = layers[0];
  const output = layers[layers.length - 1];
  if (embedding?.getClassName() !== 'Embedding' || output?.getClassName() !== 'Dense' || layers.length < 2) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `${WHERE}: model '${model.name}' runs ${layers.map((layer) => layer.getClassName()).join(' → ') || 'no layers'}; ` +
        'it needs an Embedding over token ids first and a Dense with one unit per token last ' +
        '(the shape of languageModel). Realign other models with transferWeights and a model you build.',
    );
  }
  const inputDim = embedding.getWeights()[0]!.shape[0]!;
  const units = output.getWeights()[0]!.shape[1]!;
  if (inputDim !== vocabularySize || units !== vocabularySize) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `${WHERE}: oldTokens has ${vocabularySize} tokens, but the Embedding '${embedding.name}' has ${inputDim} rows ` +
        `and the output '${output.name}' ${units} units; pass the vocabulary the model was trained with, in id order.`,
    );
  }
  return { embedding, output };
}

/**
 * Writes the new tokens' embedding rows, zero kernel columns and biases into `realigned`; the
 * old model's layers (`layers`) are only read, for the mean row and the smallest bias.
 */
function seedNewTokens(
  realigned: tfl.LayersModel,
  layers: { embedding: tfl.layers.Layer; output: tfl.layers.Layer },
  fresh: readonly number[],
  options: ResolvedRealignVocabularyOptions,
): void {
  const embedding = realigned.getLayer(layers.embedding.name);
  const output = realigned.getLayer(layers.output.name);
  // getWeights() hands out the variables' tensors themselves: read them, never dispose them.
  const [table] = embedding.getWeights() as [tf.Tensor2D];
  const width = table.shape[1];
  const rows = Float32Array.from(table.dataSync());
  if (options.newTokenEmbedding === 'mean') {
    const old = layers.embedding.getWeights()[0]!.dataSync();
    const mean = new Float32Array(width);
    const count = old.length / width;
    for (let k = 0; k < old.length; k++) mean[k % width]! += old[k]! / count;
    for (const id of fresh) rows.set(mean, id * width);
  } // 'initializer': the rebuilt layer's own draw is already there.

  const [kernel, bias] = output.getWeights() as [tf.Tensor2D, tf.Tensor1D | undefined];
  const vocabularySize = kernel.shape[1];
  const columns = Float32Array.from(kernel.dataSync());
  for (let r = 0; r < kernel.shape[0]; r++) for (const id of fresh) columns[r * vocabularySize + id] = 0;
  const values: tf.Tensor[] = [tf.tensor2d(rows, table.shape)];
  const outputValues: tf.Tensor[] = [tf.tensor2d(columns, kernel.shape)];
  if (bias !== undefined) {
    const biases = Float32Array.from(bias.dataSync());
    const newBias =
      options.newTokenBias === 'min'
        ? (layers.output.getWeights()[1]!.dataSync() as Float32Array).reduce((a, b) => Math.min(a, b))
        : options.newTokenBias;
    for (const id of fresh) biases[id] = newBias;
    outputValues.push(tf.tensor1d(biases));
  }
  try {
    embedding.setWeights(values);
    output.setWeights(outputValues);
  } finally {
    tf.dispose([...values, ...outputValues]);
  }
}
