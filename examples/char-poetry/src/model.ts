// The poetry notebook's network, layer for layer: Embedding 8 → LSTM 128 → BatchNormalization →
// Dense 64 (relu) → BatchNormalization → Dense softmax over the characters, reading exactly
// `sequenceLength` (10) characters and predicting the one after them.
import { lstm, orthogonal } from '@rnnkit/rnn-models';
import * as tfl from '@tensorflow/tfjs-layers';

/** What rebuilds the network; saved in the checkpoint's extras as `model`. */
export interface PoetryModelSettings {
  readonly vocabularySize: number;
  /** Characters the model reads (the notebook's 10). */
  readonly sequenceLength: number;
  /** @default 8 */
  readonly embeddingDim: number;
  /** LSTM units. @default 128 */
  readonly units: number;
  /** Units of the relu Dense layer between the two BatchNormalizations. @default 64 */
  readonly hiddenUnits: number;
}

export const NOTEBOOK_MODEL: Omit<PoetryModelSettings, 'vocabularySize'> = {
  sequenceLength: 10,
  embeddingDim: 8,
  units: 128,
  hiddenUnits: 64,
};

/**
 * Builds the uncompiled model: input `[batch, sequenceLength]` int32 ids, output
 * `[batch, vocabularySize]` probabilities. Initial weights are seeded (`seed, seed + 1, …` in
 * layer order, Keras' initializers). rnnkit's fused `lstm` sits in a stock tfjs-layers
 * `sequential`, as a notebook's `keras.layers.LSTM` would. The caller owns (and disposes) the model.
 */
export function buildPoetryModel(settings: PoetryModelSettings, seed: number): tfl.Sequential {
  const { vocabularySize, sequenceLength, embeddingDim, units, hiddenUnits } = settings;
  return tfl.sequential({
    name: 'char_poetry',
    layers: [
      tfl.layers.embedding({
        inputDim: vocabularySize,
        outputDim: embeddingDim,
        inputLength: sequenceLength,
        embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.05, maxval: 0.05, seed }),
      }),
      lstm({
        units,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
        // rnnkit's Orthogonal: tfjs' gives the same matrices, slower and with a console warning.
        recurrentInitializer: orthogonal({ seed: seed + 2 }),
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({
        units: hiddenUnits,
        activation: 'relu',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 3 }),
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.dense({
        units: vocabularySize,
        activation: 'softmax',
        kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 4 }),
      }),
    ],
  });
}
