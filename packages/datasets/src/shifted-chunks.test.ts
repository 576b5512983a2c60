import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import {
  countShiftedChunks,
  DEFAULT_SHIFTED_CHUNK_OPTIONS,
  resolveShiftedChunkOptions,
  type ShiftedChunk,
  type ShiftedChunkOptions,
  shiftedChunks,
} from './shifted-chunks.js';

const plain = (chunks: Iterable<ShiftedChunk>) =>
  [...chunks].map(({ xs, ys, start }) => ({ xs: [...xs], ys: [...ys], start }));

describe('resolveShiftedChunkOptions', () => {
  it('has no defaults: length is required', () => {
    expect(DEFAULT_SHIFTED_CHUNK_OPTIONS).toEqual({});
    expect(resolveShiftedChunkOptions({ sequenceLength: 5 })).toEqual({ sequenceLength: 5 });
    for (const options of [
      {},
      { sequenceLength: 0 },
      { sequenceLength: -1 },
      { sequenceLength: 1.5 },
      { sequenceLength: 3, stride: 2 },
      null,
    ]) {
      expectErrorCode(
        () => resolveShiftedChunkOptions(options as ShiftedChunkOptions),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
    }
  });
});

describe('shiftedChunks', () => {
  it('splits chunks of length + 1 into xs and ys, dropping the remainder (hand-computed)', () => {
    expect(plain(shiftedChunks([1, 2, 3, 4, 5, 6, 7, 8, 9], { sequenceLength: 3 }))).toEqual([
      { xs: [1, 2, 3], ys: [2, 3, 4], start: 0 },
      { xs: [5, 6, 7], ys: [6, 7, 8], start: 4 },
    ]);
    // The TensorFlow tutorial's split_input_target(list("Tensorflow")).
    const text = [...'Tensorflow'].map((c) => c.charCodeAt(0));
    const [chunk] = plain(shiftedChunks(text, { sequenceLength: 9 }));
    expect(String.fromCharCode(...chunk!.xs)).toBe('Tensorflo');
    expect(String.fromCharCode(...chunk!.ys)).toBe('ensorflow');
  });

  it('matches the tutorial count for Shakespeare (1 115 394 characters, seq_length 100)', () => {
    expect(countShiftedChunks(new Uint8Array(1_115_394), { sequenceLength: 100 })).toBe(11_043);
  });

  it('yields fresh int32 arrays and leaves the corpus alone', () => {
    const ids = Int32Array.of(1, 2, 3, 4, 5, 6);
    const chunks = [...shiftedChunks(ids, { sequenceLength: 2 })];
    expect(chunks[0]!.xs).toBeInstanceOf(Int32Array);
    chunks[0]!.xs[0] = 42;
    chunks[0]!.ys[0] = 42;
    expect([...ids]).toEqual([1, 2, 3, 4, 5, 6]);
    expect(chunks[0]!.ys[1]).toBe(3);
  });

  it('rejects bad input with typed codes, at call time', () => {
    expectErrorCode(() => shiftedChunks([], { sequenceLength: 2 }), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(() => shiftedChunks([1, 2], { sequenceLength: 2 }), DatasetsError, 'DATASETS_TOO_SHORT');
    expectErrorCode(
      () => countShiftedChunks([1, 2], { sequenceLength: 2 }),
      DatasetsError,
      'DATASETS_TOO_SHORT',
    );
    expectErrorCode(
      () => shiftedChunks([1, 2, 3], { sequenceLength: 0 }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    for (const input of [
      [[1, 2, 3]],
      'abc',
      [1, '2', 3],
      [0.5, 1, 2],
      [1, Number.POSITIVE_INFINITY, 3],
      undefined,
    ]) {
      expectErrorCode(
        () => shiftedChunks(input as number[], { sequenceLength: 2 }),
        DatasetsError,
        'DATASETS_INVALID_INPUT',
      );
    }
  });

  it('property: count, contents and order match the tf.data pipeline', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 500 }), { minLength: 1, maxLength: 80 }),
        fc.integer({ min: 1, max: 12 }),
        (ids, length) => {
          fc.pre(ids.length >= length + 1);
          const chunks = plain(shiftedChunks(ids, { sequenceLength: length }));
          expect(chunks.length).toBe(Math.floor(ids.length / (length + 1)));
          expect(countShiftedChunks(ids, { sequenceLength: length })).toBe(chunks.length);
          chunks.forEach(({ xs, ys, start }, k) => {
            const chunk = ids.slice(k * (length + 1), (k + 1) * (length + 1));
            expect(start).toBe(k * (length + 1));
            expect(xs).toEqual(chunk.slice(0, -1));
            expect(ys).toEqual(chunk.slice(1));
          });
          // Chunks tile the corpus without overlap; only the remainder is left out.
          const tiled = chunks.flatMap(({ xs, ys }) => [...xs, ys.at(-1)!]);
          expect(tiled).toEqual(ids.slice(0, chunks.length * (length + 1)));
          expect(ids.length - tiled.length).toBeLessThan(length + 1);
        },
      ),
    );
  });
});
