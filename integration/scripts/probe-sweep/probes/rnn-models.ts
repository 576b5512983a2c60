// rnn-models' training, layers and templates fed bad data and options: out-of-range, NaN and
// fractional targets and ids, wrong shapes, non-finite and out-of-range options, empty and
// failing data sources, aborted and concurrent train() calls, and sizes no typed array holds.
// Every probe builds a tiny model and disposes it (and its batches) itself, so a tensor left
// behind is the library's.
import {
  clipByGlobalNorm,
  clipByNorm,
  createLearningRateSchedule,
  forecaster,
  GRU,
  getLoss,
  globalNorm,
  gru,
  initBackend,
  LSTMCell,
  languageModel,
  lstm,
  orthogonal,
  peepholeLSTM,
  predictAutoregressive,
  sequenceClassifier,
  sequenceTagger,
  simpleRNN,
  summary,
  type TrainOptions,
  train,
} from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Probe, ProbeSuite } from '../types.js';

const VOCABULARY = 5;
const CLASSES = 3;
const STEPS = 4;

/** Embedding(5 → 3) → LSTM(4) → Dense(3, softmax): ids `[batch, 4]` in, one class per row out. */
function idClassifier(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: VOCABULARY, outputDim: 3, inputLength: STEPS }),
      lstm({ units: 4 }),
      tfl.layers.dense({ units: CLASSES, activation: 'softmax' }),
    ],
  });
}

/** LSTM(3) → Dense(units, activation) over float features `[batch, 4, 2]`. */
function featureModel(units = 1, activation: 'linear' | 'sigmoid' = 'linear'): tfl.LayersModel {
  return tfl.sequential({
    layers: [lstm({ units: 3, inputShape: [STEPS, 2] }), tfl.layers.dense({ units, activation })],
  });
}

/** Runs `fn` with a fresh model, disposing the model afterwards whatever happens. */
async function withModel<T>(
  make: () => tfl.LayersModel,
  fn: (model: tfl.LayersModel) => T,
): Promise<Awaited<T>> {
  const model = make();
  try {
    return await fn(model);
  } finally {
    model.dispose();
  }
}

/** A batch for {@link idClassifier}: ids `[2, 4]` (float32 unless told) and targets `[2, 1]`. */
function idBatch(
  ids: number[] = [0, 1, 2, 3, 4, 3, 2, 1],
  targets: number[] = [0, 2],
  dtype: 'float32' | 'int32' = 'float32',
): AnyBatch {
  return { xs: tf.tensor2d(ids, [2, STEPS], dtype), ys: tf.tensor2d(targets, [2, 1], dtype) };
}

/** A batch for {@link featureModel}: features `[2, 4, 2]`, targets `[2, units]`. */
function featureBatch(targets: number[] = [0.5, 0.25], features?: number[]): AnyBatch {
  return {
    xs: tf.tensor3d(features ?? Array.from({ length: 16 }, (_, i) => i / 16), [2, STEPS, 2]),
    ys: tf.tensor2d(targets, [2, targets.length / 2]),
  };
}

type AnyBatch = { xs: tf.Tensor | tf.Tensor[]; ys: tf.Tensor; mask?: tf.Tensor };

function disposeAll(batches: readonly AnyBatch[]): void {
  for (const b of batches)
    tf.dispose([...(Array.isArray(b.xs) ? b.xs : [b.xs]), b.ys, ...(b.mask ? [b.mask] : [])]);
}

const SPARSE: TrainOptions = { loss: 'sparseCategoricalCrossentropy', verbose: 0, optimizer: 'sgd' };
const MSE: TrainOptions = { loss: 'meanSquaredError', verbose: 0, optimizer: 'sgd' };

/** train() on an id classifier with `batches` (an array, so they stay the probe's), disposed after. */
function trainIds(batches: AnyBatch[], options: TrainOptions = {}) {
  return withModel(idClassifier, async (model) => {
    try {
      return await train(model, batches, { ...SPARSE, ...options });
    } finally {
      disposeAll(batches);
    }
  });
}

/** train() on a feature model with `batches`, disposed after. */
function trainFeatures(batches: AnyBatch[], options: TrainOptions = MSE, units = 1) {
  return withModel(
    () => featureModel(units, options.loss === 'binaryCrossentropy' ? 'sigmoid' : 'linear'),
    async (model) => {
      try {
        return await train(model, batches, { ...MSE, ...options });
      } finally {
        disposeAll(batches);
      }
    },
  );
}

