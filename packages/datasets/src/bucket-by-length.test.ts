import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type BucketByLengthOptions,
  bucketByLength,
  DEFAULT_BUCKET_BY_LENGTH_OPTIONS,
  type LengthBucket,
  measureBucketPadding,
  resolveBucketByLengthOptions,
} from './bucket-by-length.js';
import { DatasetsError } from './errors.js';

// The elements of tf.data.experimental.bucket_by_sequence_length's docstring examples.
const TF_DOC_ELEMENTS = [[0], [1, 2, 3, 4], [5, 6, 7], [7, 8, 9, 10, 11], [13, 14, 15, 16, 19, 20], [21, 22]];

const summarize = (batches: Iterable<LengthBucket>) =>
  [...batches].map(({ bucket, indices, padded }) => ({ bucket, indices, rows: padded.rows() }));

describe('bucketByLength: the tf.data docstring examples', () => {
  it('buckets [0, 3), [3, 5), [5, ∞) with batch size 2, padding to the longest in each batch', () => {
    const batches = bucketByLength(TF_DOC_ELEMENTS, { boundaries: [3, 5], batchSizes: [2, 2, 2] });
    expect(summarize(batches)).toEqual([
      {
        bucket: 1,
        indices: [1, 2],
        rows: [
          [1, 2, 3, 4],
          [5, 6, 7, 0],
        ],
      },
      {
        bucket: 2,
        indices: [3, 4],
        rows: [
          [7, 8, 9, 10, 11, 0],
          [13, 14, 15, 16, 19, 20],
        ],
      },
      {
        bucket: 0,
        indices: [0, 5],
        rows: [
          [0, 0],
          [21, 22],
        ],
      },
    ]);
  });

  it('pads to the bucket boundary − 1 with padValue -1', () => {
    const options = { boundaries: [4, 7], batchSizes: [2, 2, 2], padToBucketBoundary: true, padValue: -1 };
    expect(summarize(bucketByLength(TF_DOC_ELEMENTS, options)).map((b) => b.rows)).toEqual([
      [
        [0, -1, -1],
        [5, 6, 7],
      ],
      [
        [1, 2, 3, 4, -1, -1],
        [7, 8, 9, 10, 11, -1],
      ],
      [[21, 22, -1]],
      [[13, 14, 15, 16, 19, 20]],
    ]);
    // With drop_remainder, only the two full batches are left.
    expect(summarize(bucketByLength(TF_DOC_ELEMENTS, { ...options, dropRemainder: true })).length).toBe(2);
  });
});

