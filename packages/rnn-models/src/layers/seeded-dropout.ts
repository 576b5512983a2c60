/**
 * A layer that draws its random masks from a seed the training loop may set before each step:
 * `train({ seed })` fills every such slot that is unset (`undefined`, or `null` as a loaded
 * config writes it) with a per-step seed and puts it back afterwards. rnnkit's fused recurrent
 * layers implement it; so, through the adapter in training/dropout-seeds.ts, do tfjs-layers'
 * `Dropout` and `SpatialDropout1D`. A custom layer with dropout can implement it too.
 */
export interface SeededDropoutLayer {
  /** Seed of the next masks; `undefined` or `null`: unseeded. */
  seed: number | null | undefined;
}
