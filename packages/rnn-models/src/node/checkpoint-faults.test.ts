import { execFileSync } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, stat, symlink, unlink, writeFile } from 'node:fs/promises';
import { platform } from 'node:os';
import { join } from 'node:path';
import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { tinyModel, useTempRoot } from '../../test/node-support.js';
import { RnnModelsError } from '../errors.js';
import { markDirectory } from './atomic-directory.js';
import { CHECKPOINT_FILES } from './checkpoint-manifest.js';
import { fileSystemHandler } from './file-io-handler.js';
import { loadModel } from './load-model.js';
import { ModelCheckpoint } from './model-checkpoint.js';
import { saveModel } from './save-model.js';

const temp = useTempRoot('faults', 'f');

async function withTiny<T>(body: (model: tfl.Sequential) => Promise<T>): Promise<T> {
  const model = tinyModel();
  try {
    return await body(model);
  } finally {
    model.dispose();
  }
}

async function saved(): Promise<string> {
  const dir = temp.fresh();
  await withTiny((model) => saveModel(model, dir, { extras: { v: 1 } }));
  return dir;
}

/** `dir` as a plain tfjs model directory (no checkpoint.json, so no sizes or sums are checked first). */
async function plain(dir: string): Promise<string> {
  await unlink(join(dir, CHECKPOINT_FILES.manifest));
  await unlink(join(dir, CHECKPOINT_FILES.extras));
  return dir;
}

async function editModelJson(dir: string, edit: (text: string) => string): Promise<void> {
  const path = join(dir, CHECKPOINT_FILES.model);
  await writeFile(path, edit(await readFile(path, 'utf8')));
}

const hasMkfifo = platform() !== 'win32';

