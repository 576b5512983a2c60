import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { lstm } from '../layers/recurrent-layers.js';
import type { Batch } from './data-source.js';
import { evaluate } from './evaluate.js';
import { DEFAULT_EVALUATE_OPTIONS } from './evaluate-options.js';
import { train } from './train.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** y = x·[1, 2] (no bias): squared errors by hand. */
function linearModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [tfl.layers.dense({ units: 1, inputShape: [2], useBias: false })],
  });
  model.setWeights([tf.tensor2d([[1], [2]])]);
  return model;
}

const X = [
  [1, 1],
  [2, 0],
  [0, 1],
];
const Y = [4, 1, 2]; // predictions 3, 2, 2 → errors −1, 1, 0

const [V, T] = [3, 4];
/** Embedding rows (logits per input id) → softmax: p(target | id) by hand. */
const E = [
  [2, 0, -1],
  [0, 1, 0],
  [-1, 0.5, 1.5],
];
function softmaxModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: V, outputDim: V, inputLength: T }),
      tfl.layers.activation({ activation: 'softmax' }),
    ],
  });
  model.setWeights([tf.tensor2d(E)]);
  return model;
}
function logP(id: number, target: number): number {
  const row = E[id]!;
  return row[target]! - Math.log(row.reduce((sum, v) => sum + Math.exp(v), 0));
}
const argMax = (row: number[]) => row.indexOf(Math.max(...row));

const IDS = [
  [
    [0, 1, 2, 1],
    [2, 2, 0, 0],
  ],
  [[1, 0, 2, 2]],
];
const TARGETS = [
  [
    [0, 2, 2, 1],
    [1, 2, 0, 0],
  ],
  [[1, 1, 0, 2]],
];
const MASKS = [
  [
    [1, 1, 1, 1],
    [1, 1, 0, 0],
  ],
  [[1, 1, 1, 0]],
];

function tokenBatches(dtype: 'int32' | 'float32' = 'int32', masked = true): Batch[] {
  return IDS.map((ids, b) => ({
    xs: tf.tensor2d(ids, undefined, 'int32'),
    ys: tf.tensor2d(TARGETS[b]!, undefined, dtype),
    ...(masked ? { mask: tf.tensor2d(MASKS[b]!) } : {}),
  }));
}

