import { describe, expect, it } from 'vitest';
import { CHI_SQUARE_CRITICAL_0_001, chiSquare } from '../test/support.js';
import { SamplingError } from './errors.js';
import { SeededRandom } from './random.js';

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
    expect(chiSquare(counts, new Array(10).fill(0.1))).toBeLessThan(CHI_SQUARE_CRITICAL_0_001[9]!);
  });

  it('rejects non-integer seeds and malformed states', () => {
    for (const seed of [1.5, Number.NaN, Number.POSITIVE_INFINITY, '1']) {
      expect(() => new SeededRandom(seed as number)).toThrow(SamplingError);
    }
    for (const state of [
      [0, 0, 0, 0],
      [1, 2, 3],
      [1, 2, 3, -1],
      [1, 2, 3, 2 ** 32],
    ]) {
      let thrown: unknown;
      try {
        SeededRandom.fromState(state);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(SamplingError);
      expect((thrown as SamplingError).code).toBe('SAMPLING_INVALID_OPTION');
    }
  });
});
