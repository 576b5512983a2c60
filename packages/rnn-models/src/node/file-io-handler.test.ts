import { readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { predictValues, tinyModel as tinyRecurrentModel, useTempRoot } from '../../test/node-support.js';
import { RnnModelsError } from '../errors.js';
import { fileSystemHandler, MODEL_FILE, WEIGHTS_FILE } from './file-io-handler.js';

const temp = useTempRoot('io', 'm');
const freshDir = (): string => temp.fresh();
/** No softmax on the output: the round trips compare raw logits. */
const tinyModel = (): tfl.Sequential => tinyRecurrentModel({ softmax: false });

/** A fresh directory holding `model` saved through the handler. */
async function savedTo(model: tfl.LayersModel): Promise<string> {
  const dir = freshDir();
  await model.save(fileSystemHandler(dir));
  return dir;
}

/** Loading `dir` through the handler fails with `RNN_MODELS_CHECKPOINT_CORRUPT` naming `fragment`. */
async function expectCorruptLoad(dir: string, fragment: string): Promise<void> {
  const error = await expectErrorCode(
    fileSystemHandler(dir).load!(),
    RnnModelsError,
    'RNN_MODELS_CHECKPOINT_CORRUPT',
  );
  expect(error.message).toContain(fragment);
}

describe('fileSystemHandler', () => {
  it('round-trips a model with rnnkit layers through model.save and tfl.loadLayersModel', async () => {
    const dir = freshDir();
    const model = tinyModel();
    model.setUserDefinedMetadata({ vocabulary: ['a', 'b'], note: 'tiny' });
    const result = await model.save(fileSystemHandler(dir));
    expect(result.modelArtifactsInfo.modelTopologyType).toBe('JSON');
    const loaded = await tfl.loadLayersModel(fileSystemHandler(dir));
    expect(predictValues(loaded)).toEqual(predictValues(model));
    expect(loaded.getUserDefinedMetadata()).toEqual({ vocabulary: ['a', 'b'], note: 'tiny' });
    model.dispose();
    loaded.dispose();
  });

  it('writes model.json in the tfjs format with a weights.bin manifest', async () => {
    const dir = freshDir();
    const model = tinyModel();
    model.setUserDefinedMetadata({ k: 1 });
    await model.save(fileSystemHandler(dir));
    const json = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8'));
    expect(Object.keys(json).sort()).toEqual(
      [
        'convertedBy',
        'format',
        'generatedBy',
        'modelTopology',
        'userDefinedMetadata',
        'weightsManifest',
      ].sort(),
    );
    expect(json.format).toBe('layers-model');
    expect(json.generatedBy).toMatch(/^TensorFlow\.js tfjs-layers v4\./);
    expect(json.convertedBy).toBeNull();
    expect(json.userDefinedMetadata).toEqual({ k: 1 });
    expect(json.modelTopology.class_name).toBe('Sequential');
    expect(JSON.stringify(json.modelTopology)).toContain('RnnkitLSTM');
    expect(json.weightsManifest).toHaveLength(1);
    expect(json.weightsManifest[0].paths).toEqual([WEIGHTS_FILE]);
    const names = model.weights.map((w) => w.originalName);
    expect(json.weightsManifest[0].weights.map((w: { name: string }) => w.name)).toEqual(names);
    const bytes = (await readFile(join(dir, WEIGHTS_FILE))).byteLength;
    expect(bytes).toBe(model.countParams() * 4);
    model.dispose();
  });

  it('overwrites an existing save in place', async () => {
    const dir = freshDir();
    const a = tinyModel();
    const b = tinyModel();
    await a.save(fileSystemHandler(dir));
    await b.save(fileSystemHandler(dir));
    const loaded = await tfl.loadLayersModel(fileSystemHandler(dir));
    expect(predictValues(a)).not.toEqual(predictValues(b));
    expect(predictValues(loaded)).toEqual(predictValues(b));
    for (const m of [a, b, loaded]) m.dispose();
  });

  it('loads several shards and groups, as written by the tfjs converter', async () => {
    const dir = freshDir();
    const model = tinyModel();
    await model.save(fileSystemHandler(dir));
    const json = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8'));
    const bytes = await readFile(join(dir, WEIGHTS_FILE));
    const specs = json.weightsManifest[0].weights as { shape: number[] }[];
    const firstBytes = specs[0]!.shape.reduce((a, b) => a * b, 1) * 4;
    await writeFile(join(dir, 'group1-shard1of1.bin'), bytes.subarray(0, firstBytes));
    const rest = bytes.subarray(firstBytes);
    const half = Math.floor(rest.byteLength / 8) * 4;
    await writeFile(join(dir, 'group2-shard1of2.bin'), rest.subarray(0, half));
    await writeFile(join(dir, 'group2-shard2of2.bin'), rest.subarray(half));
    json.weightsManifest = [
      { paths: ['group1-shard1of1.bin'], weights: specs.slice(0, 1) },
      { paths: ['group2-shard1of2.bin', 'group2-shard2of2.bin'], weights: specs.slice(1) },
    ];
    await writeFile(join(dir, MODEL_FILE), JSON.stringify(json));
    await unlink(join(dir, WEIGHTS_FILE));
    const loaded = await tfl.loadLayersModel(fileSystemHandler(dir));
    expect(predictValues(loaded)).toEqual(predictValues(model));
    model.dispose();
    loaded.dispose();
  });

  it('reports a missing or garbled model.json and a missing or truncated weights file, naming the file', async () => {
    const model = tinyModel();
    const missingJson = await savedTo(model);
    await unlink(join(missingJson, MODEL_FILE));
    await expectCorruptLoad(missingJson, join(missingJson, MODEL_FILE));

    const garbled = await savedTo(model);
    const text = await readFile(join(garbled, MODEL_FILE), 'utf8');
    await writeFile(join(garbled, MODEL_FILE), text.slice(0, text.length / 2));
    await expectCorruptLoad(garbled, 'not valid JSON');

    const missingWeights = await savedTo(model);
    await unlink(join(missingWeights, WEIGHTS_FILE));
    await expectCorruptLoad(missingWeights, join(missingWeights, WEIGHTS_FILE));

    const truncated = await savedTo(model);
    await truncate(join(truncated, WEIGHTS_FILE), 10);
    await expectCorruptLoad(truncated, 'has 10 bytes');
    // through tfl.loadLayersModel the typed error comes out unchanged
    await expectErrorCode(
      tfl.loadLayersModel(fileSystemHandler(truncated)),
      RnnModelsError,
      'RNN_MODELS_CHECKPOINT_CORRUPT',
    );
    model.dispose();
  });

  it('rejects a manifest without weights list, a malformed entry and a path outside the directory', async () => {
    const model = tinyModel();
    const dir = freshDir();
    await model.save(fileSystemHandler(dir));
    const good = JSON.parse(await readFile(join(dir, MODEL_FILE), 'utf8'));
    const variants: [string, unknown][] = [
      ['has no weightsManifest list', { ...good, weightsManifest: undefined }],
      [
        'malformed weightsManifest entry',
        { ...good, weightsManifest: [{ paths: ['weights.bin'], weights: [{}] }] },
      ],
      ['outside', { ...good, weightsManifest: [{ ...good.weightsManifest[0], paths: ['../secret.bin'] }] }],
      ['has no modelTopology', { ...good, modelTopology: null }],
    ];
    for (const [mention, json] of variants) {
      await writeFile(join(dir, MODEL_FILE), JSON.stringify(json));
      await expectCorruptLoad(dir, mention);
    }
    model.dispose();
  });

  it('rejects an empty directory name and binary GraphDef topologies', async () => {
    expect(() => fileSystemHandler('')).toThrow(RnnModelsError);
    await expectErrorCode(
      fileSystemHandler(freshDir()).save!({ modelTopology: new ArrayBuffer(4) }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
  });

  it('leaks no tensors across save, load and predict', async () => {
    const dir = freshDir();
    const model = tinyModel();
    await expectNoLeaks(async () => {
      await model.save(fileSystemHandler(dir));
      const loaded = await tfl.loadLayersModel(fileSystemHandler(dir));
      predictValues(loaded);
      loaded.dispose();
    });
    model.dispose();
  });
});
