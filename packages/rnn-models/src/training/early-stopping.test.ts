import { expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import {
  DEFAULT_EARLY_STOPPING_OPTIONS,
  EarlyStoppingMonitor,
  type EarlyStoppingOptions,
  resolveEarlyStopping,
  type WeightStore,
} from './early-stopping.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** A model whose only weight is the epoch number, advanced by `epochEnded`. */
function fakeWeights() {
  let current = tf.scalar(-1);
  const store: WeightStore & { epochEnded(epoch: number): void; value(): number; dispose(): void } = {
    snapshot: () => [tf.clone(current)],
    restore: (weights) => {
      current.dispose();
      current = tf.clone(weights[0]!) as tf.Scalar;
    },
    epochEnded: (epoch) => {
      current.dispose();
      current = tf.scalar(epoch);
    },
    value: () => current.dataSync()[0]!,
    dispose: () => current.dispose(),
  };
  return store;
}

/** Feeds `values` as one epoch each; returns the epoch it stopped at (or -1) and the restored weight. */
function drive(options: EarlyStoppingOptions, values: number[], monitor = 'val_loss') {
  const weights = fakeWeights();
  const early = new EarlyStoppingMonitor(resolveEarlyStopping({ monitor, ...options }, true), weights);
  let stoppedAt = -1;
  for (const [epoch, value] of values.entries()) {
    weights.epochEnded(epoch);
    if (early.onEpochEnd(epoch, { [monitor]: value })) {
      stoppedAt = epoch;
      break;
    }
  }
  early.finish();
  const restored = weights.value();
  weights.dispose();
  return {
    stoppedAt,
    restored,
    best: early.best,
    bestEpoch: early.bestEpoch,
    stoppedEpoch: early.stoppedEpoch,
  };
}

describe('EarlyStoppingMonitor (Keras 3 EarlyStopping semantics)', () => {
  it('patience 0 stops at the first epoch without improvement, never at epoch 0', () => {
    expect(drive({}, [1, 0.5, 0.6, 0.1]).stoppedAt).toBe(2);
    expect(drive({}, [Number.NaN, Number.NaN]).stoppedAt).toBe(1); // NaN never improves
    expect(drive({}, [Number.NaN, 2]).stoppedAt).toBe(-1);
  });

  it('counts patience epochs since the best', () => {
    const run = drive({ patience: 2 }, [1, 0.9, 0.95, 0.92, 0.91]);
    expect(run).toMatchObject({ stoppedAt: 3, stoppedEpoch: 3, best: 0.9, bestEpoch: 1 });
    expect(drive({ patience: 2 }, [1, 0.9, 0.95, 0.8, 0.85, 0.86]).stoppedAt).toBe(5);
  });

  it('needs an improvement larger than minDelta (its absolute value)', () => {
    expect(drive({ minDelta: 0.1 }, [1, 0.95]).stoppedAt).toBe(1);
    expect(drive({ minDelta: -0.1 }, [1, 0.95]).stoppedAt).toBe(1);
    expect(drive({ minDelta: 0.1 }, [1, 0.85, 0.7]).stoppedAt).toBe(-1);
  });

  it('maximises accuracies in auto mode, and follows an explicit mode', () => {
    expect(drive({}, [0.5, 0.6, 0.55], 'val_accuracy').stoppedAt).toBe(2);
    expect(drive({}, [0.5, 0.6, 0.55], 'acc').stoppedAt).toBe(2);
    expect(drive({ mode: 'max' }, [1, 2, 3, 2.5], 'val_loss').stoppedAt).toBe(3);
    expect(drive({ mode: 'min' }, [0.5, 0.6], 'val_accuracy').stoppedAt).toBe(1);
  });

  it('keeps counting patience while the baseline is not beaten, even when improving', () => {
    expect(drive({ patience: 2 }, [0.9, 0.8, 0.85]).stoppedAt).toBe(-1);
    expect(drive({ patience: 2, baseline: 0.5 }, [0.9, 0.8, 0.85]).stoppedAt).toBe(2);
    expect(drive({ patience: 2, baseline: 0.5 }, [0.4, 0.45, 0.46]).stoppedAt).toBe(2);
  });

  it('restoreBestWeights restores the best epoch’s weights at the end, stopped or not', () => {
    expect(drive({ patience: 1, restoreBestWeights: true }, [3, 1, 2, 2.5]).restored).toBe(1);
    expect(drive({ patience: 5, restoreBestWeights: true }, [3, 1, 2, 2.5]).restored).toBe(1);
    expect(drive({ patience: 5 }, [3, 1, 2, 2.5]).restored).toBe(3); // not asked: last weights stay
    // Never improving on +∞ is impossible; a NaN first epoch still records the first weights.
    expect(drive({ restoreBestWeights: true }, [Number.NaN, Number.NaN]).restored).toBe(0);
  });

  it('frees its copy of the best weights', async () => {
    await expectNoLeaks(() => drive({ patience: 1, restoreBestWeights: true }, [3, 1, 2, 2.5]));
  });

  it('reports a monitored key missing from the logs', () => {
    const weights = fakeWeights();
    const early = new EarlyStoppingMonitor(resolveEarlyStopping({ monitor: 'val_loss' }, true), weights);
    expect(() => early.onEpochEnd(0, { loss: 1 })).toThrow(
      expect.objectContaining({ code: 'RNN_MODELS_INVALID_OPTION' }),
    );
    early.dispose();
    weights.dispose();
  });
});

describe('resolveEarlyStopping', () => {
  it('fills the documented defaults; monitor depends on validation data', () => {
    expect(DEFAULT_EARLY_STOPPING_OPTIONS).toEqual({
      minDelta: 0,
      patience: 0,
      mode: 'auto',
      baseline: undefined,
      restoreBestWeights: false,
    });
    expect(resolveEarlyStopping({}, true)).toEqual({
      monitor: 'val_loss',
      minDelta: 0,
      patience: 0,
      mode: 'min',
      baseline: undefined,
      restoreBestWeights: false,
    });
    expect(resolveEarlyStopping({}, false).monitor).toBe('loss');
    expect(resolveEarlyStopping({ monitor: 'val_meanAbsoluteError' }, true).mode).toBe('min');
    expect(resolveEarlyStopping({ monitor: 'custom', mode: 'max' }, false).mode).toBe('max');
  });

  it('rejects bad values, val_ monitors without validation data and undecidable auto modes', () => {
    const bad: Array<[EarlyStoppingOptions, boolean]> = [
      [{ monitor: 'val_loss' }, false],
      [{ monitor: 'perplexity' }, false],
      [{ monitor: '' }, false],
      [{ patience: -1 }, true],
      [{ patience: 1.5 }, true],
      [{ minDelta: Number.NaN }, true],
      [{ baseline: Number.POSITIVE_INFINITY }, true],
      [{ mode: 'up' as never }, true],
      [{ restoreBestWeights: 1 as never }, true],
      [{ patients: 3 } as never, true],
      [null as never, true],
    ];
    for (const [options, validation] of bad) {
      expect(() => resolveEarlyStopping(options, validation), JSON.stringify(options)).toThrow(
        expect.objectContaining({ code: 'RNN_MODELS_INVALID_OPTION' }),
      );
    }
  });
});