/** train() of a good batch with one bad option. */
function trainWithOption(options: Record<string, unknown>) {
  return trainIds([idBatch()], options as TrainOptions);
}

/** A layer built on `[batch, 4, features]` inputs, then disposed. */
function buildLayer(layer: tfl.layers.Layer, features = 2) {
  return withModel(
    () => tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [STEPS, features] }), layer] }),
    () => undefined,
  );
}

/** A template model, built and disposed. */
function buildTemplate(make: () => tfl.LayersModel) {
  return withModel(make, () => undefined);
}

const INVALID_INPUT = { code: 'RNN_MODELS_INVALID_INPUT' } as const;
const INVALID_OPTION = { code: 'RNN_MODELS_INVALID_OPTION' } as const;
const SHAPE = { code: 'RNN_MODELS_SHAPE_MISMATCH' } as const;
const TOO_LARGE = { code: 'RNN_MODELS_TOO_LARGE' } as const;

const trainProbes: Probe[] = [
  // Targets and ids (issue 13 #7).
  {
    name: 'train: sparse targets ≥ classes',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch(undefined, [3, 7])]),
  },
  {
    name: 'train: sparse targets negative',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch(undefined, [-1, 0])]),
  },
  {
    name: 'train: sparse targets NaN',
    kind: 'non-finite',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch(undefined, [Number.NaN, 1])]),
  },
  {
    name: 'train: sparse targets fractional 1.5',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch(undefined, [1.5, 1])]),
  },
  {
    name: 'train: sparse targets int32 ≥ classes',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch([0, 1, 2, 3, 4, 3, 2, 1], [5, 1], 'int32')]),
  },
  {
    name: 'train: Embedding ids ≥ inputDim (float)',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch([0, 1, 2, 3, 9, 3, 2, 1])]),
  },
  {
    name: 'train: Embedding ids NaN',
    kind: 'non-finite',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch([0, Number.NaN, 2, 3, 4, 3, 2, 1])]),
  },
  {
    name: 'train: Embedding ids negative',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch([0, -2, 2, 3, 4, 3, 2, 1])]),
  },
  {
    name: 'train: Embedding ids fractional',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch([0, 0.5, 2, 3, 4, 3, 2, 1])]),
  },
  {
    name: 'train: binary targets 2',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainFeatures([featureBatch([2, 0])], { ...MSE, loss: 'binaryCrossentropy' }),
  },
  {
    name: 'train: binary targets NaN',
    kind: 'non-finite',
    expect: INVALID_INPUT,
    run: () => trainFeatures([featureBatch([Number.NaN, 0])], { ...MSE, loss: 'binaryCrossentropy' }),
  },
  {
    name: 'train: float targets NaN',
    kind: 'non-finite',
    expect: INVALID_INPUT,
    run: () => trainFeatures([featureBatch([Number.NaN, 0.5])]),
  },
  {
    name: 'train: float targets Infinity',
    kind: 'non-finite',
    expect: INVALID_INPUT,
    run: () => trainFeatures([featureBatch([Number.POSITIVE_INFINITY, 0.5])]),
  },
  {
    name: 'train: float inputs NaN',
    kind: 'non-finite',
    expect: 'error',
    run: () =>
      trainFeatures([featureBatch(undefined, [Number.NaN, ...Array.from({ length: 15 }, () => 0.1)])]),
  },
  {
    name: 'train: one-hot targets NaN (categoricalCrossentropy)',
    kind: 'non-finite',
    expect: INVALID_INPUT,
    run: () =>
      trainIds(
        [
          {
            xs: tf.tensor2d([0, 1, 2, 3, 4, 3, 2, 1], [2, STEPS]),
            ys: tf.tensor2d([1, 0, 0, Number.NaN, 0, 1], [2, 3]),
          },
        ],
        {
          loss: 'categoricalCrossentropy',
        },
      ),
  },
  {
    name: 'train: mask with NaN',
    kind: 'non-finite',
    expect: INVALID_INPUT,
    run: () => trainIds([{ ...idBatch(), mask: tf.tensor1d([Number.NaN, 1]) }]),
  },
  {
    name: 'train: mask negative',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainIds([{ ...idBatch(), mask: tf.tensor1d([-1, 1]) }]),
  },
  {
    name: 'train: second batch out-of-range targets',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => trainIds([idBatch(), idBatch(undefined, [0, 3])]),
  },
  // Shapes (issue 13 #11: leaks).
  {
    name: 'train: targets of the wrong shape',
    kind: 'bad-type',
    expect: 'error',
    run: () =>
      trainIds([
        {
          xs: tf.tensor2d([0, 1, 2, 3, 4, 3, 2, 1], [2, STEPS]),
          ys: tf.tensor2d([0, 1, 2, 0, 1, 2], [2, 3]),
        },
      ]),
  },
  {
    name: 'train: inputs of the wrong rank',
    kind: 'bad-type',
    expect: 'error',
    run: () => trainIds([{ xs: tf.tensor1d([0, 1]), ys: tf.tensor2d([0, 1], [2, 1]) }]),
  },
  {
    name: 'train: mask of the wrong shape',
    kind: 'bad-type',
    expect: SHAPE,
    run: () => trainIds([{ ...idBatch(), mask: tf.tensor1d([1, 1, 1]) }]),
  },
  {
    name: 'train: disposeBatches true with a rejected option',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () =>
      withModel(idClassifier, (model) =>
        train(model, [idBatch()], { ...SPARSE, disposeBatches: true, epochs: -1 }),
      ),
  },
  {
    name: 'train: disposeBatches true with epochs 0',
    kind: 'empty',
    expect: 'ok',
    run: () =>
      withModel(idClassifier, (model) =>
        train(model, [idBatch()], { ...SPARSE, disposeBatches: true, epochs: 0 }),
      ),
  },
  // Validation data with the same faults.
  {
    name: 'train: validationData targets ≥ classes',
    kind: 'out-of-range',
    expect: INVALID_INPUT,
    run: () => {
      const validation = [idBatch(undefined, [0, 4])];
      return trainIds([idBatch()], { validationData: validation }).finally(() => disposeAll(validation));
    },
  },
  {
    name: 'train: validationData ids NaN',
    kind: 'non-finite',
    expect: INVALID_INPUT,
    run: () => {
      const validation = [idBatch([Number.NaN, 1, 2, 3, 4, 3, 2, 1])];
      return trainIds([idBatch()], { validationData: validation }).finally(() => disposeAll(validation));
    },
  },
  {
    name: 'train: validationData empty',
    kind: 'empty',
    expect: INVALID_OPTION,
    run: () => trainIds([idBatch()], { validationData: [] }),
  },
  // Options.
  {
    name: 'train: learningRate NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ learningRate: Number.NaN }),
  },
  {
    name: 'train: learningRate Infinity',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ learningRate: Number.POSITIVE_INFINITY }),
  },
  {
    name: 'train: learningRate -1',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ learningRate: -1 }),
  },
  {
    name: 'train: learningRate "0.1"',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ learningRate: '0.1' }),
  },
  {
    name: 'train: clipNorm 0',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ clipNorm: 0 }),
  },
  {
    name: 'train: clipNorm -1',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ clipNorm: -1 }),
  },
  {
    name: 'train: globalClipNorm NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ globalClipNorm: Number.NaN }),
  },
  {
    name: 'train: clipValue Infinity',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ clipValue: Number.POSITIVE_INFINITY }),
  },
  {
    name: 'train: epochs 1.5',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ epochs: 1.5 }),
  },
  {
    name: 'train: epochs -1',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ epochs: -1 }),
  },
  {
    name: 'train: epochs NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ epochs: Number.NaN }),
  },
  {
    name: 'train: initialEpoch after epochs',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ initialEpoch: 3 }),
  },
  {
    name: 'train: seed 1.5',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ seed: 1.5 }),
  },
  {
    name: 'train: verbose 3',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ verbose: 3 }),
  },
  {
    name: 'train: misspelt "epoch"',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ epoch: 2 }),
  },
  {
    name: 'train: Keras name "learning_rate"',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ learning_rate: 0.1 }),
  },
  {
    name: 'train: loss "mse"',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ loss: 'mse' }),
  },
  {
    name: 'train: optimizer "adamw"',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ optimizer: 'adamw' }),
  },
  {
    name: 'train: earlyStopping patience -1',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ earlyStopping: { patience: -1 } }),
  },
  {
    name: 'train: earlyStopping misspelt "patiance"',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ earlyStopping: { patiance: 2 } }),
  },
  {
    name: 'train: earlyStopping on val_loss without validationData',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ earlyStopping: { monitor: 'val_loss' } }),
  },
  {
    name: 'train: callbacks misspelt onEpochEnds',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ callbacks: { onEpochEnds: () => undefined } }),
  },
  {
    name: 'train: learningRateSchedule returns NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ learningRateSchedule: () => Number.NaN }),
  },
  {
    name: 'train: custom step returns a vector loss',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => trainWithOption({ step: () => ({ loss: tf.ones([2]) }) }),
  },
  // Data sources.
  {
    name: 'train: data null',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => withModel(idClassifier, (m) => train(m, null as never, SPARSE)),
  },
  {
    name: 'train: data []',
    kind: 'empty',
    expect: INVALID_OPTION,
    run: () => withModel(idClassifier, (m) => train(m, [], SPARSE)),
  },
  {
    name: 'train: data function yielding no batches',
    kind: 'empty',
    expect: INVALID_OPTION,
    run: () => withModel(idClassifier, (m) => train(m, () => [], SPARSE)),
  },
  {
    name: 'train: batch of plain arrays',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => withModel(idClassifier, (m) => train(m, [{ xs: [[0, 1, 2, 3]], ys: [[0]] }] as never, SPARSE)),
  },
  {
    name: 'train: iterator throws in batch 1',
    kind: 'corrupt-file',
    expect: { code: 'RNN_MODELS_DATA_SOURCE_FAILED' },
    run: () =>
      withModel(idClassifier, (m) =>
        train(
          m,
          function* () {
            yield idBatch();
            throw new Error('disk read failed');
          },
          SPARSE,
        ),
      ),
  },
  {
    name: 'train: async iterator rejects in batch 0',
    kind: 'corrupt-file',
    expect: { code: 'RNN_MODELS_DATA_SOURCE_FAILED' },
    run: () =>
      withModel(idClassifier, (m) =>
        train(
          m,
          async function* () {
            yield* [];
            throw new Error('network down');
          },
          SPARSE,
        ),
      ),
  },
  {
    name: 'train: model null',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => train(null as never, [], SPARSE),
  },
  // Aborts and concurrency.
  {
    name: 'train: signal already aborted',
    kind: 'aborted',
    expect: 'ok',
    run: () => trainIds([idBatch()], { signal: AbortSignal.abort() }),
  },
  {
    name: 'train: aborted after the first batch',
    kind: 'aborted',
    expect: 'ok',
    run: () => {
      const controller = new AbortController();
      return trainIds([idBatch(), idBatch(), idBatch()], {
        signal: controller.signal,
        callbacks: { onBatchEnd: () => controller.abort() },
      });
    },
  },
  {
    name: 'train: two concurrent calls on one model',
    kind: 'concurrent',
    expect: { code: 'RNN_MODELS_MODEL_BUSY' },
    run: () =>
      withModel(idClassifier, async (model) => {
        const batches = [idBatch(), idBatch()];
        try {
          const results = await Promise.allSettled([
            train(model, batches, SPARSE),
            train(model, batches, SPARSE),
          ]);
          const rejected = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
          if (rejected) throw rejected.reason;
        } finally {
          disposeAll(batches);
        }
      }),
  },
  {
    name: 'train: sequential calls on one model',
    kind: 'valid',
    expect: 'ok',
    run: () =>
      withModel(idClassifier, async (model) => {
        const batches = [idBatch()];
        try {
          await train(model, batches, SPARSE);
          await train(model, batches, SPARSE);
        } finally {
          disposeAll(batches);
        }
      }),
  },
];

