import { join } from 'node:path';
import { expectErrorCode } from '@rnnkit/test-utils';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useTempRoot } from '../../test/node-support.js';
import { RnnModelsError } from '../errors.js';
import { loadModel } from './load-model.js';
import { ModelCheckpoint } from './model-checkpoint.js';
import { saveModel } from './save-model.js';

let model: tfl.Sequential;

const temp = useTempRoot('misspelt');

beforeAll(() => {
  model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [2] })] });
});

afterAll(() => {
  model.dispose();
});

/** Expects `RNN_MODELS_INVALID_OPTION` with a message naming `closest`. */
async function expectMisspelt(run: () => unknown, closest: string): Promise<void> {
  const error = await expectErrorCode(async () => run(), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
  expect(error.message).toContain(`'${closest}'`);
}

describe('node checkpoints reject misspelt option names, naming the closest', () => {
  it('saveModel', async () => {
    await expectMisspelt(() => saveModel(model, join(temp.path, 'a'), { extra: {} } as never), 'extras');
  });

  it('loadModel and its expect', async () => {
    const dir = join(temp.path, 'b');
    await saveModel(model, dir);
    await expectMisspelt(() => loadModel(dir, { expct: {} } as never), 'expect');
    await expectMisspelt(() => loadModel(dir, { expect: { vocabSize: 3 } } as never), 'vocabularySize');
  });

  it('ModelCheckpoint', async () => {
    await expectMisspelt(() => new ModelCheckpoint({ dir: join(temp.path, 'c'), evry: 2 } as never), 'every');
  });
});
