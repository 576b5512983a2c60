// Probes of @rnnkit/rnn-models/node (checkpoints on the local filesystem): bad arguments,
// misspelt options, regular files, symlinks, FIFOs and user folders as save targets, user files
// named like the library's temporaries, missing, truncated, corrupted and crafted checkpoint
// files, concurrent saves. Every path lives under one mkdtemp folder in os.tmpdir().
import { execFileSync } from 'node:child_process';
import {
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  stat,
  symlink,
  truncate,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@rnnkit/rnn-models';
import {
  fileSystemHandler,
  loadModel,
  ModelCheckpoint,
  restoreOptimizer,
  saveModel,
} from '@rnnkit/rnn-models/node';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Probe, ProbeSuite } from '../types.js';

let root = '';
let count = 0;
/** A path under the probe folder that does not exist yet. */
const fresh = (): string => join(root, `p${++count}`);

/** A tiny dense model; the caller disposes it. */
function tinyModel(): tfl.Sequential {
  return tfl.sequential({ layers: [tfl.layers.dense({ units: 3, inputShape: [4] })] });
}

/** Runs `body` with a tiny model, disposing it afterwards. */
async function withModel<T>(body: (model: tfl.Sequential) => Promise<T>): Promise<T> {
  const model = tinyModel();
  try {
    return await body(model);
  } finally {
    model.dispose();
  }
}

/** A fresh checkpoint directory holding the tiny model (and an SGD state when asked). */
async function savedCheckpoint(includeOptimizer = false): Promise<string> {
  const dir = fresh();
  await withModel((model) =>
    withOptimizer(
      () => tf.train.sgd(0.1),
      (optimizer) => saveModel(model, dir, includeOptimizer ? { optimizer } : {}),
    ),
  );
  return dir;
}

/** Loads `dir` and disposes the model (for probes that expect a load to fail or succeed). */
async function loadAndDispose(dir: string, options?: Parameters<typeof loadModel>[1]): Promise<void> {
  const { model } = await loadModel(dir, options);
  model.dispose();
}

/** Throws a plain Error (→ verdict `failed`/`untyped`) when `path`'s bytes changed. */
async function mustStayTheSame(path: string, bytes: Buffer, action: () => Promise<unknown>): Promise<void> {
  let failure: unknown = null;
  try {
    await action();
  } catch (error) {
    failure = error;
  }
  const now = await readFile(path).catch(() => null);
  if (now === null || !now.equals(bytes)) throw new Error(`DATA LOSS: ${path} was changed or deleted`);
  if (failure !== null) throw failure;
}

/** Edits `dir/model.json` through `edit` on its parsed JSON. */
async function editModelJson(dir: string, edit: (json: Record<string, unknown>) => void): Promise<void> {
  const path = join(dir, 'model.json');
  const json = JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  edit(json);
  await writeFile(path, JSON.stringify(json));
}

function denseConfig(json: Record<string, unknown>): Record<string, unknown> {
  type Topology = { config: { layers: { config: Record<string, unknown> }[] } };
  const topology = json['modelTopology'] as Topology & { model_config?: Topology };
  return (topology.model_config ?? topology).config.layers[0]!.config;
}

/** Runs `body` with a fresh optimizer made by `make`, disposing it afterwards. */
async function withOptimizer<T>(make: () => tf.Optimizer, body: (o: tf.Optimizer) => Promise<T>): Promise<T> {
  const optimizer = make();
  try {
    return await body(optimizer);
  } finally {
    optimizer.dispose();
  }
}

