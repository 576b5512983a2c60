import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { type Batch, checkBatch, checkDataSource, disposeBatch, knownSize, openPass } from './data-source.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

async function readAll<B>(source: Parameters<typeof openPass<B>>[0]): Promise<B[]> {
  const pass = await openPass(source, 'data');
  const items: B[] = [];
  for (let next = await pass.next(); !next.done; next = await pass.next()) items.push(next.value);
  await pass.close();
  return items;
}

describe('data sources', () => {
  it('reads arrays, iterables, async iterables, factories and tf.data-style datasets', async () => {
    async function* asyncItems() {
      yield 1;
      yield 2;
    }
    const dataset = {
      size: 2,
      iterator: async () => {
        let i = 0;
        return { next: async () => (i < 2 ? { value: ++i, done: false } : { value: undefined, done: true }) };
      },
    };
    expect(await readAll([1, 2])).toEqual([1, 2]);
    expect(await readAll(new Set([1, 2]))).toEqual([1, 2]);
    expect(await readAll(asyncItems())).toEqual([1, 2]);
    expect(await readAll(() => asyncItems())).toEqual([1, 2]);
    expect(await readAll(() => [1, 2])).toEqual([1, 2]);
    expect(await readAll(dataset as never)).toEqual([1, 2]);
    expect([
      knownSize([1, 2, 3]),
      knownSize(dataset),
      knownSize({ ...dataset, size: Number.NaN }),
      knownSize(() => []),
    ]).toEqual([3, 2, undefined, undefined]);
  });

  it('close() returns the iterator early and hands unread array items to onUnread', async () => {
    let finished = false;
    function* items() {
      try {
        yield 1;
        yield 2;
      } finally {
        finished = true;
      }
    }
    const pass = await openPass(() => items(), 'data');
    await pass.next();
    await pass.close();
    expect(finished).toBe(true);
    const unread: number[] = [];
    const arrayPass = await openPass(
      () => [1, 2, 3],
      'data',
      (item) => void unread.push(item),
    );
    await arrayPass.next();
    await arrayPass.close();
    await arrayPass.close();
    expect(unread).toEqual([2, 3]);
  });

  it('rejects what is not a data source, or a factory returning something else', async () => {
    for (const source of [null, 5, 'batches', { next: () => 1 }]) {
      expect(() => checkDataSource(source, 'data')).toThrow(RnnModelsError);
    }
    await expect(openPass((() => 5) as never, 'data')).rejects.toThrow(RnnModelsError);
  });
});

describe('batches', () => {
  it('checks the structure and disposes all tensors of a batch', () => {
    const batch: Batch = { xs: [tf.ones([1, 2]), tf.ones([1, 3])], ys: tf.ones([1]), mask: tf.ones([1]) };
    expect(() => checkBatch(batch, 'batch 0', true)).not.toThrow();
    expect(() => checkBatch({ xs: batch.xs }, 'batch 0', false)).not.toThrow();
    for (const bad of [
      null,
      { xs: [], ys: batch.ys },
      { xs: batch.xs },
      { xs: [[1]], ys: batch.ys },
      { ...batch, mask: [1] },
    ]) {
      expect(() => checkBatch(bad, 'batch 3 of epoch 1', true)).toThrow(/batch 3 of epoch 1/);
    }
    disposeBatch(batch);
    expect([...(batch.xs as tf.Tensor[]), batch.ys, batch.mask!].every((t) => t.isDisposed)).toBe(true);
  });
});
