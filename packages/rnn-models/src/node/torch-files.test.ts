import { mkdir, readdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { useTempRoot } from '../../test/node-support.js';
import { RnnModelsError, type RnnModelsErrorCode } from '../errors.js';
import { sequenceTagger } from '../templates/sequence-tagger.js';
import { exportTorch, importTorch, TORCH_FILES } from './torch-files.js';

const root = useTempRoot('torch-files');

function fails(code: RnnModelsErrorCode, promise: Promise<unknown>): Promise<RnnModelsError> {
  return expectErrorCode(promise, RnnModelsError, code) as Promise<RnnModelsError>;
}

const IDS = [
  [1, 2, 3, 0],
  [0, 4, 4, 2],
];

function tagger() {
  return sequenceTagger({ vocabularySize: 5, numTags: 3, embeddingDim: 2, units: 3, seed: 9 });
}

describe('exportTorch / importTorch', () => {
  it('writes model.safetensors and config.json, and reads them back into the same model', async () => {
    const model = tagger();
    const dir = root.fresh();
    const result = await exportTorch(model, dir, { extras: { tags: ['PAD', 'N', 'V'] } });
    expect(Object.keys(result.files).sort()).toEqual([TORCH_FILES.config, TORCH_FILES.weights]);
    const config = JSON.parse(await readFile(join(dir, TORCH_FILES.config), 'utf8'));
    expect(config).toMatchObject({ format: 'rnnkit-torch', formatVersion: 1, template: 'sequenceTagger' });
    expect(config.extras).toEqual({ tags: ['PAD', 'N', 'V'] });
    const { model: copy, config: read } = await importTorch(dir);
    expect(read.extras).toEqual({ tags: ['PAD', 'N', 'V'] });
    const [a, b] = tf.tidy(
      () => [model.predict(tf.tensor2d(IDS)), copy.predict(tf.tensor2d(IDS))] as tf.Tensor[],
    );
    expect(b!.dataSync()).toEqual(a!.dataSync());
    tf.dispose([a!, b!]);
    // exporting again replaces its own export
    await exportTorch(copy, dir);
    model.dispose();
    copy.dispose();
  });

  it('rejects misspelt options, naming the closest', async () => {
    const model = tagger();
    const error = await fails(
      'RNN_MODELS_INVALID_OPTION',
      exportTorch(model, root.fresh(), { extra: {} } as never),
    );
    expect(error.message).toContain("'extras'");
    model.dispose();
  });

  it('never replaces a directory it did not write, and leaves it untouched', async () => {
    const model = tagger();
    const dir = root.fresh();
    await mkdir(dir);
    await writeFile(join(dir, 'notes.txt'), 'mine');
    await fails('RNN_MODELS_INVALID_OPTION', exportTorch(model, dir));
    expect(await readdir(dir)).toEqual(['notes.txt']);
    await writeFile(join(dir, TORCH_FILES.config), '{"format":"something-else"}');
    await fails('RNN_MODELS_INVALID_OPTION', exportTorch(model, dir));
    model.dispose();
  });

  it('refuses a missing export and a truncated file (RNN_MODELS_CHECKPOINT_CORRUPT), leaking nothing', async () => {
    await fails('RNN_MODELS_CHECKPOINT_CORRUPT', importTorch(root.fresh()));
    const model = tagger();
    const dir = root.fresh();
    await exportTorch(model, dir);
    model.dispose();
    await expectNoLeaks(async () => {
      (await importTorch(dir)).model.dispose();
    });
    await truncate(join(dir, TORCH_FILES.weights), 200);
    await expectNoLeaks(async () => {
      const error = await fails('RNN_MODELS_CHECKPOINT_CORRUPT', importTorch(dir));
      expect(error.message).toContain(TORCH_FILES.weights);
    });
  });
});
