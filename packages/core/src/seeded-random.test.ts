import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CoreError } from './errors.js';
import { SeededRandom } from './seeded-random.js';

/** Pearson's χ² of observed `counts` against equal expected shares. */
function chiSquareUniform(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}
/** χ² critical value at p = 0.001 for 9 degrees of freedom. */
const CHI_SQUARE_9_DOF_0_001 = 27.877;

describe('SeededRandom', () => {
  it('is xoshiro128**: matches the reference C implementation', () => {
    // Outputs of Blackman & Vigna's xoshiro128starstar.c from s = {1, 2, 3, 4}.
    const random = SeededRandom.fromState([1, 2, 3, 4]);
    expect(Array.from({ length: 6 }, () => random.nextUint32())).toEqual([
      11520, 0, 5927040, 70819200, 2031721883, 1637235492,
    ]);
    const other = SeededRandom.fromState([0x9e3779b9, 0xdeadbeef, 0xffffffff, 0x12345678]);
    for (let i = 0; i < 1000; i++) other.nextUint32();
    expect(other.nextUint32()).toBe(3806908810);
  });

  it('repeats a sequence for the same seed, differs across seeds, and resumes from its state', () => {
    const draw = (random: SeededRandom) => Array.from({ length: 20 }, () => random.nextFloat());
    expect(draw(new SeededRandom(7))).toEqual(draw(new SeededRandom(7)));
    expect(draw(new SeededRandom(7))).not.toEqual(draw(new SeededRandom(8)));
    expect(draw(new SeededRandom(-1))).not.toEqual(draw(new SeededRandom(2 ** 32 - 1)));
    expect(draw(new SeededRandom(2 ** 40))).not.toEqual(draw(new SeededRandom(0)));
    const random = new SeededRandom(3);
    draw(random);
    const resumed = SeededRandom.fromState(random.state);
    expect(draw(resumed)).toEqual(draw(random));
  });

  it('gives floats in [0, 1) that pass a chi-square uniformity test (10 bins, 20,000 draws)', () => {
    const random = new SeededRandom(2024);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) {
      const x = random.nextFloat();
      expect(x).toBeGreaterThanOrEqual(0);
      expect(x).toBeLessThan(1);
      counts[Math.floor(x * 10)]! += 1;
    }
    expect(chiSquareUniform(counts)).toBeLessThan(CHI_SQUARE_9_DOF_0_001);
  });

  it('nextInt is uniform over [0, n) without modulo bias, also above 2^32', () => {
    const random = new SeededRandom(11);
    const counts = new Array<number>(10).fill(0);
    for (let i = 0; i < 20_000; i++) counts[random.nextInt(10)]! += 1;
    expect(chiSquareUniform(counts)).toBeLessThan(CHI_SQUARE_9_DOF_0_001);
    // 3·2^31 leaves a 2^31 remainder: a plain modulo would put 2/3 of the draws below 2^31.
    const n = 3 * 2 ** 31;
    let below = 0;
    for (let i = 0; i < 6000; i++) if (random.nextInt(n) < 2 ** 31) below += 1;
    expect(below / 6000).toBeCloseTo(1 / 3, 1);
    const wide = random.nextInt(2 ** 40);
    expect(Number.isInteger(wide) && wide >= 0 && wide < 2 ** 40).toBe(true);
  });

  it('shuffleInPlace returns a permutation of its input, the same for the same seed', () => {
    fc.assert(
      fc.property(fc.array(fc.integer()), fc.integer(), (items, seed) => {
        const shuffled = new SeededRandom(seed).shuffleInPlace([...items]);
        expect([...shuffled].sort((a, b) => a - b)).toEqual([...items].sort((a, b) => a - b));
        expect(new SeededRandom(seed).shuffleInPlace([...items])).toEqual(shuffled);
      }),
    );
  });

  it('every permutation of 3 items is equally likely', () => {
    const random = new SeededRandom(5);
    const counts = new Map<string, number>();
    for (let i = 0; i < 6000; i++) {
      const key = random.shuffleInPlace([0, 1, 2]).join('');
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(6);
    for (const count of counts.values()) expect(Math.abs(count - 1000)).toBeLessThan(130);
  });

  it('rejects non-integer seeds, bad bounds and malformed states with CORE_INVALID_OPTION', () => {
    for (const seed of [1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', 2 ** 60]) {
      expectErrorCode(() => new SeededRandom(seed as number), CoreError, 'CORE_INVALID_OPTION');
    }
    for (const n of [0, -1, 2.5, 2 ** 54]) {
      expectErrorCode(() => new SeededRandom(1).nextInt(n), CoreError, 'CORE_INVALID_OPTION');
    }
    for (const state of [[0, 0, 0, 0], [1, 2, 3], [1, 2, 3, -1], [1, 2, 3, 2 ** 32], 'abc']) {
      expectErrorCode(() => SeededRandom.fromState(state as number[]), CoreError, 'CORE_INVALID_OPTION');
    }
  });
});
