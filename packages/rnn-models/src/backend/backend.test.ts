import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { RnnModelsError } from '../errors.js';
import { initBackend } from './backend.js';

beforeAll(async () => {
  expect(await initBackend({ threads: 1 })).toBe('wasm');
});

interface TrainingCase {
  readonly model: () => tfl.Sequential;
  readonly x: () => tf.Tensor;
  readonly y: () => tf.Tensor;
  readonly loss: string;
}

/** Four rows of three features (or token ids). */
const countingRows = (): tf.Tensor2D =>
  tf.tensor2d([
    [1, 2, 3],
    [4, 5, 6],
    [7, 8, 9],
    [3, 2, 1],
  ]);

/** Targets of 0.5: away from the untrained output (~0), so the loss has room to fall. */
const halves = (shape: number[]): tf.Tensor => tf.fill(shape, 0.5);

// Every tfjs-layers layer rnnkit builds on, forward and backward, on the wasm backend.
const cases: Record<string, TrainingCase> = {
  'Embedding + Dense': {
    model: () =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 3 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 2 }),
        ],
      }),
    x: countingRows,
    y: () =>
      tf.tensor2d([
        [1, 0],
        [0, 1],
        [1, 1],
        [0, 0],
      ]),
    loss: 'meanSquaredError',
  },
  'Embedding(maskZero) + LSTM': {
    model: () =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: 10, outputDim: 4, inputLength: 4, maskZero: true }),
          tfl.layers.lstm({ units: 3 }),
        ],
      }),
    x: () =>
      tf.tensor2d([
        [1, 2, 3, 0],
        [4, 5, 0, 0],
        [7, 8, 9, 1],
        [3, 0, 0, 0],
      ]),
    y: () => halves([4, 3]),
    loss: 'meanSquaredError',
  },
  BatchNormalization: {
    model: () =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 4, inputShape: [3] }),
          tfl.layers.batchNormalization(),
          tfl.layers.dense({ units: 1 }),
        ],
      }),
    x: countingRows,
    y: () => tf.tensor2d([[1], [2], [3], [4]]),
    loss: 'meanSquaredError',
  },
  'Dropout + softmax': {
    model: () =>
      tfl.sequential({
        layers: [
          tfl.layers.dense({ units: 8, inputShape: [3], activation: 'relu' }),
          tfl.layers.dropout({ rate: 0.25 }),
          tfl.layers.dense({ units: 3, activation: 'softmax' }),
        ],
      }),
    x: () =>
      tf.tensor2d([
        [1, 0, 0],
        [0, 1, 0],
        [0, 0, 1],
        [1, 1, 0],
      ]),
    y: () => tf.tensor1d([0, 1, 2, 1]),
    loss: 'sparseCategoricalCrossentropy',
  },
  TimeDistributed: {
    model: () =>
      tfl.sequential({
        layers: [tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: 2 }), inputShape: [4, 3] })],
      }),
    x: () => tf.ones([2, 4, 3]),
    y: () => halves([2, 4, 2]),
    loss: 'meanSquaredError',
  },
  'Bidirectional GRU': {
    model: () =>
      tfl.sequential({
        layers: [
          tfl.layers.bidirectional({
            layer: tfl.layers.gru({ units: 3, returnSequences: true }) as tfl.RNN,
            inputShape: [4, 2],
          }),
        ],
      }),
    x: () => tf.ones([2, 4, 2]),
    y: () => halves([2, 4, 6]),
    loss: 'meanSquaredError',
  },
  SimpleRNN: {
    model: () => tfl.sequential({ layers: [tfl.layers.simpleRNN({ units: 3, inputShape: [4, 2] })] }),
    x: () => tf.ones([2, 4, 2]),
    y: () => halves([2, 3]),
    loss: 'meanSquaredError',
  },
};

describe('initBackend', () => {
  it('activates wasm with the kernels tfjs-layers training needs', () => {
    expect(tf.getBackend()).toBe('wasm');
    expect(tf.getKernel('UnsortedSegmentSum', 'wasm')).toBeDefined();
  });

  it('is idempotent', async () => {
    expect(await initBackend()).toBe('wasm');
  });

  it('says why pinThreads does nothing with one thread or on the cpu backend', async () => {
    const warnings: string[] = [];
    expect(await initBackend({ threads: 1, pinThreads: true, onWarning: (m) => warnings.push(m) })).toBe(
      'wasm',
    );
    expect(await initBackend({ backend: 'cpu', pinThreads: true, onWarning: (m) => warnings.push(m) })).toBe(
      'cpu',
    );
    await initBackend(); // back to wasm for the tests below
    expect(warnings).toEqual([
      'rnnkit: pinThreads: threads not pinned: it needs threads: 2 or more.',
      'rnnkit: pinThreads: threads not pinned: it applies to the wasm backend only.',
    ]);
  });

  it('rejects an unknown backend, misspelt option names (naming the closest) and bad values', async () => {
    await expectErrorCode(
      initBackend({ backend: 'webgl' as never }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    const misspelt = await expectErrorCode(
      initBackend({ backnd: 'cpu' } as never),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(misspelt.message).toContain("'backend'");
    for (const bad of [{ threads: 1.5 }, { pinThreads: 'yes' }, { fallbackToCpu: 0 }, { onWarning: 'log' }]) {
      await expectErrorCode(initBackend(bad as never), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    }
  });

  it.each(Object.entries(cases))(
    'trains %s on wasm, lowering the loss without leaking tensors',
    async (_name, spec) => {
      const model = spec.model();
      model.compile({ optimizer: tf.train.adam(0.05), loss: spec.loss });
      const [x, y] = [spec.x(), spec.y()];
      // The untrained model's loss: later epochs may sit at ~1e-6, where epoch-to-epoch order is noise.
      const initial = model.evaluate(x, y) as tf.Scalar;
      const before = (await initial.data())[0]!;
      initial.dispose();
      await model.fit(x, y, { epochs: 1, verbose: 0 }); // creates the optimizer's slots before counting tensors
      let history: tfl.History | undefined;
      await expectNoLeaks(async () => {
        history = await model.fit(x, y, { epochs: 10, verbose: 0 });
      });
      const after = (history!.history['loss'] as number[]).at(-1)!;
      expect(Number.isFinite(after)).toBe(true);
      expect(after).toBeLessThan(before);
      tf.dispose([x, y]);
      model.dispose();
    },
  );
});
