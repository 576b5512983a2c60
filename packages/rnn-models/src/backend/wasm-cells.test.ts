import { expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import { gru, lstm } from '../layers/recurrent-layers.js';
import { gruSequence } from '../ops/gru-sequence.js';
import { lstmSequence } from '../ops/lstm-sequence.js';
import { initBackend } from './backend.js';
import {
  cellKernelsAvailable,
  GRU_BACKWARD_STEP,
  GRU_FORWARD_STEP,
  LSTM_BACKWARD_STEP,
  LSTM_FORWARD_STEP,
  setCellKernelsEnabled,
} from './wasm-cells.js';
import { setWholeSequences } from './wasm-gemm.js';

const [BATCH, TIME, INPUT, UNITS] = [3, 6, 5, 8];
const CLOSE = { rtol: 1e-4, atol: 2e-6 };
/** Row 1 masked at the first and a middle step; row 2 padded at the end. */
const MASK = [
  [1, 1, 1, 1, 1, 1],
  [0, 1, 0, 1, 1, 1],
  [1, 1, 1, 1, 0, 0],
];

interface Case {
  readonly mask: boolean;
  readonly recurrentMask: boolean;
  readonly bias: boolean;
}

/** Outputs, final states and every gradient of a random projection of them, as plain arrays. */
function run(seed: number, c: Case): Record<string, number[]> {
  return tf.tidy(() => {
    const u = (shape: number[], k: number) => tf.randomUniform(shape, -0.7, 0.7, 'float32', seed * 10 + k);
    const x = u([BATCH, TIME, INPUT], 1) as tf.Tensor3D;
    const h0 = u([BATCH, UNITS], 2) as tf.Tensor2D;
    const c0 = u([BATCH, UNITS], 3) as tf.Tensor2D;
    const kernel = u([INPUT, 4 * UNITS], 4) as tf.Tensor2D;
    const recurrentKernel = u([UNITS, 4 * UNITS], 5) as tf.Tensor2D;
    const bias = u([4 * UNITS], 6) as tf.Tensor1D;
    const [wOut, wH, wC] = [u([BATCH, TIME, UNITS], 7), u([BATCH, UNITS], 8), u([BATCH, UNITS], 9)];
    const mask = c.mask ? tf.tensor2d(MASK) : undefined;
    const recurrentMask = c.recurrentMask
      ? (tf.cast(tf.greater(u([BATCH, UNITS], 10), -0.3), 'float32') as tf.Tensor2D)
      : undefined;
    const loss = (...args: tf.Tensor[]) => {
      const [xx, hh, cc, k, rk, b] = args as [
        tf.Tensor3D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor2D,
        tf.Tensor1D,
      ];
      const out = lstmSequence(
        xx,
        hh,
        cc,
        { kernel: k, recurrentKernel: rk, bias: c.bias ? b : undefined },
        {
          mask,
          recurrentMask,
        },
      );
      return tf.addN([
        tf.sum(tf.mul(out.outputs, wOut)),
        tf.sum(tf.mul(out.h, wH)),
        tf.sum(tf.mul(out.c, wC)),
      ]);
    };
    const names = ['x', 'h0', 'c0', 'kernel', 'recurrentKernel', ...(c.bias ? ['bias'] : [])];
    const args = [x, h0, c0, kernel, recurrentKernel, ...(c.bias ? [bias] : [])];
    const { value, grads } = tf.valueAndGrads(loss)(args);
    const plain = lstmSequence(
      x,
      h0,
      c0,
      { kernel, recurrentKernel, bias: c.bias ? bias : undefined },
      { mask, recurrentMask },
    );
    return {
      loss: Array.from(value.dataSync()),
      outputs: Array.from(plain.outputs.dataSync()),
      h: Array.from(plain.h.dataSync()),
      c: Array.from(plain.c.dataSync()),
      ...Object.fromEntries(names.map((name, k) => [`d${name}`, Array.from(grads[k]!.dataSync())])),
    };
  });
}

/** {@link run} for the reset-after GRU (bias `[2, 3·units]`). */
function runGru(seed: number, c: Case): Record<string, number[]> {
  return tf.tidy(() => {
    const u = (shape: number[], k: number) => tf.randomUniform(shape, -0.7, 0.7, 'float32', seed * 10 + k);
    const x = u([BATCH, TIME, INPUT], 1) as tf.Tensor3D;
    const h0 = u([BATCH, UNITS], 2) as tf.Tensor2D;
    const kernel = u([INPUT, 3 * UNITS], 4) as tf.Tensor2D;
    const recurrentKernel = u([UNITS, 3 * UNITS], 5) as tf.Tensor2D;
    const bias = u([2, 3 * UNITS], 6) as tf.Tensor2D;
    const [wOut, wH] = [u([BATCH, TIME, UNITS], 7), u([BATCH, UNITS], 8)];
    const mask = c.mask ? tf.tensor2d(MASK) : undefined;
    const recurrentMask = c.recurrentMask
      ? (tf.cast(tf.greater(u([BATCH, UNITS], 10), -0.3), 'float32') as tf.Tensor2D)
      : undefined;
    const forward = (xx: tf.Tensor3D, hh: tf.Tensor2D, k: tf.Tensor2D, rk: tf.Tensor2D, b: tf.Tensor) =>
      gruSequence(
        xx,
        hh,
        { kernel: k, recurrentKernel: rk, bias: c.bias ? b : undefined },
        { mask, recurrentMask },
      );
    const loss = (...args: tf.Tensor[]) => {
      const [xx, hh, k, rk, b] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, tf.Tensor2D, tf.Tensor];
      const out = forward(xx, hh, k, rk, b);
      return tf.add(tf.sum(tf.mul(out.outputs, wOut)), tf.sum(tf.mul(out.h, wH)));
    };
    const names = ['x', 'h0', 'kernel', 'recurrentKernel', ...(c.bias ? ['bias'] : [])];
    const args = [x, h0, kernel, recurrentKernel, ...(c.bias ? [bias] : [])];
    const { value, grads } = tf.valueAndGrads(loss)(args);
    const plain = forward(x, h0, kernel, recurrentKernel, bias);
    return {
      loss: Array.from(value.dataSync()),
      outputs: Array.from(plain.outputs.dataSync()),
      h: Array.from(plain.h.dataSync()),
      ...Object.fromEntries(names.map((name, k) => [`d${name}`, Array.from(grads[k]!.dataSync())])),
    };
  });
}

