// Sparse categorical cross-entropy on probabilities with tfjs-layers' exact formula (p clipped to
// [ε, 1 − ε], normalised by its row sum, clipped again, −log at the target id), in fewer passes
// over the [rows, classes] predictions: no one-hot matrix, and on wasm one native pass forward
// and one backward (backend/wasm-cells.ts) instead of ~8 and ~10 tfjs ops over the whole matrix.
import * as tf from '@tensorflow/tfjs-core';
import { cellKernelsAvailable, SPARSE_CE_BACKWARD, SPARSE_CE_FORWARD } from '../backend/wasm-cells.js';

/**
 * Per-sample (or per-step) sparse categorical cross-entropy of `yPred` (probabilities, classes
 * on the last axis) against integer ids `yTrue` (`yPred`'s shape without the last axis, or with
 * a last axis of 1). An id outside `[0, classes)` gives 0 and no gradient, as its all-zero
 * one-hot row does in tfjs-layers. Returns `yPred`'s shape without the last axis; the caller
 * owns the inputs and the result.
 */
export function sparseCategoricalCrossentropy(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.tidy(() => {
    const eps = tf.backend().epsilon();
    const classes = yPred.shape[yPred.shape.length - 1]!;
    const rows = yPred.size / classes;
    const ids = tf.cast(tf.floor(tf.cast(tf.reshape(yTrue, [-1]), 'float32')), 'int32') as tf.Tensor1D;
    const valid = tf.logicalAnd(tf.greaterEqual(ids, 0), tf.less(ids, classes)) as tf.Tensor1D;
    const native = cellKernelsAvailable() && yPred.dtype === 'float32';
    const forward = (p: tf.Tensor2D) => {
      const [sums, picked] = native
        ? (tf.engine().runKernel(SPARSE_CE_FORWARD, { p, ids }, { eps }) as [tf.Tensor1D, tf.Tensor1D])
        : composedForward(p, ids, valid, eps);
      const ratio = tf.div(picked, sums) as tf.Tensor1D;
      const value = tf.where(valid, tf.neg(tf.log(clipKeepingNaN(ratio, eps))), tf.zerosLike(ratio));
      return { value, sums, ratio };
    };
    const probabilities = tf.reshape(yPred, [rows, classes]) as tf.Tensor2D;
    // Without a gradient tape, customGrad's saved tensors would outlive the call.
    if (!tf.engine().isTapeOn()) return tf.reshape(forward(probabilities).value, yPred.shape.slice(0, -1));
    const loss = tf.customGrad(((p: tf.Tensor2D, save: (tensors: tf.Tensor[]) => void) => {
      const { value, sums, ratio } = forward(p);
      // ids and valid too: the gradient runs after this tidy has ended.
      save([p, sums, ratio, ids, valid]);
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [pSaved, sumsSaved, r, idsSaved, validSaved] = saved as [
            tf.Tensor2D,
            tf.Tensor1D,
            tf.Tensor1D,
            tf.Tensor1D,
            tf.Tensor1D,
          ];
          // d(−log r′)/dp_j = −1/r′ · [ε ≤ r ≤ 1 − ε] · (δ_j,id − r)/s · [ε ≤ p_j ≤ 1 − ε]:
          // a = the id's extra term, b = every class' term, per row.
          const inside = tf.logicalAnd(tf.greaterEqual(r, eps), tf.lessEqual(r, 1 - eps));
          const k = tf.where(
            tf.logicalAnd(validSaved, inside),
            tf.div(tf.neg(dy), tf.mul(tf.clipByValue(r, eps, 1 - eps), sumsSaved)),
            tf.zerosLike(r),
          ) as tf.Tensor1D;
          const b = tf.neg(tf.mul(k, r)) as tf.Tensor1D;
          return native
            ? (tf
                .engine()
                .runKernel(SPARSE_CE_BACKWARD, { p: pSaved, ids: idsSaved, a: k, b }, { eps }) as tf.Tensor)
            : composedBackward(pSaved, idsSaved, k, b, eps);
        },
      };
    }) as unknown as Parameters<typeof tf.customGrad>[0]);
    return tf.reshape(loss(probabilities), yPred.shape.slice(0, -1));
  });
}

/** The forward kernel's `[sums, picked]` from tfjs ops (any backend). */
function composedForward(
  p: tf.Tensor2D,
  ids: tf.Tensor1D,
  valid: tf.Tensor1D,
  eps: number,
): [tf.Tensor1D, tf.Tensor1D] {
  const [rows, classes] = p.shape;
  const clipped = tf.clipByValue(p, eps, 1 - eps);
  const flatIndex = tf.add(
    tf.mul(tf.range(0, rows, 1, 'int32'), tf.scalar(classes, 'int32')),
    tf.where(valid, ids, tf.zerosLike(ids)),
  );
  const picked = tf.where(valid, tf.gather(tf.reshape(clipped, [-1]), flatIndex), tf.zeros([rows]));
  return [tf.sum(clipped, 1) as tf.Tensor1D, picked as tf.Tensor1D];
}

/** The backward kernel from tfjs ops (any backend). */
function composedBackward(
  p: tf.Tensor2D,
  ids: tf.Tensor1D,
  a: tf.Tensor1D,
  b: tf.Tensor1D,
  eps: number,
): tf.Tensor {
  const classes = p.shape[1];
  const inside = tf.logicalAnd(tf.greaterEqual(p, eps), tf.lessEqual(p, 1 - eps));
  const perClass = tf.add(tf.expandDims(b, 1), tf.mul(tf.oneHot(ids, classes), tf.expandDims(a, 1)));
  return tf.where(inside, perClass, tf.zerosLike(p));
}

/**
 * `x` clipped to `[ε, 1 − ε]` with NaN kept: the wasm backend's clip turns NaN into the lower
 * bound, which would hide a diverged model's NaN predictions behind a finite loss.
 */
function clipKeepingNaN(x: tf.Tensor, eps: number): tf.Tensor {
  return tf.where(tf.notEqual(x, x), x, tf.clipByValue(x, eps, 1 - eps));
}
