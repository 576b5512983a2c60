// The tagger: four id inputs (word, 2- and 3-letter suffix, shape; see features.ts) →
// Embeddings (id 0 = padding, masked) concatenated → Bidirectional GRU (rnnkit's fused layer)
// → one per-step Dense softmax per tagset. Brown's universal tags are a function of its full
// tags, so both heads share one encoder: one forward/backward pass trains both, half the
// compute of two models, which buys twice the epochs in the time limit.
// Trained by train() with a custom step (the sum of the heads' cross-entropies, masked on
// padding), batches bucketed by length, early stopping on a validation part.
import { SeededRandom } from '@rnnkit/core';
import { bucketByLength } from '@rnnkit/datasets';
import { maskedAccuracy } from '@rnnkit/metrics/tensor';
import {
  evaluate,
  gru,
  type History,
  orthogonal,
  type TrainStep,
  train,
  type Verbosity,
} from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Sentence } from './data.js';
import {
  type EncodedSentence,
  encodeSentences,
  FEATURES,
  type Featurizer,
  featureSizes,
  fitFeaturizer,
} from './features.js';

export interface TaggerOptions {
  /** Training words seen fewer times read as `<unk>` (so its embedding is trained). */
  readonly minCount: number;
  /** Chance that a known training word reads as `<unk>` in an epoch (seeded word dropout). */
  readonly unkRate: number;
  /** Word embedding size. */
  readonly embeddingDim: number;
  /** Embedding size of each suffix feature. */
  readonly suffixEmbeddingDim: number;
  readonly shapeEmbeddingDim: number;
  /** GRU units per direction. */
  readonly units: number;
  /** Dropout on the GRU's inputs (seeded masks). */
  readonly dropout: number;
  /** Padded tokens per batch: short sentences come many to a batch, long ones few. */
  readonly batchTokens: number;
  readonly epochs: number;
  /** Epochs without a better validation loss before training stops (the best weights are kept). */
  readonly patience: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly verbose: Verbosity;
}

/** A tagset: its name and tags; class id `k + 1` is `tags[k]`, 0 is padding. */
export interface Tagset {
  readonly name: string;
  readonly tags: readonly string[];
}

/** What tagging new text needs: the model and how words become its inputs and outputs tags. */
export interface Tagger {
  /** Inputs `int32 [batch, time]` per feature; outputs `[batch, time, tags + 1]` per tagset. The holder disposes it. */
  readonly model: tfl.LayersModel;
  readonly featurizer: Featurizer;
  readonly tagsets: readonly Tagset[];
}

export interface TrainedTagger extends Tagger {
  readonly history: History;
  readonly epochsRun: number;
  readonly trainSeconds: number;
}

/** A sentence as the model reads it: feature ids and, per tagset, class ids. */
export interface EncodedExample {
  readonly ids: EncodedSentence;
  readonly tags: readonly Int32Array[];
}

/** Tagsets from the training sentences: tags sorted, so ids do not depend on the order of data. */
export function collectTagsets(names: readonly string[], sentences: readonly Sentence[]): Tagset[] {
  return names.map((name, h) => {
    const tags = new Set<string>();
    for (const sentence of sentences) for (const tag of sentence.tags[h]!) tags.add(tag);
    return { name, tags: [...tags].sort() };
  });
}

/** Feature ids and class ids; a tag the tagset lacks (unseen in training) gets -1, never counted right. */
export function encodeExamples(
  tagger: Pick<Tagger, 'featurizer' | 'tagsets'>,
  sentences: readonly Sentence[],
): EncodedExample[] {
  const ids = encodeSentences(
    tagger.featurizer,
    sentences.map((s) => s.words),
  );
  const index = tagger.tagsets.map((tagset) => new Map(tagset.tags.map((tag, k) => [tag, k + 1])));
  return sentences.map((sentence, k) => ({
    ids: ids[k]!,
    tags: index.map((map, h) => Int32Array.from(sentence.tags[h]!, (tag) => map.get(tag) ?? -1)),
  }));
}

