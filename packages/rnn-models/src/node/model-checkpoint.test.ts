import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { expectErrorCode, expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { tinyModel as tinyRecurrentModel, useTempRoot } from '../../test/node-support.js';
import { RnnModelsError } from '../errors.js';
import { CHECKPOINT_FILES } from './checkpoint-manifest.js';
import { loadModel } from './load-model.js';
import {
  DEFAULT_MODEL_CHECKPOINT_OPTIONS,
  ModelCheckpoint,
  type ModelCheckpointEvent,
  type ModelCheckpointOptions,
  resolveModelCheckpointOptions,
} from './model-checkpoint.js';
import { saveModel } from './save-model.js';

const [VOCAB, TIME] = [6, 4];
const temp = useTempRoot('mc', 'run');
const freshDir = (): string => temp.fresh();

/** The node tests' tiny model at vocabulary 6, length 4 and 3 LSTM units, compiled with Adam. */
function tinyModel(): tfl.Sequential {
  const model = tinyRecurrentModel({ vocab: VOCAB, time: TIME, lstmUnits: 3 });
  model.compile({ optimizer: tf.train.adam(0.05), loss: 'sparseCategoricalCrossentropy' });
  return model;
}

function disposeModel(model: tfl.LayersModel): void {
  model.optimizer?.dispose();
  model.dispose();
}

async function epochDirs(dir: string): Promise<string[]> {
  return (await readdir(dir)).sort();
}

/** A callback attached to `model` as fit would, recording events and warnings. */
function attached(model: tfl.LayersModel, options: Omit<ModelCheckpointOptions, 'onSave' | 'onWarning'>) {
  const events: ModelCheckpointEvent[] = [];
  const warnings: string[] = [];
  const callback = new ModelCheckpoint({
    ...options,
    onSave: (e) => events.push(e),
    onWarning: (w) => warnings.push(w),
  });
  callback.setModel(model);
  return { callback, events, warnings };
}

describe('resolveModelCheckpointOptions', () => {
  it('fills in the documented defaults', () => {
    const resolved = resolveModelCheckpointOptions({ dir: 'runs/x' });
    expect(resolved).toMatchObject({
      dir: join(process.cwd(), 'runs/x'),
      every: 1,
      monitor: 'val_loss',
      mode: 'min',
      saveBestOnly: false,
      keepLast: 3,
      includeOptimizer: true,
    });
    expect(DEFAULT_MODEL_CHECKPOINT_OPTIONS).toMatchObject({
      every: 1,
      monitor: 'val_loss',
      mode: 'auto',
      saveBestOnly: false,
      keepLast: 3,
      includeOptimizer: true,
    });
    expect(resolved.extras({ epoch: 2, logs: { loss: 1 } })).toEqual({ epoch: 2, logs: { loss: 1 } });
    expect(resolved.onWarning).toBe(DEFAULT_MODEL_CHECKPOINT_OPTIONS.onWarning);
    expect(resolved.onSave).toBe(DEFAULT_MODEL_CHECKPOINT_OPTIONS.onSave);
  });

  it("mode 'auto' maximises accuracies and minimises everything else", () => {
    expect(resolveModelCheckpointOptions({ dir: 'd', monitor: 'val_acc' }).mode).toBe('max');
    expect(resolveModelCheckpointOptions({ dir: 'd', monitor: 'loss' }).mode).toBe('min');
    expect(resolveModelCheckpointOptions({ dir: 'd', monitor: 'val_acc', mode: 'min' }).mode).toBe('min');
    expect(resolveModelCheckpointOptions({ dir: 'd', keepLast: Number.POSITIVE_INFINITY }).keepLast).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(
      resolveModelCheckpointOptions({ dir: 'd', extras: { a: 1 } }).extras({ epoch: 1, logs: {} }),
    ).toEqual({
      a: 1,
    });
  });

  it('rejects every malformed option with RNN_MODELS_INVALID_OPTION naming it', () => {
    const bad: [string, Partial<Record<keyof ModelCheckpointOptions, unknown>>][] = [
      ['dir', { dir: '' }],
      ['every', { every: 0 }],
      ['every', { every: 1.5 }],
      ['monitor', { monitor: '' }],
      ['mode', { mode: 'up' }],
      ['saveBestOnly', { saveBestOnly: 'yes' }],
      ['keepLast', { keepLast: 0 }],
      ['includeOptimizer', { includeOptimizer: 1 }],
      ['onSave', { onSave: 'log' }],
      ['onWarning', { onWarning: 3 }],
    ];
    for (const [name, options] of bad) {
      const run = () => new ModelCheckpoint({ dir: 'd', ...options } as ModelCheckpointOptions);
      expect(expectErrorCode(run, RnnModelsError, 'RNN_MODELS_INVALID_OPTION').message, name).toContain(name);
    }
  });
});

describe('ModelCheckpoint', () => {
  it('in model.fit: writes epoch-NNNN/ every epoch, keeps the last K and best/ with extras and optimizer', async () => {
    const dir = freshDir();
    const model = tinyModel();
    const xs = tf.tensor2d(
      [
        [1, 2, 3, 4],
        [5, 4, 3, 2],
        [1, 1, 2, 2],
        [3, 0, 3, 0],
        [2, 5, 1, 4],
        [4, 4, 1, 0],
      ],
      [6, TIME],
      'int32',
    );
    const ys = tf.tensor2d([[1], [2], [3], [4], [5], [0]]);
    const events: ModelCheckpointEvent[] = [];
    const history = await model.fit(xs, ys, {
      epochs: 5,
      batchSize: 3,
      validationData: [xs, ys],
      verbose: 0,
      callbacks: [new ModelCheckpoint({ dir, keepLast: 2, onSave: (e) => events.push(e) })],
    });
    expect(await epochDirs(dir)).toEqual(['best', 'epoch-0004', 'epoch-0005']);
    const valLoss = history.history['val_loss'] as number[];
    const bestEpoch = valLoss.indexOf(Math.min(...valLoss)) + 1;
    expect(events.filter((e) => e.kind === 'epoch').map((e) => e.epoch)).toEqual([1, 2, 3, 4, 5]);
    expect(events.filter((e) => e.kind === 'best').at(-1)?.epoch).toBe(bestEpoch);
    expect(events[0]?.monitorValue).toBeCloseTo(valLoss[0]!, 6);

    const last = await loadModel(join(dir, 'epoch-0005'));
    expect(last.extras).toMatchObject({
      epoch: 5,
      logs: { val_loss: expect.any(Number), loss: expect.any(Number) },
    });
    expect(last.optimizer?.className).toBe('Adam');
    const predicted = tf.tidy(() => Array.from((last.model.predict(xs) as tf.Tensor).dataSync()));
    const expected = tf.tidy(() => Array.from((model.predict(xs) as tf.Tensor).dataSync()));
    expect(predicted).toEqual(expected);
    const best = await loadModel(join(dir, 'best'));
    expect((best.extras as { epoch: number }).epoch).toBe(bestEpoch);
    tf.dispose([xs, ys]);
    for (const m of [model, last.model, best.model]) disposeModel(m);
  });

  it('every: N saves after epochs N, 2N, …; keepLast: Infinity keeps them all', async () => {
    const dir = freshDir();
    const model = tinyModel();
    const { callback } = attached(model, {
      dir,
      every: 2,
      keepLast: Number.POSITIVE_INFINITY,
      monitor: 'loss',
    });
    for (let epoch = 0; epoch < 5; epoch++) await callback.onEpochEnd(epoch, { loss: 5 - epoch });
    expect(await epochDirs(dir)).toEqual(['best', 'epoch-0002', 'epoch-0004']);
    const best = await loadModel(join(dir, 'best'));
    expect(best.extras).toEqual({ epoch: 4, logs: { loss: 2 } });
    disposeModel(model);
    best.model.dispose();
  });

  it("saveBestOnly writes only improvements; mode 'max' follows accuracies", async () => {
    const dir = freshDir();
    const model = tinyModel();
    const { callback, events } = attached(model, { dir, saveBestOnly: true, keepLast: 10 });
    const losses = [3, 2, 2.5, 1, 1];
    for (const [epoch, v] of losses.entries()) await callback.onEpochEnd(epoch, { val_loss: v, loss: 1 });
    expect(await epochDirs(dir)).toEqual(['best', 'epoch-0001', 'epoch-0002', 'epoch-0004']);
    expect(callback.best).toBe(1);
    expect(events.map((e) => `${e.kind}${e.epoch}`)).toEqual([
      'epoch1',
      'best1',
      'epoch2',
      'best2',
      'epoch4',
      'best4',
    ]);

    const accDir = freshDir();
    const acc = attached(model, {
      dir: accDir,
      monitor: 'val_acc',
      saveBestOnly: true,
      includeOptimizer: false,
    });
    for (const [epoch, v] of [0.5, 0.7, 0.6].entries()) await acc.callback.onEpochEnd(epoch, { val_acc: v });
    expect(await epochDirs(accDir)).toEqual(['best', 'epoch-0001', 'epoch-0002']);
    expect(await readdir(join(accDir, 'best'))).not.toContain(CHECKPOINT_FILES.optimizer);
    disposeModel(model);
  });

  it('a NaN or infinite monitored value or loss saves nothing, so the last good checkpoints stay', async () => {
    const dir = freshDir();
    const model = tinyModel();
    const { callback, warnings } = attached(model, { dir, keepLast: 1 });
    await callback.onEpochEnd(0, { val_loss: 1, loss: 1 });
    await callback.onEpochEnd(1, { val_loss: Number.NaN, loss: 0.5 });
    await callback.onEpochEnd(2, { val_loss: 0.5, loss: Number.POSITIVE_INFINITY });
    expect(await epochDirs(dir)).toEqual(['best', 'epoch-0001']);
    expect(callback.best).toBe(1);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/val_loss is NaN after epoch 2/);
    expect(warnings[1]).toMatch(/loss is Infinity after epoch 3/);
    const best = await loadModel(join(dir, 'best'));
    expect((best.extras as { epoch: number }).epoch).toBe(1);
    disposeModel(model);
    best.model.dispose();
  });

  it('without the monitored value: warns once, saves epochs but no best (nothing with saveBestOnly)', async () => {
    const dir = freshDir();
    const model = tinyModel();
    const { callback, warnings } = attached(model, { dir });
    await callback.onEpochEnd(0, { loss: 1 });
    await callback.onEpochEnd(1, { loss: 0.9 });
    expect(await epochDirs(dir)).toEqual(['epoch-0001', 'epoch-0002']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('val_loss');

    const onlyBest = freshDir();
    const strict = attached(model, { dir: onlyBest, saveBestOnly: true });
    await strict.callback.onEpochEnd(0, { loss: 1 });
    await expect(readdir(onlyBest)).rejects.toThrow();
    disposeModel(model);
  });

  it('extras: a static value or a function of the epoch state; tensor logs are read', async () => {
    const dir = freshDir();
    const model = tinyModel();
    const fn = attached(model, {
      dir,
      monitor: 'loss',
      extras: ({ epoch, logs }) => ({ vocabulary: ['a', 'b'], epoch, loss: logs['loss'] ?? null }),
    });
    const loss = tf.scalar(0.25);
    await fn.callback.onEpochEnd(6, { loss });
    loss.dispose();
    const saved = await loadModel(join(dir, 'epoch-0007'));
    expect(saved.extras).toEqual({ vocabulary: ['a', 'b'], epoch: 7, loss: 0.25 });
    saved.model.dispose();

    const staticDir = freshDir();
    const fixed = attached(model, { dir: staticDir, extras: 'tokenizer-v1' });
    await fixed.callback.onEpochEnd(0, { val_loss: 1 });
    const again = await loadModel(join(staticDir, 'best'));
    expect(again.extras).toBe('tokenizer-v1');
    again.model.dispose();
    disposeModel(model);
  });

  it('never deletes the checkpoint it just wrote, even below older higher-numbered ones', async () => {
    const dir = freshDir();
    const model = tinyModel();
    await saveModel(model, join(dir, 'epoch-0009'));
    const { callback } = attached(model, { dir, keepLast: 1, monitor: 'loss' });
    await callback.onEpochEnd(0, { loss: 1 });
    expect(await epochDirs(dir)).toEqual(['best', 'epoch-0001', 'epoch-0009']);
    await callback.onEpochEnd(9, { loss: 0.5 });
    expect(await epochDirs(dir)).toEqual(['best', 'epoch-0010']);
    disposeModel(model);
  });

  it('leaks no tensors across epochs', async () => {
    const dir = freshDir();
    const model = tinyModel();
    const xs = tf.tensor2d([[1, 2, 3, 4]], [1, TIME], 'int32');
    const ys = tf.tensor2d([[1]]);
    await model.trainOnBatch(xs, ys); // creates Adam's slots
    const { callback } = attached(model, { dir, keepLast: 2, monitor: 'loss' });
    let epoch = 0;
    await expectNoLeaks(async () => {
      const loss = tf.scalar(1 / (epoch + 1));
      await callback.onEpochEnd(epoch++, { loss });
      loss.dispose();
    });
    tf.dispose([xs, ys]);
    disposeModel(model);
  });
});
