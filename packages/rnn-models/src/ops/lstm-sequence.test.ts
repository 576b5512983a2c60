import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { describe, expect, it } from 'vitest';
import { dropoutMask, expectZeroMaskGradients, MASK, seededUniform } from '../../test/ops-support.js';
import * as stockRnn from '../../test/stock-layer.js';
import { CLOSE, EXACT, useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import { type LstmSequenceOptions, type LstmWeights, lstmSequence } from './lstm-sequence.js';

const [BATCH, TIME, INPUT, UNITS] = [3, 5, 4, 6];
useCpuBackend();

function fixture(seed: number, time = TIME) {
  const uniform = seededUniform(seed);
  return {
    x: uniform([BATCH, time, INPUT], 1) as tf.Tensor3D,
    h0: uniform([BATCH, UNITS], 2) as tf.Tensor2D,
    c0: uniform([BATCH, UNITS], 3) as tf.Tensor2D,
    kernel: uniform([INPUT, 4 * UNITS], 4) as tf.Tensor2D,
    recurrentKernel: uniform([UNITS, 4 * UNITS], 5) as tf.Tensor2D,
    bias: uniform([4 * UNITS], 6) as tf.Tensor1D,
    // Random projections of outputs and final states make every gradient entry matter.
    outputWeights: uniform([BATCH, time, UNITS], 7),
    hWeights: uniform([BATCH, UNITS], 8),
    cellWeights: uniform([BATCH, UNITS], 9),
    // Not named `peephole`, so passing the fixture as weights runs a plain LSTM.
    peepholes: {
      input: uniform([UNITS], 11) as tf.Tensor1D,
      forget: uniform([UNITS], 12) as tf.Tensor1D,
      output: uniform([UNITS], 13) as tf.Tensor1D,
    },
    mask: tf.tensor2d(MASK.map((row) => row.slice(0, time))),
    recurrentMask: dropoutMask([BATCH, UNITS], seed * 10 + 14),
  };
}
type Fixture = ReturnType<typeof fixture>;

function lossOf(f: Fixture, result: { outputs: tf.Tensor; h: tf.Tensor; c: tf.Tensor }): tf.Scalar {
  return tf.addN([
    tf.sum(tf.mul(result.outputs, f.outputWeights)),
    tf.sum(tf.mul(result.h, f.hWeights)),
    tf.sum(tf.mul(result.c, f.cellWeights)),
  ]) as tf.Scalar;
}

/** Gradients of `lossOf` through `lstmSequence` for x, h0, c0 and the given weights, in that order. */
function ourGradients(f: Fixture, weights: LstmWeights, options: LstmSequenceOptions): tf.Tensor[] {
  const names = weightNames(weights);
  const values = [f.x, f.h0, f.c0, ...names.map((name) => weightValue(weights, name))];
  return tf.grads((...args: tf.Tensor[]) => {
    const [x, h0, c0, ...rest] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, ...tf.Tensor[]];
    return lossOf(f, lstmSequence(x, h0, c0, withWeights(names, rest), options));
  })(values);
}

type WeightName = 'kernel' | 'recurrentKernel' | 'bias' | 'input' | 'forget' | 'output';

function weightNames(weights: LstmWeights): WeightName[] {
  const names: WeightName[] = ['kernel', 'recurrentKernel'];
  if (weights.bias) names.push('bias');
  if (weights.peephole) names.push('input', 'forget', 'output');
  return names;
}

function weightValue(weights: LstmWeights, name: WeightName): tf.Tensor {
  if (name === 'input' || name === 'forget' || name === 'output') return weights.peephole![name];
  return weights[name]!;
}

function withWeights(names: WeightName[], values: tf.Tensor[]): LstmWeights {
  const value = (name: WeightName) => values[names.indexOf(name)];
  return {
    kernel: value('kernel') as tf.Tensor2D,
    recurrentKernel: value('recurrentKernel') as tf.Tensor2D,
    ...(names.includes('bias') ? { bias: value('bias') as tf.Tensor1D } : {}),
    ...(names.includes('input')
      ? {
          peephole: {
            input: value('input') as tf.Tensor1D,
            forget: value('forget') as tf.Tensor1D,
            output: value('output') as tf.Tensor1D,
          },
        }
      : {}),
  };
}