describe('bucketByLength', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_BUCKET_BY_LENGTH_OPTIONS).toEqual({
      padValue: 0,
      padToBucketBoundary: false,
      dropRemainder: false,
      dtype: 'int32',
    });
    expect(resolveBucketByLengthOptions({ boundaries: [2], batchSizes: [1, 1] })).toEqual({
      ...DEFAULT_BUCKET_BY_LENGTH_OPTIONS,
      boundaries: [2],
      batchSizes: [1, 1],
    });
  });

  it('reads its input lazily, one sequence per step', () => {
    const pulled: number[] = [];
    function* source() {
      for (let i = 0; i < 100; i++) {
        pulled.push(i);
        yield [i + 1];
      }
    }
    const batches = bucketByLength(source(), { boundaries: [5], batchSizes: [3, 3] });
    expect(pulled).toEqual([]);
    expect(batches.next().value?.indices).toEqual([0, 1, 2]);
    expect(pulled).toEqual([0, 1, 2]);
  });

  it('writes float32 batches and keeps empty sequences', () => {
    const [batch] = bucketByLength([[], [0.5]], {
      boundaries: [3],
      batchSizes: [2, 2],
      dtype: 'float32',
      padValue: 9,
    });
    expect(batch!.padded.dtype).toBe('float32');
    expect(batch!.padded.rows()).toEqual([[9], [0.5]]);
    expect(batch!.lengths).toEqual([0, 1]);
  });

  it('measures the padding it saves against padding everything to the longest', () => {
    const sequences = [[1], [2], [3, 3, 3, 3, 3, 3, 3, 3], [4]];
    const report = measureBucketPadding([
      ...bucketByLength(sequences, { boundaries: [4], batchSizes: [3, 3] }),
    ]);
    expect(report).toEqual({
      sequences: 4,
      tokens: 11,
      cells: 11, // [3, 1] + [1, 8]
      paddingCells: 0,
      maxLength: 8,
      cellsAtMaxLength: 32,
      savedCells: 21,
      savedFraction: 21 / 32,
    });
    expect(measureBucketPadding([]).savedFraction).toBe(0);
    expectErrorCode(
      () => measureBucketPadding(null as unknown as LengthBucket[]),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => measureBucketPadding([{}] as LengthBucket[]),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
  });

  it('rejects bad options at the call with DATASETS_INVALID_OPTION', () => {
    const bad: unknown[] = [
      { boundaries: [5, 3], batchSizes: [1, 1, 1] },
      { boundaries: [3, 3], batchSizes: [1, 1, 1] },
      { boundaries: [0, 3], batchSizes: [1, 1, 1] },
      { boundaries: [2.5], batchSizes: [1, 1] },
      { boundaries: [3], batchSizes: [1] },
      { boundaries: [3], batchSizes: [1, 1, 1] },
      { boundaries: [3], batchSizes: [0, 1] },
      { boundaries: [3], batchSizes: [1, -2] },
      { boundaries: [3], batchSizes: [1, 1.5] },
      { boundaries: 3, batchSizes: [1, 1] },
      { batchSizes: [1] },
      { boundaries: [3] },
      { boundaries: [3], batchSizes: [1, 1], padValue: Number.NaN },
      { boundaries: [3], batchSizes: [1, 1], padToBucketBoundary: 'yes' },
      { boundaries: [3], batchSizes: [1, 1], dropRemainder: 1 },
      { boundaries: [3], batchSizes: [1, 1], dtype: 'int64' },
      { boundaries: [3], batchSizes: [1, 1], bucket_boundaries: [3] },
      null,
    ];
    for (const options of bad) {
      expectErrorCode(
        () => bucketByLength([[1]], options as BucketByLengthOptions),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
    }
  });

  it('rejects bad input with DATASETS_INVALID_INPUT (the iterable at the call, elements when reached)', () => {
    const options = { boundaries: [3], batchSizes: [2, 2] };
    expectErrorCode(
      () => bucketByLength(42 as unknown as number[][], options),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => bucketByLength('abc' as unknown as number[][], options),
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => [...bucketByLength([[1], 'ab' as unknown as number[]], options)],
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => [...bucketByLength([[1, Number.NaN]], options)],
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(() => [...bucketByLength([[2 ** 31]], options)], DatasetsError, 'DATASETS_INVALID_INPUT');
    expectErrorCode(
      () => [...bucketByLength([[1, 2, 3]], { ...options, padToBucketBoundary: true })],
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
  });

  const bucketingCase = fc
    .array(fc.integer({ min: 1, max: 30 }), { minLength: 0, maxLength: 5 })
    .chain((raw) => {
      const boundaries = [...new Set(raw)].sort((a, b) => a - b);
      return fc.record({
        boundaries: fc.constant(boundaries),
        batchSizes: fc.array(fc.integer({ min: 1, max: 6 }), {
          minLength: boundaries.length + 1,
          maxLength: boundaries.length + 1,
        }),
        sequences: fc.array(fc.array(fc.integer({ min: 1, max: 99 }), { maxLength: 35 }), { maxLength: 40 }),
        padValue: fc.integer({ min: -1, max: 0 }),
      });
    });

  it('yields every sequence once, untruncated, in rectangular batches no larger than the bucket size (property)', () => {
    fc.assert(
      fc.property(bucketingCase, ({ boundaries, batchSizes, sequences, padValue }) => {
        const seen = new Array<number>(sequences.length).fill(0);
        for (const { bucket, padded, indices, lengths } of bucketByLength(sequences, {
          boundaries,
          batchSizes,
          padValue,
        })) {
          const [rows, width] = padded.shape;
          expect(padded.data.length).toBe(rows * width);
          expect(rows).toBe(indices.length);
          expect(rows).toBeGreaterThan(0);
          expect(rows).toBeLessThanOrEqual(batchSizes[bucket]!);
          expect(width).toBe(Math.max(...lengths));
          padded.rows().forEach((row, r) => {
            const original = sequences[indices[r]!]!;
            seen[indices[r]!]!++;
            expect(lengths[r]).toBe(original.length);
            expect(row.slice(0, original.length)).toEqual(original);
            expect(row.slice(original.length).every((v) => v === padValue)).toBe(true);
            expect(original.length >= (boundaries[bucket - 1] ?? 0)).toBe(true);
            expect(original.length < (boundaries[bucket] ?? Number.POSITIVE_INFINITY)).toBe(true);
          });
          for (let r = 1; r < indices.length; r++) expect(indices[r]).toBeGreaterThan(indices[r - 1]!);
        }
        expect(seen.every((count) => count === 1)).toBe(true);
      }),
    );
  });

  it('with dropRemainder yields only full batches; with padToBucketBoundary, one width per bucket (property)', () => {
    fc.assert(
      fc.property(bucketingCase, ({ boundaries, batchSizes, sequences }) => {
        for (const { bucket, padded } of bucketByLength(sequences, {
          boundaries,
          batchSizes,
          dropRemainder: true,
        })) {
          expect(padded.shape[0]).toBe(batchSizes[bucket]);
        }
        if (boundaries.length === 0) return;
        const fitting = sequences.filter((s) => s.length < boundaries.at(-1)!);
        const batches = [...bucketByLength(fitting, { boundaries, batchSizes, padToBucketBoundary: true })];
        for (const { bucket, padded } of batches) expect(padded.shape[1]).toBe(boundaries[bucket]! - 1);
        const report = measureBucketPadding(batches);
        expect(report.sequences).toBe(fitting.length);
        expect(report.tokens).toBe(fitting.reduce((sum, s) => sum + s.length, 0));
      }),
    );
  });

  it('never pads more than padding everything to the longest, without padToBucketBoundary (property)', () => {
    fc.assert(
      fc.property(bucketingCase, ({ boundaries, batchSizes, sequences }) => {
        const report = measureBucketPadding(bucketByLength(sequences, { boundaries, batchSizes }));
        expect(report.savedCells).toBeGreaterThanOrEqual(0);
        expect(report.paddingCells).toBe(report.cells - report.tokens);
        expect(report.cellsAtMaxLength).toBe(
          sequences.length * Math.max(0, ...sequences.map((s) => s.length)),
        );
      }),
    );
  });
});

describe('bucketByLength degenerate options', () => {
  it('rejects padToBucketBoundary without boundaries at the call (it used to fail each sequence naming boundary undefined)', () => {
    expectErrorCode(
      () => bucketByLength([[1]], { boundaries: [], batchSizes: [1], padToBucketBoundary: true }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  it('with no boundaries at all, makes one bucket (and ends)', () => {
    const batches = [...bucketByLength([[1], [2, 3], [4]], { boundaries: [], batchSizes: [2] })];
    expect(batches.map((batch) => batch.indices)).toEqual([[0, 1], [2]]);
  });

  it('issue 13 #13: a batch wider than MAX_CELLS is DATASETS_TOO_LARGE', () => {
    const long = [] as number[];
    long.length = 2 ** 30;
    // A sparse array is not a sequence of numbers: rejected before any allocation.
    expectErrorCode(
      () => [...bucketByLength([long], { boundaries: [], batchSizes: [1] })],
      DatasetsError,
      'DATASETS_INVALID_INPUT',
    );
    expectErrorCode(
      () => [
        ...bucketByLength([[1], [2], [3]], {
          boundaries: [2 ** 30],
          batchSizes: [3, 1],
          padToBucketBoundary: true,
        }),
      ],
      DatasetsError,
      'DATASETS_TOO_LARGE',
    );
  });
});
