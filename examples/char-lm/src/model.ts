// The model half of the character language model: build it from its settings (saved beside the
// weights so a checkpoint can be rebuilt as a stateful copy), and the batches it trains on.
import { SeededRandom } from '@rnnkit/core';
import { Dataset, shiftedChunks, statefulStreams } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import { type Batch, type DataSource, languageModel } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** What rebuilds the network; saved in the checkpoint's extras as `model`. */
export interface ModelSettings {
  readonly vocabularySize: number;
  readonly cell: 'lstm' | 'gru';
  /** One number per recurrent layer. */
  readonly units: readonly number[];
  readonly embeddingDim: number;
  readonly dropout: number;
}

/**
 * Embedding → GRU/LSTM stack → Dense(vocab) softmax over every step (`mode: 'shifted'`).
 * `stateful` fixes the batch size: row i of a batch continues row i of the one before.
 * The caller owns the model.
 */
export function buildModel(
  settings: ModelSettings,
  options: { readonly seed: number; readonly stateful?: { batchSize: number; sequenceLength: number } },
): tfl.LayersModel {
  return languageModel({
    vocabularySize: settings.vocabularySize,
    embeddingDim: settings.embeddingDim,
    cell: settings.cell,
    units: settings.units.length === 1 ? settings.units[0]! : [...settings.units],
    layerDropout: settings.dropout,
    seed: options.seed,
    ...(options.stateful === undefined
      ? {}
      : {
          stateful: true,
          batchSize: options.stateful.batchSize,
          sequenceLength: options.stateful.sequenceLength,
        }),
  });
}

export interface BatchOptions {
  readonly batchSize: number;
  readonly sequenceLength: number;
  readonly seed: number;
  /** Cap on batches per epoch (`Infinity`: one pass over the text). */
  readonly stepsPerEpoch: number;
}

/**
 * Shifted chunks (the TF tutorial): non-overlapping `sequenceLength + 1` slices, inputs `[0:-1]`,
 * targets `[1:]`, shuffled. Every epoch starts the cut at a new seeded offset, so chunk
 * boundaries move and no pair of characters is always split. train() disposes the batches.
 */
export function shuffledChunkBatches(ids: Int32Array, options: BatchOptions): DataSource<Batch> {
  const random = new SeededRandom(options.seed);
  const { sequenceLength, batchSize } = options;
  const chunks = Dataset.from(() =>
    shiftedChunks(ids.subarray(random.nextInt(sequenceLength + 1)), { sequenceLength }),
  )
    .shuffle(20_000, options.seed)
    .batch(batchSize, { dropRemainder: true });
  const capped = Number.isFinite(options.stepsPerEpoch) ? chunks.take(options.stepsPerEpoch) : chunks;
  return toTensors(capped, { xsDtype: 'int32', ysDtype: 'int32' });
}

/**
 * Stateful streams (truncated BPTT): the text as `batchSize` contiguous streams, read in order,
 * so the state a batch ends with is the right start for the next. Used with `--stateful`.
 */
export function streamBatches(ids: Int32Array, options: BatchOptions): () => Iterable<Batch> {
  const random = new SeededRandom(options.seed);
  const { sequenceLength, batchSize, stepsPerEpoch } = options;
  return function* epoch() {
    // A new offset per epoch moves the truncation points, as the chunk cutter does.
    const offset = random.nextInt(sequenceLength);
    let taken = 0;
    for (const batch of statefulStreams(ids.subarray(offset), { batchSize, sequenceLength })) {
      if (taken++ >= stepsPerEpoch) return;
      yield {
        xs: tf.tensor2d(batch.xs, [...batch.shape], 'int32'),
        ys: tf.tensor2d(batch.ys, [...batch.shape], 'int32'),
      };
    }
  };
}

/** Validation batches in text order, built anew each epoch; fixed-size rows for a stateful model. */
export function validationBatches(
  ids: Int32Array,
  options: { readonly batchSize: number; readonly sequenceLength: number; readonly stateful: boolean },
): DataSource<Batch> {
  const { batchSize, sequenceLength } = options;
  if (options.stateful) {
    return streamBatches(ids, {
      batchSize,
      sequenceLength,
      seed: 0,
      stepsPerEpoch: Number.POSITIVE_INFINITY,
    });
  }
  return toTensors(Dataset.from(() => shiftedChunks(ids, { sequenceLength })).batch(batchSize), {
    xsDtype: 'int32',
    ysDtype: 'int32',
  });
}
