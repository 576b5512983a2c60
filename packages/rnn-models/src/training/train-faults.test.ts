import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import { lstm } from '../layers/recurrent-layers.js';
import type { Batch } from './data-source.js';
import { train } from './train.js';
import type { TrainOptions } from './train-options.js';

useCpuBackend();

const [VOCAB, CLASSES, TIME] = [5, 3, 4];

/** Embedding(5 → 3) → LSTM(4) → Dense(3, softmax): ids `[batch, 4]` in, one class per row out. */
function idModel(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCAB, outputDim: 3, inputLength: TIME }),
      lstm({ units: 4 }),
      tfl.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
}

/** LSTM(3) over features `[batch, 4, 2]` → Dense(1). */
function featureModel(activation: 'linear' | 'sigmoid' = 'linear'): tfl.LayersModel {
  return tfl.sequential({
    layers: [lstm({ units: 3, inputShape: [TIME, 2] }), tfl.layers.dense({ units: 1, activation })],
  });
}

const GOOD_IDS = [0, 1, 2, 3, 4, 3, 2, 1];

function idBatch(
  ids: number[] = GOOD_IDS,
  targets: number[] = [0, 2],
  dtype: 'float32' | 'int32' = 'float32',
): Batch {
  return { xs: tf.tensor2d(ids, [2, TIME], dtype), ys: tf.tensor2d(targets, [2, 1], dtype) };
}

function featureBatch(targets: number[] = [0.5, 0.25], first = 0): Batch {
  const features = Array.from({ length: 16 }, (_, i) => (i === 0 ? first : i / 16));
  return { xs: tf.tensor3d(features, [2, TIME, 2]), ys: tf.tensor2d(targets, [2, 1]) };
}

const SPARSE: TrainOptions = { loss: 'sparseCategoricalCrossentropy', optimizer: 'sgd', verbose: 0 };
const MSE: TrainOptions = { loss: 'meanSquaredError', optimizer: 'sgd', verbose: 0 };

const live: { dispose(): void }[] = [];
afterEach(() => {
  for (const item of live.splice(0)) item.dispose();
});

function keep<T extends { dispose(): void }>(item: T): T {
  live.push(item);
  return item;
}

function keepBatches(batches: Batch[]): Batch[] {
  for (const b of batches)
    keep({ dispose: () => tf.dispose([b.xs as tf.Tensor, b.ys, ...(b.mask ? [b.mask] : [])]) });
  return batches;
}

/** Trains `model` on `batches` and returns the error, checking the weights did not change. */
async function failsUnchanged(model: tfl.LayersModel, batches: Batch[], options: TrainOptions, code: string) {
  const before = model.getWeights().map((w) => w.arraySync());
  const error = await expectErrorCode(train(model, batches, options), RnnModelsError, code as never);
  expect(model.getWeights().map((w) => w.arraySync())).toEqual(before);
  return error;
}

