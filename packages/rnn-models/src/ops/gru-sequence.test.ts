import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { expectZeroMaskGradients, seededUniform } from '../../test/ops-support.js';
import * as stockRnn from '../../test/stock-layer.js';
import { CLOSE, useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import type { FusedActivationName } from './fused-activations.js';
import { type GruSequenceOptions, type GruWeights, gruSequence } from './gru-sequence.js';

const [BATCH, TIME, INPUT, UNITS] = [3, 5, 4, 6];
useCpuBackend();

function fixture(seed: number, resetAfter: boolean) {
  const uniform = seededUniform(seed);
  return {
    x: uniform([BATCH, TIME, INPUT], 1) as tf.Tensor3D,
    h0: uniform([BATCH, UNITS], 2) as tf.Tensor2D,
    kernel: uniform([INPUT, 3 * UNITS], 3) as tf.Tensor2D,
    recurrentKernel: uniform([UNITS, 3 * UNITS], 4) as tf.Tensor2D,
    bias: uniform(resetAfter ? [2, 3 * UNITS] : [3 * UNITS], 5),
    // Random projections of outputs and final state make every gradient entry matter.
    outputWeights: uniform([BATCH, TIME, UNITS], 6),
    stateWeights: uniform([BATCH, UNITS], 7),
    // Example 0 sees every step, example 1 is right-padded, example 2 skips its first and a middle step.
    mask: tf.tensor2d(
      [
        [1, 1, 1, 1, 1],
        [1, 1, 1, 0, 0],
        [0, 1, 0, 1, 1],
      ],
      [BATCH, TIME],
    ),
    // Recurrent dropout at rate 0.5 with tfjs' 1/(1 − rate) scaling.
    recurrentMask: tf.mul(tf.cast(tf.greater(uniform([BATCH, UNITS], 8), 0), 'float32'), 2) as tf.Tensor2D,
  };
}
type Fixture = ReturnType<typeof fixture>;

interface RunResult {
  readonly outputs: tf.Tensor;
  readonly h: tf.Tensor;
}
type Runner = (x: tf.Tensor3D, h0: tf.Tensor2D, weights: GruWeights) => RunResult;

const REFERENCE_ACTIVATIONS: Partial<Record<FusedActivationName, (z: tf.Tensor) => tf.Tensor>> = {
  tanh: (z) => tf.tanh(z),
  sigmoid: (z) => tf.sigmoid(z),
  relu: (z) => tf.relu(z),
  hardSigmoid: (z) => tf.clipByValue(tf.add(tf.mul(z, 0.2), 0.5), 0, 1),
  softsign: (z) => tf.div(z, tf.add(1, tf.abs(z))),
};

/** Keras' GRU step by step in plain tf ops, differentiated by tfjs' autodiff. */
function referenceGru(
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  weights: GruWeights,
  options: GruSequenceOptions = {},
): RunResult {
  const { resetAfter = true, mask, recurrentMask } = options;
  const activation = REFERENCE_ACTIVATIONS[options.activation ?? 'tanh']!;
  const gate = REFERENCE_ACTIVATIONS[options.recurrentActivation ?? 'sigmoid']!;
  const [batch, time, inputDim] = x.shape;
  const { kernel, recurrentKernel, bias } = weights;
  const [inputBias, recurrentBias] =
    bias === undefined ? [undefined, undefined] : resetAfter ? tf.unstack(bias) : [bias, undefined];
  const [uZ, uR, uH] = tf.split(recurrentKernel, 3, 1);
  let h: tf.Tensor = h0;
  const outputs: tf.Tensor[] = [];
  for (let t = 0; t < time; t++) {
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [batch, 1, inputDim]), [batch, inputDim]);
    const hp = recurrentMask === undefined ? h : tf.mul(h, recurrentMask);
    let projected = tf.matMul(xt, kernel);
    if (inputBias !== undefined) projected = tf.add(projected, inputBias);
    const [xZ, xR, xH] = tf.split(projected, 3, 1);
    let z: tf.Tensor;
    let hh: tf.Tensor;
    if (resetAfter) {
      let inner = tf.matMul(hp, recurrentKernel);
      if (recurrentBias !== undefined) inner = tf.add(inner, recurrentBias);
      const [iZ, iR, iH] = tf.split(inner, 3, 1);
      z = gate(tf.add(xZ!, iZ!));
      const r = gate(tf.add(xR!, iR!));
      hh = activation(tf.add(xH!, tf.mul(r, iH!)));
    } else {
      z = gate(tf.add(xZ!, tf.matMul(hp, uZ!)));
      const r = gate(tf.add(xR!, tf.matMul(hp, uR!)));
      hh = activation(tf.add(xH!, tf.matMul(tf.mul(r, hp), uH!)));
    }
    let next = tf.add(tf.mul(z, hp), tf.mul(tf.sub(1, z), hh));
    if (mask !== undefined) {
      const m = tf.slice(mask, [0, t], [batch, 1]);
      next = tf.add(tf.mul(m, next), tf.mul(tf.sub(1, m), h));
    }
    outputs.push(next);
    h = next;
  }
  return { outputs: tf.stack(outputs, 1), h };
}