/** Whether `fn` dispatched the forward and backward step kernels of `cell`. */
async function kernelNames(
  fn: () => unknown,
  cell: 'lstm' | 'gru' = 'lstm',
): Promise<{ forward: boolean; backward: boolean }> {
  const info = await tf.profile(() => {
    fn();
  });
  const names = new Set(info.kernels.map((kernel) => kernel.name));
  return cell === 'lstm'
    ? { forward: names.has(LSTM_FORWARD_STEP), backward: names.has(LSTM_BACKWARD_STEP) }
    : { forward: names.has(GRU_FORWARD_STEP), backward: names.has(GRU_BACKWARD_STEP) };
}

const CASES: Case[] = [
  { mask: false, recurrentMask: false, bias: true },
  { mask: true, recurrentMask: false, bias: true },
  { mask: true, recurrentMask: true, bias: false },
  { mask: false, recurrentMask: true, bias: true },
];

/**
 * Loss and every weight gradient of Embedding(maskZero) → Bidirectional(`layer()`) on padded ids,
 * on the cpu backend and on wasm with the same weights; returns both.
 */
async function bidirectionalOnBothBackends(
  layer: () => tfl.RNN,
): Promise<{ cpu: number[][]; wasm: number[][] }> {
  const ids = [
    [3, 1, 4, 1, 5, 0],
    [2, 7, 1, 8, 0, 0],
    [0, 0, 6, 2, 8, 3],
  ];
  let weights: { values: number[]; shape: number[] }[] | undefined;
  const gradients = () =>
    tf.tidy(() => {
      const input = tfl.input({ shape: [TIME] });
      const embedded = tfl.layers
        .embedding({
          inputDim: 9,
          outputDim: 4,
          maskZero: true,
          embeddingsInitializer: tfl.initializers.randomUniform({ minval: -1, maxval: 1, seed: 3 }),
        })
        .apply(input);
      const out = tfl.layers.bidirectional({ layer: layer() }).apply(embedded) as tfl.SymbolicTensor;
      const model = tfl.model({ inputs: input, outputs: out });
      // The same weights on both backends: the first build's.
      if (weights === undefined) {
        weights = model.getWeights().map((w) => ({ values: Array.from(w.dataSync()), shape: w.shape }));
      } else {
        model.setWeights(weights.map((w) => tf.tensor(w.values, w.shape)));
      }
      const xs = tf.tensor2d(ids);
      const { value, grads } = tf.variableGrads(
        () => tf.sum(tf.square(model.apply(xs) as tf.Tensor)) as tf.Scalar,
      );
      const result = [
        Array.from(value.dataSync()),
        ...Object.values(grads).map((g) => Array.from(g.dataSync())),
      ];
      model.dispose();
      return result;
    });
  await initBackend({ backend: 'cpu' });
  const cpu = gradients();
  await initBackend({ backend: 'wasm' });
  return { cpu, wasm: gradients() };
}