/** Bucket boundaries (exclusive upper lengths) for Brown's lengths: median 18, 95th percentile 44. */
const BOUNDARIES = [8, 12, 16, 20, 25, 30, 36, 44, 55, 70, 90];

function bucketOptions(batchTokens: number) {
  const longest = [...BOUNDARIES.map((b) => b - 1), 120];
  return {
    boundaries: BOUNDARIES,
    batchSizes: longest.map((length) => Math.max(4, Math.min(512, Math.floor(batchTokens / length)))),
  };
}

/** One batch: feature ids, class ids `[batch, time, tagsets]` (0 at padding) and the padding mask. */
export interface TaggerBatch {
  readonly xs: tf.Tensor[];
  readonly ys: tf.Tensor3D;
  readonly mask: tf.Tensor2D;
  [key: string]: unknown;
}

interface BatchOptions {
  readonly batchTokens: number;
  /** Shuffle the sentences every epoch and apply word dropout (training), or read in order. */
  readonly random: SeededRandom | null;
  readonly unkRate: number;
}

/** Plain arrays of one bucketed batch, before they become tensors. */
interface PlainBatch {
  readonly rows: readonly number[];
  readonly width: number;
  readonly xs: Int32Array[];
  readonly ys: Int32Array;
  readonly mask: Float32Array;
}

function* plainBatches(examples: readonly EncodedExample[], options: BatchOptions): Generator<PlainBatch> {
  const order = Array.from(examples, (_, i) => i);
  options.random?.shuffleInPlace(order);
  const heads = examples[0]?.tags.length ?? 0;
  const buckets = bucketByLength(
    order.map((i) => examples[i]!.ids[0]),
    bucketOptions(options.batchTokens),
  );
  for (const { padded, indices } of buckets) {
    const [size, width] = padded.shape as [number, number];
    const rows = indices.map((k) => order[k]!);
    const xs = FEATURES.map(() => new Int32Array(size * width));
    const ys = new Int32Array(size * width * heads);
    const mask = new Float32Array(size * width);
    rows.forEach((row, r) => {
      const { ids, tags } = examples[row]!;
      ids.forEach((feature, f) => {
        xs[f]!.set(feature, r * width);
      });
      for (let t = 0; t < ids[0].length; t++) {
        mask[r * width + t] = 1;
        // Tags unseen in training (-1) are scored but cannot be learnt: pad them out of the loss.
        for (let h = 0; h < heads; h++) ys[(r * width + t) * heads + h] = Math.max(0, tags[h]![t]!);
      }
    });
    const random = options.random;
    if (random !== null && options.unkRate > 0) {
      const words = xs[0]!;
      for (let k = 0; k < words.length; k++)
        if (words[k]! > 1 && random.nextFloat() < options.unkRate) words[k] = 1;
    }
    yield { rows, width, xs, ys, mask };
  }
}

/** Tensor batches for train()/evaluate(), which dispose them. */
function batches(examples: readonly EncodedExample[], options: BatchOptions): () => Iterable<TaggerBatch> {
  const heads = examples[0]?.tags.length ?? 0;
  return function* epoch() {
    for (const batch of plainBatches(examples, options)) {
      const size = batch.rows.length;
      yield {
        xs: batch.xs.map((ids) => tf.tensor2d(ids, [size, batch.width], 'int32')),
        ys: tf.tensor3d(batch.ys, [size, batch.width, heads], 'int32'),
        mask: tf.tensor2d(batch.mask, [size, batch.width], 'float32'),
      };
    }
  };
}

/** Batches in one epoch (for the learning-rate schedule); no tensors made. */
function countBatches(examples: readonly EncodedExample[], batchTokens: number): number {
  let count = 0;
  for (const _ of plainBatches(examples, { batchTokens, random: null, unkRate: 0 })) count++;
  return count;
}

