// What the fused sequence kernels (lstm-sequence, gru-sequence, simple-rnn-sequence) share:
// the custom-gradient wrapper, the input projection, masks, weight-gradient products,
// shape checks and activation lookup. Internal to the package.
import * as tf from '@tensorflow/tfjs-core';
import { nativeProductActive } from '../backend/wasm-gemm.js';
import { fastLeadingSumsActive } from '../backend/wasm-math-kernels.js';
import { RnnModelsError, validate } from '../errors.js';
import { FUSED_ACTIVATION_NAMES, type FusedActivation, fusedActivation } from './fused-activations.js';

/** Sizes of one fused-sequence call. @internal */
export interface Dims {
  readonly batch: number;
  readonly time: number;
  readonly inputDim: number;
  readonly units: number;
}

/**
 * Runs `forward` as one differentiable tfjs op whose gradient is `backward`, over the
 * defined entries of `inputs`; inputs `backward` gives no gradient for (masks) get zeros.
 * Without an active gradient tape it just runs `forward` with `keep` false, saving nothing.
 * @internal
 */
export function runFused<I extends Record<string, tf.Tensor | undefined>, S extends Record<string, unknown>>(
  inputs: I,
  forward: (inputs: I, keep: boolean) => { value: tf.Tensor; saved: S | undefined },
  backward: (dy: tf.Tensor, saved: S) => Partial<Record<keyof I, tf.Tensor>>,
): tf.Tensor {
  if (!tf.engine().isTapeOn()) return forward(inputs, false).value;
  const names = Object.keys(inputs).filter((name) => inputs[name] !== undefined);
  const op = tf.customGrad(((...args: unknown[]) => {
    const save = args.pop() as (tensors: tf.Tensor[]) => void;
    const named = Object.fromEntries(names.map((name, k) => [name, args[k]])) as I;
    const { value, saved } = forward(named, true);
    const savedNames = Object.keys(saved!).filter((name) => saved![name] !== undefined);
    save(savedNames.map((name) => saved![name] as tf.Tensor));
    const gradFunc = (dy: tf.Tensor, tensors: tf.Tensor[]) => {
      const restored = Object.fromEntries(savedNames.map((name, k) => [name, tensors[k]])) as S;
      const grads = backward(dy, restored);
      return names.map((name) => grads[name] ?? tf.zeros(named[name]!.shape));
    };
    return { value, gradFunc };
  }) as unknown as Parameters<typeof tf.customGrad>[0]);
  return op(...names.map((name) => inputs[name]!));
}

/**
 * The input projection of every step as one product. Rows of `xs` are time-major: row
 * `t·batch + b` is example b at step t.
 * @internal
 */
export function projectInputs(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
  width: number,
): { xs: tf.Tensor2D; steps: tf.Tensor2D[] } {
  const { xs, projected } = projectInputsStacked(x, kernel, bias, width);
  return { xs, steps: tf.unstack(projected) as tf.Tensor2D[] };
}

/** {@link projectInputs} with the projections of all steps in one time-major `[time, batch, width]` tensor. @internal */
export function projectInputsStacked(
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  bias: tf.Tensor1D | undefined,
  width: number,
): { xs: tf.Tensor2D; projected: tf.Tensor3D } {
  const xs = timeMajorRows(x);
  const [batch, time] = x.shape;
  // The bias in the product (its accumulators start from it): no second pass over the [time·batch, width] result.
  const projected = tf.fused.matMul({ a: xs, b: kernel, bias });
  return { xs, projected: tf.reshape(projected, [time, batch, width]) as tf.Tensor3D };
}

/**
 * `inputs` with every tensor that is not float32 cast to it: the native kernels read the heap as
 * float32 (tfjs' own ops cast int32 operands themselves). Call inside a tidy. @internal
 */
export function floatInputs<I extends Record<string, tf.Tensor | undefined>>(inputs: I): I {
  return Object.fromEntries(
    Object.entries(inputs).map(([name, t]) => [
      name,
      t === undefined || t.dtype === 'float32' ? t : tf.cast(t, 'float32'),
    ]),
  ) as I;
}

