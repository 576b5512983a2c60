// tokenize → datasets → tfjs-layers: the char-level text-generation notebook's data path,
// lazily, into a stock tfjs-layers model.
import { Dataset, slidingWindows } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import { expectNoLeaks } from '@rnnkit/test-utils';
import { CharVocabulary, standardize } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const text = standardize('The whale! The sea, the ship and the whale. '.repeat(12), {
  lowercase: true,
  collapseWhitespace: true,
});

describe('text pipeline', () => {
  it('trains a next-character model from lazy windows without leaking tensors', async () => {
    const vocabulary = CharVocabulary.fromText(text);
    const ids = vocabulary.encode(text);
    const windows = Dataset.from(() => slidingWindows(ids, { sequenceLength: 8, stride: 2 })).map(
      (window) => ({
        xs: window.xs,
        ys: window.ys[0]!,
      }),
    );
    const batches = toTensors(windows.shuffle(512, 1).batch(32), { xsDtype: 'int32' });

    const model = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: vocabulary.vocabularySize, outputDim: 8, inputLength: 8 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: vocabulary.vocabularySize, activation: 'softmax' }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
    const first = await model.fitDataset(batches, { epochs: 1, verbose: 0 });
    let history: tfl.History | undefined;
    await expectNoLeaks(async () => {
      history = await model.fitDataset(batches, { epochs: 15, verbose: 0 });
    });
    const initialLoss = first.history['loss']![0] as number;
    expect((history!.history['loss'] as number[]).at(-1)!).toBeLessThan(initialLoss * 0.5);

    // The model has learned the text: after "the whal" comes "e".
    const prompt = tf.tensor2d([vocabulary.encode('the whal')], [1, 8], 'int32');
    const next = tf.tidy(() => tf.argMax(model.predict(prompt) as tf.Tensor, -1));
    expect(vocabulary.decode(Array.from(next.dataSync()))).toBe('e');
    tf.dispose([prompt, next]);
    model.dispose();
  });
});
