import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { AttentionKind } from './encoder-decoder-options.js';

/** Attention kinds that have a layer (everything but `'none'`). */
export type AttentionScore = Exclude<AttentionKind, 'none'>;

/**
 * Score of a padded source position before the softmax. Finite on purpose: `exp(−1e9 − max)`
 * underflows to exactly 0 in float32, so padded positions get weight 0 like with −∞, and a
 * source that is all padding gets uniform weights instead of NaN.
 */
export const MASKED_SCORE = -1e9;

/** The weights of one attention layer (tensors owned by the layer's variables). */
export interface AttentionWeights {
  /** `[units, units]`, `'luong-general'` only. */
  readonly wa?: tf.Tensor2D;
  /** `[units, units]` (decoder side) and `[units, units]` (encoder side) and `[units]`, `'bahdanau'` only. */
  readonly w1?: tf.Tensor2D;
  readonly w2?: tf.Tensor2D;
  readonly v?: tf.Tensor1D;
  /** `[2·units, units]`: attentional hidden = tanh([context; h_t] · W_c). */
  readonly wc: tf.Tensor2D;
}

/** What {@link attend} computes; new tensors, owned by the caller. */
export interface AttentionResult {
  /** Attentional hidden state `tanh([c_t; h_t] · W_c)`, `[batch, Tt, units]`. */
  readonly hidden: tf.Tensor3D;
  /** Softmax weights over the source, `[batch, Tt, Ts]`, 0 on padded source positions. */
  readonly weights: tf.Tensor3D;
}

/**
 * Luong-style attention of every decoder output against every encoder output: scores, padded
 * source positions (`sourceIds == 0`) set to {@link MASKED_SCORE}, softmax over the source,
 * context `c_t = Σ_j a_tj s_j`, attentional hidden `tanh([c_t; h_t] · W_c)`. One function for the
 * layer (training) and the step model (inference), so both compute the same numbers.
 *
 * @param decoder decoder outputs `[batch, Tt, units]` (caller owns).
 * @param encoder encoder outputs `[batch, Ts, units]` (caller owns).
 * @param sourceIds source ids `[batch, Ts]`, int32 or float32 (caller owns); 0 is padding.
 * @returns new tensors owned by the caller; nothing is disposed.
 */
export function attend(
  score: AttentionScore,
  decoder: tf.Tensor3D,
  encoder: tf.Tensor3D,
  sourceIds: tf.Tensor2D,
  weights: AttentionWeights,
): AttentionResult {
  return tf.tidy(() => {
    const [batch, targetLength, units] = decoder.shape;
    const sourceLength = encoder.shape[1];
    let scores: tf.Tensor3D;
    switch (score) {
      case 'luong-dot':
        scores = tf.matMul(decoder, encoder, false, true);
        break;
      case 'luong-general': {
        const projected = tf.reshape(
          tf.matMul(tf.reshape(encoder, [batch * sourceLength, units]), weights.wa!),
          [batch, sourceLength, units],
        ) as tf.Tensor3D;
        scores = tf.matMul(decoder, projected, false, true);
        break;
      }
      case 'bahdanau': {
        const query = tf.reshape(tf.matMul(tf.reshape(decoder, [batch * targetLength, units]), weights.w1!), [
          batch,
          targetLength,
          1,
          units,
        ]);
        const keys = tf.reshape(tf.matMul(tf.reshape(encoder, [batch * sourceLength, units]), weights.w2!), [
          batch,
          1,
          sourceLength,
          units,
        ]);
        const energy = tf.tanh(tf.add(query, keys));
        scores = tf.reshape(
          tf.matMul(
            tf.reshape(energy, [batch * targetLength * sourceLength, units]),
            tf.reshape(weights.v!, [units, 1]),
          ),
          [batch, targetLength, sourceLength],
        ) as tf.Tensor3D;
        break;
      }
    }
    const real = tf.reshape(tf.notEqual(sourceIds, 0), [batch, 1, sourceLength]);
    const masked = tf.where(tf.broadcastTo(real, scores.shape), scores, tf.fill(scores.shape, MASKED_SCORE));
    const attention = tf.softmax(masked) as tf.Tensor3D;
    const context = tf.matMul(attention, encoder);
    const joined = tf.reshape(tf.concat([context, decoder], -1), [batch * targetLength, 2 * units]);
    const hidden = tf.reshape(tf.tanh(tf.matMul(joined, weights.wc)), [
      batch,
      targetLength,
      units,
    ]) as tf.Tensor3D;
    return { hidden, weights: attention };
  });
}