/** Builds the (uncompiled) functional model; seeded weights. */
export function buildTaggerModel(
  featurizer: Featurizer,
  tagsets: readonly Tagset[],
  options: Pick<
    TaggerOptions,
    'embeddingDim' | 'suffixEmbeddingDim' | 'shapeEmbeddingDim' | 'units' | 'dropout' | 'seed'
  >,
): tfl.LayersModel {
  let seed = options.seed;
  const next = () => seed++;
  const sizes = featureSizes(featurizer);
  const dims = {
    word: options.embeddingDim,
    suffix2: options.suffixEmbeddingDim,
    suffix3: options.suffixEmbeddingDim,
    shape: options.shapeEmbeddingDim,
  };
  const inputs = FEATURES.map((name) => tfl.input({ shape: [null], dtype: 'int32', name }));
  const embedded = FEATURES.map(
    (name, f) =>
      tfl.layers
        .embedding({
          inputDim: sizes[name],
          outputDim: dims[name],
          maskZero: true,
          embeddingsInitializer: tfl.initializers.randomUniform({
            minval: -0.05,
            maxval: 0.05,
            seed: next(),
          }),
          name: `${name}_embedding`,
        })
        .apply(inputs[f]!) as tfl.SymbolicTensor,
  );
  const joined = tfl.layers.concatenate({ name: 'features' }).apply(embedded) as tfl.SymbolicTensor;
  const encoder = tfl.layers.bidirectional({
    layer: gru({
      units: options.units,
      returnSequences: true,
      dropout: options.dropout,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: next() }),
      recurrentInitializer: orthogonal({ seed: next() }),
      seed: next(),
    }) as unknown as tfl.RNN,
    mergeMode: 'concat',
    name: 'bigru',
  });
  const encoded = encoder.apply(joined) as tfl.SymbolicTensor;
  const outputs = tagsets.map(
    (tagset) =>
      tfl.layers
        .dense({
          units: tagset.tags.length + 1,
          activation: 'softmax',
          kernelInitializer: tfl.initializers.glorotUniform({ seed: next() }),
          name: `${tagset.name}_tags`,
        })
        .apply(encoded) as tfl.SymbolicTensor,
  );
  const model = tfl.model({ inputs, outputs, name: 'pos_tagger' });
  // tfjs' Bidirectional copies the forward layer's config, seeded initializers included, so
  // both directions would start equal: redraw the backward weights with their own seeds.
  const weights = encoder.getWeights();
  const half = weights.length / 2;
  const redrawn = weights.map((weight, k) => {
    if (k < half || weight.rank === 1 || (weight.rank === 2 && weight.shape[0] === 2)) return weight;
    return k === half
      ? tfl.initializers.glorotUniform({ seed: next() }).apply(weight.shape)
      : orthogonal({ seed: next() }).apply(weight.shape);
  });
  encoder.setWeights(redrawn);
  // getWeights returns the variables themselves: free only the new values (setWeights copied them).
  for (const [k, weight] of redrawn.entries()) if (weight !== weights[k]) weight.dispose();
  return model;
}

/** The training/evaluation step: Σ over heads of the masked cross-entropy, and each head's accuracy. */
function taggerStep(tagsets: readonly Tagset[]): TrainStep<TaggerBatch> {
  const accuracy = maskedAccuracy({ padId: 0 });
  return ({ model, batch, training, computeLoss }) => {
    const out = model.apply(batch.xs, { training }) as tf.Tensor | tf.Tensor[];
    const outputs = Array.isArray(out) ? out : [out];
    const targets = tf.unstack(batch.ys, 2);
    const losses = outputs.map((output, h) => computeLoss!(targets[h]!, output, batch.mask));
    const logs: Record<string, tf.Scalar> = {};
    tagsets.forEach((tagset, h) => {
      logs[`${tagset.name}_acc`] = accuracy(targets[h]!, outputs[h]!) as tf.Scalar;
    });
    return { loss: (losses.length === 1 ? losses[0]! : tf.addN(losses)) as tf.Scalar, logs };
  };
}

