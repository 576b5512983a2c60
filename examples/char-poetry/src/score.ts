// Held-out scoring: evaluate() of @rnnkit/rnn-models over every window of a part of the text,
// and the trivial baselines a model must beat (from the training part's character counts).
import { evaluate } from '@rnnkit/rnn-models';
import type * as tfl from '@tensorflow/tfjs-layers';
import { evaluationBatches } from './windows.js';

export interface WindowScore {
  /** Mean cross-entropy in nats per predicted character. */
  readonly loss: number;
  readonly bitsPerChar: number;
  /** Share of characters whose most likely prediction was right. */
  readonly accuracy: number;
  /** Characters predicted: every window of the part, once. */
  readonly characters: number;
}

/** Scores `model` on every window of `ids` (inference mode: BatchNormalization's moving statistics). */
export async function scoreWindows(
  model: tfl.LayersModel,
  ids: Int32Array,
  sequenceLength: number,
): Promise<WindowScore> {
  const result = await evaluate(model, evaluationBatches(ids, { sequenceLength, batchSize: 1024 }), {
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
  });
  return {
    loss: result.loss,
    bitsPerChar: result.bitsPerToken!,
    accuracy: result.metrics['accuracy']!,
    characters: result.samples,
  };
}

export interface Baselines {
  /** Accuracy of always guessing the training part's commonest character (the space). */
  readonly majorityAccuracy: number;
  /** Bits per character of the training part's unigram frequencies on the scored part. */
  readonly unigramBitsPerChar: number;
}

/**
 * What a model that ignores the context gets on the targets of `scored` (its ids after the first
 * `sequenceLength`), from the character frequencies of `training` (add-one smoothed).
 */
export function baselines(
  training: Int32Array,
  scored: Int32Array,
  vocabularySize: number,
  sequenceLength: number,
): Baselines {
  const counts = new Float64Array(vocabularySize).fill(1);
  for (const id of training) counts[id]! += 1;
  const total = training.length + vocabularySize;
  let majority = 0;
  for (let id = 1; id < vocabularySize; id++) if (counts[id]! > counts[majority]!) majority = id;
  const targets = scored.subarray(sequenceLength);
  let hits = 0;
  let bits = 0;
  for (const id of targets) {
    if (id === majority) hits += 1;
    bits -= Math.log2(counts[id]! / total);
  }
  return { majorityAccuracy: hits / targets.length, unigramBitsPerChar: bits / targets.length };
}