describe('evaluate', () => {
  it('documents its defaults', () => {
    expect(DEFAULT_EVALUATE_OPTIONS).toEqual({ batchSize: 32, resetStates: true, disposeBatches: 'auto' });
  });

  it('averages over samples, not batches (hand computation, uneven batches)', async () => {
    const model = linearModel();
    const batches: Batch[] = [
      { xs: tf.tensor2d(X.slice(0, 2)), ys: tf.tensor2d([[4], [1]]) },
      { xs: tf.tensor2d(X.slice(2)), ys: tf.tensor2d([[2]]) },
    ];
    const before = tf.memory().numTensors;
    const result = await evaluate(model, batches, {
      loss: 'meanSquaredError',
      metrics: ['meanAbsoluteError'],
    });
    expect(tf.memory().numTensors).toBe(before);
    // Squared errors 1, 1, 0: (1 + 1 + 0) / 3, not the mean of the batch means (1 + 0) / 2.
    expect(result.loss).toBeCloseTo(2 / 3, 6);
    expect(result.metrics).toEqual({ meanAbsoluteError: expect.closeTo(2 / 3, 6) });
    expect(result).toMatchObject({ batches: 2, samples: 3, weight: 3 });
    expect(result.perplexity).toBeUndefined();
    tf.dispose(batches.flatMap((b) => [b.xs as tf.Tensor, b.ys]));
    model.dispose();
  });

  it('weights masked per-token losses by real tokens, with perplexity and bits per token', async () => {
    const model = softmaxModel();
    const batches = tokenBatches();
    let nats = 0;
    let tokens = 0;
    let correct = 0;
    IDS.forEach((rows, b) => {
      rows.forEach((row, r) => {
        row.forEach((id, t) => {
          const m = MASKS[b]![r]![t]!;
          const target = TARGETS[b]![r]![t]!;
          nats -= m * logP(id, target);
          tokens += m;
          correct += m * Number(argMax(E[id]!) === target);
        });
      });
    });
    const before = tf.memory().numTensors;
    const result = await evaluate(model, batches, {
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(tokens).toBe(9);
    expect(result.loss).toBeCloseTo(nats / tokens, 5);
    expect(result.metrics['accuracy']).toBeCloseTo(correct / tokens, 6);
    expect(result.perplexity).toBeCloseTo(Math.exp(nats / tokens), 4);
    expect(result.bitsPerToken).toBeCloseTo(nats / tokens / Math.LN2, 5);
    expect(result).toMatchObject({ batches: 2, samples: 3, weight: 9 });
    tf.dispose(batches.flatMap((b) => [b.xs as tf.Tensor, b.ys, b.mask!]));
    model.dispose();
  });

  it('sparse cross-entropy takes int32 and float32 integer targets alike (evaluate and train)', async () => {
    const [asInt, asFloat] = [tokenBatches('int32'), tokenBatches('float32')];
    const model = softmaxModel();
    const options = { loss: 'sparseCategoricalCrossentropy' } as const;
    const [a, b] = [await evaluate(model, asInt, options), await evaluate(model, asFloat, options)];
    expect(b.loss).toBe(a.loss);
    const histories = [];
    for (const batches of [asInt, asFloat]) {
      const trained = softmaxModel();
      histories.push((await train(trained, batches, { ...options, epochs: 2, verbose: 0 })).history['loss']);
      trained.dispose();
    }
    expect(histories[1]).toEqual(histories[0]);
    tf.dispose([...asInt, ...asFloat].flatMap((batch) => [batch.xs as tf.Tensor, batch.ys, batch.mask!]));
    model.dispose();
  });

  it("weights a loss that returns one scalar per batch by rows (Keras' rule), documented", async () => {
    const model = softmaxModel();
    const batches = tokenBatches('int32', false);
    // A per-batch scalar, named like @rnnkit/metrics/tensor's masked loss: perplexity reported too.
    const maskedSparseCategoricalCrossentropy = (yTrue: tf.Tensor, yPred: tf.Tensor) =>
      tf.mean(
        tf.losses.softmaxCrossEntropy(tf.oneHot(tf.cast(yTrue, 'int32'), V), tf.log(yPred), undefined, 0, 0),
      );
    const result = await evaluate(model, batches, { loss: maskedSparseCategoricalCrossentropy });
    const batchMean = (b: number) =>
      -IDS[b]!.flatMap((row, r) => row.map((id, t) => logP(id, TARGETS[b]![r]![t]!))).reduce(
        (s, v) => s + v,
      ) /
      (IDS[b]!.length * T);
    expect(result.loss).toBeCloseTo((2 * batchMean(0) + 1 * batchMean(1)) / 3, 5);
    expect(result.perplexity).toBeCloseTo(Math.exp(result.loss), 6);
    tf.dispose(batches.flatMap((b) => [b.xs as tf.Tensor, b.ys]));
    model.dispose();
  });

  it("equals train()'s val_loss and val_accuracy for the last epoch", async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: 6, outputDim: 4, inputLength: 5 }),
        lstm({ units: 8 }),
        tfl.layers.dense({ units: 6, activation: 'softmax' }),
      ],
    });
    const make = (count: number, offset: number, rows: number): Batch[] =>
      Array.from({ length: count }, (_, b) => {
        const ids = Array.from({ length: rows }, (_, r) =>
          Array.from({ length: 5 }, (_, t) => ((offset + b * 8 + r) * 7 + t * 3) % 6),
        );
        return {
          xs: tf.tensor2d(ids, undefined, 'int32'),
          ys: tf.tensor1d(
            ids.map((row) => row[4]!),
            'int32',
          ),
        };
      });
    const data = make(4, 0, 8);
    const validation = [...make(2, 100, 8), ...make(1, 200, 3)];
    const options = { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] } as const;
    const { history } = await train(model, data, {
      ...options,
      epochs: 3,
      validationData: validation,
      verbose: 0,
    });
    const result = await evaluate(model, validation, options);
    expect(result.loss).toBeCloseTo(history['val_loss']![2]!, 6);
    expect(result.metrics['accuracy']).toBeCloseTo(history['val_accuracy']![2]!, 6);
    expect(result.samples).toBe(19);
    tf.dispose([...data, ...validation].flatMap((b) => [b.xs as tf.Tensor, b.ys]));
    model.dispose();
  });

  it('cuts one { xs, ys } of the whole set into batchSize rows; the tensors stay the caller’s', async () => {
    const model = linearModel();
    const whole = { xs: tf.tensor2d(X), ys: tf.tensor1d(Y) };
    const seen: Record<string, number>[] = [];
    const before = tf.memory().numTensors;
    const result = await evaluate(model, whole, {
      loss: 'meanSquaredError',
      batchSize: 2,
      onBatch: (index, logs) => {
        seen[index] = logs;
      },
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(whole.xs.isDisposed || whole.ys.isDisposed).toBe(false);
    expect(result.loss).toBeCloseTo(2 / 3, 6);
    expect(result).toMatchObject({ batches: 2, samples: 3 });
    expect(seen).toEqual([
      { loss: expect.closeTo(1, 6), size: 2 },
      { loss: expect.closeTo(0, 6), size: 1 },
    ]);
    // Keras' default batch size, 32: one batch here.
    expect((await evaluate(model, whole, { loss: 'meanSquaredError' })).batches).toBe(1);
    tf.dispose([whole.xs, whole.ys]);
    model.dispose();
  });

  it('reads iterables, async generators, functions and datasets; owns their batches', async () => {
    const model = linearModel();
    const make = () => [
      { xs: tf.tensor2d(X.slice(0, 2)), ys: tf.tensor1d(Y.slice(0, 2)) },
      { xs: tf.tensor2d(X.slice(2)), ys: tf.tensor1d(Y.slice(2)) },
    ];
    async function* generate() {
      yield* make();
    }
    const dataset = {
      iterator: async () => {
        const batches = make()[Symbol.iterator]();
        return { next: async () => batches.next() };
      },
      size: 2,
    };
    const before = tf.memory().numTensors;
    for (const source of [generate(), () => make(), dataset, new Set(make())]) {
      const result = await evaluate(model, source, { loss: 'meanSquaredError' });
      expect(result.loss).toBeCloseTo(2 / 3, 6);
    }
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });

  it('rejects bad options with the closest valid name, and leaks nothing', async () => {
    const model = linearModel();
    const batches = [{ xs: tf.tensor2d(X), ys: tf.tensor1d(Y) }];
    const notABatch = [{ xs: [1, 2], ys: tf.scalar(1) }];
    const before = tf.memory().numTensors;
    const misspelt = await expectErrorCode(
      evaluate(model, batches, { loss: 'meanSquaredError', batchSise: 2 } as never),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(misspelt.message).toContain("'batchSize'");
    const cases: [unknown, unknown][] = [
      [batches, { loss: 'meanSquaredErr' }],
      [batches, {}],
      [batches, { loss: 'meanSquaredError', batchSize: 2 }], // batchSize with batches of their own
      [batches[0], { loss: 'meanSquaredError', batchSize: 0 }],
      [batches, { loss: 'meanSquaredError', metrics: ['acuracy'] }],
      [batches, { loss: 'meanSquaredError', signal: 'stop' }],
      [[], { loss: 'meanSquaredError' }],
      [42, { loss: 'meanSquaredError' }],
      [notABatch, { loss: 'meanSquaredError' }],
    ];
    for (const [data, options] of cases) {
      await expectErrorCode(
        evaluate(model, data as never, options as never),
        RnnModelsError,
        'RNN_MODELS_INVALID_OPTION',
      );
    }
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([batches[0]!.xs, batches[0]!.ys, notABatch[0]!.ys]);
    model.dispose();
  });

  it('fails on a throwing source or bad values with typed errors, freeing what it made', async () => {
    const model = softmaxModel();
    const before = tf.memory().numTensors;
    function* failing() {
      yield tokenBatches()[0]!;
      throw new Error('disk gone');
    }
    const failed = await expectErrorCode(
      evaluate(model, failing, { loss: 'sparseCategoricalCrossentropy' }),
      RnnModelsError,
      'RNN_MODELS_DATA_SOURCE_FAILED',
    );
    expect((failed.cause as Error).message).toBe('disk gone');
    const bad = () => [
      { xs: tf.tensor2d([[0, 1, 2, 7]], undefined, 'int32'), ys: tf.tensor2d([[0, 1, 2, 1]]) },
    ];
    await expectErrorCode(
      evaluate(model, bad, { loss: 'sparseCategoricalCrossentropy' }),
      RnnModelsError,
      'RNN_MODELS_INVALID_INPUT',
    );
    // tokenBatches() made a second batch the generator never yielded: not evaluate's.
    expect(tf.memory().numTensors).toBe(before + 3);
    model.dispose();
  });

  it('stops within milliseconds when the signal fires (RNN_MODELS_ABORTED), freeing its batches', async () => {
    const model = linearModel();
    function* endless() {
      for (;;) yield { xs: tf.tensor2d(X), ys: tf.tensor1d(Y) };
    }
    const before = tf.memory().numTensors;
    const controller = new AbortController();
    let abortedAt = 0;
    setTimeout(() => {
      abortedAt = performance.now();
      controller.abort();
    }, 30);
    await expectErrorCode(
      evaluate(model, endless, { loss: 'meanSquaredError', signal: controller.signal }),
      RnnModelsError,
      'RNN_MODELS_ABORTED',
    );
    expect(abortedAt).toBeGreaterThan(0);
    expect(performance.now() - abortedAt).toBeLessThan(100);
    expect(tf.memory().numTensors).toBe(before);
    let pulled = 0;
    await expectErrorCode(
      evaluate(
        model,
        function* () {
          pulled += 1;
          yield* endless();
        },
        { loss: 'meanSquaredError', signal: AbortSignal.abort() },
      ),
      RnnModelsError,
      'RNN_MODELS_ABORTED',
    );
    expect(pulled).toBe(0);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});
