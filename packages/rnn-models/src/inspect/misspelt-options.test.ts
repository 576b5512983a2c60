import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { toStepModel } from '../inference/step-model.js';
import { languageModel } from '../templates/language-model.js';
import { embeddingMatrix, projectEmbeddings2d } from './embedding.js';
import { layerOutputs } from './layer-outputs.js';
import { transferWeights } from './transfer-weights.js';

let model: tfl.Sequential;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
  model = languageModel({ vocabularySize: 5, embeddingDim: 2, units: 3, sequenceLength: 2, seed: 1 });
});

afterAll(() => model.dispose());

/** Expects `RNN_MODELS_INVALID_OPTION` with a message naming `closest`. */
function expectMisspelt(run: () => unknown, closest: string): void {
  const error = expectErrorCode(run, RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
  expect(error.message).toContain(`'${closest}'`);
}

describe('inspect and inference reject misspelt option names, naming the closest', () => {
  it('embeddingMatrix and projectEmbeddings2d', () => {
    expectMisspelt(() => embeddingMatrix(model, { layer: 'embedding' } as never), 'layerName');
    expectMisspelt(
      () =>
        projectEmbeddings2d(
          [
            [1, 2],
            [3, 4],
          ],
          { centre: false } as never,
        ),
      'center',
    );
  });

  it('layerOutputs', () => {
    const input = tf.zeros([1, 2]);
    try {
      expectMisspelt(
        () => layerOutputs(model, input, [model.layers[0]!.name], { batch_size: 2 } as never),
        'batchSize',
      );
    } finally {
      input.dispose();
    }
  });

  it('transferWeights', () => {
    expectMisspelt(() => transferWeights(model, model, { vocabMap: [0] } as never), 'vocabularyMap');
  });

  it('toStepModel', () => {
    expectMisspelt(() => toStepModel(model, { onWarn: () => {} } as never), 'onWarning');
  });
});
