import * as tf from '@tensorflow/tfjs-core';

/** LSTM weights in Keras' layout: gates in the order input, forget, cell, output. */
export interface LstmWeights {
  /** `[inputDim, 4·units]`. */
  readonly kernel: tf.Tensor2D;
  /** `[units, 4·units]`. */
  readonly recurrentKernel: tf.Tensor2D;
  /** `[4·units]`. */
  readonly bias: tf.Tensor1D;
}

/** The result of {@link lstmSequence}; the caller owns all three tensors. */
export interface LstmSequenceResult {
  /** Hidden state after every step, `[batch, time, units]`. */
  readonly outputs: tf.Tensor3D;
  /** Final hidden state, `[batch, units]`. */
  readonly h: tf.Tensor2D;
  /** Final cell state, `[batch, units]`. */
  readonly c: tf.Tensor2D;
}

/**
 * Runs an LSTM (sigmoid gates, tanh cell — Keras' defaults) over a whole sequence with a
 * hand-written backward pass, differentiable with respect to every input.
 *
 * The input projection of all time steps is one `[time·batch, inputDim] × [inputDim,
 * 4·units]` product; each step then adds only the recurrent product. Backpropagation
 * through time runs the steps in reverse with elementwise gate derivatives and produces
 * the weight gradients as three large products over all steps at once, instead of tfjs'
 * generic autodiff through every per-step op.
 *
 * @param x inputs `[batch, time, inputDim]`, float32.
 * @param h0 initial hidden state `[batch, units]`.
 * @param c0 initial cell state `[batch, units]`.
 * @returns new tensors owned by the caller; the arguments are not disposed.
 */
export function lstmSequence(
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  weights: LstmWeights,
): LstmSequenceResult {
  const [batch, time] = x.shape;
  const units = weights.recurrentKernel.shape[0];
  return tf.tidy(() => {
    // customGrad returns one tensor: every hidden state, then the final cell state as an extra step.
    const packed = fusedLstm(x, weights.kernel, weights.recurrentKernel, weights.bias, h0, c0) as tf.Tensor3D;
    return {
      outputs: tf.slice(packed, [0, 0, 0], [batch, time, units]),
      h: tf.reshape(tf.slice(packed, [0, time - 1, 0], [batch, 1, units]), [batch, units]) as tf.Tensor2D,
      c: tf.reshape(tf.slice(packed, [0, time, 0], [batch, 1, units]), [batch, units]) as tf.Tensor2D,
    };
  });
}

const fusedLstm = tf.customGrad(((
  x: tf.Tensor3D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  bias: tf.Tensor1D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  save: (tensors: tf.Tensor[]) => void,
) => {
  const [batch, time, inputDim] = x.shape;
  const units = recurrentKernel.shape[0];
  // Time-major from here on: row t·batch + b is example b at step t.
  const xTimeMajor = tf.reshape(tf.transpose(x, [1, 0, 2]), [time * batch, inputDim]);
  const projected = tf.add(tf.matMul(xTimeMajor, kernel), bias);
  const steps = tf.unstack(tf.reshape(projected, [time, batch, 4 * units]));
  let h = h0;
  let c = c0;
  const hiddenPrevious: tf.Tensor2D[] = [];
  const cellPrevious: tf.Tensor2D[] = [];
  const gates: tf.Tensor2D[] = []; // [i, f, g, o] activations side by side, per step
  const cellTanh: tf.Tensor2D[] = [];
  const hidden: tf.Tensor2D[] = [];
  for (let t = 0; t < time; t++) {
    hiddenPrevious.push(h);
    cellPrevious.push(c);
    const z = tf.add(steps[t]!, tf.matMul(h, recurrentKernel)) as tf.Tensor2D;
    const [zi, zf, zg, zo] = tf.split(z, 4, 1) as tf.Tensor2D[];
    const i = tf.sigmoid(zi!);
    const f = tf.sigmoid(zf!);
    const g = tf.tanh(zg!);
    const o = tf.sigmoid(zo!);
    c = tf.add(tf.mul(f, c), tf.mul(i, g));
    const tc = tf.tanh(c);
    h = tf.mul(o, tc);
    gates.push(tf.concat([i, f, g, o], 1));
    cellTanh.push(tc);
    hidden.push(h);
  }
  save([
    xTimeMajor,
    kernel,
    recurrentKernel,
    tf.stack(hiddenPrevious),
    tf.stack(cellPrevious),
    tf.stack(gates),
    tf.stack(cellTanh),
  ]);
  const outputs = tf.stack(hidden, 1); // [batch, time, units]
  const value = tf.concat([outputs, tf.expandDims(c, 1)], 1);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]) => {
    const [xs, savedKernel, savedRecurrent, hPrev, cPrev, gateValues, tanhC] = saved as [
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor2D,
      tf.Tensor3D,
      tf.Tensor3D,
      tf.Tensor3D,
      tf.Tensor3D,
    ];
    return backward(dy as tf.Tensor3D, xs, savedKernel, savedRecurrent, hPrev, cPrev, gateValues, tanhC, [
      batch,
      time,
      inputDim,
      units,
    ]);
  };
  return { value, gradFunc };
}) as unknown as Parameters<typeof tf.customGrad>[0]);