describe('fused LSTM step kernels (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(() => {
    setCellKernelsEnabled(true);
  });

  it('run for sigmoid/tanh LSTMs on wasm, in both passes (as one native sequence each, or step by step)', async () => {
    expect(cellKernelsAvailable()).toBe(true);
    expect(await kernelNames(() => run(1, CASES[1]!))).toEqual({ forward: false, backward: false });
    setWholeSequences(false);
    onTestFinished(() => setWholeSequences(true));
    expect(await kernelNames(() => run(1, CASES[1]!))).toEqual({ forward: true, backward: true });
  });

  it.each(CASES)(
    'run both passes as one native sequence each with the bits of one kernel per step: %o',
    (c) => {
      const whole = run(3, c);
      setWholeSequences(false);
      const stepwise = run(3, c);
      setWholeSequences(true);
      expect(whole).toEqual(stepwise);
    },
  );

  it.each(CASES)('equal the composed ops and the cpu backend: %o', async (c) => {
    await initBackend({ backend: 'wasm' });
    const fused = run(2, c);
    setCellKernelsEnabled(false);
    const composed = run(2, c);
    setCellKernelsEnabled(true);
    await initBackend({ backend: 'cpu' });
    const cpu = run(2, c);
    await initBackend({ backend: 'wasm' });
    for (const key of Object.keys(cpu)) {
      expectTensorsClose(fused[key]!, composed[key]!, CLOSE);
      expectTensorsClose(fused[key]!, cpu[key]!, CLOSE);
    }
  });

  it('read int32 inputs, states and weights as tfjs’ ops do (as float32 values), LSTM and GRU', () => {
    const ints = (shape: number[], seed: number) =>
      tf.tidy(() => tf.cast(tf.randomUniform(shape, -2, 3, 'float32', seed), 'int32'));
    const x = ints([BATCH, TIME, INPUT], 1) as tf.Tensor3D;
    const h0 = ints([BATCH, UNITS], 2) as tf.Tensor2D;
    const lstmWeights = { kernel: ints([INPUT, 4 * UNITS], 3), recurrentKernel: ints([UNITS, 4 * UNITS], 4) };
    const gruWeights = { kernel: ints([INPUT, 3 * UNITS], 5), recurrentKernel: ints([UNITS, 3 * UNITS], 6) };
    const float = <T extends tf.Tensor>(t: T) => tf.cast(t, 'float32') as T;
    const floats = <W extends Record<string, tf.Tensor>>(w: W) =>
      Object.fromEntries(Object.entries(w).map(([k, t]) => [k, float(t)])) as W;
    const values = (t: tf.Tensor) => Array.from(t.dataSync());
    tf.tidy(() => {
      const lstmInt = lstmSequence(x, h0, h0, lstmWeights as never);
      const lstmFloat = lstmSequence(float(x), float(h0), float(h0), floats(lstmWeights) as never);
      expect(values(lstmInt.outputs)).toEqual(values(lstmFloat.outputs));
      const gruInt = gruSequence(x, h0, gruWeights as never);
      const gruFloat = gruSequence(float(x), float(h0), floats(gruWeights) as never);
      expect(values(gruInt.outputs)).toEqual(values(gruFloat.outputs));
      expect(values(gruFloat.outputs).some((v) => v !== 0)).toBe(true);
    });
    tf.dispose([x, h0, ...Object.values(lstmWeights), ...Object.values(gruWeights)]);
  });

  it('give a masked Bidirectional LSTM layer the cpu backend’s outputs and gradients, and leak nothing', async () => {
    const { cpu, wasm } = await bidirectionalOnBothBackends(
      () => lstm({ units: UNITS, returnSequences: true, seed: 4 }) as unknown as tfl.RNN,
    );
    expect(wasm).toHaveLength(cpu.length);
    for (const [k, values] of cpu.entries()) expectTensorsClose(wasm[k]!, values, CLOSE);
    await expectNoLeaks(() => {
      run(3, CASES[2]!);
    });
  });
});