describe('train() rejects bad values in a batch (issue 13 #7)', () => {
  it('issue 13 #7: out-of-range sparse targets are a typed error naming the batch, position and value', async () => {
    const model = keep(idModel());
    const batches = keepBatches([idBatch(GOOD_IDS, [3, 1])]);
    const error = await failsUnchanged(model, batches, SPARSE, 'RNN_MODELS_INVALID_INPUT');
    expect(error.message).toContain('Batch 0 of epoch 0');
    expect(error.message).toContain('ys[0, 0] is 3');
  });

  it.each([
    ['negative', [0, -1], 'ys[1, 0] is -1'],
    ['NaN', [Number.NaN, 1], 'ys[0, 0] is NaN'],
    ['fractional', [1, 1.5], 'ys[1, 0] is 1.5'],
  ])('issue 13 #7: %s sparse targets are a typed error', async (_, targets, position) => {
    const model = keep(idModel());
    const error = await failsUnchanged(
      model,
      keepBatches([idBatch(GOOD_IDS, targets)]),
      SPARSE,
      'RNN_MODELS_INVALID_INPUT',
    );
    expect(error.message).toContain(position);
  });

  it('issue 13 #7: int32 targets ≥ the number of classes are a typed error', async () => {
    const model = keep(idModel());
    const batches = keepBatches([idBatch(GOOD_IDS, [0, 9], 'int32')]);
    await failsUnchanged(model, batches, SPARSE, 'RNN_MODELS_INVALID_INPUT');
  });

  it('issue 13 #7: the error names the batch that holds the bad value, after good batches trained', async () => {
    const model = keep(idModel());
    const batches = keepBatches([idBatch(), idBatch(), idBatch(GOOD_IDS, [0, 5])]);
    const seen: number[] = [];
    const error = await expectErrorCode(
      train(model, batches, { ...SPARSE, callbacks: { onBatchEnd: (step) => void seen.push(step) } }),
      RnnModelsError,
      'RNN_MODELS_INVALID_INPUT',
    );
    expect(seen).toEqual([0, 1]);
    expect(error.message).toContain('Batch 2 of epoch 0');
  });

  it.each([
    ['NaN', Number.NaN, 'xs[0, 1] is NaN'],
    ['≥ inputDim', 9, 'xs[0, 1] is 9'],
    ['negative', -2, 'xs[0, 1] is -2'],
    ['fractional', 0.5, 'xs[0, 1] is 0.5'],
  ])('issue 13 #7: Embedding ids %s are a typed error naming the position', async (_, id, position) => {
    const model = keep(idModel());
    const ids = [...GOOD_IDS];
    ids[1] = id;
    const error = await failsUnchanged(
      model,
      keepBatches([idBatch(ids)]),
      SPARSE,
      'RNN_MODELS_INVALID_INPUT',
    );
    expect(error.message).toContain(position);
  });

  it('issue 13 #7: Embedding ids in a functional model are checked too', async () => {
    const input = tfl.input({ shape: [TIME] });
    const embedded = tfl.layers
      .embedding({ inputDim: VOCAB, outputDim: 2 })
      .apply(input) as tfl.SymbolicTensor;
    const output = tfl.layers
      .dense({ units: CLASSES, activation: 'softmax' })
      .apply(tfl.layers.flatten().apply(embedded)) as tfl.SymbolicTensor;
    const model = keep(tfl.model({ inputs: input, outputs: output }));
    await failsUnchanged(
      model,
      keepBatches([idBatch([0, 1, 2, 3, 4, 3, 2, 7])]),
      SPARSE,
      'RNN_MODELS_INVALID_INPUT',
    );
  });

  it.each([
    ['2', [2, 0]],
    ['-0.5', [-0.5, 0]],
    ['NaN', [Number.NaN, 0]],
  ])('issue 13 #7: binary targets %s are a typed error', async (_, targets) => {
    const model = keep(featureModel('sigmoid'));
    await failsUnchanged(
      model,
      keepBatches([featureBatch(targets)]),
      { ...MSE, loss: 'binaryCrossentropy' },
      'RNN_MODELS_INVALID_INPUT',
    );
  });

  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
  ])('issue 13 #7: float targets %s are a typed error, not a non-finite loss', async (_, value) => {
    const model = keep(featureModel());
    await failsUnchanged(model, keepBatches([featureBatch([value, 0])]), MSE, 'RNN_MODELS_INVALID_INPUT');
  });

  it('issue 13 #7: NaN input features are a typed error naming the position', async () => {
    const model = keep(featureModel());
    const error = await failsUnchanged(
      model,
      keepBatches([featureBatch(undefined, Number.NaN)]),
      MSE,
      'RNN_MODELS_INVALID_INPUT',
    );
    expect(error.message).toContain('xs[0, 0, 0] is NaN');
  });

  it.each([
    ['NaN', Number.NaN],
    ['negative', -1],
  ])('issue 13 #7: %s mask weights are a typed error', async (_, weight) => {
    const model = keep(idModel());
    const batches = keepBatches([{ ...idBatch(), mask: tf.tensor1d([weight, 1]) }]);
    await failsUnchanged(model, batches, SPARSE, 'RNN_MODELS_INVALID_INPUT');
  });

  it('issue 13 #7: validationData is checked the same way, naming its batch', async () => {
    const model = keep(idModel());
    const validation = keepBatches([idBatch(), idBatch([Number.NaN, 1, 2, 3, 4, 3, 2, 1])]);
    const error = await expectErrorCode(
      train(model, keepBatches([idBatch()]), { ...SPARSE, validationData: validation }),
      RnnModelsError,
      'RNN_MODELS_INVALID_INPUT',
    );
    expect(error.message).toContain('validationData batch 1 after epoch 0');
  });

  it('issue 13 #7: a custom loss function gets its targets unchecked (it defines them)', async () => {
    const model = keep(featureModel());
    // NaN marks a missing target: it is replaced by the prediction, so it adds no loss.
    const ignoreNaN = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
      tf.mean(tf.square(tf.sub(tf.where(tf.isNaN(yTrue), yPred, yTrue), yPred)), -1);
    const history = await train(model, keepBatches([featureBatch([Number.NaN, 0.5])]), {
      ...MSE,
      loss: ignoreNaN,
    });
    expect(Number.isFinite(history.history['loss']![0])).toBe(true);
  });
});

