import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { dropoutMask, expectZeroMaskGradients, MASK, seededUniform } from '../../test/ops-support.js';
import * as stockRnn from '../../test/stock-layer.js';
import { CLOSE, EXACT, useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import {
  type SimpleRnnSequenceOptions,
  type SimpleRnnWeights,
  simpleRnnSequence,
} from './simple-rnn-sequence.js';

const [BATCH, TIME, INPUT, UNITS] = [3, 5, 4, 6];
useCpuBackend();

function fixture(seed: number, time = TIME) {
  const uniform = seededUniform(seed);
  return {
    x: uniform([BATCH, time, INPUT], 1) as tf.Tensor3D,
    h0: uniform([BATCH, UNITS], 2) as tf.Tensor2D,
    kernel: uniform([INPUT, UNITS], 3) as tf.Tensor2D,
    recurrentKernel: uniform([UNITS, UNITS], 4) as tf.Tensor2D,
    bias: uniform([UNITS], 5) as tf.Tensor1D,
    outputWeights: uniform([BATCH, time, UNITS], 6),
    hWeights: uniform([BATCH, UNITS], 7),
    mask: tf.tensor2d(MASK.map((row) => row.slice(0, time))),
    recurrentMask: dropoutMask([BATCH, UNITS], seed * 10 + 8),
  };
}
type Fixture = ReturnType<typeof fixture>;

function lossOf(f: Fixture, result: { outputs: tf.Tensor; h: tf.Tensor }): tf.Scalar {
  return tf.add(
    tf.sum(tf.mul(result.outputs, f.outputWeights)),
    tf.sum(tf.mul(result.h, f.hWeights)),
  ) as tf.Scalar;
}

function weightsOf(values: tf.Tensor[]): SimpleRnnWeights {
  const [kernel, recurrentKernel, bias] = values;
  return {
    kernel: kernel as tf.Tensor2D,
    recurrentKernel: recurrentKernel as tf.Tensor2D,
    ...(bias ? { bias: bias as tf.Tensor1D } : {}),
  };
}

/** Value and gradients of `lossOf` for x, h0, kernel, recurrent kernel[, bias], in that order. */
function lossAndGradients(
  f: Fixture,
  run: typeof simpleRnnSequence,
  useBias: boolean,
  options: SimpleRnnSequenceOptions,
) {
  const weights = useBias ? [f.kernel, f.recurrentKernel, f.bias] : [f.kernel, f.recurrentKernel];
  return tf.valueAndGrads((...args: tf.Tensor[]) => {
    const [x, h0, ...rest] = args as [tf.Tensor3D, tf.Tensor2D, ...tf.Tensor[]];
    return lossOf(f, run(x, h0, weightsOf(rest), options));
  })([f.x, f.h0, ...weights]);
}

interface StockVariant {
  readonly activation: 'tanh' | 'relu';
  readonly useBias: boolean;
  readonly masked: boolean;
}

function expectEqualToStock(f: Fixture, variant: StockVariant): void {
  const layer = tfl.layers.simpleRNN({
    units: UNITS,
    returnSequences: true,
    returnState: true,
    activation: variant.activation,
    useBias: variant.useBias,
  });
  const weights = variant.useBias ? [f.kernel, f.recurrentKernel, f.bias] : [f.kernel, f.recurrentKernel];
  stockRnn.build(layer, f.x, [f.h0], weights);
  const stock = (x: tf.Tensor, h0: tf.Tensor) => {
    const [outputs, h] = layer.call(x, {
      initialState: [h0],
      ...(variant.masked ? { mask: f.mask } : {}),
    }) as tf.Tensor[];
    return { outputs: outputs!, h: h! };
  };
  const options: SimpleRnnSequenceOptions = {
    activation: variant.activation,
    ...(variant.masked ? { mask: f.mask } : {}),
  };
  const ours = simpleRnnSequence(f.x, f.h0, weightsOf(weights), options);
  const expected = stock(f.x, f.h0);
  expectTensorsClose(ours.outputs, expected.outputs, CLOSE);
  expectTensorsClose(ours.h, expected.h, CLOSE);

  const gradients = lossAndGradients(f, simpleRnnSequence, variant.useBias, options);
  const expectedGradients = stockRnn.gradients(layer, [f.x, f.h0], (x, h0) => lossOf(f, stock(x, h0)));
  expect(gradients.grads).toHaveLength(expectedGradients.length);
  gradients.grads.forEach((gradient, k) => {
    expectTensorsClose(gradient, expectedGradients[k]!, CLOSE);
  });
  layer.dispose();
}

/** A per-step SimpleRNN in plain tf ops with tfjs-layers' masking, for autodiff. */
const referenceSimpleRnn: typeof simpleRnnSequence = (x, h0, weights, options = {}) => {
  const act = options.activation === 'relu' ? tf.relu : tf.tanh;
  const [batch, time, inputDim] = x.shape;
  let h: tf.Tensor = h0;
  const outputs: tf.Tensor[] = [];
  for (let t = 0; t < time; t++) {
    const xt = tf.reshape(tf.slice(x, [0, t, 0], [batch, 1, inputDim]), [batch, inputDim]);
    const hIn = options.recurrentMask ? tf.mul(h, options.recurrentMask) : h;
    let z = tf.add(tf.matMul(xt, weights.kernel), tf.matMul(hIn, weights.recurrentKernel));
    if (weights.bias) z = tf.add(z, weights.bias);
    const hNew = act(z);
    if (options.mask) {
      const m = tf.slice(options.mask, [0, t], [batch, 1]);
      h = tf.add(tf.mul(hNew, m), tf.mul(h, tf.sub(1, m)));
    } else {
      h = hNew;
    }
    outputs.push(h);
  }
  return { outputs: tf.stack(outputs, 1) as tf.Tensor3D, h: h as tf.Tensor2D };
};

describe('simpleRnnSequence', () => {
  it('equals stock tfjs-layers SimpleRNN in outputs, state and gradients of inputs, state and weights', () => {
    expectEqualToStock(fixture(1), { activation: 'tanh', useBias: true, masked: false });
  });

  it('equals stock tfjs-layers with a padding mask', () => {
    expectEqualToStock(fixture(2), { activation: 'tanh', useBias: true, masked: true });
  });

  it("equals stock tfjs-layers with activation 'relu' and without bias, masked or not", () => {
    expectEqualToStock(fixture(3), { activation: 'relu', useBias: false, masked: false });
    expectEqualToStock(fixture(4), { activation: 'relu', useBias: false, masked: true });
  });

  it('matches a per-step autodiff reference with a recurrent-dropout mask, also with a padding mask', () => {
    const f = fixture(5);
    for (const options of [
      { recurrentMask: f.recurrentMask },
      { recurrentMask: f.recurrentMask, mask: f.mask, activation: 'relu' as const },
    ]) {
      expectTensorsClose(
        simpleRnnSequence(f.x, f.h0, f, options).outputs,
        referenceSimpleRnn(f.x, f.h0, f, options).outputs,
        CLOSE,
      );
      // Under a gradient tape simpleRnnSequence takes its custom-gradient path: check its value too.
      const ours = lossAndGradients(f, simpleRnnSequence, true, options);
      const expected = lossAndGradients(f, referenceSimpleRnn, true, options);
      expectTensorsClose(ours.value, expected.value, CLOSE);
      ours.grads.forEach((gradient, k) => {
        expectTensorsClose(gradient, expected.grads[k]!, CLOSE);
      });
    }
  });

  it('handles a single time step', () => {
    const f = fixture(6, 1);
    const options = { mask: f.mask, recurrentMask: f.recurrentMask };
    const ours = lossAndGradients(f, simpleRnnSequence, true, options);
    const expected = lossAndGradients(f, referenceSimpleRnn, true, options);
    ours.grads.forEach((gradient, k) => {
      expectTensorsClose(gradient, expected.grads[k]!, CLOSE);
    });
  });

  it('computes a one-unit example by hand', () => {
    // h1 = tanh(w·x1 + u·h0 + b), h2 = tanh(w·x2 + u·h1 + b); loss = h1 + h2.
    const [w, u, b, h0, x1, x2] = [0.5, -1, 0.1, 0.2, 1, -2];
    const h1 = Math.tanh(w * x1 + u * h0 + b);
    const h2 = Math.tanh(w * x2 + u * h1 + b);
    const dz2 = 1 - h2 * h2;
    const dz1 = (1 + dz2 * u) * (1 - h1 * h1);
    const tensors = [
      tf.tensor3d([[[x1], [x2]]]),
      tf.tensor2d([[h0]]),
      tf.tensor2d([[w]]),
      tf.tensor2d([[u]]),
      tf.tensor1d([b]),
    ];
    const run = (args: tf.Tensor[], options: SimpleRnnSequenceOptions = {}) =>
      simpleRnnSequence(args[0] as tf.Tensor3D, args[1] as tf.Tensor2D, weightsOf(args.slice(2)), options);
    const { outputs, h } = run(tensors);
    expectTensorsClose(outputs, [h1, h2]);
    expectTensorsClose(h, [h2]);
    const grads = tf.grads((...args: tf.Tensor[]) => tf.sum(run(args).outputs))(tensors);
    const expected = [
      [dz1 * w, dz2 * w], // x
      [dz1 * u], // h0
      [dz1 * x1 + dz2 * x2], // kernel
      [dz1 * h0 + dz2 * h1], // recurrent kernel
      [dz1 + dz2], // bias
    ];
    grads.forEach((gradient, k) => {
      expectTensorsClose(gradient.dataSync(), expected[k]!);
    });
    // Step 2 masked: its output repeats h1, and h1 is all the loss 2·h1 depends on.
    const masked = run(tensors, { mask: tf.tensor2d([[1, 0]]) });
    expectTensorsClose(masked.outputs, [h1, h1]);
    expectTensorsClose(masked.h, [h1]);
    const [dx, dh0] = tf.grads((...args: tf.Tensor[]) =>
      tf.sum(run(args, { mask: tf.tensor2d([[1, 0]]) }).outputs),
    )(tensors);
    const dz1Masked = 2 * (1 - h1 * h1);
    expectTensorsClose(dx!.dataSync(), [dz1Masked * w, 0]);
    expectTensorsClose(dh0!.dataSync(), [dz1Masked * u]);
  });

  it('gives the masks zero gradients', () => {
    const f = fixture(7);
    expectZeroMaskGradients(
      f,
      (mask, recurrentMask) => lossOf(f, simpleRnnSequence(f.x, f.h0, f, { mask, recurrentMask })),
      EXACT,
    );
  });

  it('names the argument, its shape and the expected shape on a mismatch', () => {
    const f = fixture(8);
    const kernel = expectErrorCode(
      () => simpleRnnSequence(f.x, f.h0, { ...f, kernel: tf.zeros([INPUT, 4 * UNITS]) as tf.Tensor2D }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expect(kernel.message).toBe(
      `simpleRnnSequence: weights.kernel has shape [${INPUT}, ${4 * UNITS}]; expected [inputDim, units] = [${INPUT}, ${UNITS}].`,
    );
    const cases: [string, () => unknown][] = [
      ['h0', () => simpleRnnSequence(f.x, tf.zeros([BATCH, UNITS + 1]) as tf.Tensor2D, f)],
      [
        'weights.recurrentKernel',
        () => simpleRnnSequence(f.x, f.h0, { ...f, recurrentKernel: tf.zeros([UNITS, 2]) as tf.Tensor2D }),
      ],
      [
        'weights.bias',
        () => simpleRnnSequence(f.x, f.h0, { ...f, bias: tf.zeros([UNITS, 1]) as unknown as tf.Tensor1D }),
      ],
      [
        'options.mask',
        () => simpleRnnSequence(f.x, f.h0, f, { mask: tf.zeros([BATCH, TIME + 1]) as tf.Tensor2D }),
      ],
      [
        'options.recurrentMask',
        () => simpleRnnSequence(f.x, f.h0, f, { recurrentMask: tf.zeros([1, UNITS]) as tf.Tensor2D }),
      ],
    ];
    for (const [name, run] of cases) {
      const error = expectErrorCode(run, RnnModelsError, 'RNN_MODELS_SHAPE_MISMATCH');
      expect(error.message.startsWith(`simpleRnnSequence: ${name} has shape [`), error.message).toBe(true);
    }
    expectErrorCode(
      () =>
        simpleRnnSequence(f.x, f.h0, f, { activation: 'swish' as SimpleRnnSequenceOptions['activation'] }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
  });

  it('leaks no tensors in forward or backward passes, with or without options', async () => {
    const f = fixture(9);
    for (const options of [
      {},
      { activation: 'relu' as const, mask: f.mask, recurrentMask: f.recurrentMask },
    ]) {
      await expectNoLeaks(() => {
        const result = simpleRnnSequence(f.x, f.h0, f, options);
        tf.dispose([result.outputs, result.h]);
        const { value, grads } = lossAndGradients(f, simpleRnnSequence, true, options);
        tf.dispose([value, ...grads]);
      });
    }
  });
});
