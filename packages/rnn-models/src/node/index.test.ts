import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import * as node from './index.js';

describe('@rnnkit/rnn-models/node entry point', () => {
  it('exports the filesystem API and the machine description', () => {
    expect(Object.keys(node).sort()).toEqual(
      [
        'CHECKPOINT_FILES',
        'DEFAULT_MODEL_CHECKPOINT_OPTIONS',
        'describeMachine',
        'ModelCheckpoint',
        'fileSystemHandler',
        'loadModel',
        'restoreOptimizer',
        'saveModel',
        'exportTorch',
        'importTorch',
        'TORCH_FILES',
        'readTorchFiles',
        'writeTorchFiles',
      ].sort(),
    );
    expect(node.CHECKPOINT_FILES).toEqual({
      model: 'model.json',
      weights: 'weights.bin',
      extras: 'extras.json',
      optimizer: 'optimizer.json',
      optimizerWeights: 'optimizer.bin',
      manifest: 'checkpoint.json',
    });
  });

  it('stays out of the browser entry point, which must not import node:fs', async () => {
    const main = await readFile(new URL('../index.ts', import.meta.url), 'utf8');
    expect(main).not.toMatch(/from '\.\/node\//);
    expect(main).not.toMatch(/node:fs/);
  });
});
