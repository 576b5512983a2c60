import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from './errors.js';
import { SeededRandom } from './random.js';

describe('SeededRandom', () => {
  it('gives the same sequence for the same seed and a different one for another', () => {
    const draw = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 8 }, () => random.nextInt(1000));
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw(42)).not.toEqual(draw(43));
  });

  it('continues exactly from a saved state', () => {
    const random = new SeededRandom(7);
    random.nextFloat();
    const resumed = new SeededRandom({ state: random.state });
    expect(Array.from({ length: 5 }, () => resumed.nextInt(100))).toEqual(
      Array.from({ length: 5 }, () => random.nextInt(100)),
    );
  });

  it('draws integers in range and shuffles to a permutation', () => {
    fc.assert(
      fc.property(fc.integer(), fc.integer({ min: 1, max: 50 }), (seed, n) => {
        const random = new SeededRandom(seed);
        for (let i = 0; i < 20; i++) {
          const value = random.nextInt(n);
          expect(value).toBeGreaterThanOrEqual(0);
          expect(value).toBeLessThan(n);
        }
        const items = Array.from({ length: n }, (_, k) => k);
        expect([...random.shuffleInPlace([...items])].sort((a, b) => a - b)).toEqual(items);
      }),
    );
  });

  it('draws roughly uniformly (chi-square, 10 bins, 10 000 draws)', () => {
    const random = new SeededRandom(1);
    const bins = new Array<number>(10).fill(0);
    for (let i = 0; i < 10_000; i++) bins[random.nextInt(10)]!++;
    const chiSquare = bins.reduce((sum, observed) => sum + (observed - 1000) ** 2 / 1000, 0);
    expect(chiSquare).toBeLessThan(27.88); // p = 0.001 for 9 degrees of freedom
  });

  it('rejects a non-integer seed', () => {
    expect(() => new SeededRandom(1.5)).toThrow(DatasetsError);
  });
});