/** Serialised arguments of {@link AttentionLayer}. */
export interface AttentionLayerArgs {
  /** Width of decoder and encoder outputs. */
  readonly units: number;
  readonly score: AttentionScore;
  /** Seed of the Glorot-uniform initial weights; `null`: unseeded. */
  readonly seed?: number | null;
  readonly name?: string;
  readonly trainable?: boolean;
}

/**
 * A serialisable tfjs-layers layer: inputs `[decoder outputs [batch, Tt, units], encoder outputs
 * [batch, Ts, units], source ids [batch, Ts]]`, output the attentional hidden state
 * `[batch, Tt, units]` (see {@link attend}). Registered with tfjs-layers' serialization as
 * `RnnkitAttention` when this module is imported, so saved models load.
 */
export class AttentionLayer extends tfl.layers.Layer {
  static readonly className = 'RnnkitAttention';
  readonly units: number;
  readonly score: AttentionScore;
  readonly seed: number | null;
  private variablesByName: Record<string, tfl.LayerVariable> = {};

  constructor(args: AttentionLayerArgs) {
    super(args);
    this.units = args.units;
    this.score = args.score;
    this.seed = args.seed ?? null;
    this.supportsMasking = true;
  }

  override build(): void {
    const u = this.units;
    let offset = 0;
    const add = (name: string, shape: number[]) => {
      const seed = this.seed === null ? undefined : this.seed + offset++;
      this.variablesByName[name] = this.addWeight(
        name,
        shape,
        'float32',
        tfl.initializers.glorotUniform(seed === undefined ? {} : { seed }),
      );
    };
    if (this.score === 'luong-general') add('wa', [u, u]);
    if (this.score === 'bahdanau') {
      add('w1', [u, u]);
      add('w2', [u, u]);
      add('v', [u]);
    }
    add('wc', [2 * u, u]);
    this.built = true;
  }

  /** The layer's weights as tensors (the variables themselves: do not dispose). */
  attentionWeights(): AttentionWeights {
    const read = (name: string) => this.variablesByName[name]?.read();
    return {
      wa: read('wa') as tf.Tensor2D | undefined,
      w1: read('w1') as tf.Tensor2D | undefined,
      w2: read('w2') as tf.Tensor2D | undefined,
      v: read('v') as tf.Tensor1D | undefined,
      wc: read('wc') as tf.Tensor2D,
    } as AttentionWeights;
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape {
    const decoder = (inputShape as tfl.Shape[])[0]!;
    return [decoder[0]!, decoder[1]!, this.units];
  }

  /** No output mask: the loss masks padded labels itself, and the head needs none. */
  override computeMask(): tf.Tensor {
    return null as unknown as tf.Tensor;
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    const [decoder, encoder, sourceIds] = inputs as tf.Tensor[];
    const { hidden, weights } = attend(
      this.score,
      decoder as tf.Tensor3D,
      encoder as tf.Tensor3D,
      sourceIds as tf.Tensor2D,
      this.attentionWeights(),
    );
    weights.dispose();
    return hidden;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), units: this.units, score: this.score, seed: this.seed };
  }

  override getClassName(): string {
    return AttentionLayer.className;
  }
}

tf.serialization.registerClass(AttentionLayer);
