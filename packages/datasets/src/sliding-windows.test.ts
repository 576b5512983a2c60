import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import {
  countSlidingWindows,
  DEFAULT_SLIDING_WINDOW_OPTIONS,
  resolveSlidingWindowOptions,
  type SlidingWindow,
  type SlidingWindowOptions,
  slidingWindows,
} from './sliding-windows.js';

const plain = (windows: Iterable<SlidingWindow>) =>
  [...windows].map(({ xs, ys, document, start }) => ({ xs: [...xs], ys: [...ys], document, start }));

/** Python's `len(range(0, n - maxlen, step))`, written out as the Keras loop. */
function kerasLoopStarts(n: number, maxlen: number, step: number): number[] {
  const starts: number[] = [];
  for (let i = 0; i < n - maxlen; i += step) starts.push(i);
  return starts;
}

const documentsArb = fc.array(fc.array(fc.integer({ min: 0, max: 1000 }), { maxLength: 30 }), {
  minLength: 1,
  maxLength: 6,
});
const optionsArb = fc.record({
  sequenceLength: fc.integer({ min: 1, max: 8 }),
  stride: fc.integer({ min: 1, max: 5 }),
  target: fc.constantFrom('next' as const, 'sequence' as const),
});
const producesWindows = (documents: number[][], { sequenceLength: length }: { sequenceLength: number }) =>
  documents.some((document) => document.length > length);

describe('resolveSlidingWindowOptions', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_SLIDING_WINDOW_OPTIONS).toEqual({ stride: 1, target: 'next' });
    expect(resolveSlidingWindowOptions({ sequenceLength: 4 })).toEqual({
      sequenceLength: 4,
      stride: 1,
      target: 'next',
    });
    expect(resolveSlidingWindowOptions({ sequenceLength: 4, stride: undefined })).toEqual({
      sequenceLength: 4,
      stride: 1,
      target: 'next',
    });
  });

  it('rejects missing, zero, negative and fractional sizes, unknown targets and unknown keys', () => {
    const bad: unknown[] = [
      {},
      { sequenceLength: 0 },
      { sequenceLength: -3 },
      { sequenceLength: 2.5 },
      { sequenceLength: '4' },
      { sequenceLength: 4, stride: 0 },
      { sequenceLength: 4, stride: -1 },
      { sequenceLength: 4, target: 'previous' },
      { sequenceLength: 4, step: 3 },
      null,
      [],
    ];
    for (const options of bad) {
      expectErrorCode(
        () => resolveSlidingWindowOptions(options as SlidingWindowOptions),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
    }
  });
});