function stockLayer(f: Fixture, extra: Partial<Parameters<typeof tfl.layers.gru>[0]> = {}) {
  const layer = tfl.layers.gru({
    units: UNITS,
    returnSequences: true,
    returnState: true,
    recurrentActivation: 'sigmoid', // tfjs-layers' GRU is always resetAfter: false
    ...extra,
  });
  return stockRnn.build(layer, f.x, [f.h0], [f.kernel, f.recurrentKernel, f.bias]);
}

function stockRunner(layer: tfl.layers.Layer, kwargs: Record<string, unknown> = {}): Runner {
  return (x, h0) => {
    const [outputs, h] = layer.apply(x, { initialState: [h0], ...kwargs }) as tf.Tensor[];
    return { outputs: outputs!, h: h! };
  };
}

function lossOf(f: Fixture, result: RunResult): tf.Scalar {
  return tf.add(
    tf.sum(tf.mul(result.outputs, f.outputWeights)),
    tf.sum(tf.mul(result.h, f.stateWeights)),
  ) as tf.Scalar;
}

/** Outputs, final state and gradients for (x, h0, kernel, recurrentKernel, bias?) of a differentiable runner. */
function runWithGradients(run: Runner, f: Fixture, useBias = true): tf.Tensor[] {
  const forward = run(f.x, f.h0, { ...f, bias: useBias ? f.bias : undefined });
  const args = [f.x, f.h0, f.kernel, f.recurrentKernel, ...(useBias ? [f.bias] : [])];
  const gradients = tf.grads((...t: tf.Tensor[]) => {
    const weights = { kernel: t[2] as tf.Tensor2D, recurrentKernel: t[3] as tf.Tensor2D, bias: t[4] };
    return lossOf(f, run(t[0] as tf.Tensor3D, t[1] as tf.Tensor2D, weights));
  })(args);
  return [forward.outputs, forward.h, ...gradients];
}

/** The same for a stock layer, whose weights are variables. */
function stockWithGradients(layer: tfl.layers.Layer, f: Fixture, kwargs: Record<string, unknown> = {}) {
  const run = stockRunner(layer, kwargs);
  const forward = run(f.x, f.h0, f);
  const gradients = stockRnn.gradients(layer, [f.x, f.h0], (x, h0) =>
    lossOf(f, run(x as tf.Tensor3D, h0 as tf.Tensor2D, f)),
  );
  return [forward.outputs, forward.h, ...gradients];
}

const NAMES = ['outputs', 'h', 'dx', 'dh0', 'dKernel', 'dRecurrentKernel', 'dBias'];

function expectAllClose(actual: tf.Tensor[], expected: tf.Tensor[]): void {
  expect(actual.length).toBe(expected.length);
  actual.forEach((tensor, i) => {
    try {
      expectTensorsClose(tensor, expected[i]!, CLOSE);
    } catch (error) {
      throw new Error(`${NAMES[i]}: ${(error as Error).message}`);
    }
  });
}