const layerProbes: Probe[] = [
  {
    name: 'lstm: units 1e9 built',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildLayer(lstm({ units: 1e9 })),
  },
  {
    name: 'gru: units 1e9 built',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildLayer(gru({ units: 1e9 })),
  },
  {
    name: 'simpleRNN: units 1e9 built',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildLayer(simpleRNN({ units: 1e9 })),
  },
  {
    name: 'peepholeLSTM: units 1e9 built',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildLayer(peepholeLSTM({ units: 1e9 })),
  },
  {
    name: 'lstm: units 20000 on 20000 features built',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildLayer(lstm({ units: 20_000 }), 20_000),
  },
  {
    name: 'GRU class: units 1e9 built',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildLayer(new GRU({ units: 1e9 })),
  },
  { name: 'lstm: units 0', kind: 'out-of-range', expect: INVALID_OPTION, run: () => lstm({ units: 0 }) },
  {
    name: 'lstm: units NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => lstm({ units: Number.NaN }),
  },
  {
    name: 'lstm: units "4"',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => lstm({ units: '4' as never }),
  },
  { name: 'lstm: units 2.5', kind: 'out-of-range', expect: INVALID_OPTION, run: () => lstm({ units: 2.5 }) },
  {
    name: 'lstm: dropout 1',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => lstm({ units: 2, dropout: 1 }),
  },
  {
    name: 'lstm: recurrentDropout NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => lstm({ units: 2, recurrentDropout: Number.NaN }),
  },
  {
    name: 'lstm: misspelt returnSequence',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => lstm({ units: 2, returnSequence: true } as never),
  },
  {
    name: 'lstm: activation "tanhh"',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => lstm({ units: 2, activation: 'tanhh' as never }),
  },
  { name: 'lstm: null args', kind: 'bad-type', expect: INVALID_OPTION, run: () => lstm(null as never) },
  {
    name: 'gru: resetAfter "yes"',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => gru({ units: 2, resetAfter: 'yes' as never }),
  },
  {
    name: 'simpleRNN: seed NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => simpleRNN({ units: 2, seed: Number.NaN }),
  },
  {
    name: 'LSTMCell: units -1',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => new LSTMCell({ units: -1 }),
  },
  {
    name: 'lstm: rank-2 input applied',
    kind: 'bad-type',
    expect: 'error',
    run: () => {
      const layer = lstm({ units: 2 });
      const x = tf.ones([2, 3]);
      try {
        return layer.apply(x);
      } finally {
        x.dispose();
        if (layer.built) layer.dispose();
      }
    },
  },
  {
    name: 'lstm: initial state of the wrong width',
    kind: 'bad-type',
    expect: SHAPE,
    run: () => {
      const layer = lstm({ units: 2 });
      const x = tf.ones([1, 3, 2]);
      const states = [tf.zeros([1, 5]), tf.zeros([1, 5])];
      try {
        return layer.apply(x, { initialState: states });
      } finally {
        tf.dispose([x, ...states]);
        if (layer.built) layer.dispose();
      }
    },
  },
  {
    name: 'orthogonal: gain NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => orthogonal({ gain: Number.NaN }),
  },
];