describe('slidingWindows', () => {
  it('cuts next-token windows like the Keras loop (hand-computed)', () => {
    expect(plain(slidingWindows([10, 11, 12, 13, 14], { sequenceLength: 3 }))).toEqual([
      { xs: [10, 11, 12], ys: [13], document: 0, start: 0 },
      { xs: [11, 12, 13], ys: [14], document: 0, start: 1 },
    ]);
  });

  it('includes the last window only when range(0, n - length, stride) reaches it', () => {
    // n = 10, length = 3: valid starts 0…6. stride 3 → 0, 3, 6 (last included); stride 4 → 0, 4.
    const ids = Array.from({ length: 10 }, (_, k) => k);
    expect(plain(slidingWindows(ids, { sequenceLength: 3, stride: 3 })).map((w) => w.start)).toEqual([
      0, 3, 6,
    ]);
    expect(plain(slidingWindows(ids, { sequenceLength: 3, stride: 4 })).map((w) => w.start)).toEqual([0, 4]);
    expect(plain(slidingWindows(ids, { sequenceLength: 3, stride: 3 })).at(-1)).toEqual({
      xs: [6, 7, 8],
      ys: [9],
      document: 0,
      start: 6,
    });
    // The Keras tutorial's own numbers: maxlen 40, step 3.
    expect(countSlidingWindows(new Int32Array(600_893), { sequenceLength: 40, stride: 3 })).toBe(200_285);
  });

  it('yields xs shifted by one as ys with target "sequence", per document', () => {
    expect(
      plain(
        slidingWindows(
          [
            [1, 2, 3],
            [7, 8, 9, 10],
          ],
          { sequenceLength: 2, target: 'sequence' },
        ),
      ),
    ).toEqual([
      { xs: [1, 2], ys: [2, 3], document: 0, start: 0 },
      { xs: [7, 8], ys: [8, 9], document: 1, start: 0 },
      { xs: [8, 9], ys: [9, 10], document: 1, start: 1 },
    ]);
  });

  it('skips documents shorter than length + 1 and accepts typed arrays', () => {
    const windows = plain(
      slidingWindows([new Int32Array([5, 6]), [], Uint16Array.of(1, 2, 3)], { sequenceLength: 2 }),
    );
    expect(windows).toEqual([{ xs: [1, 2], ys: [3], document: 2, start: 0 }]);
  });

  it('returns int32 arrays that are fresh for every window', () => {
    const source = [1, 2, 3, 4, 5, 6];
    const windows = [...slidingWindows(source, { sequenceLength: 2, target: 'sequence' })];
    expect(windows[0]!.xs).toBeInstanceOf(Int32Array);
    expect(windows[0]!.ys).toBeInstanceOf(Int32Array);
    windows[0]!.xs[1] = 99;
    expect(windows[1]!.xs[0]).toBe(2);
    expect(windows[0]!.ys[0]).toBe(2);
    expect(source).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('is lazy: cuts a window only when asked', () => {
    let reads = 0;
    const ids = new Proxy(
      Array.from({ length: 10_000 }, (_, k) => k % 50),
      {
        get(target, key, receiver) {
          if (typeof key === 'string' && /^\d+$/.test(key)) reads++;
          return Reflect.get(target, key, receiver);
        },
      },
    );
    const iterator = slidingWindows(ids, { sequenceLength: 4 });
    const afterValidation = reads;
    iterator.next();
    iterator.next();
    expect(reads - afterValidation).toBe(10); // two windows of 4 inputs + 1 target
  });

  it('validates at call time, not at the first next()', () => {
    expectErrorCode(() => slidingWindows([1, 2], { sequenceLength: 2 }), DatasetsError, 'DATASETS_TOO_SHORT');
  });

  it('rejects empty, non-numeric and non-integer input with typed codes', () => {
    expectErrorCode(() => slidingWindows([], { sequenceLength: 2 }), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(
      () => slidingWindows([[], []], { sequenceLength: 2 }),
      DatasetsError,
      'DATASETS_EMPTY_INPUT',
    );
    expectErrorCode(
      () => slidingWindows(new Int32Array(0), { sequenceLength: 2 }),
      DatasetsError,
      'DATASETS_EMPTY_INPUT',
    );
    const bad: unknown[] = [
      'abc',
      42,
      null,
      [1, 'a', 3],
      [1, Number.NaN],
      [1.5, 2],
      [-1, 2],
      [[1, 2], 3],
      [1, [2]],
    ];
    for (const input of bad) {
      expectErrorCode(
        () => slidingWindows(input as number[], { sequenceLength: 1 }),
        DatasetsError,
        'DATASETS_INVALID_INPUT',
      );
    }
    expectErrorCode(
      () => countSlidingWindows([[1, 2], [3]], { sequenceLength: 2 }),
      DatasetsError,
      'DATASETS_TOO_SHORT',
    );
    expectErrorCode(
      () => countSlidingWindows([1, 2, 3], { sequenceLength: 0 }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  it('property: the count matches iteration and the Keras loop', () => {
    fc.assert(
      fc.property(documentsArb, optionsArb, (documents, options) => {
        fc.pre(producesWindows(documents, options));
        const expected = documents.reduce(
          (sum, document) =>
            sum + kerasLoopStarts(document.length, options.sequenceLength, options.stride).length,
          0,
        );
        expect(countSlidingWindows(documents, options)).toBe(expected);
        expect([...slidingWindows(documents, options)].length).toBe(expected);
      }),
    );
  });

  it('property: every window equals its source slices, stays inside its document, in order', () => {
    fc.assert(
      fc.property(documentsArb, optionsArb, (documents, options) => {
        fc.pre(producesWindows(documents, options));
        const { sequenceLength: length, stride, target } = options;
        const windows = plain(slidingWindows(documents, options));
        const expected = documents.flatMap((document, d) =>
          kerasLoopStarts(document.length, length, stride).map((start) => ({ document: d, start })),
        );
        expect(windows.map(({ document, start }) => ({ document, start }))).toEqual(expected);
        for (const { xs, ys, document, start } of windows) {
          const source = documents[document]!;
          expect(start + length + 1).toBeLessThanOrEqual(source.length); // never crosses a boundary
          expect(xs).toEqual(source.slice(start, start + length));
          expect(ys).toEqual(
            target === 'next'
              ? source.slice(start + length, start + length + 1)
              : source.slice(start + 1, start + length + 1),
          );
        }
      }),
    );
  });

  it('property: a flat sequence behaves as a list of one document', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { minLength: 2, maxLength: 40 }), optionsArb, (ids, options) => {
        fc.pre(ids.length > options.sequenceLength);
        expect(plain(slidingWindows(ids, options))).toEqual(plain(slidingWindows([ids], options)));
        expect(plain(slidingWindows(Int32Array.from(ids), options))).toEqual(
          plain(slidingWindows([ids], options)),
        );
      }),
    );
  });

  it('property: too-short corpora throw DATASETS_TOO_SHORT', () => {
    fc.assert(
      fc.property(documentsArb, optionsArb, (documents, options) => {
        fc.pre(!producesWindows(documents, options) && documents.some((document) => document.length > 0));
        expectErrorCode(() => slidingWindows(documents, options), DatasetsError, 'DATASETS_TOO_SHORT');
        expectErrorCode(() => countSlidingWindows(documents, options), DatasetsError, 'DATASETS_TOO_SHORT');
      }),
    );
  });
});