const hasMkfifo = (() => {
  try {
    execFileSync('mkfifo', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

async function fifo(path: string): Promise<void> {
  execFileSync('mkfifo', [path]);
}

const isRoot = process.getuid?.() === 0;

const suite: ProbeSuite = {
  packageName: 'rnn-models-node',
  checksTensors: true,
  setup: async () => {
    await initBackend({ backend: 'cpu' });
    root = await mkdtemp(join(tmpdir(), 'rnnkit-probe-node-'));
    process.on('exit', () => {
      execFileSync('rm', ['-rf', root]);
    });
  },
  probes: (): Probe[] => {
    const probes: Probe[] = [
      // ---- saveModel: arguments ----
      {
        name: 'saveModel: model null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => saveModel(null as never, fresh()),
      },
      {
        name: 'saveModel: dir 42',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => withModel((m) => saveModel(m, 42 as never)),
      },
      {
        name: 'saveModel: dir ""',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => withModel((m) => saveModel(m, '')),
      },
      {
        name: 'saveModel: misspelt option "optimiser"',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withModel((m) =>
            withOptimizer(
              () => tf.train.sgd(1),
              (optimiser) => saveModel(m, fresh(), { optimiser } as never),
            ),
          ),
      },
      {
        name: 'saveModel: extras with a cycle',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => {
          const cyclic: Record<string, unknown> = {};
          cyclic['self'] = cyclic;
          return withModel((m) => saveModel(m, fresh(), { extras: cyclic as never }));
        },
      },
      {
        name: 'saveModel: extras a BigInt',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => withModel((m) => saveModel(m, fresh(), { extras: 1n as never })),
      },
      {
        name: 'saveModel: optimizer "adam"',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => withModel((m) => saveModel(m, fresh(), { optimizer: 'adam' as never })),
      },
      {
        name: 'saveModel: an unbuilt-free valid save',
        kind: 'valid',
        expect: 'ok',
        run: () => withModel((m) => saveModel(m, fresh(), { extras: { a: [1, 2] } })),
      },
      // ---- saveModel: targets that are not checkpoints (data loss) ----
      {
        name: 'saveModel: target is a regular file (left untouched)',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: async () => {
          const path = fresh();
          const bytes = Buffer.from('my thesis\n');
          await writeFile(path, bytes);
          await mustStayTheSame(path, bytes, () => withModel((m) => saveModel(m, path)));
        },
      },
      {
        name: 'saveModel: target is a symlink to a file (left untouched)',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: async () => {
          const file = fresh();
          const link = fresh();
          const bytes = Buffer.from('linked\n');
          await writeFile(file, bytes);
          await symlink(file, link);
          await mustStayTheSame(file, bytes, () => withModel((m) => saveModel(m, link)));
          if (!(await lstat(link)).isSymbolicLink()) throw new Error('DATA LOSS: link replaced');
        },
      },
      {
        name: 'saveModel: target is a user folder with a README (left untouched)',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: async () => {
          const dir = fresh();
          await mkdir(dir);
          const bytes = Buffer.from('readme');
          await writeFile(join(dir, 'README'), bytes);
          await mustStayTheSame(join(dir, 'README'), bytes, () => withModel((m) => saveModel(m, dir)));
        },
      },
      {
        name: 'saveModel: target is a FIFO',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        timeoutSeconds: 3,
        run: async () => {
          if (!hasMkfifo) throw new Error('no mkfifo');
          const path = fresh();
          await fifo(path);
          await withModel((m) => saveModel(m, path)).finally(async () => {
            if (!(await stat(path)).isFIFO()) throw new Error('DATA LOSS: FIFO replaced');
          });
        },
      },
      {
        name: 'saveModel: parent path is a regular file',
        kind: 'corrupt-file',
        expect: 'error',
        run: async () => {
          const file = fresh();
          await writeFile(file, 'x');
          await withModel((m) => saveModel(m, join(file, 'ckpt')));
        },
      },
      {
        name: 'saveModel: a user sibling ckpt.old-v1 survives a save',
        kind: 'corrupt-file',
        expect: 'ok',
        run: async () => {
          const dir = fresh();
          await mkdir(`${dir}.old-v1`);
          const bytes = Buffer.from('my copy');
          await writeFile(join(`${dir}.old-v1`, 'notes'), bytes);
          await mustStayTheSame(join(`${dir}.old-v1`, 'notes'), bytes, () =>
            withModel((m) => saveModel(m, dir)),
          );
        },
      },
      {
        name: 'saveModel: user siblings ckpt.tmp-x / ckpt.trash-y (files) survive a save',
        kind: 'corrupt-file',
        expect: 'ok',
        run: async () => {
          const dir = fresh();
          const bytes = Buffer.from('user file');
          await writeFile(`${dir}.tmp-x`, bytes);
          await writeFile(`${dir}.trash-y`, bytes);
          await mustStayTheSame(`${dir}.tmp-x`, bytes, () =>
            mustStayTheSame(`${dir}.trash-y`, bytes, () => withModel((m) => saveModel(m, dir))),
          );
        },
      },
      {
        name: 'saveModel: checkpoint with a user file added (not deleted silently)',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: async () => {
          const dir = await savedCheckpoint();
          const bytes = Buffer.from('my notes');
          await writeFile(join(dir, 'notes.txt'), bytes);
          await mustStayTheSame(join(dir, 'notes.txt'), bytes, () => withModel((m) => saveModel(m, dir)));
        },
      },
      {
        name: 'saveModel: read-only parent directory',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_IO_ERROR' },
        run: async () => {
          // chmod does not stop root; /sys refuses new entries to everyone
          let parent = '/sys';
          if (!isRoot) {
            parent = fresh();
            await mkdir(parent, { mode: 0o555 });
          }
          await withModel((m) => saveModel(m, join(parent, 'rnnkit-probe-ckpt')));
        },
      },
      {
        name: 'saveModel: 4 concurrent saves into one dir leave one loadable checkpoint',
        kind: 'concurrent',
        expect: 'ok',
        run: async () => {
          const dir = fresh();
          await withModel(async (m) => {
            await Promise.allSettled([1, 2, 3, 4].map((v) => saveModel(m, dir, { extras: { v } })));
          });
          await loadAndDispose(dir);
        },
      },
      {
        name: 'saveModel: overwrite an existing checkpoint',
        kind: 'valid',
        expect: 'ok',
        run: async () => {
          const dir = await savedCheckpoint();
          await withModel((m) => saveModel(m, dir));
          await loadAndDispose(dir);
        },
      },
      // ---- loadModel ----
      {
        name: 'loadModel: dir 42',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => loadModel(42 as never),
      },
      {
        name: 'loadModel: misspelt option "expected"',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => loadModel(fresh(), { expected: {} } as never),
      },
      {
        name: 'loadModel: expect.vocabularySize NaN',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => loadModel(fresh(), { expect: { vocabularySize: Number.NaN } }),
      },
      {
        name: 'loadModel: misspelt expect.vocabSize',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => loadModel(fresh(), { expect: { vocabSize: 3 } as never }),
      },
      {
        name: 'loadModel: missing directory',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: () => loadModel(fresh()),
      },
      {
        name: 'loadModel: path is a regular file',
        kind: 'corrupt-file',
        expect: 'error',
        run: async () => {
          const path = fresh();
          await writeFile(path, 'x');
          await loadAndDispose(path);
        },
      },
      {
        name: 'loadModel: empty directory',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: async () => {
          const dir = fresh();
          await mkdir(dir);
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: truncated weights.bin',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: async () => {
          const dir = await savedCheckpoint();
          await truncate(join(dir, 'weights.bin'), 5);
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: same-size weights.bin of 0xFF',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: async () => {
          const dir = await savedCheckpoint();
          const path = join(dir, 'weights.bin');
          await writeFile(path, Buffer.alloc((await stat(path)).size, 0xff));
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: one flipped bit in weights.bin',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: async () => {
          const dir = await savedCheckpoint();
          const path = join(dir, 'weights.bin');
          const bytes = await readFile(path);
          bytes[3] = bytes[3]! ^ 0x10;
          await writeFile(path, bytes);
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: one flipped bit in optimizer.bin',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: async () => {
          const dir = await savedCheckpoint(true);
          const path = join(dir, 'optimizer.bin');
          const bytes = await readFile(path);
          bytes[0] = bytes[0]! ^ 0x01;
          await writeFile(path, bytes);
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: garbled model.json',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: async () => {
          const dir = await savedCheckpoint();
          const text = await readFile(join(dir, 'model.json'), 'utf8');
          await writeFile(join(dir, 'model.json'), `#${text.slice(1)}`);
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: checkpoint.json is the JSON null',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: async () => {
          const dir = await savedCheckpoint();
          await writeFile(join(dir, 'checkpoint.json'), 'null');
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: weights.bin is a symlink to a FIFO',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        timeoutSeconds: 3,
        run: async () => {
          if (!hasMkfifo) throw new Error('no mkfifo');
          const dir = await savedCheckpoint();
          const pipe = fresh();
          await fifo(pipe);
          await unlink(join(dir, 'weights.bin'));
          await symlink(pipe, join(dir, 'weights.bin'));
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: model.json is a FIFO',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        timeoutSeconds: 3,
        run: async () => {
          if (!hasMkfifo) throw new Error('no mkfifo');
          const dir = await savedCheckpoint();
          await unlink(join(dir, 'model.json'));
          await fifo(join(dir, 'model.json'));
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: weights.bin is a directory',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: async () => {
          const dir = await savedCheckpoint();
          await unlink(join(dir, 'weights.bin'));
          await mkdir(join(dir, 'weights.bin'));
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: crafted model.json with Dense units 1e8',
        kind: 'huge',
        expect: 'error',
        timeoutSeconds: 5,
        run: async () => {
          const dir = await savedCheckpoint();
          await unlink(join(dir, 'checkpoint.json'));
          await editModelJson(dir, (json) => {
            denseConfig(json)['units'] = 1e8;
          });
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: crafted weightsManifest shape [1e6, 1e6]',
        kind: 'huge',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        timeoutSeconds: 5,
        run: async () => {
          const dir = await savedCheckpoint();
          await unlink(join(dir, 'checkpoint.json'));
          await editModelJson(dir, (json) => {
            const manifest = json['weightsManifest'] as { weights: { shape: number[] }[] }[];
            manifest[0]!.weights[0]!.shape = [1e6, 1e6];
          });
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: weights path ../outside in model.json',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: async () => {
          const dir = await savedCheckpoint();
          await unlink(join(dir, 'checkpoint.json'));
          await editModelJson(dir, (json) => {
            (json['weightsManifest'] as { paths: string[] }[])[0]!.paths = ['../outside.bin'];
          });
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: weight shapes contradict the topology (no leak)',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_MISMATCH' },
        run: async () => {
          const dir = await savedCheckpoint();
          await unlink(join(dir, 'checkpoint.json'));
          await editModelJson(dir, (json) => {
            denseConfig(json)['units'] = 2;
          });
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: unknown layer class (no leak)',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_MISMATCH' },
        run: async () => {
          const dir = await savedCheckpoint();
          await unlink(join(dir, 'checkpoint.json'));
          const path = join(dir, 'model.json');
          await writeFile(path, (await readFile(path, 'utf8')).replace('"Dense"', '"NoSuchLayer"'));
          await loadAndDispose(dir);
        },
      },
      {
        name: 'loadModel: expect.vocabularySize on a model without Embedding',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_CHECKPOINT_MISMATCH' },
        run: async () => loadAndDispose(await savedCheckpoint(), { expect: { vocabularySize: 5 } }),
      },
      {
        name: 'loadModel: a valid checkpoint',
        kind: 'valid',
        expect: 'ok',
        run: async () => loadAndDispose(await savedCheckpoint(true)),
      },
      // ---- restoreOptimizer ----
      {
        name: 'restoreOptimizer: optimizer null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => restoreOptimizer(null as never, { optimizer: undefined, path: '/x' }),
      },
      {
        name: 'restoreOptimizer: checkpoint null',
        kind: 'bad-type',
        expect: 'error',
        run: () =>
          withOptimizer(
            () => tf.train.sgd(0.1),
            (o) => restoreOptimizer(o, null as never),
          ),
      },
      {
        name: 'restoreOptimizer: state of another class',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_CHECKPOINT_MISMATCH' },
        run: async () => {
          const loaded = await loadModel(await savedCheckpoint(true));
          loaded.model.dispose();
          await withOptimizer(
            () => tf.train.adam(),
            (o) => restoreOptimizer(o, loaded),
          );
        },
      },
      // ---- fileSystemHandler ----
      {
        name: 'fileSystemHandler: dir 42',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => fileSystemHandler(42 as never),
      },
      {
        name: 'fileSystemHandler: save onto a regular file (left untouched)',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: async () => {
          const path = fresh();
          const bytes = Buffer.from('precious');
          await writeFile(path, bytes);
          await mustStayTheSame(path, bytes, () => withModel((m) => m.save(fileSystemHandler(path))));
        },
      },
      {
        name: 'fileSystemHandler: save into a folder holding a user weights.bin',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: async () => {
          const dir = fresh();
          await mkdir(dir);
          const bytes = Buffer.from('not a model');
          await writeFile(join(dir, 'weights.bin'), bytes);
          await mustStayTheSame(join(dir, 'weights.bin'), bytes, () =>
            withModel((m) => m.save(fileSystemHandler(dir))),
          );
        },
      },
      {
        name: 'fileSystemHandler: load of a missing dir',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        run: () => tfl.loadLayersModel(fileSystemHandler(fresh())),
      },
      {
        name: 'fileSystemHandler: load with weights.bin a FIFO',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_CHECKPOINT_CORRUPT' },
        timeoutSeconds: 3,
        run: async () => {
          if (!hasMkfifo) throw new Error('no mkfifo');
          const dir = fresh();
          await withModel((m) => m.save(fileSystemHandler(dir)));
          await unlink(join(dir, 'weights.bin'));
          await fifo(join(dir, 'weights.bin'));
          (await tfl.loadLayersModel(fileSystemHandler(dir))).dispose();
        },
      },
      {
        name: 'fileSystemHandler: round trip',
        kind: 'valid',
        expect: 'ok',
        run: async () => {
          const dir = fresh();
          await withModel((m) => m.save(fileSystemHandler(dir)));
          (await tfl.loadLayersModel(fileSystemHandler(dir))).dispose();
        },
      },
      // ---- ModelCheckpoint ----
      {
        name: 'ModelCheckpoint: no options',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => new ModelCheckpoint(undefined as never),
      },
      {
        name: 'ModelCheckpoint: misspelt "keep_last"',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => new ModelCheckpoint({ dir: fresh(), keep_last: 2 } as never),
      },
      {
        name: 'ModelCheckpoint: every NaN',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => new ModelCheckpoint({ dir: fresh(), every: Number.NaN }),
      },
      {
        name: 'ModelCheckpoint: keepLast 0',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => new ModelCheckpoint({ dir: fresh(), keepLast: 0 }),
      },
      {
        name: 'ModelCheckpoint: dir is a regular file (left untouched)',
        kind: 'corrupt-file',
        expect: 'error',
        run: async () => {
          const path = fresh();
          const bytes = Buffer.from('log file');
          await writeFile(path, bytes);
          await mustStayTheSame(path, bytes, () =>
            withModel(async (model) => {
              model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
              const [x, y] = [tf.zeros([2, 4]), tf.zeros([2, 3])];
              try {
                await model.fit(x, y, {
                  epochs: 1,
                  verbose: 0,
                  callbacks: [new ModelCheckpoint({ dir: path, monitor: 'loss' })],
                });
              } finally {
                tf.dispose([x, y]);
                model.optimizer?.dispose();
              }
            }),
          );
        },
      },
      {
        name: 'ModelCheckpoint: a user folder epoch-0001 with files survives pruning',
        kind: 'corrupt-file',
        expect: 'ok',
        run: async () => {
          const dir = fresh();
          await mkdir(join(dir, 'epoch-0001'), { recursive: true });
          const bytes = Buffer.from('mine');
          await writeFile(join(dir, 'epoch-0001', 'notes'), bytes);
          await mustStayTheSame(join(dir, 'epoch-0001', 'notes'), bytes, () =>
            withModel(async (model) => {
              model.compile({ optimizer: 'sgd', loss: 'meanSquaredError' });
              const [x, y] = [tf.zeros([2, 4]), tf.zeros([2, 3])];
              try {
                await model.fit(x, y, {
                  epochs: 3,
                  initialEpoch: 1,
                  verbose: 0,
                  callbacks: [new ModelCheckpoint({ dir, monitor: 'loss', keepLast: 1 })],
                });
              } catch {
                // refusing to touch epoch-0001 is fine too; only its survival counts here
              } finally {
                tf.dispose([x, y]);
                model.optimizer?.dispose();
              }
            }),
          );
          if ((await readdir(dir)).length === 0) throw new Error('nothing saved');
        },
      },
    ];
    return probes;
  },
};

export default suite;