describe('gruSequence, resetAfter false', () => {
  const ours =
    (options: GruSequenceOptions = {}): Runner =>
    (x, h0, weights) =>
      gruSequence(x, h0, weights, { resetAfter: false, ...options });

  it('equals stock tfjs-layers GRU: outputs, final state and every gradient', () => {
    const f = fixture(1, false);
    const layer = stockLayer(f);
    const stock = stockWithGradients(layer, f);
    expectAllClose(runWithGradients(ours(), f), stock);
    // The test's own reference agrees too, which vouches for it where stock tfjs cannot go.
    expectAllClose(
      runWithGradients((x, h0, w) => referenceGru(x, h0, w, { resetAfter: false }), f),
      stock,
    );
    layer.dispose();
  });

  it('equals stock tfjs-layers GRU with a mask', () => {
    const f = fixture(2, false);
    const layer = stockLayer(f);
    expectAllClose(
      runWithGradients(ours({ mask: f.mask }), f),
      stockWithGradients(layer, f, { mask: f.mask }),
    );
    layer.dispose();
  });

  it('equals stock tfjs-layers GRU with recurrent dropout, given the same mask', () => {
    const f = fixture(3, false);
    // tfjs' dropoutFunc hook makes the layer use our mask for its recurrent dropout.
    const layer = stockLayer(f, { recurrentDropout: 0.5, dropoutFunc: () => f.recurrentMask });
    expectAllClose(
      runWithGradients(ours({ recurrentMask: f.recurrentMask, mask: f.mask }), f),
      stockWithGradients(layer, f, { mask: f.mask, training: true }),
    );
    layer.dispose();
  });

  it('equals stock tfjs-layers GRU without bias, with relu and hardSigmoid', () => {
    const f = fixture(4, false);
    const layer = stockRnn.build(
      tfl.layers.gru({
        units: UNITS,
        returnSequences: true,
        returnState: true,
        useBias: false,
        activation: 'relu',
        recurrentActivation: 'hardSigmoid',
      }),
      f.x,
      [f.h0],
      [f.kernel, f.recurrentKernel],
    );
    const options = { activation: 'relu', recurrentActivation: 'hardSigmoid' } as const;
    expectAllClose(runWithGradients(ours(options), f, false), stockWithGradients(layer, f));
    layer.dispose();
  });
});

