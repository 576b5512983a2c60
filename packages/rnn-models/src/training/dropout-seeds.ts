import type { SeededDropoutLayer } from '../layers/seeded-dropout.js';

/**
 * tfjs-layers' side of the protocol, read through the fields its classes keep: `Dropout` and
 * `SpatialDropout1D` hold their seed in a `seed` field (private in their types), models list
 * their `layers`, wrappers (`TimeDistributed`, `Bidirectional`) hold the wrapped `layer`, and
 * `Bidirectional` its two copies in (private) `forwardLayer` and `backwardLayer`.
 */
interface TfjsLayerFields {
  readonly layers?: unknown;
  readonly layer?: unknown;
  readonly forwardLayer?: unknown;
  readonly backwardLayer?: unknown;
}

/** The layer as a {@link SeededDropoutLayer} when it has a seed slot (rnnkit's fused layers, tfjs' Dropout), else `null`. */
function seedSlot(layer: object): SeededDropoutLayer | null {
  return 'seed' in layer ? (layer as SeededDropoutLayer) : null;
}

/** The layers inside `layer`, in the order models, wrappers and `Bidirectional` hold them. */
function innerLayers(layer: object): unknown[] {
  const { layers, layer: wrapped, forwardLayer, backwardLayer } = layer as TfjsLayerFields;
  return [...(Array.isArray(layers) ? layers : []), wrapped, forwardLayer, backwardLayer];
}

/**
 * Per-step dropout seeds for the {@link SeededDropoutLayer}s of a model whose seed is unset.
 * Layers are found recursively through nested models and wrappers (`Bidirectional`,
 * `TimeDistributed`); the model itself is not one of them.
 */
export class DropoutSeeds {
  private readonly slots: { layer: SeededDropoutLayer; original: null | undefined }[] = [];

  constructor(
    model: object,
    private readonly seed: number,
  ) {
    const seen = new Set<object>();
    const visit = (layer: unknown): void => {
      if (layer === null || typeof layer !== 'object' || seen.has(layer)) return;
      seen.add(layer);
      const slot = layer === model ? null : seedSlot(layer);
      // A loaded layer carries an unset seed as null (tfjs-layers serializes it so).
      if (slot !== null && slot.seed == null) this.slots.push({ layer: slot, original: slot.seed });
      innerLayers(layer).forEach(visit);
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