const templateProbes: Probe[] = [
  {
    name: 'languageModel: vocabularySize 1e9',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildTemplate(() => languageModel({ vocabularySize: 1e9, embeddingDim: 64, units: 4 })),
  },
  {
    name: 'languageModel: units 1e9',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildTemplate(() => languageModel({ vocabularySize: 5, embeddingDim: 2, units: 1e9 })),
  },
  {
    name: 'languageModel: embeddingDim 1e9',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildTemplate(() => languageModel({ vocabularySize: 5, embeddingDim: 1e9, units: 2 })),
  },
  {
    name: 'languageModel: vocabularySize 0',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => languageModel({ vocabularySize: 0 }),
  },
  {
    name: 'languageModel: vocabularySize NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => languageModel({ vocabularySize: Number.NaN }),
  },
  {
    name: 'languageModel: other library name vocabSize',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => languageModel({ vocabSize: 5 } as never),
  },
  {
    name: 'languageModel: null',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => languageModel(null as never),
  },
  {
    name: 'languageModel: units []',
    kind: 'empty',
    expect: INVALID_OPTION,
    run: () => languageModel({ vocabularySize: 5, units: [] }),
  },
  {
    name: 'sequenceClassifier: numClasses 1e9',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () =>
      buildTemplate(() =>
        sequenceClassifier({ vocabularySize: 5, embeddingDim: 2, units: 2, numClasses: 1e9 }),
      ),
  },
  {
    name: 'sequenceClassifier: numClasses 0',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => sequenceClassifier({ vocabularySize: 5, numClasses: 0 }),
  },
  {
    name: 'sequenceClassifier: dropout Infinity',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => sequenceClassifier({ vocabularySize: 5, dropout: Number.POSITIVE_INFINITY }),
  },
  {
    name: 'sequenceTagger: hiddenUnits [1e9]',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () =>
      buildTemplate(() =>
        sequenceTagger({
          vocabularySize: 5,
          embeddingDim: 2,
          units: 2,
          numTags: 3,
          hiddenUnits: [1e9],
        } as never),
      ),
  },
  {
    name: 'sequenceTagger: misspelt numTag',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => sequenceTagger({ vocabularySize: 5, numTag: 3 } as never),
  },
  {
    name: 'forecaster: outputSteps × features 1e9',
    kind: 'huge',
    expect: TOO_LARGE,
    run: () => buildTemplate(() => forecaster({ features: 1000, units: 2, outputSteps: 1e6 } as never)),
  },
  {
    name: 'forecaster: inputSteps NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => forecaster({ features: 2, inputSteps: Number.NaN } as never),
  },
  {
    name: 'predictAutoregressive: steps 0',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => {
      const window = tf.ones([1, 3, 2]);
      try {
        return predictAutoregressive({ predict: (x) => tf.clone(x) }, window, 0);
      } finally {
        window.dispose();
      }
    },
  },
  {
    name: 'predictAutoregressive: model returns the wrong width',
    kind: 'bad-type',
    expect: SHAPE,
    run: () => {
      const window = tf.ones([1, 3, 2]);
      try {
        return predictAutoregressive({ predict: () => tf.ones([1, 5]) }, window, 2);
      } finally {
        window.dispose();
      }
    },
  },
  {
    name: 'summary: null model',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => summary(null as never),
  },
  {
    name: 'summary: lineLength -5',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => withModel(idClassifier, (m) => summary(m, { lineLength: -5 })),
  },
  {
    name: 'summary: positions [NaN]',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => withModel(idClassifier, (m) => summary(m, { positions: [Number.NaN, 0.5, 0.7, 1] })),
  },
];

