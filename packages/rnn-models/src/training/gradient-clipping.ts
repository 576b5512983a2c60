import * as tf from '@tensorflow/tfjs-core';
import { validate } from '../errors.js';

/**
 * Gradient clipping, as Keras' optimizer arguments of the same names. At most one may be set
 * (Keras raises for more than one too).
 */
export interface GradientClippingOptions {
  /**
   * Per-tensor norm clipping (Keras `clipnorm`, `tf.clip_by_norm`): each gradient `g` whose L2
   * norm exceeds `clipNorm` becomes `g · clipNorm / ‖g‖`; the others are unchanged.
   * @default undefined (off)
   */
  readonly clipNorm?: number;
  /**
   * Element-wise clipping (Keras `clipvalue`): every gradient element is clamped to
   * `[-clipValue, clipValue]`.
   * @default undefined (off)
   */
  readonly clipValue?: number;
  /**
   * Global norm clipping (Keras `global_clipnorm`, `tf.clip_by_global_norm`): when the norm of
   * all gradients together, `√(Σ‖g‖²)`, exceeds `globalClipNorm`, every gradient is scaled by
   * `globalClipNorm / globalNorm`, which keeps their directions relative to each other.
   * @default undefined (off)
   */
  readonly globalClipNorm?: number;
}

/** The one clipping rule in effect, after {@link resolveGradientClipping}. */
export type GradientClipping =
  | { readonly kind: 'none' }
  | { readonly kind: 'norm'; readonly clipNorm: number }
  | { readonly kind: 'value'; readonly clipValue: number }
  | { readonly kind: 'globalNorm'; readonly clipNorm: number };

/**
 * Validates the clipping options and returns the single rule in effect.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when a value is not a finite number above
 *   zero, or when more than one of `clipNorm`, `clipValue`, `globalClipNorm` is set.
 * @example
 * resolveGradientClipping({ clipNorm: 1 }); // { kind: 'norm', clipNorm: 1 }
 */
export function resolveGradientClipping(options: GradientClippingOptions): GradientClipping {
  const given = (['clipNorm', 'clipValue', 'globalClipNorm'] as const).filter(
    (key) => options[key] !== undefined,
  );
  for (const key of given) validate.number('train', key, options[key], { min: 0, minExclusive: true });
  if (given.length > 1) {
    validate.invalid(
      'train',
      given.join(' and '),
      given.map((key) => options[key]),
      'may not be set together (only one of clipNorm, clipValue and globalClipNorm, as in Keras)',
      'Keep one: globalClipNorm is the usual choice for recurrent networks.',
    );
  }
  if (options.clipNorm !== undefined) return { kind: 'norm', clipNorm: options.clipNorm };
  if (options.clipValue !== undefined) return { kind: 'value', clipValue: options.clipValue };
  if (options.globalClipNorm !== undefined) return { kind: 'globalNorm', clipNorm: options.globalClipNorm };
  return { kind: 'none' };
}

/**
 * The global L2 norm `√(Σᵢ Σ gᵢ²)` of several tensors (`tf.linalg.global_norm`).
 *
 * Ownership: the caller owns `tensors` (not disposed) and the returned scalar.
 * @returns a float32 scalar; `NaN` or `Infinity` when any element is.
 * @example
 * globalNorm([tf.tensor1d([3]), tf.tensor1d([4])]).dataSync(); // [5]
 */
export function globalNorm(tensors: readonly tf.Tensor[]): tf.Scalar {
  checkTensorList('globalNorm', tensors);
  return tf.tidy(() => {
    if (tensors.length === 0) return tf.scalar(0);
    const squares = tensors.map((t) => tf.sum(tf.square(tf.cast(t, 'float32'))));
    return tf.sqrt(tf.addN(squares)) as tf.Scalar;
  });
}