interface StockVariant {
  readonly activation: 'tanh' | 'relu';
  readonly useBias: boolean;
  readonly masked: boolean;
}

/** Outputs, states and gradients (x, h0, c0, kernel, recurrent kernel[, bias]) of stock tfjs-layers. */
function stockLstm(f: Fixture, variant: StockVariant) {
  const layer = tfl.layers.lstm({
    units: UNITS,
    returnSequences: true,
    returnState: true,
    recurrentActivation: 'sigmoid',
    activation: variant.activation,
    useBias: variant.useBias,
  });
  stockRnn.build(
    layer,
    f.x,
    [f.h0, f.c0],
    variant.useBias ? [f.kernel, f.recurrentKernel, f.bias] : [f.kernel, f.recurrentKernel],
  );
  const run = (x: tf.Tensor, h0: tf.Tensor, c0: tf.Tensor) => {
    const [outputs, h, c] = layer.call(x, {
      initialState: [h0, c0],
      ...(variant.masked ? { mask: f.mask } : {}),
    }) as tf.Tensor[];
    return { outputs: outputs!, h: h!, c: c! };
  };
  const forward = run(f.x, f.h0, f.c0);
  const gradients = stockRnn.gradients(layer, [f.x, f.h0, f.c0], (x, h0, c0) => lossOf(f, run(x, h0, c0)));
  const result = { forward, gradients };
  layer.dispose();
  return result;
}

function expectEqualToStock(f: Fixture, variant: StockVariant): void {
  const weights: LstmWeights = {
    kernel: f.kernel,
    recurrentKernel: f.recurrentKernel,
    ...(variant.useBias ? { bias: f.bias } : {}),
  };
  const options: LstmSequenceOptions = {
    activation: variant.activation,
    ...(variant.masked ? { mask: f.mask } : {}),
  };
  const stock = stockLstm(f, variant);
  const ours = lstmSequence(f.x, f.h0, f.c0, weights, options);
  expectTensorsClose(ours.outputs, stock.forward.outputs, CLOSE);
  expectTensorsClose(ours.h, stock.forward.h, CLOSE);
  expectTensorsClose(ours.c, stock.forward.c, CLOSE);
  const gradients = ourGradients(f, weights, options);
  expect(gradients).toHaveLength(stock.gradients.length);
  gradients.forEach((gradient, k) => {
    expectTensorsClose(gradient, stock.gradients[k]!, CLOSE);
  });
}

const ACTIVATIONS = { tanh: tf.tanh, relu: tf.relu, sigmoid: tf.sigmoid } as const;

/** A per-step LSTM in plain tf ops (Keras' PeepholeLSTMCell and RNN masking), for autodiff. */
function referenceLstm(
  x: tf.Tensor3D,
  h0: tf.Tensor2D,
  c0: tf.Tensor2D,
  weights: LstmWeights,
  options: LstmSequenceOptions,
) {
  const act = ACTIVATIONS[(options.activation ?? 'tanh') as keyof typeof ACTIVATIONS];
  const sigmoid = ACTIVATIONS[(options.recurrentActivation ?? 'sigmoid') as keyof typeof ACTIVATIONS];
  const { peephole, bias } = weights;
  // Per-step slices, not unstack: tfjs' Unpack gradient fails when there is a single step.
  const [batch, time, inputDim] = x.shape;
  const steps = Array.from({ length: time }, (_, t) =>
    tf.reshape(tf.slice(x, [0, t, 0], [batch, 1, inputDim]), [batch, inputDim]),
  );
  const masks = Array.from({ length: options.mask ? time : 0 }, (_, t) =>
    tf.slice(options.mask!, [0, t], [batch, 1]),
  );
  let h: tf.Tensor = h0;
  let c: tf.Tensor = c0;
  const outputs: tf.Tensor[] = [];
  steps.forEach((xt, t) => {
    const hIn = options.recurrentMask ? tf.mul(h, options.recurrentMask) : h;
    let z = tf.add(tf.matMul(xt, weights.kernel), tf.matMul(hIn, weights.recurrentKernel));
    if (bias) z = tf.add(z, bias);
    let [zi, zf, zg, zo] = tf.split(z, 4, 1) as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
    if (peephole) {
      zi = tf.add(zi, tf.mul(peephole.input, c));
      zf = tf.add(zf, tf.mul(peephole.forget, c));
    }
    const cNew = tf.add(tf.mul(sigmoid(zf), c), tf.mul(sigmoid(zi), act(zg)));
    if (peephole) zo = tf.add(zo, tf.mul(peephole.output, cNew));
    const hNew = tf.mul(sigmoid(zo), act(cNew));
    if (options.mask) {
      const m = masks[t]!;
      const keep = tf.sub(1, m);
      h = tf.add(tf.mul(hNew, m), tf.mul(h, keep));
      c = tf.add(tf.mul(cNew, m), tf.mul(c, keep));
    } else {
      h = hNew;
      c = cNew;
    }
    outputs.push(h);
  });
  return { outputs: tf.stack(outputs, 1), h, c };
}