const helperProbes: Probe[] = [
  {
    name: 'getLoss: "mse"',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => getLoss('mse' as never),
  },
  {
    name: 'createLearningRateSchedule: cosineDecay decaySteps 0',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => createLearningRateSchedule({ kind: 'cosineDecay', decaySteps: 0 }, 0.1),
  },
  {
    name: 'createLearningRateSchedule: exponentialDecay decayRate 2',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => createLearningRateSchedule({ kind: 'exponentialDecay', decaySteps: 1, decayRate: 2 }, 0.1),
  },
  {
    name: 'createLearningRateSchedule: base rate NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => createLearningRateSchedule({ kind: 'constant' }, Number.NaN)(0, 0),
  },
  {
    name: 'createLearningRateSchedule: function returning Infinity',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => createLearningRateSchedule(() => Number.POSITIVE_INFINITY, 0.1)(0, 0),
  },
  {
    name: 'createLearningRateSchedule: kind "cosine"',
    kind: 'misspelt-option',
    expect: INVALID_OPTION,
    run: () => createLearningRateSchedule({ kind: 'cosine' } as never, 0.1),
  },
  {
    name: 'clipByNorm: clipNorm 0',
    kind: 'out-of-range',
    expect: INVALID_OPTION,
    run: () => {
      const t = tf.ones([2]);
      try {
        return clipByNorm(t, 0);
      } finally {
        t.dispose();
      }
    },
  },
  {
    name: 'clipByGlobalNorm: clipNorm NaN',
    kind: 'non-finite',
    expect: INVALID_OPTION,
    run: () => clipByGlobalNorm([], Number.NaN),
  },
  {
    name: 'globalNorm: empty list',
    kind: 'empty',
    expect: 'ok',
    run: () => globalNorm([]).dispose(),
  },
  {
    name: 'globalNorm: not tensors',
    kind: 'bad-type',
    expect: INVALID_OPTION,
    run: () => globalNorm([1, 2] as never),
  },
];

const suite: ProbeSuite = {
  packageName: 'rnn-models',
  checksTensors: true,
  setup: async () => {
    await initBackend({ backend: 'cpu' });
  },
  probes: () => [...trainProbes, ...layerProbes, ...templateProbes, ...helperProbes],
};
export default suite;