describe('fused GRU step kernels (wasm)', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'wasm' });
  });
  afterAll(() => {
    setCellKernelsEnabled(true);
  });

  it('run for reset-after sigmoid/tanh GRUs on wasm, in both passes (as one native sequence each, or step by step)', async () => {
    expect(await kernelNames(() => runGru(1, CASES[1]!), 'gru')).toEqual({ forward: false, backward: false });
    setWholeSequences(false);
    onTestFinished(() => setWholeSequences(true));
    expect(await kernelNames(() => runGru(1, CASES[1]!), 'gru')).toEqual({ forward: true, backward: true });
  });

  it.each(CASES)(
    'run both passes as one native sequence each with the bits of one kernel per step: %o',
    (c) => {
      const whole = runGru(3, c);
      setWholeSequences(false);
      const stepwise = runGru(3, c);
      setWholeSequences(true);
      expect(whole).toEqual(stepwise);
    },
  );

  it.each(CASES)('equal the composed ops and the cpu backend: %o', async (c) => {
    await initBackend({ backend: 'wasm' });
    const fused = runGru(2, c);
    setCellKernelsEnabled(false);
    const composed = runGru(2, c);
    setCellKernelsEnabled(true);
    await initBackend({ backend: 'cpu' });
    const cpu = runGru(2, c);
    await initBackend({ backend: 'wasm' });
    expect(Object.keys(fused).sort()).toEqual(Object.keys(cpu).sort());
    for (const key of Object.keys(cpu)) {
      expectTensorsClose(fused[key]!, composed[key]!, CLOSE);
      expectTensorsClose(fused[key]!, cpu[key]!, CLOSE);
    }
  });

  it('give a masked Bidirectional GRU layer the cpu backend’s gradients, and leak nothing', async () => {
    const { cpu, wasm } = await bidirectionalOnBothBackends(
      () => gru({ units: UNITS, returnSequences: true, seed: 4 }) as unknown as tfl.RNN,
    );
    expect(wasm).toHaveLength(cpu.length);
    for (const [k, values] of cpu.entries()) expectTensorsClose(wasm[k]!, values, CLOSE);
    await expectNoLeaks(() => {
      runGru(3, CASES[2]!);
    });
  });
});