function expectEqualToReference(f: Fixture, weights: LstmWeights, options: LstmSequenceOptions): void {
  const ours = lstmSequence(f.x, f.h0, f.c0, weights, options);
  const reference = referenceLstm(f.x, f.h0, f.c0, weights, options);
  expectTensorsClose(ours.outputs, reference.outputs, CLOSE);
  expectTensorsClose(ours.h, reference.h, CLOSE);
  expectTensorsClose(ours.c, reference.c, CLOSE);
  const names = weightNames(weights);
  const values = [f.x, f.h0, f.c0, ...names.map((name) => weightValue(weights, name))];
  const lossThrough = (run: typeof referenceLstm) =>
    tf.valueAndGrads((...args: tf.Tensor[]) => {
      const [x, h0, c0, ...rest] = args as [tf.Tensor3D, tf.Tensor2D, tf.Tensor2D, ...tf.Tensor[]];
      return lossOf(f, run(x, h0, c0, withWeights(names, rest), options));
    })(values);
  // Under a gradient tape lstmSequence takes its custom-gradient path: check its value too.
  const oursTaped = lossThrough(lstmSequence);
  const expected = lossThrough(referenceLstm);
  expectTensorsClose(oursTaped.value, expected.value, CLOSE);
  expect(oursTaped.grads).toHaveLength(3 + names.length);
  oursTaped.grads.forEach((gradient, k) => {
    expectTensorsClose(gradient, expected.grads[k]!, CLOSE);
  });
}

