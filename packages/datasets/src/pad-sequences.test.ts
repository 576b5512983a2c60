import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { DenseMatrix } from './dense-matrix.js';
import type { DatasetsErrorCode } from './errors.js';
import { DatasetsError } from './errors.js';
import {
  DEFAULT_PAD_SEQUENCES_OPTIONS,
  type PadSequencesOptions,
  padSequences,
  resolvePadSequencesOptions,
} from './pad-sequences.js';
import { MAX_CELLS } from './size-limit.js';

/** One case written by scripts/make_keras_fixtures.py. */
interface KerasPadCase {
  readonly name: string;
  readonly sequences: number[][];
  readonly kwargs: {
    readonly maxlen?: number | null;
    readonly padding?: 'pre' | 'post';
    readonly truncating?: 'pre' | 'post';
    readonly value?: number;
    readonly dtype?: 'int32' | 'float32';
  };
  readonly expected?: { readonly shape: [number, number]; readonly dtype: string; readonly rows: number[][] };
  readonly error?: { readonly keras: string; readonly code: DatasetsErrorCode };
}

const fixture = JSON.parse(
  readFileSync(join(import.meta.dirname, '../test/fixtures/keras/pad-sequences.json'), 'utf8'),
) as { readonly cases: KerasPadCase[] };

describe('padSequences: Keras parity (fixtures from keras_preprocessing 1.1.0)', () => {
  it('covers the cases the brief asks for', () => {
    const names = fixture.cases.map((c) => c.name);
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const padding of ['pre', 'post']) {
      for (const truncating of ['pre', 'post']) {
        for (const size of ['smaller', 'larger', 'none']) {
          expect(names).toContain(`maxlen_${size}_pad_${padding}_trunc_${truncating}`);
        }
      }
    }
    expect(names).toEqual(
      expect.arrayContaining([
        'value_minus_one',
        'value_half_float32',
        'empty_inner_sequences',
        'maxlen_zero_truncating_pre',
        'no_sequences_without_maxlen',
        'tokenizer_batch_defaults',
      ]),
    );
  });

  it.each(fixture.cases.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    // The fixtures hold Keras' keyword arguments; rnnkit spells maxlen maxLength.
    const { maxlen, ...rest } = c.kwargs;
    const options: PadSequencesOptions = { ...rest, maxLength: maxlen };
    if (c.error) {
      expectErrorCode(() => padSequences(c.sequences, options), DatasetsError, c.error.code);
      return;
    }
    const result = padSequences(c.sequences, options);
    expect(result.shape).toEqual(c.expected!.shape);
    expect(result.dtype).toBe(c.expected!.dtype);
    expect(result.data).toBeInstanceOf(c.expected!.dtype === 'int32' ? Int32Array : Float32Array);
    // Exact equality: float32 fixtures hold the float32 values widened to float64.
    expect(result.rows()).toEqual(c.expected!.rows);
  });
});

