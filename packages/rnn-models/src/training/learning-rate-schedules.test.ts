import { describe, expect, it } from 'vitest';
import { RnnModelsError } from '../errors.js';
import { createLearningRateSchedule, type LearningRateScheduleConfig } from './learning-rate-schedules.js';

const at = (config: LearningRateScheduleConfig, base: number, points: Array<[number, number]>) => {
  const lr = createLearningRateSchedule(config, base);
  return points.map(([step, epoch]) => lr(step, epoch));
};

describe('createLearningRateSchedule', () => {
  it('constant: the base rate', () => {
    expect(
      at({ kind: 'constant' }, 0.3, [
        [0, 0],
        [99, 9],
      ]),
    ).toEqual([0.3, 0.3]);
  });

  it('exponentialDecay: lr · rate^(step/decaySteps), floored with staircase (Keras ExponentialDecay)', () => {
    const smooth = at({ kind: 'exponentialDecay', decaySteps: 10, decayRate: 0.5 }, 0.1, [
      [0, 0],
      [5, 0],
      [10, 0],
      [20, 3],
    ]);
    expect(smooth[0]).toBe(0.1);
    expect(smooth[1]).toBeCloseTo(0.1 * Math.SQRT1_2, 12);
    expect(smooth.slice(2)).toEqual([0.05, 0.025]);
    expect(
      at({ kind: 'exponentialDecay', decaySteps: 10, decayRate: 0.5, staircase: true }, 0.1, [
        [5, 0],
        [19, 0],
        [20, 0],
      ]),
    ).toEqual([0.1, 0.05, 0.025]);
  });

  it('stepDecay: lr · factor^⌊epoch/epochsPerDrop⌋, independent of the step', () => {
    expect(
      at({ kind: 'stepDecay', epochsPerDrop: 2, factor: 0.1 }, 1, [
        [0, 0],
        [500, 1],
        [0, 2],
        [0, 3],
        [0, 4],
      ]),
    ).toEqual([1, 1, 0.1, 0.1, 0.1 ** 2]);
  });

  it('cosineDecay: half a cosine from lr to alpha·lr over decaySteps, then flat (Keras CosineDecay)', () => {
    const values = at({ kind: 'cosineDecay', decaySteps: 100, alpha: 0.1 }, 1, [
      [0, 0],
      [50, 0],
      [100, 0],
      [200, 0],
    ]);
    expect(values[0]).toBe(1);
    expect(values[1]).toBeCloseTo(0.55, 12); // 0.9 · ½(1 + cos(π/2)) + 0.1
    expect(values[2]).toBeCloseTo(0.1, 12);
    expect(values[3]).toBeCloseTo(0.1, 12);
    expect(at({ kind: 'cosineDecay', decaySteps: 4 }, 2, [[4, 0]])[0]).toBeCloseTo(0, 12);
  });

  it('warmup: lr·(step+1)/warmupSteps, then the next schedule counted from the end of the warm-up', () => {
    const values = at(
      { kind: 'warmup', warmupSteps: 4, after: { kind: 'cosineDecay', decaySteps: 10 } },
      0.2,
      [
        [0, 0],
        [1, 0],
        [2, 0],
        [3, 0],
        [4, 0],
        [9, 1],
      ],
    );
    expect(values.slice(0, 5).map((v) => Number(v.toFixed(12)))).toEqual([0.05, 0.1, 0.15, 0.2, 0.2]);
    expect(values[5]).toBeCloseTo(0.1, 12); // cosine step 5 of 10
    expect(
      at({ kind: 'warmup', warmupSteps: 2 }, 1, [
        [0, 0],
        [7, 0],
      ]),
    ).toEqual([0.5, 1]);
    const after = (step: number, epoch: number) => step * 10 + epoch;
    expect(at({ kind: 'warmup', warmupSteps: 2, after }, 1, [[5, 2]])).toEqual([32]);
  });

  it('wraps a function, passing (step, epoch) and checking the rate it returns', () => {
    const lr = createLearningRateSchedule((step, epoch) => (step === 3 ? -1 : step + epoch / 10), 99);
    expect(lr(2, 1)).toBe(2.1);
    expect(() => lr(3, 0)).toThrow(RnnModelsError);
    expect(() => createLearningRateSchedule(() => Number.NaN, 1)(0, 0)).toThrow(/finite/);
  });

  it('rejects unknown kinds and out-of-range parameters', () => {
    const bad: unknown[] = [
      null,
      'constant',
      { kind: 'linear' },
      { kind: 'exponentialDecay', decaySteps: 0, decayRate: 0.5 },
      { kind: 'exponentialDecay', decaySteps: 1.5, decayRate: 0.5 },
      { kind: 'exponentialDecay', decaySteps: 10, decayRate: 0 },
      { kind: 'exponentialDecay', decaySteps: 10, decayRate: 0.5, staircase: 'yes' },
      { kind: 'stepDecay', epochsPerDrop: 0, factor: 0.5 },
      { kind: 'stepDecay', epochsPerDrop: 1, factor: 1.5 },
      { kind: 'cosineDecay', decaySteps: 10, alpha: 2 },
      { kind: 'cosineDecay' },
      { kind: 'warmup', warmupSteps: 0 },
      { kind: 'warmup', warmupSteps: 2, after: { kind: 'nope' } },
    ];
    for (const config of bad) {
      expect(
        () => createLearningRateSchedule(config as LearningRateScheduleConfig, 1),
        JSON.stringify(config),
      ).toThrow(expect.objectContaining({ code: 'RNN_MODELS_INVALID_OPTION' }));
    }
  });
});