describe('issue 13: checkpoint faults', () => {
  it('issue 13 #1: saveModel onto a regular file is a typed error and leaves the file untouched', async () => {
    const file = temp.fresh();
    await writeFile(file, 'my thesis');
    await withTiny(async (model) => {
      await expectErrorCode(saveModel(model, file), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
      // the same rule for the other writers
      await expectErrorCode(model.save(fileSystemHandler(file)), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    });
    expect(await readFile(file, 'utf8')).toBe('my thesis');
    expect((await readdir(temp.path)).filter((n) => n.startsWith(`${file.split('/').pop()}.`))).toEqual([]);
  });

  it('issue 13 #1: a symlink, a FIFO, a folder without checkpoint.json and a checkpoint with added files are refused', async () => {
    const target = temp.fresh();
    await writeFile(target, 'linked');
    const link = temp.fresh();
    await symlink(target, link);
    const folder = temp.fresh();
    await mkdir(folder);
    await writeFile(join(folder, 'README'), 'mine');
    const added = await saved();
    await writeFile(join(added, 'notes.txt'), 'mine too');
    const targets = [link, folder, added];
    if (hasMkfifo) {
      const fifo = temp.fresh();
      execFileSync('mkfifo', [fifo]);
      targets.push(fifo);
    }
    await withTiny(async (model) => {
      for (const dir of targets) {
        await expectErrorCode(saveModel(model, dir), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
      }
      const userWeights = temp.fresh();
      await mkdir(userWeights);
      await writeFile(join(userWeights, 'weights.bin'), 'not a model');
      await expectErrorCode(
        model.save(fileSystemHandler(userWeights)),
        RnnModelsError,
        'RNN_MODELS_INVALID_OPTION',
      );
      expect(await readFile(join(userWeights, 'weights.bin'), 'utf8')).toBe('not a model');
    });
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readFile(target, 'utf8')).toBe('linked');
    expect(await readFile(join(folder, 'README'), 'utf8')).toBe('mine');
    expect(await readFile(join(added, 'notes.txt'), 'utf8')).toBe('mine too');
    if (hasMkfifo) expect((await stat(targets[3]!)).isFIFO()).toBe(true);
  });

  it('issue 13 #1: ModelCheckpoint refuses a dir that is a regular file and never prunes a user epoch folder', async () => {
    const file = temp.fresh();
    await writeFile(file, 'log');
    const x = tf.zeros([2, 5], 'int32');
    const y = tf.zeros([2, 1]);
    const warnings: string[] = [];
    await withTiny(async (model) => {
      model.compile({ optimizer: tf.train.sgd(0.01), loss: 'sparseCategoricalCrossentropy' });
      await expectErrorCode(
        model.fit(x, y, {
          epochs: 1,
          verbose: 0,
          callbacks: [new ModelCheckpoint({ dir: file, monitor: 'loss' })],
        }),
        RnnModelsError,
        'RNN_MODELS_INVALID_OPTION',
      );
      const dir = temp.fresh();
      await mkdir(join(dir, 'epoch-0001'), { recursive: true });
      await writeFile(join(dir, 'epoch-0001', 'notes'), 'mine');
      const checkpoint = new ModelCheckpoint({
        dir,
        monitor: 'loss',
        keepLast: 1,
        onWarning: (m) => warnings.push(m),
      });
      await model.fit(x, y, { epochs: 3, initialEpoch: 1, verbose: 0, callbacks: [checkpoint] });
      expect(await readFile(join(dir, 'epoch-0001', 'notes'), 'utf8')).toBe('mine');
      expect((await readdir(dir)).sort()).toEqual(['best', 'epoch-0001', 'epoch-0003']);
      model.optimizer.dispose();
    });
    tf.dispose([x, y]);
    expect(await readFile(file, 'utf8')).toBe('log');
    expect(warnings.some((w) => w.includes('epoch-0001'))).toBe(true);
  });

  it("issue 13 #2: saveModel leaves a user's ckpt.old-* / .tmp-* / .trash-* siblings alone and cleans only its own", async () => {
    const dir = await saved();
    await mkdir(`${dir}.old-v1`);
    await writeFile(join(`${dir}.old-v1`, 'README'), 'my copy');
    await mkdir(`${dir}.old-backup`);
    await writeFile(`${dir}.tmp-x`, 'a file');
    await writeFile(`${dir}.trash-y`, 'another');
    // a same-named directory without the marker, and one with a marker of another tag
    await mkdir(`${dir}.tmp-abc123`);
    await writeFile(join(`${dir}.tmp-abc123`, 'data'), 'mine');
    await mkdir(`${dir}.trash-zz9`);
    await markDirectory(`${dir}.trash-zz9`, dir, 'othertag');
    // rnnkit's own leftovers: an incomplete temp and a trash, both marked
    await mkdir(`${dir}.tmp-mine1`);
    await markDirectory(`${dir}.tmp-mine1`, dir, 'mine1');
    await mkdir(`${dir}.trash-mine2`);
    await markDirectory(`${dir}.trash-mine2`, dir, 'mine2');
    await writeFile(join(`${dir}.trash-mine2`, 'weights.bin'), 'half deleted');
    await withTiny((model) => saveModel(model, dir));
    const base = dir.split('/').pop()!;
    expect((await readdir(temp.path)).filter((n) => n.startsWith(`${base}.`)).sort()).toEqual([
      `${base}.old-backup`,
      `${base}.old-v1`,
      `${base}.tmp-abc123`,
      `${base}.tmp-x`,
      `${base}.trash-y`,
      `${base}.trash-zz9`,
    ]);
    expect(await readFile(join(`${dir}.old-v1`, 'README'), 'utf8')).toBe('my copy');
    expect(await readFile(join(`${dir}.tmp-abc123`, 'data'), 'utf8')).toBe('mine');
    (await loadModel(dir)).model.dispose();
  });

  it('issue 13 #3: a same-size corrupted weights.bin (all 0xFF, one flipped bit) is CHECKPOINT_CORRUPT naming the file', async () => {
    for (const damage of ['ff', 'bit'] as const) {
      const dir = await saved();
      const path = join(dir, CHECKPOINT_FILES.weights);
      const bytes = await readFile(path);
      if (damage === 'ff') bytes.fill(0xff);
      else bytes[bytes.length >> 1]! ^= 0x04;
      await writeFile(path, bytes);
      const before = tf.memory().numTensors;
      await expectErrorCode(loadModel(dir), RnnModelsError, 'RNN_MODELS_CHECKPOINT_CORRUPT').then((error) => {
        expect(error.message).toContain(path);
        expect(error.message).toContain('SHA-256');
      });
      expect(tf.memory().numTensors).toBe(before);
    }
  });

  it('issue 13 #3: a checkpoint of format version 1 (no checksums) still loads', async () => {
    const dir = await saved();
    const path = join(dir, CHECKPOINT_FILES.manifest);
    const manifest = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
    expect(manifest['formatVersion']).toBe(2);
    expect(Object.keys(manifest['sha256'] as object).sort()).toEqual(
      Object.keys(manifest['files'] as object).sort(),
    );
    const { sha256: _, ...old } = { ...manifest, formatVersion: 1 } as Record<string, unknown>;
    await writeFile(path, JSON.stringify(old, null, 2));
    const loaded = await loadModel(dir);
    expect(loaded.extras).toEqual({ v: 1 });
    loaded.model.dispose();
    // a version-2 manifest that lost its sums is damaged
    await writeFile(path, JSON.stringify({ ...old, formatVersion: 2 }, null, 2));
    await expectErrorCode(loadModel(dir), RnnModelsError, 'RNN_MODELS_CHECKPOINT_CORRUPT');
  });

  it.skipIf(!hasMkfifo)(
    'issue 13 #6: a weights.bin that is a symlink to a FIFO fails fast instead of hanging',
    async () => {
      const dir = await plain(await saved());
      const fifo = temp.fresh();
      execFileSync('mkfifo', [fifo]);
      await unlink(join(dir, CHECKPOINT_FILES.weights));
      await symlink(fifo, join(dir, CHECKPOINT_FILES.weights));
      await expectErrorCode(loadModel(dir), RnnModelsError, 'RNN_MODELS_CHECKPOINT_CORRUPT').then((error) => {
        expect(error.message).toContain('FIFO');
      });
      await expectErrorCode(
        tfl.loadLayersModel(fileSystemHandler(dir)),
        RnnModelsError,
        'RNN_MODELS_CHECKPOINT_CORRUPT',
      );
    },
    5_000,
  );

  it('issue 13 #6: a crafted model.json (units 1e8, a huge weight shape) fails fast before building layers', async () => {
    const dir = await plain(await saved());
    await editModelJson(dir, (text) => text.replace('"units":3', '"units":100000000'));
    const started = performance.now();
    await expectErrorCode(loadModel(dir), RnnModelsError, 'RNN_MODELS_CHECKPOINT_MISMATCH').then((error) => {
      expect(error.message).toContain('units = 100000000');
    });
    expect(performance.now() - started).toBeLessThan(1000);

    const shaped = await plain(await saved());
    await editModelJson(shaped, (text) => text.replace(/"shape":\[7,3\]/, '"shape":[1000000,1000000]'));
    await expectErrorCode(loadModel(shaped), RnnModelsError, 'RNN_MODELS_CHECKPOINT_CORRUPT').then(
      (error) => {
        expect(error.message).toContain('weights.bin');
      },
    );
  });

  it('issue 13 #11: failing loads (weight-shape mismatch, unknown layer class) leak no tensors', async () => {
    const mismatch = await plain(await saved());
    await editModelJson(mismatch, (text) => text.replace('"input_dim":7', '"input_dim":8'));
    const unknown = await plain(await saved());
    await editModelJson(unknown, (text) =>
      text.replace('"class_name":"RnnkitGRU"', '"class_name":"NoSuchGRU"'),
    );
    expect(await readFile(join(unknown, CHECKPOINT_FILES.model), 'utf8')).toContain('NoSuchGRU');
    const before = tf.memory().numTensors;
    for (let i = 0; i < 3; i++) {
      await expectErrorCode(loadModel(mismatch), RnnModelsError, 'RNN_MODELS_CHECKPOINT_MISMATCH');
      await expectErrorCode(loadModel(unknown), RnnModelsError, 'RNN_MODELS_CHECKPOINT_MISMATCH');
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it.skipIf(platform() !== 'linux')(
    'issue 13 #13: a save the filesystem refuses is RNN_MODELS_IO_ERROR naming the path and errno',
    async () => {
      // chmod does not stop root; /sys refuses new entries to everyone
      let parent = '/sys';
      if (process.getuid?.() !== 0) {
        parent = temp.fresh();
        await mkdir(parent);
        await chmod(parent, 0o555);
      }
      const dir = join(parent, 'rnnkit-ckpt');
      await withTiny(async (model) => {
        await expectErrorCode(saveModel(model, dir), RnnModelsError, 'RNN_MODELS_IO_ERROR').then((error) => {
          expect(error.message).toContain(parent);
          expect(error.message).toMatch(/EACCES|EPERM|EROFS/);
          expect((error.cause as NodeJS.ErrnoException).code).toMatch(/EACCES|EPERM|EROFS/);
        });
        const file = temp.fresh();
        await writeFile(file, 'x');
        await expectErrorCode(saveModel(model, join(file, 'ckpt')), RnnModelsError, 'RNN_MODELS_IO_ERROR');
      });
    },
  );
});
