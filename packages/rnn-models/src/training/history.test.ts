import { describe, expect, it } from 'vitest';
import { HistoryRecorder, WeightedMeans } from './history.js';

describe('HistoryRecorder', () => {
  it('collects one number per epoch and key, padding keys that appear late or go missing with NaN', () => {
    const recorder = new HistoryRecorder();
    recorder.record(3, { loss: 2, acc: 0.5 });
    recorder.record(4, { loss: 1 });
    recorder.record(5, { loss: 0.5, val_loss: 0.7 });
    const history = recorder.toHistory();
    expect(history).toEqual({
      epoch: [3, 4, 5],
      history: {
        loss: [2, 1, 0.5],
        acc: [0.5, Number.NaN, Number.NaN],
        val_loss: [Number.NaN, Number.NaN, 0.7],
      },
    });
    recorder.record(6, { loss: 0.1 });
    expect(history.epoch).toEqual([3, 4, 5]); // snapshots are copies
  });
});

describe('WeightedMeans', () => {
  it('averages batch means weighted by their sample counts, in first-seen key order, with a prefix', () => {
    const means = new WeightedMeans();
    means.add({ loss: 4, acc: 1 }, 1);
    means.add({ loss: 0, acc: 0 }, 3);
    expect(means.means()).toEqual({ loss: 1, acc: 0.25 });
    expect(means.means('val_')).toEqual({ val_loss: 1, val_acc: 0.25 });
    means.add({ loss: 5 }, 0);
    expect(means.means()).toEqual({ loss: 1, acc: 0.25 });
    const empty = new WeightedMeans();
    empty.add({ loss: 3 }, 0);
    expect(empty.means()).toEqual({ loss: 0 });
  });
});
