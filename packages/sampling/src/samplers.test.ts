import { SeededRandom } from '@rnnkit/core';
import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CHI_SQUARE_CRITICAL_0_001, chiSquare, degreesOfFreedom } from '../test/support.js';
import { SamplingError } from './errors.js';
import { applyProcessors, temperatureProcessor, topKProcessor } from './logits-processors.js';
import { createSampler, greedySampler, multinomialSampler, type SamplerConfig } from './samplers.js';
import { softmax } from './softmax.js';

const NEG = Number.NEGATIVE_INFINITY;

function histogram(draw: () => number, size: number, draws: number): number[] {
  const counts = new Array<number>(size).fill(0);
  for (let i = 0; i < draws; i++) counts[draw()]! += 1;
  return counts;
}

/**
 * The third tutorial's `get_top_char(probs, char_size, top_n=5)`, written out by hand:
 * zero all but the top_n probabilities (numpy `argsort(p)[:-top_n]`), renormalise, and
 * `np.random.choice(char_size, 1, p=p)`. Returns the distribution it samples from.
 */
function getTopCharDistribution(probs: number[], topN = 5): number[] {
  const p = [...probs];
  const order = [...p.keys()].sort((a, b) => p[a]! - p[b]!); // np.argsort, ascending
  for (const index of order.slice(0, Math.max(0, order.length - topN))) p[index] = 0;
  const sum = p.reduce((a, b) => a + b, 0);
  return p.map((value) => value / sum);
}

