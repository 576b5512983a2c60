import { readFile, writeFile } from 'node:fs/promises';
import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../../test/node-support.js';
import { RnnModelsError } from '../errors.js';
import { ModelCheckpoint } from './model-checkpoint.js';

const root = useTempRoot('checkpoint-target');

class EpochCounter extends tfl.Callback {
  epochs = 0;
  override async onEpochEnd(): Promise<void> {
    this.epochs++;
  }
}

describe('ModelCheckpoint target', () => {
  it('issue 13 #1: a dir that is a regular file fails before the first epoch, untouched, leaking nothing', async () => {
    const path = root.fresh();
    await writeFile(path, 'training log');
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] })] });
    model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
    const [x, y] = [tf.zeros([2, 4]), tf.zeros([2, 3])];
    await model.fit(x, y, { epochs: 1, verbose: 0 });
    const before = tf.memory().numTensors;
    for (let round = 0; round < 3; round++) {
      const counter = new EpochCounter();
      await expectErrorCode(
        model.fit(x, y, {
          epochs: 2,
          verbose: 0,
          callbacks: [new ModelCheckpoint({ dir: path, monitor: 'loss' }), counter],
        }),
        RnnModelsError,
        'RNN_MODELS_INVALID_OPTION',
      );
      expect(counter.epochs).toBe(0);
    }
    expect(tf.memory().numTensors).toBe(before);
    expect(await readFile(path, 'utf8')).toBe('training log');
    tf.dispose([x, y]);
    model.dispose();
  });
});
