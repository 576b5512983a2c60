// The notebook's examples: every window of `sequenceLength` characters (stride 1) → the character
// after it, cut lazily by @rnnkit/datasets' slidingWindows and batched into tensors on the fly.
import { SeededRandom } from '@rnnkit/core';
import { countSlidingWindows, Dataset, type SlidingWindow, slidingWindows } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import type { Batch, DataSource } from '@rnnkit/rnn-models';

export interface TrainingWindowOptions {
  readonly sequenceLength: number;
  readonly batchSize: number;
  /**
   * Windows held in the shuffle buffer. Consecutive windows overlap in 9 of 10 characters, so a
   * buffer much smaller than the text gives batches from one passage; 100,000 mixes ~10% of Moby-Dick.
   */
  readonly shuffleBuffer: number;
  readonly seed: number;
  /** Cap on batches per epoch (`Infinity`: one pass over every window). */
  readonly stepsPerEpoch: number;
}

/**
 * Shuffled batches of windows, reshuffled every epoch (seeded): `xs` int32 `[batch, sequenceLength]`,
 * `ys` int32 `[batch]`. Nothing is materialized; train() disposes each batch.
 *
 * The shuffle buffer only mixes nearby windows, so an epoch capped at `stepsPerEpoch` batches would
 * always read the start of the text. Each epoch therefore starts at a new seeded offset and wraps
 * around: the text is read as two documents, `ids[offset…]` and `ids[…offset]`, so capped epochs
 * cover it evenly (the 10 windows that would straddle the seam are skipped).
 */
export function trainingBatches(ids: Int32Array, options: TrainingWindowOptions): DataSource<Batch> {
  const { sequenceLength, batchSize, shuffleBuffer, seed, stepsPerEpoch } = options;
  const random = new SeededRandom(seed);
  const windows = Dataset.from(() => {
    const offset = random.nextInt(ids.length);
    return slidingWindows([ids.subarray(offset), ids.subarray(0, offset)], { sequenceLength });
  }).map(toExample);
  const batches = windows.shuffle(shuffleBuffer, seed).batch(batchSize, { dropRemainder: true });
  const capped = Number.isFinite(stepsPerEpoch) ? batches.take(stepsPerEpoch) : batches;
  return toTensors(capped, { xsDtype: 'int32', ysDtype: 'int32' });
}

/** Every window of `ids` in text order, for validation and the held-out score (evaluate disposes them). */
export function evaluationBatches(
  ids: Int32Array,
  options: { readonly sequenceLength: number; readonly batchSize: number },
): DataSource<Batch> {
  return toTensors(windowsOf(ids, options.sequenceLength).batch(options.batchSize), {
    xsDtype: 'int32',
    ysDtype: 'int32',
  });
}

/** Number of windows (= predicted characters) in `ids`: Keras' `len(range(0, n − sequenceLength))`. */
export function windowCount(ids: Int32Array, sequenceLength: number): number {
  return countSlidingWindows(ids, { sequenceLength });
}

function windowsOf(ids: Int32Array, sequenceLength: number) {
  return Dataset.from(() => slidingWindows(ids, { sequenceLength })).map(toExample);
}

/** A window as the model reads it: `xs` the ids, `ys` the one id after them. */
function toExample(window: SlidingWindow): { xs: Int32Array; ys: number } {
  return { xs: window.xs, ys: window.ys[0]! };
}
