/**
 * What {@link train} returns, shaped like tfjs-layers' `History`: the epochs that completed
 * (0-based, from `initialEpoch`) and, per log key (`loss`, metrics, `val_loss`, …), one plain
 * number per epoch.
 * @example
 * const { epoch, history } = await train(model, data, { epochs: 3, validationData });
 * // epoch: [0, 1, 2]; history: { loss: [2.1, 1.7, 1.5], val_loss: [2.0, 1.8, 1.7] }
 */
export interface History {
  readonly epoch: number[];
  readonly history: Record<string, number[]>;
}

/** Builds a {@link History} epoch by epoch. */
export class HistoryRecorder {
  readonly epoch: number[] = [];
  readonly history: Record<string, number[]> = {};

  /** Appends one epoch's logs; a key missing in earlier epochs is padded with NaN there. */
  record(epoch: number, logs: Readonly<Record<string, number>>): void {
    const index = this.epoch.length;
    this.epoch.push(epoch);
    for (const [key, value] of Object.entries(logs)) {
      this.history[key] ??= new Array<number>(index).fill(Number.NaN);
      this.history[key].push(value);
    }
    for (const series of Object.values(this.history)) {
      if (series.length === index) series.push(Number.NaN);
    }
  }

  /** A snapshot as a plain {@link History} object. */
  toHistory(): History {
    return {
      epoch: [...this.epoch],
      history: Object.fromEntries(Object.entries(this.history).map(([key, values]) => [key, [...values]])),
    };
  }
}

/**
 * Weighted running means of named values (the epoch's `loss` and metrics): each batch adds its
 * mean with a weight (its sample count, or its mask's sum), and the epoch value is
 * `Σ wᵢ·vᵢ / Σ wᵢ` — the mean over all samples (or unmasked steps) of the epoch.
 */
export class WeightedMeans {
  private readonly sums = new Map<string, number>();
  private readonly weights = new Map<string, number>();

  add(values: Readonly<Record<string, number>>, weight: number): void {
    for (const [key, value] of Object.entries(values)) {
      this.sums.set(key, (this.sums.get(key) ?? 0) + value * weight);
      this.weights.set(key, (this.weights.get(key) ?? 0) + weight);
    }
  }

  /** The means so far, in the order keys first appeared; a key with zero total weight gives 0. */
  means(prefix = ''): Record<string, number> {
    const out: Record<string, number> = {};
    for (const [key, sum] of this.sums) {
      const weight = this.weights.get(key) ?? 0;
      out[prefix + key] = weight > 0 ? sum / weight : 0;
    }
    return out;
  }
}
