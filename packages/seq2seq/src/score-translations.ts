import * as tf from '@tensorflow/tfjs-core';
import type { EncoderDecoder } from './encoder-decoder.js';

/** One decoded source. Plain data, owned by the caller. */
export interface Translation {
  /** Generated target ids, BOS and EOS excluded. */
  readonly ids: number[];
  /** Whether decoding ended on EOS (else it reached `maxNewTokens`). */
  readonly finished: boolean;
  /**
   * Σ natural-log probability of the generated ids (EOS included when finished) under the model,
   * from one teacher-forced pass over them (the same for every method).
   */
  readonly logProbability: number;
  /**
   * With `returnAttention`: one row per generated token (EOS included when finished), each the
   * weights over the source's positions (summing to 1); otherwise `null`.
   */
  readonly attention: number[][] | null;
}

/** Rows post-padded with 0 to the longest, as one int32 `[rows, longest]` array. */
function padded(rows: readonly (readonly number[])[]): { values: Int32Array; width: number } {
  const width = Math.max(...rows.map((row) => row.length));
  const values = new Int32Array(rows.length * width);
  rows.forEach((row, r) => {
    values.set(row, r * width);
  });
  return { values, width };
}

/**
 * Log-probability (and attention) of each source's generated ids, from one teacher-forced pass
 * over the whole batch: sources and decoder inputs (`[bos, …generated without its last id]`)
 * post-padded with 0 — padding is masked in the encoder and attention, and the decoder is causal,
 * so each row's numbers are those of the row alone — and only each row's own positions summed.
 *
 * Tensors: created and freed here (the model stays the caller's); returns plain data.
 *
 * @param generated per source its generated ids (at least one), EOS included when it ended on EOS.
 */
export async function scoreTranslations(
  translator: EncoderDecoder,
  sources: readonly (readonly number[])[],
  generated: readonly (readonly number[])[],
  bos: number,
  eos: number,
  returnAttention: boolean,
): Promise<Translation[]> {
  const count = sources.length;
  const source = padded(sources);
  const inputs = padded(generated.map((ids) => [bos, ...ids.slice(0, -1)]));
  const labels = padded(generated);
  const steps = inputs.width;
  const vocabulary = translator.config.targetVocabularySize;
  // Flat index of each (row, step, label) in the [rows × steps × vocabulary] log-softmax; padded
  // steps point at their label 0 and are masked out of the sum.
  const picks = new Int32Array(count * steps);
  const mask = new Float32Array(count * steps);
  generated.forEach((ids, r) => {
    for (let t = 0; t < steps; t++) {
      picks[r * steps + t] = (r * steps + t) * vocabulary + labels.values[r * steps + t]!;
      mask[r * steps + t] = t < ids.length ? 1 : 0;
    }
  });
  const [sums, weights] = tf.tidy(() => {
    const sourceIds = tf.tensor2d(source.values, [count, source.width], 'int32');
    const inputIds = tf.tensor2d(inputs.values, [count, steps], 'int32');
    const logits = translator.model.predict([sourceIds, inputIds]) as tf.Tensor3D;
    const picked = tf.gather(tf.reshape(tf.logSoftmax(logits), [-1]), tf.tensor1d(picks, 'int32'));
    const sum = tf.sum(tf.mul(tf.reshape(picked, [count, steps]), tf.tensor2d(mask, [count, steps])), 1);
    return returnAttention ? [sum, translator.attentionWeights(sourceIds, inputIds)] : [sum];
  }) as [tf.Tensor1D, tf.Tensor3D?];
  try {
    const logProbabilities = await sums.data();
    const attention = weights === undefined ? null : ((await weights.array()) as number[][][]);
    return generated.map((ids, r) => {
      const finished = ids.at(-1) === eos;
      return {
        ids: finished ? ids.slice(0, -1) : [...ids],
        finished,
        logProbability: logProbabilities[r]!,
        attention:
          attention === null
            ? null
            : attention[r]!.slice(0, ids.length).map((row) => row.slice(0, sources[r]!.length)),
      };
    });
  } finally {
    tf.dispose([sums, ...(weights === undefined ? [] : [weights])]);
  }
}