/** `[batch, time, n]` → time-major rows `[time·batch, n]`: row `t·batch + b` is example b at step t. @internal */
export function timeMajorRows(x: tf.Tensor3D): tf.Tensor2D {
  const [batch, time, n] = x.shape;
  return tf.reshape(tf.transpose(x, [1, 0, 2]), [time * batch, n]) as tf.Tensor2D;
}

/** What every backward pass needs of the input projection and the forward value `packed`. @internal */
export function projectionSaved(
  t: { kernel: tf.Tensor2D; recurrentKernel: tf.Tensor2D; h0: tf.Tensor2D },
  xs: tf.Tensor2D,
  packed: tf.Tensor3D,
) {
  return { xs, kernel: t.kernel, recurrentKernel: t.recurrentKernel, h0: t.h0, packed };
}

/** `[batch, time]` mask → binary float32 `[time, batch, 1]` (non-zero counts as 1, as in tfjs-layers). @internal */
export function timeMajorMask(mask: tf.Tensor2D): tf.Tensor3D {
  return tf.expandDims(tf.transpose(tf.cast(tf.notEqual(mask, 0), 'float32')), 2) as tf.Tensor3D;
}

/**
 * Gradients of x, kernel, recurrent kernel and bias from the pre-activation gradients `dZ`
 * `[time, batch, gates·units]` of all steps, each one large product. `dRecurrent`, when given,
 * is the gradient of the recurrent product where it differs from `dZ` (the reset-after GRU's
 * candidate column is scaled by r); the bias gradient is then the input bias' alone.
 *
 * Shapes are arranged for the wasm backend (XNNPACK): the weight gradients are computed
 * transposed, `dZᵀ·h` and `dZᵀ·x` from one transpose of dZ, because XNNPACK repacks the right
 * operand on every call and `hᵀ·dZ`, `xᵀ·dZ` would make that the big dZ; the bias gradient is
 * {@link columnSums}.
 * @internal
 */
export function projectionGradients(
  dZ: tf.Tensor3D,
  s: {
    xs: tf.Tensor2D;
    kernel: tf.Tensor2D;
    h0: tf.Tensor2D;
    packed: tf.Tensor3D;
    recurrentMask: tf.Tensor2D | undefined;
  },
  { batch, time, inputDim, units }: Dims,
  withBias: boolean,
  dRecurrent?: tf.Tensor3D,
): { x: tf.Tensor; kernel: tf.Tensor; recurrentKernel: tf.Tensor; bias?: tf.Tensor } {
  const width = dZ.shape[2];
  const dZFlat = tf.reshape(dZ, [time * batch, width]) as tf.Tensor2D;
  // The hidden state entering each step: h0, then the first time − 1 hidden states.
  const first = tf.expandDims(s.h0, 0);
  let hPrev: tf.Tensor =
    time === 1 ? first : tf.concat([first, tf.slice(s.packed, [0, 0, 0], [time - 1, batch, units])], 0);
  if (s.recurrentMask !== undefined) hPrev = tf.mul(hPrev, s.recurrentMask);
  const hPrevFlat = tf.reshape(hPrev, [time * batch, units]);
  const dRecurrentFlat =
    dRecurrent === undefined ? dZFlat : tf.reshape(dRecurrent, [time * batch, dRecurrent.shape[2]]);
  if (nativeProductActive()) {
    // rnnkit's product reads transposed operands as they are.
    const dx = tf.reshape(tf.matMul(dZFlat, s.kernel, false, true), [time, batch, inputDim]);
    return {
      x: tf.transpose(dx, [1, 0, 2]),
      kernel: tf.matMul(s.xs, dZFlat, true, false),
      recurrentKernel: tf.matMul(hPrevFlat, dRecurrentFlat, true, false),
      ...(withBias ? { bias: columnSums(dZFlat) } : {}),
    };
  }
  // Explicit transposes: the wasm backend's matMul with transposeA/B falls off XNNPACK's
  // fast path (~40× slower), while a transpose is one copy.
  const dZT = tf.transpose(dZFlat);
  const dRecurrentT = dRecurrent === undefined ? dZT : tf.transpose(dRecurrentFlat);
  const dxTimeMajor = tf.reshape(tf.matMul(dZFlat, tf.transpose(s.kernel)), [time, batch, inputDim]);
  return {
    x: tf.transpose(dxTimeMajor, [1, 0, 2]),
    kernel: tf.transpose(tf.matMul(dZT, s.xs)),
    recurrentKernel: tf.transpose(tf.matMul(dRecurrentT, hPrevFlat)),
    ...(withBias ? { bias: columnSums(dZFlat) } : {}),
  };
}