describe('train() leaks nothing when it fails (issue 13 #11)', () => {
  const failing: [string, () => Batch, TrainOptions, string][] = [
    [
      'targets of the wrong shape',
      () => ({ xs: tf.tensor2d(GOOD_IDS, [2, TIME]), ys: tf.tensor2d([0, 1, 2, 0, 1, 2], [2, 3]) }),
      SPARSE,
      'RNN_MODELS_SHAPE_MISMATCH',
    ],
    [
      'inputs of the wrong rank',
      () => ({ xs: tf.tensor1d([0, 1]), ys: tf.tensor2d([0, 1], [2, 1]) }),
      SPARSE,
      'RNN_MODELS_SHAPE_MISMATCH',
    ],
    ['an out-of-range id', () => idBatch([0, 1, 2, 3, 4, 3, 2, 7]), SPARSE, 'RNN_MODELS_INVALID_INPUT'],
    [
      'a mask of the wrong shape',
      () => ({ ...idBatch(), mask: tf.ones([2, 3]) }),
      SPARSE,
      'RNN_MODELS_SHAPE_MISMATCH',
    ],
    [
      'a loss function that throws',
      () => idBatch(),
      { ...SPARSE, loss: () => tf.reshape(tf.ones([2]), [3]) },
      '',
    ],
  ];

  it.each(failing)('issue 13 #11: a batch with %s leaks no tensors', async (_, make, options, code) => {
    const model = keep(idModel());
    await expectNoLeaks(async () => {
      const batch = make();
      try {
        if (code === '') await expect(train(model, [batch], options)).rejects.toThrow();
        else await expectErrorCode(train(model, [batch], options), RnnModelsError, code as never);
      } finally {
        tf.dispose([batch.xs as tf.Tensor, batch.ys, ...(batch.mask ? [batch.mask] : [])]);
      }
    });
  });

  it('issue 13 #11: disposeBatches: true disposes the batches when options are rejected', async () => {
    const model = keep(idModel());
    const batch = idBatch();
    const validation = idBatch();
    await expectErrorCode(
      train(model, [batch], { ...SPARSE, disposeBatches: true, epochs: -1, validationData: [validation] }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(
      [batch.xs as tf.Tensor, batch.ys, validation.xs as tf.Tensor, validation.ys].every((t) => t.isDisposed),
    ).toBe(true);
  });

  it('issue 13 #11: disposeBatches: true disposes the batches when epochs is 0', async () => {
    const model = keep(idModel());
    const batch = idBatch();
    const history = await train(model, [batch], { ...SPARSE, disposeBatches: true, epochs: 0 });
    expect(history.epoch).toEqual([]);
    expect((batch.xs as tf.Tensor).isDisposed && batch.ys.isDisposed).toBe(true);
  });

  it('issue 13 #11: options are validated before anything is allocated', async () => {
    const model = keep(idModel());
    const batches = keepBatches([idBatch()]);
    const before = tf.memory().numTensors;
    for (const bad of [
      { learningRate: Number.NaN },
      { clipNorm: 0 },
      { epochs: 1.5 },
      { epoch: 2 },
    ] as TrainOptions[]) {
      await expectErrorCode(
        train(model, batches, { ...SPARSE, ...bad }),
        RnnModelsError,
        'RNN_MODELS_INVALID_OPTION',
      );
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('train() data sources and concurrent calls (issue 13, same class)', () => {
  it('issue 13: an iterator that throws mid-epoch is RNN_MODELS_DATA_SOURCE_FAILED with the batch index and cause, leaking nothing', async () => {
    const model = keep(idModel());
    const cause = new Error('disk read failed');
    await expectNoLeaks(async () => {
      const error = await expectErrorCode(
        train(
          model,
          function* () {
            yield idBatch();
            throw cause;
          },
          SPARSE,
        ),
        RnnModelsError,
        'RNN_MODELS_DATA_SOURCE_FAILED',
      );
      expect(error.cause).toBe(cause);
      expect(error.message).toContain('batch 1 of epoch 0');
    });
  });

  it('issue 13: a data function that throws is RNN_MODELS_DATA_SOURCE_FAILED', async () => {
    const model = keep(idModel());
    await expectErrorCode(
      train(
        model,
        () => {
          throw new Error('no file');
        },
        SPARSE,
      ),
      RnnModelsError,
      'RNN_MODELS_DATA_SOURCE_FAILED',
    );
  });

  it('issue 13: a second train() on a model still training is RNN_MODELS_MODEL_BUSY; the model trains again afterwards', async () => {
    const model = keep(idModel());
    const batches = keepBatches([idBatch(), idBatch()]);
    const first = train(model, batches, SPARSE);
    await expectErrorCode(train(model, batches, SPARSE), RnnModelsError, 'RNN_MODELS_MODEL_BUSY');
    await first;
    const again = await train(model, batches, SPARSE);
    expect(again.epoch).toEqual([0]);
  });

  it('issue 13: a data source yielding no batches is a typed error', async () => {
    const model = keep(idModel());
    await expectErrorCode(
      train(model, () => [], SPARSE),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
  });
});