/** Backpropagation through time for {@link fusedLstm}; returns gradients for (x, kernel, recurrentKernel, bias, h0, c0). */
function backward(
  dy: tf.Tensor3D,
  xs: tf.Tensor2D,
  kernel: tf.Tensor2D,
  recurrentKernel: tf.Tensor2D,
  hPrev: tf.Tensor3D,
  cPrev: tf.Tensor3D,
  gateValues: tf.Tensor3D,
  tanhC: tf.Tensor3D,
  [batch, time, inputDim, units]: [number, number, number, number],
): tf.Tensor[] {
  const dOutputs = tf.unstack(tf.slice(dy, [0, 0, 0], [batch, time, units]), 1) as tf.Tensor2D[];
  let dc = tf.reshape(tf.slice(dy, [0, time, 0], [batch, 1, units]), [batch, units]) as tf.Tensor2D;
  let dh: tf.Tensor2D = tf.zerosLike(dc);
  const gatesPerStep = tf.unstack(gateValues) as tf.Tensor2D[];
  const tanhPerStep = tf.unstack(tanhC) as tf.Tensor2D[];
  const cPrevPerStep = tf.unstack(cPrev) as tf.Tensor2D[];
  const recurrentT = tf.transpose(recurrentKernel);
  const dz: tf.Tensor2D[] = new Array(time);
  for (let t = time - 1; t >= 0; t--) {
    dh = tf.add(dh, dOutputs[t]!) as tf.Tensor2D;
    const [i, f, g, o] = tf.split(gatesPerStep[t]!, 4, 1) as tf.Tensor2D[];
    const tc = tanhPerStep[t]!;
    const dO = tf.mul(dh, tc);
    dc = tf.add(dc, tf.mul(tf.mul(dh, o!), tf.sub(1, tf.square(tc)))) as tf.Tensor2D;
    const dI = tf.mul(dc, g!);
    const dG = tf.mul(dc, i!);
    const dF = tf.mul(dc, cPrevPerStep[t]!);
    dc = tf.mul(dc, f!) as tf.Tensor2D;
    dz[t] = tf.concat(
      [
        tf.mul(dI, tf.mul(i!, tf.sub(1, i!))),
        tf.mul(dF, tf.mul(f!, tf.sub(1, f!))),
        tf.mul(dG, tf.sub(1, tf.square(g!))),
        tf.mul(dO, tf.mul(o!, tf.sub(1, o!))),
      ],
      1,
    ) as tf.Tensor2D;
    dh = tf.matMul(dz[t]!, recurrentT) as tf.Tensor2D;
  }
  // Weight gradients over all steps at once: rows are (step, example) in time-major order.
  const dZ = tf.reshape(tf.stack(dz), [time * batch, 4 * units]);
  // Transposes are explicit: the wasm backend's matMul with transposeA/B falls off XNNPACK's
  // fast path (~40× slower here), while a transpose is one cheap copy.
  const dKernel = tf.matMul(tf.transpose(xs), dZ);
  const dRecurrent = tf.matMul(tf.transpose(tf.reshape(hPrev, [time * batch, units])), dZ);
  const dBias = tf.sum(dZ, 0);
  const dxTimeMajor = tf.reshape(tf.matMul(dZ, tf.transpose(kernel)), [time, batch, inputDim]);
  return [tf.transpose(dxTimeMajor, [1, 0, 2]), dKernel, dRecurrent, dBias, dh, dc];
}