describe('greedySampler', () => {
  it('returns the argmax, the lowest id among ties, ignoring masked ids', () => {
    expect(greedySampler(Float32Array.of(1, 3, 2), new SeededRandom(0))).toBe(1);
    expect(greedySampler(Float32Array.of(1, 3, 3), new SeededRandom(0))).toBe(1);
    expect(greedySampler(Float32Array.of(NEG, -5, NEG), new SeededRandom(0))).toBe(1);
  });

  it('rejects NaN, +Infinity and fully masked logits', () => {
    const random = new SeededRandom(0);
    expectErrorCode(
      () => greedySampler(Float32Array.of(1, Number.NaN), random),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
    expectErrorCode(
      () => greedySampler(Float32Array.of(1, Number.POSITIVE_INFINITY), random),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
    expectErrorCode(
      () => greedySampler(Float32Array.of(NEG, NEG), random),
      SamplingError,
      'SAMPLING_INVALID_INPUT',
    );
  });
});

describe('multinomialSampler', () => {
  it('rejects a random source whose nextFloat() is not a number in [0, 1)', () => {
    const logits = Float32Array.of(0, 1, 2);
    for (const value of [Number.NaN, 1, 2, -0.5, '0.5']) {
      expectErrorCode(
        () => multinomialSampler(logits, { nextFloat: () => value as number }),
        SamplingError,
        'SAMPLING_INVALID_OPTION',
      );
    }
  });

  it('rejects a random source without nextFloat()', () => {
    expectErrorCode(
      () => multinomialSampler(Float32Array.of(0, 1), {} as never),
      SamplingError,
      'SAMPLING_INVALID_OPTION',
    );
  });

  it('draws from softmax(logits): chi-square test, 20,000 draws, fixed seed', () => {
    const probabilities = [0.1, 0.2, 0.3, 0.4, 0];
    const logits = Float32Array.from(probabilities, Math.log);
    const random = new SeededRandom(11);
    const counts = histogram(() => multinomialSampler(logits, random), 5, 20_000);
    expect(counts[4]).toBe(0);
    const statistic = chiSquare(counts, probabilities);
    expect(statistic).toBeLessThan(CHI_SQUARE_CRITICAL_0_001[degreesOfFreedom(probabilities)]!);
    // and it detects a wrong distribution: the same counts against the reversed one
    expect(chiSquare(counts, [0.4, 0.3, 0.2, 0.1, 0])).toBeGreaterThan(1000);
  });

  it('is deterministic for a seed', () => {
    const logits = Float32Array.of(0.3, 1, -0.5, 2);
    const run = (seed: number) => {
      const random = new SeededRandom(seed);
      return Array.from({ length: 50 }, () => multinomialSampler(logits, random));
    };
    expect(run(5)).toEqual(run(5));
    expect(run(5)).not.toEqual(run(6));
  });

  it('never draws a masked id', () => {
    fc.assert(
      fc.property(fc.array(fc.boolean(), { minLength: 2, maxLength: 12 }), fc.integer(), (mask, seed) => {
        if (!mask.includes(true)) mask[0] = true;
        const logits = Float32Array.from(mask, (keep, i) => (keep ? i * 0.1 : NEG));
        const random = new SeededRandom(seed);
        for (let i = 0; i < 20; i++) expect(mask[multinomialSampler(logits, random)]).toBe(true);
      }),
    );
  });

  it('temperature → 0 equals greedy', () => {
    const random = new SeededRandom(3);
    fc.assert(
      fc.property(
        fc
          .uniqueArray(fc.integer({ min: -50, max: 50 }), { minLength: 2, maxLength: 30 })
          .map((values) => Float32Array.from(values, (v) => v / 10)),
        (logits) => {
          const cold = temperatureProcessor(1e-4)(logits, { ids: [], promptLength: 0 });
          // distinct logits differ by ≥ 0.1, so at T = 1e-4 every runner-up has probability < e^-1000
          expect(multinomialSampler(cold, random)).toBe(greedySampler(logits, random));
        },
      ),
    );
  });
});

describe("the tutorial's get_top_char(top_n=5) is top-k 5 + renormalise", () => {
  it('gives the same distribution (property over random probability vectors)', () => {
    fc.assert(
      fc.property(
        // distinct weights (numpy's argsort breaks ties arbitrarily, so ties are not comparable)
        fc.uniqueArray(fc.integer({ min: 1, max: 10_000 }), { minLength: 5, maxLength: 60 }),
        (weights) => {
          const sum = weights.reduce((a, b) => a + b, 0);
          const probs = weights.map((w) => w / sum);
          const expected = getTopCharDistribution(probs, 5);
          const ours = softmax(
            topKProcessor(5)(Float32Array.from(probs, Math.log), { ids: [], promptLength: 0 }),
          );
          for (let i = 0; i < probs.length; i++) expect(ours[i]).toBeCloseTo(expected[i]!, 6);
        },
      ),
    );
  });

  it('samples that distribution: chi-square on 20,000 draws of a 12-char softmax, fixed seed', () => {
    const probs = softmax(Float32Array.of(0.2, 1.5, -0.3, 2.2, 0.9, 1.1, -1, 0.4, 1.8, 0, 0.7, 1.3));
    const expected = getTopCharDistribution([...probs], 5);
    const logits = Float32Array.from(probs, Math.log);
    const random = new SeededRandom(99);
    const counts = histogram(
      () =>
        multinomialSampler(applyProcessors([topKProcessor(5)], logits, { ids: [], promptLength: 0 }), random),
      12,
      20_000,
    );
    expect(counts.filter((c) => c > 0).length).toBe(5);
    expect(chiSquare(counts, expected)).toBeLessThan(CHI_SQUARE_CRITICAL_0_001[4]!);
  });
});

describe('createSampler', () => {
  it('returns the built-ins and rejects unknown types or keys', () => {
    expect(createSampler({ type: 'greedy' })).toBe(greedySampler);
    expect(createSampler({ type: 'multinomial' })).toBe(multinomialSampler);
    for (const config of [{ type: 'beam' }, { type: 'greedy', k: 1 }, null]) {
      expectErrorCode(() => createSampler(config as SamplerConfig), SamplingError, 'SAMPLING_INVALID_OPTION');
    }
  });
});
