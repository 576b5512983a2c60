// Held-out bits per character: the model's cross-entropy, in bits, over every held-out character,
// each predicted from the text before it — the figure compressors are compared on.
import { evaluate } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { buildModel, type ModelSettings } from './model.js';

export interface HeldOutOptions {
  /** Contiguous streams read side by side (rows of a batch); each starts from a zero state. */
  readonly streams: number;
  /** Characters per batch and stream. */
  readonly sequenceLength: number;
  /**
   * `true`: the state flows from one batch to the next within a stream, so every character sees
   * all the held-out text before it in its stream. `false`: every `sequenceLength` slice starts
   * from a zero state (the tutorial's chunks; the first characters of each slice pay for it).
   */
  readonly carryState: boolean;
}

export interface HeldOutScore {
  readonly bitsPerChar: number;
  /** Characters scored: every held-out character, once. */
  readonly characters: number;
  /** Share of characters whose most likely prediction was right. */
  readonly accuracy: number;
}

/**
 * Scores `heldOut` (ids) after the training text's last character `context`: inputs are
 * `[context, heldOut[0 … n−2]]`, targets `heldOut[0 … n−1]`, so each held-out character is
 * predicted exactly once and only from characters before it. The text is laid out as `streams`
 * rows; padding at the end of the last row has mask 0 and counts for nothing (evaluate weights
 * batches by their mask sums, so the result is the exact mean over the real characters).
 * The weights are copied into a twin of the model (stateful with a fixed batch for `carryState`);
 * the caller's model is not changed.
 */
export async function heldOutBitsPerChar(
  model: tfl.LayersModel,
  settings: ModelSettings,
  context: number,
  heldOut: Int32Array,
  options: HeldOutOptions,
): Promise<HeldOutScore> {
  const { streams, sequenceLength } = options;
  const n = heldOut.length;
  const inputs = new Int32Array(n);
  inputs[0] = context;
  inputs.set(heldOut.subarray(0, n - 1), 1);
  const rowLength = Math.ceil(n / streams / sequenceLength) * sequenceLength;
  const batchCount = rowLength / sequenceLength;
  function* batches() {
    for (let b = 0; b < batchCount; b++) {
      const xs = new Int32Array(streams * sequenceLength);
      const ys = new Int32Array(streams * sequenceLength);
      const mask = new Float32Array(streams * sequenceLength);
      for (let row = 0; row < streams; row++) {
        for (let t = 0; t < sequenceLength; t++) {
          const at = row * rowLength + b * sequenceLength + t;
          if (at >= n) break;
          const k = row * sequenceLength + t;
          xs[k] = inputs[at]!;
          ys[k] = heldOut[at]!;
          mask[k] = 1;
        }
      }
      const shape: [number, number] = [streams, sequenceLength];
      yield {
        xs: tf.tensor2d(xs, shape, 'int32'),
        ys: tf.tensor2d(ys, shape, 'int32'),
        mask: tf.tensor2d(mask, shape),
      };
    }
  }
  // A twin with the same weights: stateful with this batch for carryState, else any batch
  // (the trained model may be a stateful one with another fixed batch size).
  const scorer = buildModel(settings, {
    seed: 0,
    ...(options.carryState ? { stateful: { batchSize: streams, sequenceLength } } : {}),
  });
  try {
    scorer.setWeights(model.getWeights());
    const result = await evaluate(scorer, batches, {
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
      resetStates: true,
    });
    return {
      bitsPerChar: result.bitsPerToken!,
      characters: result.weight,
      accuracy: result.metrics['accuracy']!,
    };
  } finally {
    scorer.dispose();
  }
}