/** Sums of the columns of `m` `[rows, cols]` → `[cols]`: native on wasm, else a product with a row of ones. @internal */
export function columnSums(m: tf.Tensor2D): tf.Tensor1D {
  if (fastLeadingSumsActive()) return tf.sum(m, 0);
  const [rows, cols] = m.shape;
  return tf.reshape(tf.matMul(tf.ones([1, rows]), m), [cols]) as tf.Tensor1D;
}

/**
 * Validates the tensors every fused sequence takes and returns their sizes; `gates` is the
 * number of `units`-wide blocks in the kernels (LSTM 4, GRU 3, SimpleRNN 1).
 * @internal
 */
export function checkRecurrentShapes(
  fn: string,
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  weights: { kernel: tf.Tensor2D; recurrentKernel: tf.Tensor2D; bias?: tf.Tensor1D },
  gates: number,
  options: { mask?: tf.Tensor2D; recurrentMask?: tf.Tensor2D },
): Dims {
  const blocks = gates === 1 ? 'units' : `${gates}·units`;
  if (weights === null || typeof weights !== 'object') {
    validate.invalid(
      fn,
      'weights',
      weights,
      'must be an object { kernel, recurrentKernel, bias? } of tensors',
    );
  }
  checkShape(fn, 'x', x, [null, null, null], '[batch, time, inputDim]');
  const [batch, time, inputDim] = x.shape;
  if (time < 1) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `${fn}: x has shape [${x.shape.join(', ')}] with no time steps; expected [batch, time ≥ 1, inputDim].`,
    );
  }
  checkShape(fn, 'weights.recurrentKernel', weights.recurrentKernel, [null, null], `[units, ${blocks}]`);
  const units = weights.recurrentKernel.shape[0];
  checkShape(
    fn,
    'weights.recurrentKernel',
    weights.recurrentKernel,
    [units, gates * units],
    `[units, ${blocks}]`,
  );
  checkShape(fn, 'h0', h0, [batch, units], '[batch, units]');
  checkShape(fn, 'weights.kernel', weights.kernel, [inputDim, gates * units], `[inputDim, ${blocks}]`);
  if (weights.bias !== undefined)
    checkShape(fn, 'weights.bias', weights.bias, [gates * units], `[${blocks}]`);
  if (options.mask !== undefined)
    checkShape(fn, 'options.mask', options.mask, [batch, time], '[batch, time]');
  if (options.recurrentMask !== undefined) {
    checkShape(fn, 'options.recurrentMask', options.recurrentMask, [batch, units], '[batch, units]');
  }
  return { batch, time, inputDim, units };
}

/**
 * Throws `RNN_MODELS_SHAPE_MISMATCH` unless `tensor` has the `expected` shape (`null`: any
 * size); `dims` names the dimensions for the message, e.g. `'[batch, units]'`.
 * @internal
 */
export function checkShape(
  fn: string,
  name: string,
  tensor: tf.Tensor | undefined,
  expected: readonly (number | null)[],
  dims: string,
): void {
  const wanted = `${dims} = [${expected.map((size) => size ?? '?').join(', ')}]`;
  if (!(tensor instanceof tf.Tensor)) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${fn}: ${name} must be a tensor of shape ${wanted}.`,
    );
  }
  if (tensor.isDisposed) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${fn}: ${name} is a disposed tensor; pass a live tensor of shape ${wanted} (dispose it only after the call).`,
    );
  }
  const { shape } = tensor;
  if (shape.length !== expected.length || expected.some((size, k) => size !== null && size !== shape[k])) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `${fn}: ${name} has shape [${shape.join(', ')}]; expected ${wanted}.`,
    );
  }
}

/** The fused activation `name`, or `RNN_MODELS_INVALID_OPTION` naming the closest supported one. @internal */
export function resolveActivation(fn: string, option: string, name: string): FusedActivation {
  return fusedActivation(validate.oneOf(fn, `options.${option}`, name, FUSED_ACTIVATION_NAMES))!;
}
