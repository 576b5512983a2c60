import { cp, mkdir, readdir, readFile, truncate, unlink, writeFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { predictValues, tinyIds, tinyModel, useTempRoot } from '../../test/node-support.js';
import '../index.js'; // what a browser app imports: registers rnnkit's layers for stock loading
import { RnnModelsError } from '../errors.js';
import { MARKER_FILE, markDirectory } from './atomic-directory.js';
import type { LoadModelOptions } from './checkpoint-expectations.js';
import { CHECKPOINT_FILES, type JsonValue } from './checkpoint-manifest.js';
import { loadModel } from './load-model.js';
import { restoreOptimizer } from './optimizer-state.js';
import { saveModel } from './save-model.js';

const BATCH = 2;
const temp = useTempRoot('ckpt', 'c');
const freshDir = (): string => temp.fresh();

function weightValues(model: tfl.LayersModel): number[][] {
  return model.getWeights().map((w) => Array.from(w.dataSync()));
}

/** Sets every weight of `model` to values derived from `version`, so a load shows which save it came from. */
function stampWeights(model: tfl.LayersModel, version: number): void {
  const values = model.weights.map((w, j) => {
    const shape = w.shape as number[];
    return tf.tidy(() => {
      const ramp = tf.reshape(tf.range(0, tf.util.sizeFromShape(shape)), shape);
      return tf.add(version / 100, tf.mul(ramp, j / 1000));
    });
  });
  model.setWeights(values);
  tf.dispose(values);
}

function versionOf(model: tfl.LayersModel): number {
  return Math.round(model.weights[0]!.read().dataSync()[0]! * 100);
}

function trainBatch(model: tfl.LayersModel): Promise<number | number[]> {
  const x = tinyIds();
  const y = tf.tensor2d([[1], [4]], [BATCH, 1]);
  return model.trainOnBatch(x, y).finally(() => tf.dispose([x, y]));
}

/** Loading `dir` fails with `RNN_MODELS_CHECKPOINT_CORRUPT` and a message containing every fragment. */
async function expectCorruptNaming(dir: string, ...fragments: string[]): Promise<void> {
  const error = await expectErrorCode(loadModel(dir), RnnModelsError, 'RNN_MODELS_CHECKPOINT_CORRUPT');
  for (const fragment of fragments) expect(error.message).toContain(fragment);
}

/** Loading `dir` with `options` fails with `RNN_MODELS_CHECKPOINT_MISMATCH` and a message containing every fragment. */
async function expectMismatchNaming(
  dir: string,
  options: LoadModelOptions,
  ...fragments: string[]
): Promise<void> {
  const error = await expectErrorCode(
    loadModel(dir, options),
    RnnModelsError,
    'RNN_MODELS_CHECKPOINT_MISMATCH',
  );
  for (const fragment of fragments) expect(error.message).toContain(fragment);
}

describe('saveModel / loadModel', () => {
  it('round-trips the model (identical predictions) and the extras', async () => {
    const dir = freshDir();
    const model = tinyModel();
    const extras: JsonValue = {
      vocabulary: ['<pad>', 'a', 'b', 'c', 'd', 'e', 'f'],
      training: { epoch: 3, step: 120, rng: [1, 2, 3, 4] },
      note: 'ünïcode ✓',
    };
    const saved = await saveModel(model, dir, { extras });
    expect(saved.path).toBe(dir);
    expect(Object.keys(saved.files).sort()).toEqual(
      [
        CHECKPOINT_FILES.extras,
        CHECKPOINT_FILES.manifest,
        CHECKPOINT_FILES.model,
        CHECKPOINT_FILES.weights,
      ].sort(),
    );
    expect(saved.bytes).toBe(Object.values(saved.files).reduce((a, b) => a + b, 0));
    expect((await readdir(dir)).filter((n) => n !== MARKER_FILE).sort()).toEqual(
      Object.keys(saved.files).sort(),
    );
    expect((await readdir(temp.path)).filter((n) => n.startsWith(`${basename(dir)}.`))).toEqual([]);

    const loaded = await loadModel(dir);
    expect(predictValues(loaded.model)).toEqual(predictValues(model));
    expect(loaded.extras).toEqual(extras);
    expect(loaded.optimizer).toBeUndefined();
    expect(loaded.source).toBe('directory');
    expect(loaded.path).toBe(dir);
    expect(loaded.savedAt).toBe(saved.savedAt);
    model.dispose();
    loaded.model.dispose();
  });

  it('without extras returns undefined extras, and replaces an older save', async () => {
    const dir = freshDir();
    const model = tinyModel();
    stampWeights(model, 1);
    await saveModel(model, dir, { extras: { v: 1 } });
    stampWeights(model, 2);
    await saveModel(model, dir);
    const loaded = await loadModel(dir);
    expect(loaded.extras).toBeUndefined();
    expect(versionOf(loaded.model)).toBe(2);
    expect(await readdir(dir)).not.toContain(CHECKPOINT_FILES.extras);
    model.dispose();
    loaded.model.dispose();
  });

  it('loads with stock tfl.loadLayersModel through a fetch-style handler (the browser path)', async () => {
    const dir = freshDir();
    const model = tinyModel();
    await saveModel(model, dir, {
      extras: { big: 'not fetched by the browser' },
      optimizer: tf.train.adam(),
    });
    const fetched: string[] = [];
    const fetchFunc = (async (input: string | URL | Request) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      fetched.push(url);
      const name = url.replace('https://models.example/char/', '');
      return new Response(await readFile(join(dir, name)), { status: 200 });
    }) as typeof fetch;
    const handler = tf.io.browserHTTPRequest('https://models.example/char/model.json', { fetchFunc });
    const loaded = await tfl.loadLayersModel(handler);
    expect(predictValues(loaded)).toEqual(predictValues(model));
    expect(fetched).toEqual([
      'https://models.example/char/model.json',
      'https://models.example/char/weights.bin',
    ]);
    model.dispose();
    loaded.dispose();
  });

  it('stores optimizer weights and restores them for an exact resume', async () => {
    const dir = freshDir();
    const model = tinyModel();
    model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
    await trainBatch(model);
    await trainBatch(model);
    const saved = await saveModel(model, dir, { optimizer: model.optimizer, extras: { step: 2 } });
    expect(saved.files[CHECKPOINT_FILES.optimizer]).toBeGreaterThan(0);
    expect(saved.files[CHECKPOINT_FILES.optimizerWeights]).toBe(4 * (1 + 2 * model.countParams()));
    await trainBatch(model);
    const continued = weightValues(model);

    const resumed = await loadModel(dir);
    expect(resumed.optimizer?.className).toBe('Adam');
    expect(resumed.optimizer?.config).toMatchObject({ learningRate: 0.05 });
    expect(resumed.optimizer?.weightSpecs[0]?.name).toBe('iter');
    resumed.model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
    await restoreOptimizer(resumed.model.optimizer, resumed);
    await trainBatch(resumed.model);
    expect(weightValues(resumed.model)).toEqual(continued);

    // Without the optimizer state, Adam restarts (bias correction, zero moments): different weights.
    const fresh = await loadModel(dir);
    fresh.model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
    await trainBatch(fresh.model);
    expect(weightValues(fresh.model)).not.toEqual(continued);
    for (const m of [model, resumed.model, fresh.model]) {
      m.optimizer.dispose();
      m.dispose();
    }
  });

  it('restoreOptimizer rejects a checkpoint without optimizer state, another optimizer class, a non-optimizer', async () => {
    const dir = freshDir();
    const model = tinyModel();
    await saveModel(model, dir, { optimizer: tf.train.rmsprop(0.01) });
    const loaded = await loadModel(dir);
    await expectErrorCode(
      restoreOptimizer(tf.train.adam(), loaded),
      RnnModelsError,
      'RNN_MODELS_CHECKPOINT_MISMATCH',
    ).then((error) => {
      expect(error.message).toContain('RMSProp');
    });
    await expectErrorCode(
      restoreOptimizer(tf.train.rmsprop(0.01), { ...loaded, optimizer: undefined }),
      RnnModelsError,
      'RNN_MODELS_CHECKPOINT_MISMATCH',
    ).then((error) => {
      expect(error.message).toContain(dir);
    });
    await expectErrorCode(
      restoreOptimizer({} as tf.Optimizer, loaded),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    model.dispose();
    loaded.model.dispose();
  });

  it('leaks no tensors in saveModel (with optimizer), loadModel and restoreOptimizer', async () => {
    const dir = freshDir();
    const model = tinyModel();
    model.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
    await trainBatch(model);
    await expectNoLeaks(() => saveModel(model, dir, { optimizer: model.optimizer, extras: [1, 2] }));
    await expectNoLeaks(async () => {
      const loaded = await loadModel(dir);
      predictValues(loaded.model);
      loaded.model.dispose();
    });
    const loaded = await loadModel(dir);
    const optimizer = tf.train.adam(0.01);
    await expectNoLeaks(() => restoreOptimizer(optimizer, loaded));
    optimizer.dispose();
    model.optimizer.dispose();
    model.dispose();
    loaded.model.dispose();
  });

  it('rejects bad arguments and never replaces a directory that is not a checkpoint', async () => {
    const model = tinyModel();
    const cyclic: Record<string, unknown> = {};
    cyclic['self'] = cyclic;
    await expectErrorCode(
      saveModel(model, freshDir(), { extras: cyclic as JsonValue }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    ).then((error) => {
      expect(error.message).toContain('extras');
    });
    await expectErrorCode(
      saveModel(model, freshDir(), { extras: 10n as unknown as JsonValue }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(
      saveModel(model, freshDir(), { extras: (() => 1) as unknown as JsonValue }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(
      saveModel(model, freshDir(), { optimizer: 'adam' as unknown as tf.Optimizer }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(
      saveModel({} as tfl.LayersModel, freshDir()),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(saveModel(model, ''), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    await expectErrorCode(
      saveModel(model, freshDir(), null as unknown as object),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(loadModel(''), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    await expectErrorCode(
      loadModel(freshDir(), { expect: { vocabularySize: 0 } }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(
      loadModel(freshDir(), { expect: { inputShape: [5, -1] } }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    await expectErrorCode(
      saveModel(model, freshDir(), { optimizer: tf.train.adamax(0.1) }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    ).then((error) => {
      expect(error.message).toContain('Adamax');
    });

    const project = freshDir();
    await mkdir(project);
    await writeFile(join(project, 'notes.txt'), 'keep me');
    await expectErrorCode(saveModel(model, project), RnnModelsError, 'RNN_MODELS_INVALID_OPTION').then(
      (error) => {
        expect(error.message).toContain('not a checkpoint');
      },
    );
    expect(await readdir(project)).toEqual(['notes.txt']);
    model.dispose();
  });
});

describe('loadModel on damaged checkpoints', () => {
  async function savedCopy(withOptimizer = false): Promise<string> {
    const dir = freshDir();
    const model = tinyModel();
    await saveModel(model, dir, {
      extras: { vocabulary: ['a'] },
      optimizer: withOptimizer ? tf.train.sgd(0.1) : undefined,
    });
    model.dispose();
    return dir;
  }

  it('a truncated or missing weights file is CORRUPT and names the file', async () => {
    const truncated = await savedCopy();
    await truncate(join(truncated, CHECKPOINT_FILES.weights), 100);
    await expectCorruptNaming(truncated, join(truncated, 'weights.bin'), 'truncated');

    const missing = await savedCopy();
    await unlink(join(missing, CHECKPOINT_FILES.weights));
    await expectCorruptNaming(missing, join(missing, 'weights.bin'), 'missing');

    const missingModel = await savedCopy();
    await unlink(join(missingModel, CHECKPOINT_FILES.model));
    await expectCorruptNaming(missingModel, join(missingModel, 'model.json'));
  });

  it('weights shorter than the manifest needs are CORRUPT even without checkpoint.json', async () => {
    const dir = await savedCopy();
    await unlink(join(dir, CHECKPOINT_FILES.extras));
    await unlink(join(dir, CHECKPOINT_FILES.manifest));
    await truncate(join(dir, CHECKPOINT_FILES.weights), 100);
    await expectCorruptNaming(dir, 'weights.bin', 'needs');
  });

  it('garbled JSON in any file is CORRUPT and names the file', async () => {
    for (const name of [
      CHECKPOINT_FILES.model,
      CHECKPOINT_FILES.extras,
      CHECKPOINT_FILES.optimizer,
      CHECKPOINT_FILES.manifest,
    ]) {
      const dir = await savedCopy(true);
      const text = await readFile(join(dir, name), 'utf8');
      await writeFile(join(dir, name), `#${text.slice(1)}`); // same length, invalid JSON
      await expectCorruptNaming(dir, join(dir, name), 'not valid JSON');
    }
  });

  it('a deleted checkpoint.json beside extras is CORRUPT; no directory at all is CORRUPT', async () => {
    const dir = await savedCopy();
    await unlink(join(dir, CHECKPOINT_FILES.manifest));
    await expectCorruptNaming(dir, 'checkpoint.json');
    await expectErrorCode(
      loadModel(join(temp.path, 'nothing-here')),
      RnnModelsError,
      'RNN_MODELS_CHECKPOINT_CORRUPT',
    ).then((error) => {
      expect(error.message).toContain('No checkpoint');
    });
  });

  it('a newer checkpoint format is MISMATCH', async () => {
    const dir = await savedCopy();
    const path = join(dir, CHECKPOINT_FILES.manifest);
    await writeFile(path, (await readFile(path, 'utf8')).replace('"formatVersion": 2', '"formatVersion": 9'));
    await expectErrorCode(loadModel(dir), RnnModelsError, 'RNN_MODELS_CHECKPOINT_MISMATCH').then((error) => {
      expect(error.message).toContain('format version 9');
    });
  });

  it('weights that contradict the topology are MISMATCH', async () => {
    const dir = await savedCopy();
    // a plain tfjs directory: with checkpoint.json the edit is caught by model.json's checksum
    await unlink(join(dir, CHECKPOINT_FILES.manifest));
    await unlink(join(dir, CHECKPOINT_FILES.extras));
    const path = join(dir, CHECKPOINT_FILES.model);
    const text = await readFile(path, 'utf8');
    expect(text).toContain('"input_dim":7');
    await writeFile(path, text.replace('"input_dim":7', '"input_dim":8')); // same size, other shape
    await expectErrorCode(loadModel(dir), RnnModelsError, 'RNN_MODELS_CHECKPOINT_MISMATCH').then((error) => {
      expect(error.message).toContain('do not fit');
      expect(error.message).toContain('model.json');
    });
  });

  it('expect: a wrong vocabulary size or input shape is MISMATCH and leaks nothing', async () => {
    const dir = await savedCopy();
    const before = tf.memory().numTensors;
    await expectMismatchNaming(
      dir,
      { expect: { vocabularySize: 9 } },
      'has 7 rows',
      'vocabularySize is 9',
      join(dir, 'model.json'),
    );
    await expectMismatchNaming(dir, { expect: { inputShape: [6] } }, '[5]');
    await expectMismatchNaming(dir, { expect: { inputShape: [5, 1] } });
    expect(tf.memory().numTensors).toBe(before);
    const ok = await loadModel(dir, { expect: { vocabularySize: 7, inputShape: [5] } });
    ok.model.dispose();
    const any = await loadModel(dir, { expect: { inputShape: [null] } });
    any.model.dispose();

    const dense = freshDir();
    const plain = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] });
    await saveModel(plain, dense);
    await expectMismatchNaming(dense, { expect: { vocabularySize: 7 } }, 'no Embedding');
    plain.dispose();
  });
});

describe('crash recovery (every state the rename protocol can stop in)', () => {
  let v1: string;
  let v2: string;
  beforeAll(async () => {
    const model = tinyModel();
    v1 = freshDir();
    v2 = freshDir();
    stampWeights(model, 1);
    await saveModel(model, v1, { extras: { v: 1 } });
    stampWeights(model, 2);
    await saveModel(model, v2, { extras: { v: 2 } });
    model.dispose();
  });

  async function loadVersion(dir: string): Promise<{ v: number; source: string; path: string }> {
    const loaded = await loadModel(dir);
    const v = versionOf(loaded.model);
    expect(loaded.extras).toEqual({ v });
    loaded.model.dispose();
    return { v, source: loaded.source, path: loaded.path };
  }

  /** A copy of `from` at `to` (`<dir>.tmp-<tag>` …) marked as rnnkit's own leftover of `<dir>`. */
  async function leftover(from: string, to: string): Promise<void> {
    await cp(from, to, { recursive: true });
    const match = /^(.*)\.(?:tmp|old|trash)-([0-9a-z]+)$/.exec(to)!;
    await markDirectory(to, match[1]!, match[2]!);
  }

  async function incomplete(from: string, to: string): Promise<void> {
    await leftover(from, to);
    await unlink(join(to, CHECKPOINT_FILES.manifest));
  }

  it('killed while writing the temp: the old checkpoint loads; the next save tidies up', async () => {
    const dir = freshDir();
    await cp(v1, dir, { recursive: true });
    await incomplete(v2, `${dir}.tmp-a1`);
    expect(await loadVersion(dir)).toEqual({ v: 1, source: 'directory', path: dir });
    await leftover(v2, `${dir}.tmp-a2`); // complete but never swapped in
    expect((await loadVersion(dir)).v).toBe(1);
    const model = tinyModel();
    stampWeights(model, 3);
    await saveModel(model, dir, { extras: { v: 3 } });
    model.dispose();
    expect((await loadVersion(dir)).v).toBe(3);
    expect((await readdir(join(dir, '..'))).filter((n) => n.startsWith(`${dir.split('/').pop()}.`))).toEqual(
      [],
    );
  });

  it('killed between the two renames: the finished temp (new version) loads, without renaming anything', async () => {
    const dir = freshDir();
    await leftover(v1, `${dir}.old-b1`);
    await leftover(v2, `${dir}.tmp-b2`);
    expect(await loadVersion(dir)).toEqual({ v: 2, source: 'interrupted-save', path: `${dir}.tmp-b2` });
    const base = dir.split('/').pop()!;
    expect((await readdir(temp.path)).filter((n) => n.startsWith(base)).sort()).toEqual([
      `${base}.old-b1`,
      `${base}.tmp-b2`,
    ]);
    // the next save recovers first: the new version becomes dir, then is replaced
    const model = tinyModel();
    stampWeights(model, 4);
    await saveModel(model, dir, { extras: { v: 4 } });
    model.dispose();
    expect(await loadVersion(dir)).toEqual({ v: 4, source: 'directory', path: dir });
    expect((await readdir(temp.path)).filter((n) => n.startsWith(base))).toEqual([base]);
  });

  it('killed while deleting the old version: the new one loads', async () => {
    const dir = freshDir();
    await cp(v2, dir, { recursive: true });
    await leftover(v1, `${dir}.old-c1`);
    await unlink(join(`${dir}.old-c1`, CHECKPOINT_FILES.weights));
    await leftover(v1, `${dir}.trash-c2`);
    expect((await loadVersion(dir)).v).toBe(2);
  });

  it('only a previous version survives: it loads; an interrupted first save alone is no checkpoint', async () => {
    const dir = freshDir();
    await leftover(v1, `${dir}.old-d1`);
    await incomplete(v2, `${dir}.tmp-d2`);
    await leftover(v2, `${dir}.trash-d3`);
    expect(await loadVersion(dir)).toEqual({ v: 1, source: 'previous', path: `${dir}.old-d1` });

    const first = freshDir();
    await incomplete(v2, `${first}.tmp-e1`);
    await expectCorruptNaming(first, 'interrupted first save');
  });

  it('a reader running while another task saves over and over always gets one whole version', {
    repeats: 5,
  }, async () => {
    const dir = freshDir();
    const model = tinyModel();
    stampWeights(model, 10);
    await saveModel(model, dir, { extras: { v: 10 } });
    let saving = true;
    const writer = (async () => {
      for (let v = 11; v <= 22; v++) {
        stampWeights(model, v);
        await saveModel(model, dir, { extras: { v } });
      }
      saving = false;
    })();
    const seen: number[] = [];
    try {
      while (saving) seen.push((await loadVersion(dir)).v);
    } finally {
      // a failed read must not leave the writer racing the suite's clean-up
      await writer;
    }
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.every((v) => v >= 10 && v <= 22)).toBe(true);
    model.dispose();
  });
});