describe('padSequences', () => {
  beforeAll(async () => {
    await tf.setBackend('cpu');
  });

  it('pins the documented defaults (Keras defaults)', () => {
    expect(DEFAULT_PAD_SEQUENCES_OPTIONS).toEqual({
      maxLength: null,
      padding: 'pre',
      truncating: 'pre',
      value: 0,
      dtype: 'int32',
    });
    expect(resolvePadSequencesOptions()).toEqual(DEFAULT_PAD_SEQUENCES_OPTIONS);
    expect(resolvePadSequencesOptions({ maxLength: undefined, value: undefined })).toEqual(
      DEFAULT_PAD_SEQUENCES_OPTIONS,
    );
  });

  it('returns a DenseMatrix whose types follow dtype', () => {
    const ints = padSequences([[1, 2], [3]]);
    const floats = padSequences([[1, 2], [3]], { dtype: 'float32', value: 0.25 });
    expect(ints).toBeInstanceOf(DenseMatrix);
    expect(ints.data).toEqual(new Int32Array([1, 2, 0, 3]));
    expect(floats.data).toEqual(new Float32Array([1, 2, 0.25, 3]));
    expect(Array.from(ints.row(1))).toEqual([0, 3]);
    expect(Object.isFrozen(ints.shape)).toBe(true);
  });

  it('accepts typed arrays and leaves its inputs untouched', () => {
    const sequences = [new Int32Array([5, 6, 7]), [8]];
    const result = padSequences(sequences, { maxLength: 2 });
    expect(result.rows()).toEqual([
      [6, 7],
      [0, 8],
    ]);
    expect(Array.from(sequences[0]!)).toEqual([5, 6, 7]);
  });

  it('makes a tfjs tensor2d from data and shape without conversion', () => {
    const padded = padSequences([[1, 2, 3], [4]], { padding: 'post' });
    const before = tf.memory().numTensors;
    const tensor = tf.tensor2d(padded.data, padded.shape, padded.dtype);
    expect(tensor.dtype).toBe('int32');
    expect(tensor.shape).toEqual([2, 3]);
    expect(tensor.arraySync()).toEqual(padded.rows());
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('rejects bad options with DATASETS_INVALID_OPTION', () => {
    const bad: unknown[] = [
      { padding: 'middle' },
      { truncating: 'both' },
      { padding: 'PRE' },
      { maxLength: -1 },
      { maxLength: 2.5 },
      { maxLength: '3' },
      { value: Number.NaN },
      { value: 2 ** 31 },
      { dtype: 'float64' },
      { max_len: 3 },
      'pre',
      null,
    ];
    for (const options of bad) {
      expectErrorCode(
        () => padSequences([[1]], options as PadSequencesOptions),
        DatasetsError,
        'DATASETS_INVALID_OPTION',
      );
    }
    // Unlike Keras, bad padding is reported even when there is nothing to pad.
    expectErrorCode(
      () => padSequences([[]], { padding: 'foo' as 'pre' }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  it('rejects bad input with DATASETS_INVALID_INPUT', () => {
    const bad: unknown[] = [
      'abc',
      [[1], 'ab'],
      [[1, Number.NaN]],
      [[[1, 2]]],
      [null],
      [[2 ** 31]],
      { length: 1 },
    ];
    for (const sequences of bad) {
      expectErrorCode(() => padSequences(sequences as number[][]), DatasetsError, 'DATASETS_INVALID_INPUT');
    }
    // float32 takes values beyond the int32 range.
    expect(padSequences([[2 ** 31]], { dtype: 'float32' }).rows()).toEqual([[2 ** 31]]);
  });

  it('has rows of maxLength holding the kept end (or start) of every sequence (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.array(fc.integer({ min: 1, max: 1000 }), { maxLength: 12 }), {
          minLength: 1,
          maxLength: 8,
        }),
        fc.option(fc.integer({ min: 1, max: 15 }), { nil: null }),
        fc.constantFrom('pre', 'post'),
        fc.constantFrom('pre', 'post'),
        (sequences, maxLength, padding, truncating) => {
          const result = padSequences(sequences, { maxLength, padding, truncating });
          const width = maxLength ?? Math.max(...sequences.map((s) => s.length));
          expect(result.shape).toEqual([sequences.length, width]);
          result.rows().forEach((row, i) => {
            const sequence = sequences[i]!;
            const kept = truncating === 'pre' ? sequence.slice(-width) : sequence.slice(0, width);
            const values = row.filter((v) => v !== 0); // ids are ≥ 1, so 0 is padding
            expect(values).toEqual(width === 0 ? [] : kept);
            const padLength = width - kept.length;
            const padded = padding === 'pre' ? row.slice(0, padLength) : row.slice(width - padLength);
            expect(padded.every((v) => v === 0)).toBe(true);
          });
        },
      ),
    );
  });
});

describe('padSequences size limit', () => {
  it('issue 13 #13: 1e10 cells are DATASETS_TOO_LARGE (size asked for and the limit) instead of a bare RangeError', () => {
    const error = expectErrorCode(
      () => padSequences([[1], [2]], { maxLength: 5e9 }),
      DatasetsError,
      'DATASETS_TOO_LARGE',
    );
    expect(error.message).toContain(String(MAX_CELLS));
    // Without maxLength the longest sequence sets the width; a sparse array claims a huge length.
    const long = [] as number[];
    long.length = 3e9;
    expectErrorCode(() => padSequences([[1], long]), DatasetsError, 'DATASETS_INVALID_INPUT');
  });

  it('an empty list may ask for any row length up to the limit (no cells)', () => {
    expect(padSequences([[1]], { maxLength: 3 }).shape).toEqual([1, 3]);
    expect(padSequences([], { maxLength: MAX_CELLS }).shape).toEqual([0, MAX_CELLS]);
  });
});