describe('gruSequence, resetAfter true (Keras 2 default; stock tfjs rejects it)', () => {
  interface Case extends Pick<GruSequenceOptions, 'activation' | 'recurrentActivation'> {
    readonly name: string;
    readonly masks?: boolean;
    readonly useBias?: boolean;
  }
  const cases: Case[] = [
    { name: 'defaults', useBias: true },
    { name: 'a mask and a recurrent mask', masks: true, useBias: true },
    {
      name: 'no bias, relu candidate, hardSigmoid gates',
      activation: 'relu',
      recurrentActivation: 'hardSigmoid',
    },
    { name: 'no bias, masks, softsign candidate', activation: 'softsign', masks: true },
  ];
  cases.forEach((testCase, k) => {
    it(`equals a step-by-step reference with autodiff: ${testCase.name}`, () => {
      const f = fixture(10 + k, true);
      const { activation, recurrentActivation, masks = false, useBias = false } = testCase;
      const options: GruSequenceOptions = {
        activation,
        recurrentActivation,
        ...(masks ? { mask: f.mask, recurrentMask: f.recurrentMask } : {}),
      };
      expectAllClose(
        runWithGradients((x, h0, w) => gruSequence(x, h0, w, options), f, useBias),
        runWithGradients((x, h0, w) => referenceGru(x, h0, w, options), f, useBias),
      );
    });
  });

  it('gives the masks zero gradients', () => {
    const f = fixture(20, true);
    expectZeroMaskGradients(f, (mask, recurrentMask) =>
      lossOf(f, gruSequence(f.x, f.h0, f, { mask, recurrentMask })),
    );
  });

  it('computes a 1-unit GRU by hand', () => {
    // kernel [z, r, h] = [ln 3, 0, 1], recurrent kernel [0, 0, 2], bias: input 0, recurrent [0, 0, 0.5]; h0 = 0.5.
    // Step 1 (x = 1): z = σ(ln 3) = 3/4, r = σ(0) = 1/2; recurrent candidate term 2·0.5 + 0.5 = 1.5;
    //   hh = tanh(1 + ½·1.5) = tanh(1.75) ≈ 0.941376; h1 = ¾·0.5 + ¼·0.941376 ≈ 0.610344.
    // Step 2 (x = 0): z = r = 1/2; hh = tanh(½·(2·h1 + 0.5)) = tanh(h1 + 0.25) ≈ tanh(0.860344) ≈ 0.696435;
    //   h2 = ½·h1 + ½·0.696435 ≈ 0.653389.
    // Masking step 2 repeats h1; masking step 1 carries h0 = 0.5 into step 2: hh = tanh(0.75),
    //   h2 = ½·0.5 + ½·tanh(0.75) ≈ 0.567574.
    const weights = {
      kernel: tf.tensor2d([[Math.log(3), 0, 1]]),
      recurrentKernel: tf.tensor2d([[0, 0, 2]]),
      bias: tf.tensor2d([
        [0, 0, 0],
        [0, 0, 0.5],
      ]),
    };
    const x = tf.tensor3d([[[1], [0]]]);
    const h0 = tf.tensor2d([[0.5]]);
    const plain = gruSequence(x, h0, weights);
    expectTensorsClose(plain.outputs, [0.610344, 0.653389], { atol: 1e-6 });
    expectTensorsClose(plain.h, [0.653389], { atol: 1e-6 });
    const lastMasked = gruSequence(x, h0, weights, { mask: tf.tensor2d([[1, 0]]) });
    expectTensorsClose(lastMasked.outputs, [0.610344, 0.610344], { atol: 1e-6 });
    const firstMasked = gruSequence(x, h0, weights, { mask: tf.tensor2d([[0, 1]]) });
    expectTensorsClose(firstMasked.outputs, [0.5, 0.567574], { atol: 1e-6 });
  });
});

