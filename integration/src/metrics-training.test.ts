// The tensor losses and metrics inside real training loops: tfjs-layers' compile/fitDataset and
// rnn-models' train() (which accepts (yTrue, yPred) => tensor functions for loss and metrics).
import { maskedAccuracy, maskedSparseCategoricalCrossentropy } from '@rnnkit/metrics/tensor';
import { initBackend, train } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

const VOCAB = 6;
const TAGS = 4;
/** Token ids, 0 = padding, and their tags (0 = padding). */
const TOKENS = [
  [1, 2, 3, 0, 0],
  [4, 5, 1, 2, 0],
];
const TAG_IDS = [
  [1, 2, 3, 0, 0],
  [2, 1, 1, 3, 0],
];

function tagger(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(
    tfl.layers.embedding({
      inputDim: VOCAB,
      outputDim: 4,
      inputLength: 5,
      embeddingsInitializer: tfl.initializers.randomUniform({ minval: -0.5, maxval: 0.5, seed: 1 }),
    }),
  );
  model.add(
    tfl.layers.dense({ units: TAGS, kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }) }),
  );
  return model;
}

/** Loss and accuracy of the model's current weights, computed directly. */
function evaluate(model: tfl.LayersModel, xs: tf.Tensor, ys: tf.Tensor): [number, number] {
  return tf.tidy(() => {
    const logits = model.predict(xs) as tf.Tensor;
    return [
      maskedSparseCategoricalCrossentropy({ fromLogits: true })(ys, logits).dataSync()[0]!,
      maskedAccuracy()(ys, logits).dataSync()[0]!,
    ];
  });
}

describe('in training loops', () => {
  it('tfjs-layers: compile({ loss, metrics }) and fit one step; the logged values are ours', async () => {
    const model = tagger();
    model.compile({
      optimizer: tf.train.sgd(0.5),
      loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: [maskedAccuracy()],
    });
    const xs = tf.tensor2d(TOKENS, undefined, 'float32');
    const ys = tf.tensor2d(TAG_IDS, undefined, 'float32');
    const [lossBefore, accuracyBefore] = evaluate(model, xs, ys);
    // fit() would require targets shaped like the logits for a custom loss (it special-cases only
    // its own sparse loss); fitDataset feeds the id targets as they are.
    const dataset = {
      size: 1,
      iterator: async () => {
        let done = false;
        return {
          next: async () => {
            if (done) return { value: undefined, done: true };
            done = true;
            // fitDataset disposes each batch after its step, so it gets copies.
            return { value: { xs: xs.clone(), ys: ys.clone() }, done: false };
          },
        };
      },
    };
    const history = await model.fitDataset(dataset as never, { epochs: 1, verbose: 0 });
    expect(Object.keys(history.history).sort()).toEqual(['loss', 'maskedAccuracy']);
    expect(history.history['loss']![0]).toBeCloseTo(lossBefore, 5);
    expect(history.history['maskedAccuracy']![0]).toBeCloseTo(accuracyBefore, 6);
    const [lossAfter] = evaluate(model, xs, ys);
    expect(lossAfter).toBeLessThan(lossBefore);
    tf.dispose([xs, ys]);
    model.dispose();
  });

  it("rnn-models' train(): loss and metric functions, one epoch of one batch", async () => {
    const model = tagger();
    const xs = tf.tensor2d(TOKENS, undefined, 'int32');
    const ys = tf.tensor2d(TAG_IDS, undefined, 'int32');
    const [lossBefore, accuracyBefore] = evaluate(model, xs, ys);
    const before = tf.memory().numTensors;
    const history = await train(model, [{ xs, ys }], {
      epochs: 1,
      optimizer: 'sgd',
      learningRate: 0.5,
      loss: maskedSparseCategoricalCrossentropy({ fromLogits: true }),
      metrics: [maskedAccuracy()],
      verbose: 0,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(history.history['loss']![0]).toBeCloseTo(lossBefore, 5);
    expect(history.history['maskedAccuracy']![0]).toBeCloseTo(accuracyBefore, 6);
    expect(evaluate(model, xs, ys)[0]).toBeLessThan(lossBefore);
    tf.dispose([xs, ys]);
    model.dispose();
  });
});