/**
 * Clips one tensor to an L2 norm of at most `clipNorm` (`tf.clip_by_norm`):
 * `t · clipNorm / max(‖t‖, clipNorm)`; a tensor within the norm is returned unchanged (as a copy).
 *
 * Ownership: the caller owns `tensor` (not disposed) and the result.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when `clipNorm` is not a finite number above 0.
 * @example
 * clipByNorm(tf.tensor1d([3, 4]), 1).dataSync(); // [0.6, 0.8]
 */
export function clipByNorm<T extends tf.Tensor>(tensor: T, clipNorm: number): T {
  validate.number('clipByNorm', 'clipNorm', clipNorm, { min: 0, minExclusive: true });
  if (!(tensor instanceof tf.Tensor)) validate.invalid('clipByNorm', 'tensor', tensor, 'must be a tf.Tensor');
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.sum(tf.square(tensor)));
    return tf.mul(tensor, tf.div(clipNorm, tf.maximum(norm, clipNorm))) as T;
  });
}

/**
 * Scales all tensors together so that their global norm is at most `clipNorm`
 * (`tf.clip_by_global_norm`): each becomes `t · clipNorm / max(globalNorm, clipNorm)`.
 *
 * Ownership: the caller owns `tensors` (not disposed) and everything returned.
 * @returns the clipped tensors, in order, and the global norm before clipping.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when `clipNorm` is not a finite number above 0.
 * @example
 * const { tensors, globalNorm } = clipByGlobalNorm([tf.tensor1d([3]), tf.tensor1d([4])], 1);
 * // tensors: [0.6], [0.8]; globalNorm: 5
 */
export function clipByGlobalNorm(
  tensors: readonly tf.Tensor[],
  clipNorm: number,
): { tensors: tf.Tensor[]; globalNorm: tf.Scalar } {
  validate.number('clipByGlobalNorm', 'clipNorm', clipNorm, { min: 0, minExclusive: true });
  checkTensorList('clipByGlobalNorm', tensors);
  return tf.tidy(() => {
    const norm = globalNorm(tensors);
    const scale = tf.div(clipNorm, tf.maximum(norm, clipNorm));
    return { tensors: tensors.map((t) => tf.mul(t, scale)), globalNorm: norm };
  });
}

/**
 * Applies a clipping rule (from {@link resolveGradientClipping}) to a list of gradients.
 *
 * Ownership: the caller owns `gradients` (not disposed) and the returned tensors, which are
 * always new tensors (copies when nothing is clipped).
 * @param norm the gradients' global norm if already computed (saves work for `globalNorm`).
 * @example
 * clipGradients(grads, resolveGradientClipping({ clipValue: 0.5 }));
 */
export function clipGradients(
  gradients: readonly tf.Tensor[],
  clipping: GradientClipping,
  norm?: tf.Scalar,
): tf.Tensor[] {
  return tf.tidy(() => {
    switch (clipping.kind) {
      case 'none':
        return gradients.map((g) => tf.clone(g));
      case 'value':
        return gradients.map((g) => tf.clipByValue(g, -clipping.clipValue, clipping.clipValue));
      case 'norm':
        return gradients.map((g) => clipByNorm(g, clipping.clipNorm));
      case 'globalNorm': {
        const total = norm ?? globalNorm(gradients);
        const scale = tf.div(clipping.clipNorm, tf.maximum(total, clipping.clipNorm));
        return gradients.map((g) => tf.mul(g, scale));
      }
      default: {
        const unknown: never = clipping;
        return validate.invalid('clipGradients', 'clipping', unknown, 'must be from resolveGradientClipping');
      }
    }
  });
}

/** `tensors` is an array of tf.Tensors (numbers would become new, untracked tensors). */
function checkTensorList(where: string, tensors: unknown): void {
  if (!Array.isArray(tensors) || !tensors.every((t) => t instanceof tf.Tensor)) {
    validate.invalid(where, 'tensors', tensors, 'must be an array of tf.Tensors');
  }
}
