import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { SamplingError } from './errors.js';
import { logSoftmax, softmax } from './softmax.js';
import { topIndices } from './top-indices.js';

describe('topIndices', () => {
  it('returns the k largest, largest first, lower index first on ties, skipping -Infinity', () => {
    expect([...topIndices([0.1, 3, 3, -1], 2)]).toEqual([1, 2]);
    expect([...topIndices([5, 1, 5, 9], 3)]).toEqual([3, 0, 2]);
    expect([...topIndices([Number.NEGATIVE_INFINITY, 1], 2)]).toEqual([1]);
    expect([...topIndices([1, 2], 0)]).toEqual([]);
    expectErrorCode(() => topIndices([1, 2], 1.5), SamplingError, 'SAMPLING_INVALID_OPTION');
    expectErrorCode(() => topIndices('12' as never, 1), SamplingError, 'SAMPLING_INVALID_INPUT');
  });

  it('equals a stable sort by descending value (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -5, max: 5 }), { maxLength: 50 }),
        fc.integer({ min: 0, max: 60 }),
        (values, k) => {
          const sorted = [...values.keys()].sort((a, b) => values[b]! - values[a]! || a - b).slice(0, k);
          expect([...topIndices(values, k)]).toEqual(sorted);
        },
      ),
    );
  });

  it('rejects NaN and non-numbers, which have no rank', () => {
    expectErrorCode(() => topIndices([Number.NaN, 1, 2], 2), SamplingError, 'SAMPLING_INVALID_INPUT');
    expectErrorCode(() => topIndices([1, 'x', 2] as never, 2), SamplingError, 'SAMPLING_INVALID_INPUT');
  });
});

describe('softmax and logSoftmax', () => {
  it('match hand-computed values', () => {
    expect([...softmax([0, Math.log(3)])].map((p) => +p.toFixed(12))).toEqual([0.25, 0.75]);
    expect([...softmax([1000, 1000, Number.NEGATIVE_INFINITY])]).toEqual([0.5, 0.5, 0]);
    const logs = logSoftmax([0, 0, Number.NEGATIVE_INFINITY]);
    expect(logs[0]).toBeCloseTo(-Math.LN2, 12);
    expect(logs[2]).toBe(Number.NEGATIVE_INFINITY);
  });

  it('reject NaN, +Infinity and fully masked rows', () => {
    expectErrorCode(() => softmax([Number.NaN]), SamplingError, 'SAMPLING_INVALID_INPUT');
    expectErrorCode(() => logSoftmax([Number.POSITIVE_INFINITY]), SamplingError, 'SAMPLING_INVALID_INPUT');
    expectErrorCode(() => softmax([Number.NEGATIVE_INFINITY]), SamplingError, 'SAMPLING_INVALID_INPUT');
    expectErrorCode(() => softmax(null as never), SamplingError, 'SAMPLING_INVALID_INPUT');
  });

  it('reject empty rows and plain arrays holding non-numbers (no silent string arithmetic)', () => {
    expectErrorCode(() => softmax([]), SamplingError, 'SAMPLING_INVALID_INPUT');
    expectErrorCode(() => softmax(['1', '2'] as never), SamplingError, 'SAMPLING_INVALID_INPUT');
    expectErrorCode(() => logSoftmax([undefined, 1] as never), SamplingError, 'SAMPLING_INVALID_INPUT');
  });
});
