// The network and its batches. ModelSettings is what examples/char-lm saves beside its weights
// (extras.model), so a model from either example rebuilds here.
import { SeededRandom } from '@rnnkit/core';
import { Dataset, shiftedChunks } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import { type Batch, type DataSource, languageModel } from '@rnnkit/rnn-models';
import type * as tfl from '@tensorflow/tfjs-layers';

/** What rebuilds the network; saved in a checkpoint's extras as `model`. */
export interface ModelSettings {
  readonly vocabularySize: number;
  readonly cell: 'lstm' | 'gru';
  /** One number per recurrent layer. */
  readonly units: readonly number[];
  readonly embeddingDim: number;
  readonly dropout: number;
}

/**
 * Embedding → GRU/LSTM stack → Dense(vocab) softmax over every step (`mode: 'shifted'`);
 * `stateful` fixes the batch size for held-out scoring with the state carried. The caller owns the model.
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
  /** Batches per epoch. */
  readonly stepsPerEpoch: number;
}

/**
 * Shifted chunks (the TF tutorial): non-overlapping `sequenceLength + 1` slices, inputs `[0:-1]`,
 * targets `[1:]`, shuffled with `seed`; each epoch takes `stepsPerEpoch` batches and cuts at a new seeded offset. The same seed
 * gives the same batches, so the fine-tuned and the from-scratch model read the same text in the
 * same order. train() disposes the batches.
 */
export function chunkBatches(ids: Int32Array, options: BatchOptions): DataSource<Batch> {
  const random = new SeededRandom(options.seed);
  const { sequenceLength, batchSize } = options;
  // A buffer as large as the text's chunk count: every epoch is a uniform sample of the whole
  // training text (a smaller one would draw early epochs from its beginning only — for the
  // State of the Union, the 1790s).
  const bufferSize = Math.floor(ids.length / (sequenceLength + 1)) + 1;
  // repeat(): a text shorter than an epoch (Moby-Dick is ~185 batches of 64×100) is read again,
  // from a new offset, so an epoch is always `stepsPerEpoch` batches.
  const chunks = Dataset.from(() =>
    shiftedChunks(ids.subarray(random.nextInt(sequenceLength + 1)), { sequenceLength }),
  )
    .repeat()
    .shuffle(bufferSize, options.seed)
    .batch(batchSize, { dropRemainder: true })
    .take(options.stepsPerEpoch);
  return toTensors(chunks, { xsDtype: 'int32', ysDtype: 'int32' });
}

/** Validation batches in text order, built anew each epoch. */
export function validationBatches(
  ids: Int32Array,
  options: { readonly batchSize: number; readonly sequenceLength: number },
): DataSource<Batch> {
  const { batchSize, sequenceLength } = options;
  return toTensors(Dataset.from(() => shiftedChunks(ids, { sequenceLength })).batch(batchSize), {
    xsDtype: 'int32',
    ysDtype: 'int32',
  });
}
