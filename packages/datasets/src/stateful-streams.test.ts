import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import {
  countStatefulBatches,
  DEFAULT_STATEFUL_STREAM_OPTIONS,
  resolveStatefulStreamOptions,
  type StatefulBatch,
  type StatefulStreamOptions,
  statefulStreams,
} from './stateful-streams.js';

const alphabet = (text: string) => [...text].map((c) => c.charCodeAt(0) - 97);
const rows = (values: Int32Array, [batch, steps]: readonly [number, number]) =>
  Array.from({ length: batch }, (_, j) =>
    String.fromCharCode(...[...values.subarray(j * steps, (j + 1) * steps)].map((v) => v + 97)),
  );
const letters = (batch: StatefulBatch) => ({
  xs: rows(batch.xs, batch.shape),
  ys: rows(batch.ys, batch.shape),
});

/** Row j of every batch, concatenated. */
function streamOf(batches: StatefulBatch[], j: number, key: 'xs' | 'ys'): number[] {
  return batches.flatMap((batch) => {
    const steps = batch.shape[1];
    return [...batch[key].subarray(j * steps, (j + 1) * steps)];
  });
}

describe('resolveStatefulStreamOptions', () => {
  it('pins the documented defaults and rejects bad sizes', () => {
    expect(DEFAULT_STATEFUL_STREAM_OPTIONS).toEqual({ dropRemainder: true });
    expect(resolveStatefulStreamOptions({ batchSize: 20, sequenceLength: 35 })).toEqual({
      batchSize: 20,
      sequenceLength: 35,
      dropRemainder: true,
    });
    const bad: unknown[] = [
      { sequenceLength: 3 },
      { batchSize: 2 },
      { batchSize: 0, sequenceLength: 3 },
      { batchSize: 2, sequenceLength: -1 },
      { batchSize: 2.5, sequenceLength: 3 },
      { batchSize: 2, sequenceLength: 3, dropRemainder: 'yes' },
      { batchSize: 2, sequenceLength: 3, bptt: 3 },
    ];
    for (const options of bad) {
      expectErrorCode(
        () => resolveStatefulStreamOptions(options as StatefulStreamOptions),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
    }
  });
});

describe('statefulStreams', () => {
  const abc = alphabet('abcdefghijklmnopqrstuvwxyz');

  it('lays the alphabet out like PyTorch batchify + get_batch (hand-computed)', () => {
    const batches = [...statefulStreams(abc, { batchSize: 4, sequenceLength: 2 })];
    expect(batches.map(letters)).toEqual([
      { xs: ['ab', 'gh', 'mn', 'st'], ys: ['bc', 'hi', 'no', 'tu'] },
      { xs: ['cd', 'ij', 'op', 'uv'], ys: ['de', 'jk', 'pq', 'vw'] },
    ]);
    expect(batches.map((batch) => [batch.shape, batch.index])).toEqual([
      [[4, 2], 0],
      [[4, 2], 1],
    ]);
    expect(countStatefulBatches(abc, { batchSize: 4, sequenceLength: 2 })).toBe(2);
  });

  it('keeps a short last batch with dropRemainder: false, as PyTorch does', () => {
    const batches = [...statefulStreams(abc, { batchSize: 4, sequenceLength: 2, dropRemainder: false })];
    expect(batches.map((batch) => batch.shape)).toEqual([
      [4, 2],
      [4, 2],
      [4, 1],
    ]);
    expect(letters(batches[2]!)).toEqual({ xs: ['e', 'k', 'q', 'w'], ys: ['f', 'l', 'r', 'x'] });
    expect(countStatefulBatches(abc, { batchSize: 4, sequenceLength: 2, dropRemainder: false })).toBe(3);
  });

  it('yields fresh int32 arrays', () => {
    const [first, second] = [...statefulStreams(abc, { batchSize: 2, sequenceLength: 3 })];
    expect(first!.xs).toBeInstanceOf(Int32Array);
    expect(first!.ys).toBeInstanceOf(Int32Array);
    first!.xs[0] = 99;
    expect(second!.xs).not.toBe(first!.xs);
    expect(abc[0]).toBe(0);
  });

  it('rejects bad input with typed codes, at call time', () => {
    expectErrorCode(
      () => statefulStreams([], { batchSize: 1, sequenceLength: 1 }),
      DatasetsError,
      'DATASETS_EMPTY_INPUT',
    );
    expectErrorCode(
      () => statefulStreams([1, 2, 3], { batchSize: 2, sequenceLength: 1 }),
      DatasetsError,
      'DATASETS_TOO_SHORT',
    );
    expectErrorCode(
      () => statefulStreams(abc, { batchSize: 4, sequenceLength: 6 }),
      DatasetsError,
      'DATASETS_TOO_SHORT',
    );
    expect(countStatefulBatches(abc, { batchSize: 4, sequenceLength: 6, dropRemainder: false })).toBe(1);
    expectErrorCode(
      () => countStatefulBatches(abc, { batchSize: 0, sequenceLength: 6 }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    for (const input of [[[1, 2]], 'abcdef', [1, null, 2, 3], [1, 2, -3, 4]]) {
      expectErrorCode(
        () => statefulStreams(input as number[], { batchSize: 1, sequenceLength: 1 }),
        DatasetsError,
        'DATASETS_INVALID_INPUT',
      );
    }
  });

  const caseArb = fc
    .record({
      ids: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 2, maxLength: 120 }),
      batchSize: fc.integer({ min: 1, max: 6 }),
      sequenceLength: fc.integer({ min: 1, max: 10 }),
      dropRemainder: fc.boolean(),
    })
    .filter(({ ids, batchSize, sequenceLength, dropRemainder }) => {
      const streamLength = Math.floor(ids.length / batchSize);
      return streamLength - 1 >= (dropRemainder ? sequenceLength : 1);
    });

  it('property: row j across batches is a contiguous corpus slice, and ys continue across batches', () => {
    fc.assert(
      fc.property(caseArb, ({ ids, ...options }) => {
        const { batchSize, sequenceLength } = options;
        const batches = [...statefulStreams(ids, options)];
        const streamLength = Math.floor(ids.length / batchSize);
        for (let j = 0; j < batchSize; j++) {
          const xs = streamOf(batches, j, 'xs');
          const ys = streamOf(batches, j, 'ys');
          // Stream j starts at j·S and the rows of consecutive batches join without gaps.
          expect(xs).toEqual(ids.slice(j * streamLength, j * streamLength + xs.length));
          expect(ys).toEqual(ids.slice(j * streamLength + 1, j * streamLength + 1 + ys.length));
          expect(j * streamLength + ys.length + 1).toBeLessThanOrEqual((j + 1) * streamLength);
        }
        for (let i = 0; i + 1 < batches.length; i++) {
          const [current, next] = [batches[i]!, batches[i + 1]!];
          expect(current.shape).toEqual([batchSize, sequenceLength]);
          for (let j = 0; j < batchSize; j++) {
            // The last target of row j is the first input of row j in the next batch.
            expect(current.ys[j * sequenceLength + sequenceLength - 1]).toBe(next.xs[j * next.shape[1]]);
          }
        }
      }),
    );
  });

  it('property: positions — every input is the id right before its target, streams never overlap', () => {
    fc.assert(
      fc.property(caseArb, ({ ids, ...options }) => {
        const positions = Array.from({ length: ids.length }, (_, k) => k); // ids that name their offset
        const batches = [...statefulStreams(positions, options)];
        const streamLength = Math.floor(ids.length / options.batchSize);
        const seen = new Set<number>();
        for (const { xs, ys, shape } of batches) {
          expect(xs.length).toBe(shape[0] * shape[1]);
          expect(shape[0]).toBe(options.batchSize);
          for (let k = 0; k < xs.length; k++) {
            expect(ys[k]).toBe(xs[k]! + 1);
            expect(Math.floor(xs[k]! / streamLength)).toBe(Math.floor(k / shape[1])); // row j reads stream j
            expect(Math.floor(ys[k]! / streamLength)).toBe(Math.floor(k / shape[1]));
            expect(seen.has(xs[k]!)).toBe(false);
            seen.add(xs[k]!);
          }
        }
      }),
    );
  });

  it('property: the count matches iteration and PyTorch range(0, S - 1, bptt)', () => {
    fc.assert(
      fc.property(caseArb, ({ ids, ...options }) => {
        const streamLength = Math.floor(ids.length / options.batchSize);
        let pytorch = 0;
        for (let i = 0; i < streamLength - 1; i += options.sequenceLength) {
          if (
            !options.dropRemainder ||
            Math.min(options.sequenceLength, streamLength - 1 - i) === options.sequenceLength
          ) {
            pytorch++;
          }
        }
        expect(countStatefulBatches(ids, options)).toBe(pytorch);
        expect([...statefulStreams(ids, options)].length).toBe(pytorch);
      }),
    );
  });
});
