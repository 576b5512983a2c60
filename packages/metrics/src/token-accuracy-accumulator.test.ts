import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MetricsError } from './errors.js';
import { tokenAccuracy } from './sequence-errors.js';
import { TokenAccuracyAccumulator } from './token-accuracy-accumulator.js';

describe('TokenAccuracyAccumulator', () => {
  it('equals tokenAccuracy over all rows, however they are batched', () => {
    const row = fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 1, maxLength: 8 });
    fc.assert(
      fc.property(
        fc.array(
          row.chain((r) =>
            fc.tuple(
              fc.constant(r),
              fc.array(fc.integer({ min: 0, max: 3 }), { minLength: r.length, maxLength: r.length }),
            ),
          ),
          {
            minLength: 1,
            maxLength: 12,
          },
        ),
        fc.nat(),
        (rows, cut) => {
          const refs = rows.map(([r]) => r);
          const preds = rows.map(([, p]) => p);
          fc.pre(refs.some((r) => r.some((t) => t !== 0)));
          const at = cut % (rows.length + 1);
          const acc = new TokenAccuracyAccumulator()
            .update(refs.slice(0, at), preds.slice(0, at))
            .update(refs.slice(at), preds.slice(at));
          expect(acc.result()).toBe(tokenAccuracy(refs, preds));
        },
      ),
    );
  });

  it('accepts all-padding batches but has no result until a real position arrives', () => {
    const acc = new TokenAccuracyAccumulator({ padId: -1 }).update([[-1, -1]], [[3, 4]]);
    expect(acc.counted).toBe(0);
    expect(() => acc.result()).toThrow(MetricsError);
    acc.update([[1, -1]], [[1, 9]]);
    expect(acc.result()).toBe(1);
    expect(() => acc.reset().result()).toThrow(MetricsError);
  });
});
