// @rnnkit/sampling's generate and beamSearch over @rnnkit/rnn-models' toStepModel (which
// implements StepModel structurally): greedy generation equals the argmax of model.predict on
// the whole prefix.
import { initBackend, languageModel, toStepModel } from '@rnnkit/rnn-models';
import { beamSearch, generate, type StepModel } from '@rnnkit/sampling';
import { expectNoLeaks } from '@rnnkit/test-utils';
import { CharVocabulary } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

let model: tfl.Sequential;
const vocab = CharVocabulary.fromText('abcdefgh ');

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  model = languageModel({ vocabularySize: vocab.vocabularySize, embeddingDim: 4, units: 8, seed: 3 });
});

afterAll(() => model.dispose());

describe('generate over toStepModel', () => {
  it('greedy equals argmax of model.predict on the growing prefix', async () => {
    const stepModel: StepModel<unknown> = toStepModel(model);
    const result = await generate(stepModel, {
      prompt: 'bad cab',
      decoder: vocab,
      temperature: 0,
      maxNewTokens: 8,
    });
    const ids = vocab.encode('bad cab');
    const expected: number[] = [];
    for (let i = 0; i < 8; i++) {
      const next = tf.tidy(() => {
        const out = model.predict(tf.tensor2d([ids], undefined, 'int32')) as tf.Tensor3D;
        return tf.argMax(tf.squeeze(tf.slice(out, [0, ids.length - 1, 0], [1, 1, -1])));
      });
      const id = (await next.data())[0]!;
      next.dispose();
      expected.push(id);
      ids.push(id);
    }
    expect(result.ids).toEqual(expected);
    expect(result.text).toBe(vocab.decode(expected));
  });

  it('leaks no tensors in sampled, batched and beam generation', async () => {
    const stepModel = toStepModel(model);
    await expectNoLeaks(async () => {
      await generate(stepModel, {
        prompt: 'ab',
        decoder: vocab,
        maxNewTokens: 200,
        batchSize: 3,
        topP: 0.9,
        stop: ['h'],
      });
      await beamSearch(stepModel, { prompt: 'ab', decoder: vocab, beamWidth: 4, maxNewTokens: 30 });
    });
  });
});
