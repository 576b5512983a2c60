/**
 * Per-step dropout seeds for the layers of a model that have a `seed` slot left unset: rnnkit's
 * fused recurrent layers (which add their own per-call count) and tfjs-layers' `Dropout` (and
 * `SpatialDropout1D`), which would otherwise draw unseeded masks. Layers are found recursively
 * through nested models and wrappers (`Bidirectional`, `TimeDistributed`).
 */
export class DropoutSeeds {
  private readonly slots: { layer: { seed: number | null | undefined }; original: null | undefined }[] = [];

  constructor(
    model: object,
    private readonly seed: number,
  ) {
    const seen = new Set<object>();
    const visit = (layer: unknown): void => {
      if (layer === null || typeof layer !== 'object' || seen.has(layer)) return;
      seen.add(layer);
      const record = layer as Record<string, unknown>;
      // A loaded layer carries an unset seed as null (tfjs-layers serializes it so).
      if ('seed' in record && record['seed'] == null && layer !== model) {
        this.slots.push({
          layer: layer as { seed: number | null | undefined },
          original: record['seed'] as null | undefined,
        });
      }
      const children = record['layers'];
      if (Array.isArray(children)) children.forEach(visit);
      for (const key of ['layer', 'forwardLayer', 'backwardLayer']) visit(record[key]);
    };
    visit(model);
  }

  /** Number of layers whose seed is managed. */
  get size(): number {
    return this.slots.length;
  }

  /** Sets every managed layer's seed for global step `step`. */
  apply(step: number): void {
    this.slots.forEach((slot, index) => {
      slot.layer.seed = mixSeed(this.seed, step, index);
    });
  }

  /** Puts the seeds back to unset (as they were: undefined or null). */
  restore(): void {
    for (const slot of this.slots) slot.layer.seed = slot.original;
  }
}

/** A well-mixed 31-bit seed from (seed, step, index), so neighbouring steps and layers differ. */
export function mixSeed(seed: number, step: number, index: number): number {
  let h = Math.imul((seed | 0) ^ (Math.floor(seed / 2 ** 32) | 0) ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ Math.imul(step + 1, 0xc2b2ae35), 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ Math.imul(index + 1, 0x165667b1), 0x85ebca6b);
  h ^= h >>> 16;
  return (h >>> 0) & 0x7fffffff;
}