/** Fits the vocabularies on the training sentences, builds the model and trains it. The caller disposes `model`. */
export async function trainTagger(
  split: { readonly train: readonly Sentence[]; readonly validation: readonly Sentence[] },
  tagsetNames: readonly string[],
  options: TaggerOptions,
): Promise<TrainedTagger> {
  const featurizer = fitFeaturizer(
    split.train.map((s) => s.words),
    options.minCount,
  );
  const tagsets = collectTagsets(tagsetNames, split.train);
  const tagger = { featurizer, tagsets };
  const trainExamples = encodeExamples(tagger, split.train);
  const validationExamples = encodeExamples(tagger, split.validation);
  const model = buildTaggerModel(featurizer, tagsets, options);
  const steps = countBatches(trainExamples, options.batchTokens);
  const started = performance.now();
  try {
    const history = await train(
      model,
      batches(trainExamples, {
        batchTokens: options.batchTokens,
        random: new SeededRandom(options.seed),
        unkRate: options.unkRate,
      }),
      {
        epochs: options.epochs,
        optimizer: 'adam',
        learningRate: options.learningRate,
        // Decays to a tenth over the planned epochs: the last epochs refine instead of jumping around.
        learningRateSchedule: { kind: 'cosineDecay', decaySteps: steps * options.epochs, alpha: 0.1 },
        loss: 'sparseCategoricalCrossentropy',
        step: taggerStep(tagsets),
        validationData: batches(validationExamples, {
          batchTokens: options.batchTokens,
          random: null,
          unkRate: 0,
        }),
        earlyStopping: { monitor: 'val_loss', patience: options.patience, restoreBestWeights: true },
        globalClipNorm: 5,
        seed: options.seed,
        verbose: options.verbose,
      },
    );
    return {
      ...tagger,
      model,
      history,
      epochsRun: history.epoch.length,
      trainSeconds: (performance.now() - started) / 1000,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Predicted class ids: `[tagset][sentence]` → one id per word (1 … tags). */
export async function predictIds(
  tagger: Tagger,
  examples: readonly EncodedExample[],
  batchTokens = 4096,
): Promise<Int32Array[][]> {
  const heads = tagger.tagsets.length;
  const predicted = tagger.tagsets.map(() => new Array<Int32Array>(examples.length));
  for (const batch of plainBatches(examples, { batchTokens, random: null, unkRate: 0 })) {
    const size = batch.rows.length;
    const ids = tf.tidy(() => {
      const xs = batch.xs.map((x) => tf.tensor2d(x, [size, batch.width], 'int32'));
      const out = tagger.model.predict(xs) as tf.Tensor | tf.Tensor[];
      return (Array.isArray(out) ? out : [out]).map((probabilities) => tf.argMax(probabilities, -1));
    });
    const values = await Promise.all(ids.map((t) => t.data() as Promise<Int32Array>));
    tf.dispose(ids);
    batch.rows.forEach((row, r) => {
      const length = examples[row]!.ids[0].length;
      for (let h = 0; h < heads; h++)
        predicted[h]![row] = values[h]!.slice(r * batch.width, r * batch.width + length);
    });
  }
  return predicted;
}

/** Tags of each sentence (lists of words) for every tagset: `[tagset][sentence][word]`. */
export async function tagSentences(
  tagger: Tagger,
  sentences: readonly (readonly string[])[],
): Promise<string[][][]> {
  const examples = encodeExamples(
    tagger,
    sentences.map((words) => ({ words, tags: tagger.tagsets.map(() => words.map(() => '')) })),
  );
  const ids = await predictIds(tagger, examples);
  return tagger.tagsets.map((tagset, h) =>
    ids[h]!.map((sentence) => Array.from(sentence, (id) => tagset.tags[id - 1] ?? '<pad>')),
  );
}

/** Held-out loss (Σ of the heads' mean cross-entropy per real token) and per-head token accuracy, by evaluate(). */
export async function evaluateLoss(
  tagger: Tagger,
  examples: readonly EncodedExample[],
  batchTokens: number,
): Promise<{ loss: number; accuracy: Record<string, number>; tokens: number }> {
  const result = await evaluate(tagger.model, batches(examples, { batchTokens, random: null, unkRate: 0 }), {
    loss: 'sparseCategoricalCrossentropy',
    step: taggerStep(tagger.tagsets),
  });
  return {
    loss: result.loss,
    accuracy: Object.fromEntries(tagger.tagsets.map((t) => [t.name, result.metrics[`${t.name}_acc`]!])),
    tokens: result.weight,
  };
}