describe('lstmSequence', () => {
  it('equals stock tfjs-layers LSTM in outputs, states and gradients of inputs, states and weights', () => {
    expectEqualToStock(fixture(2), { activation: 'tanh', useBias: true, masked: false });
  });

  it('equals stock tfjs-layers with a padding mask', () => {
    expectEqualToStock(fixture(3), { activation: 'tanh', useBias: true, masked: true });
  });

  it("equals stock tfjs-layers with activation 'relu' and without bias, masked or not", () => {
    expectEqualToStock(fixture(4), { activation: 'relu', useBias: false, masked: false });
    expectEqualToStock(fixture(5), { activation: 'relu', useBias: true, masked: true });
  });

  it('repeats the previous hidden state at masked steps and carries both states over', () => {
    const f = fixture(6);
    const { outputs, h, c } = lstmSequence(f.x, f.h0, f.c0, f, { mask: f.mask });
    const at = (tensor: tf.Tensor, row: number, step?: number) =>
      step === undefined
        ? tf.slice(tensor, [row, 0], [1, UNITS])
        : tf.reshape(tf.slice(tensor, [row, step, 0], [1, 1, UNITS]), [1, UNITS]);
    expectTensorsClose(at(outputs, 1, 0), at(f.h0, 1), EXACT); // row 1, step 0 masked: h0
    expectTensorsClose(at(outputs, 1, 2), at(outputs, 1, 1), EXACT); // row 1, step 2 masked
    // Row 2 is padding after step 2: its final states are those of its first three steps.
    expectTensorsClose(at(h, 2), at(outputs, 2, 2), EXACT);
    const row2 = lstmSequence(
      tf.slice(f.x, [2, 0, 0], [1, 3, INPUT]),
      at(f.h0, 2) as tf.Tensor2D,
      at(f.c0, 2) as tf.Tensor2D,
      f,
    );
    expectTensorsClose(at(c, 2), row2.c, CLOSE);
  });

  it('matches a per-step autodiff reference with a recurrent-dropout mask', () => {
    const f = fixture(7);
    expectEqualToReference(f, f, { recurrentMask: f.recurrentMask });
  });

  it('matches a per-step autodiff reference of Keras PeepholeLSTMCell, also with every option', () => {
    const f = fixture(8);
    expectEqualToReference(f, { ...f, peephole: f.peepholes }, {});
    const { kernel, recurrentKernel, peepholes: peephole } = f;
    expectEqualToReference(
      f,
      { kernel, recurrentKernel, peephole },
      { activation: 'relu', mask: f.mask, recurrentMask: f.recurrentMask },
    );
  });

  it('handles a single time step', () => {
    const f = fixture(9, 1);
    expectEqualToReference(f, f, { mask: f.mask });
    expectEqualToReference(
      f,
      { ...f, peephole: f.peepholes },
      { mask: f.mask, recurrentMask: f.recurrentMask },
    );
  });

  it('gives the masks zero gradients', () => {
    const f = fixture(10);
    expectZeroMaskGradients(
      f,
      (mask, recurrentMask) => lossOf(f, lstmSequence(f.x, f.h0, f.c0, f, { mask, recurrentMask })),
      EXACT,
    );
  });

  it('matches finite differences on a tiny cell', () => {
    const f = fixture(3);
    const lossOfKernel = (kernel: tf.Tensor2D) =>
      tf.tidy(() => {
        const result = lstmSequence(f.x, f.h0, f.c0, { ...f, kernel });
        return tf.sum(tf.mul(result.outputs, f.outputWeights)).dataSync()[0]!;
      });
    const analytic = tf
      .grad((kernel: tf.Tensor) =>
        tf.sum(
          tf.mul(
            lstmSequence(f.x, f.h0, f.c0, { ...f, kernel: kernel as tf.Tensor2D }).outputs,
            f.outputWeights,
          ),
        ),
      )(f.kernel)
      .dataSync();
    const base = f.kernel.dataSync();
    const epsilon = 1e-2;
    for (const index of [0, 5, 13, 27, 4 * UNITS * INPUT - 1]) {
      const plus = Float32Array.from(base);
      const minus = Float32Array.from(base);
      plus[index]! += epsilon;
      minus[index]! -= epsilon;
      const numeric =
        (lossOfKernel(tf.tensor2d(plus, f.kernel.shape)) - lossOfKernel(tf.tensor2d(minus, f.kernel.shape))) /
        (2 * epsilon);
      expect(Math.abs(numeric - analytic[index]!)).toBeLessThan(2e-3 + 1e-2 * Math.abs(numeric));
    }
  });

  it('matches finite differences for the peephole weights', () => {
    const f = fixture(11);
    const gates = ['input', 'forget', 'output'] as const;
    const options: LstmSequenceOptions = { mask: f.mask };
    const loss = (peephole: LstmWeights['peephole']) =>
      lossOf(f, lstmSequence(f.x, f.h0, f.c0, { ...f, peephole }, options));
    const analytic = tf
      .grads((input, forget, output) =>
        loss({ input: input as tf.Tensor1D, forget: forget as tf.Tensor1D, output: output as tf.Tensor1D }),
      )(gates.map((gate) => f.peepholes[gate]))
      .map((gradient) => gradient.dataSync());
    // These gradients are ~1e-2, and central differences at this step are good to ~1e-5.
    const epsilon = 1e-2;
    gates.forEach((gate, g) => {
      const base = f.peepholes[gate].dataSync();
      for (let index = 0; index < UNITS; index++) {
        const shifted = (delta: number) => {
          const values = Float32Array.from(base);
          values[index]! += delta;
          return tf.tidy(() => loss({ ...f.peepholes, [gate]: tf.tensor1d(values) }).dataSync()[0]!);
        };
        const numeric = (shifted(epsilon) - shifted(-epsilon)) / (2 * epsilon);
        const value = analytic[g]![index]!;
        expect(Math.abs(numeric - value), `${gate}[${index}]`).toBeLessThan(5e-5 + 1e-3 * Math.abs(numeric));
      }
    });
  });

  it('names the argument, its shape and the expected shape on a mismatch', () => {
    const f = fixture(12);
    const kernel = expectErrorCode(
      () => lstmSequence(f.x, f.h0, f.c0, { ...f, kernel: tf.zeros([5, 24]) as tf.Tensor2D }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expect(kernel.message).toContain('weights.kernel has shape [5, 24]');
    expect(kernel.message).toContain('[inputDim, 4·units] = [4, 24]');
    const cases: [string, () => unknown][] = [
      ['x', () => lstmSequence(tf.zeros([BATCH, INPUT]) as unknown as tf.Tensor3D, f.h0, f.c0, f)],
      ['x', () => lstmSequence(tf.zeros([BATCH, 0, INPUT]) as tf.Tensor3D, f.h0, f.c0, f)],
      ['h0', () => lstmSequence(f.x, tf.zeros([BATCH + 1, UNITS]) as tf.Tensor2D, f.c0, f)],
      ['c0', () => lstmSequence(f.x, f.h0, tf.zeros([BATCH, UNITS + 1]) as tf.Tensor2D, f)],
      [
        'weights.recurrentKernel',
        () =>
          lstmSequence(f.x, f.h0, f.c0, {
            ...f,
            recurrentKernel: tf.zeros([UNITS, 3 * UNITS]) as tf.Tensor2D,
          }),
      ],
      ['weights.bias', () => lstmSequence(f.x, f.h0, f.c0, { ...f, bias: tf.zeros([UNITS]) as tf.Tensor1D })],
      [
        'weights.peephole.forget',
        () =>
          lstmSequence(f.x, f.h0, f.c0, {
            ...f,
            peephole: { ...f.peepholes, forget: tf.zeros([4 * UNITS]) as tf.Tensor1D },
          }),
      ],
      [
        'options.mask',
        () => lstmSequence(f.x, f.h0, f.c0, f, { mask: tf.zeros([TIME, BATCH]) as tf.Tensor2D }),
      ],
      [
        'options.recurrentMask',
        () => lstmSequence(f.x, f.h0, f.c0, f, { recurrentMask: tf.zeros([BATCH, INPUT]) as tf.Tensor2D }),
      ],
    ];
    for (const [name, run] of cases) {
      const error = expectErrorCode(run, RnnModelsError, 'RNN_MODELS_SHAPE_MISMATCH');
      expect(error.message, name).toMatch(
        new RegExp(`^lstmSequence: ${name.replace(/\./g, '\\.')} has shape \\[`),
      );
    }
    const activation = expectErrorCode(
      () => lstmSequence(f.x, f.h0, f.c0, f, { activation: 'gelu' as LstmSequenceOptions['activation'] }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expect(activation.message).toContain('"gelu"');
  });

  it('leaks no tensors in forward or backward passes, with or without options', async () => {
    const f = fixture(13);
    const everything: LstmSequenceOptions = {
      activation: 'relu',
      mask: f.mask,
      recurrentMask: f.recurrentMask,
    };
    for (const [peephole, options] of [
      [undefined, {}],
      [f.peepholes, everything],
    ] as const) {
      await expectNoLeaks(() => {
        const result = lstmSequence(f.x, f.h0, f.c0, { ...f, peephole }, options);
        tf.dispose([result.outputs, result.h, result.c]);
        const gradients = tf.grads((x, kernel) =>
          lossOf(
            f,
            lstmSequence(
              x as tf.Tensor3D,
              f.h0,
              f.c0,
              { ...f, kernel: kernel as tf.Tensor2D, peephole },
              options,
            ),
          ),
        )([f.x, f.kernel]);
        tf.dispose(gradients);
      });
    }
  });
});