describe('gruSequence', () => {
  it.each([true, false])('matches finite differences on a tiny cell (resetAfter %s)', (resetAfter) => {
    const f = fixture(30, resetAfter);
    const x = tf.slice(f.x, [0, 0, 0], [2, 3, 2]) as tf.Tensor3D;
    const units = 2;
    const h0 = tf.slice(f.h0, [0, 0], [2, units]) as tf.Tensor2D;
    const weights = {
      kernel: tf.randomUniform([2, 3 * units], -1, 1, 'float32', 31) as tf.Tensor2D,
      recurrentKernel: tf.randomUniform([units, 3 * units], -1, 1, 'float32', 32) as tf.Tensor2D,
      bias: tf.randomUniform(resetAfter ? [2, 3 * units] : [3 * units], -1, 1, 'float32', 33),
    };
    const projection = tf.randomUniform([2, 3, units], -1, 1, 'float32', 34);
    const options = {
      resetAfter,
      mask: tf.tensor2d([
        [1, 1, 1],
        [1, 0, 1],
      ]),
    };
    const loss = (kernel: tf.Tensor, recurrentKernel: tf.Tensor) =>
      tf.sum(
        tf.mul(
          gruSequence(
            x,
            h0,
            {
              ...weights,
              kernel: kernel as tf.Tensor2D,
              recurrentKernel: recurrentKernel as tf.Tensor2D,
            },
            options,
          ).outputs,
          projection,
        ),
      ) as tf.Scalar;
    const analytic = tf
      .grads(loss)([weights.kernel, weights.recurrentKernel])
      .map((g) => g.dataSync());
    const epsilon = 1e-2;
    [weights.kernel, weights.recurrentKernel].forEach((weight, which) => {
      const base = weight.dataSync();
      for (let index = 0; index < base.length; index++) {
        const shifted = (delta: number) => {
          const values = Float32Array.from(base);
          values[index]! += delta;
          const moved = tf.tensor2d(values, weight.shape as [number, number]);
          const args = which === 0 ? [moved, weights.recurrentKernel] : [weights.kernel, moved];
          return tf.tidy(() => loss(args[0]!, args[1]!).dataSync()[0]!);
        };
        const numeric = (shifted(epsilon) - shifted(-epsilon)) / (2 * epsilon);
        expect(Math.abs(numeric - analytic[which]![index]!)).toBeLessThan(2e-3 + 1e-2 * Math.abs(numeric));
      }
    });
  });

  it.each([true, false])(
    'leaks no tensors in forward or backward passes (resetAfter %s)',
    async (resetAfter) => {
      const f = fixture(40, resetAfter);
      const options = { resetAfter, mask: f.mask, recurrentMask: f.recurrentMask };
      await expectNoLeaks(() => {
        const result = gruSequence(f.x, f.h0, f, options);
        tf.dispose([result.outputs, result.h]);
        const gradients = tf.grads((x, h0, kernel, recurrentKernel, bias) =>
          lossOf(
            f,
            gruSequence(
              x as tf.Tensor3D,
              h0 as tf.Tensor2D,
              { kernel: kernel as tf.Tensor2D, recurrentKernel: recurrentKernel as tf.Tensor2D, bias },
              options,
            ),
          ),
        )([f.x, f.h0, f.kernel, f.recurrentKernel, f.bias]);
        tf.dispose(gradients);
      });
    },
  );

  it('names the argument, its shape and the expected shape when shapes do not fit', () => {
    const f = fixture(50, true);
    const expectMismatch = (run: () => unknown, message: RegExp) => {
      expect(expectErrorCode(run, RnnModelsError, 'RNN_MODELS_SHAPE_MISMATCH').message).toMatch(message);
    };
    expectMismatch(
      () => gruSequence(f.x, f.h0, { ...f, kernel: tf.zeros([INPUT + 1, 3 * UNITS]) as tf.Tensor2D }),
      /weights\.kernel has shape \[5, 18\]; expected \[inputDim, 3·units\] = \[4, 18\]/,
    );
    expectMismatch(
      () => gruSequence(f.x, f.h0, { ...f, recurrentKernel: tf.zeros([UNITS, 4 * UNITS]) as tf.Tensor2D }),
      /weights\.recurrentKernel has shape \[6, 24\]; expected \[units, 3·units\] = \[6, 18\]/,
    );
    expectMismatch(
      () => gruSequence(f.x, tf.zeros([BATCH, UNITS + 1]) as tf.Tensor2D, f),
      /h0 has shape \[3, 7\]; expected \[batch, units\] = \[3, 6\]/,
    );
    expectMismatch(
      () => gruSequence(f.x, f.h0, { ...f, bias: tf.zeros([3 * UNITS]) }),
      /weights\.bias has shape \[18\]; expected \[2, 3·units\] \(resetAfter: input and recurrent bias\) = \[2, 18\]/,
    );
    expectMismatch(
      () => gruSequence(f.x, f.h0, f, { mask: tf.zeros([BATCH, TIME + 1]) as tf.Tensor2D }),
      /options\.mask has shape \[3, 6\]; expected \[batch, time\] = \[3, 5\]/,
    );
    expectMismatch(
      () => gruSequence(f.x, f.h0, f, { recurrentMask: tf.zeros([1, UNITS]) as tf.Tensor2D }),
      /options\.recurrentMask has shape \[1, 6\]; expected \[batch, units\] = \[3, 6\]/,
    );
    expectMismatch(
      () => gruSequence(tf.zeros([BATCH, 0, INPUT]) as tf.Tensor3D, f.h0, f),
      /x has shape \[3, 0, 4\]/,
    );
    expectErrorCode(
      () => gruSequence(f.x, f.h0, f, { activation: 'swish' as FusedActivationName }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
  });
});
