import { expectNoLeaks } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { ADAM_UPDATE, cellKernelsAvailable } from '../backend/wasm-cells.js';
import { applyGradients } from './fused-adam.js';
import { setLearningRate } from './optimizers.js';

// Sizes with and without a remainder after the 4-wide SIMD loop, a scalar and a matrix.
const SHAPES: number[][] = [[7], [], [13, 9], [64, 12]];

/** Variables of SHAPES under `prefix`, seeded, and per step a seeded gradient map for them. */
function problem(prefix: string) {
  const variables = SHAPES.map((shape, i) =>
    tf.variable(tf.randomNormal(shape, 0, 1, 'float32', 10 + i), true, `${prefix}/w${i}`),
  );
  const gradientsAt = (step: number): tf.NamedTensorMap =>
    Object.fromEntries(
      variables.map((variable, i) => [
        variable.name,
        // Large and tiny gradients, so ε and the bias corrections matter (seed 0 would mean unseeded).
        tf.tidy(() =>
          tf.mul(
            tf.randomNormal(variable.shape, 0, 1, 'float32', 100 * step + i + 1),
            step % 2 === 0 ? 1e3 : 1e-4,
          ),
        ),
      ]),
    );
  return { variables, gradientsAt };
}

type Problem = ReturnType<typeof problem>;

/** One step's gradients applied to `reference` by tfjs' own applyGradients, and to `fused` by ours. */
function stepBoth(
  step: number,
  reference: Problem,
  theirs: tf.Optimizer,
  fused: Problem,
  ours: tf.Optimizer,
) {
  const a = reference.gradientsAt(step);
  const b = fused.gradientsAt(step);
  theirs.applyGradients(a);
  applyGradients(ours, b);
  tf.dispose([Object.values(a), Object.values(b)]);
}

async function stateOf(optimizer: tf.Optimizer, variables: tf.Variable[]) {
  const weights = await optimizer.getWeights();
  return {
    values: variables.map((v) => Array.from(v.dataSync())),
    optimizer: weights.map(({ name, tensor }) => ({
      name: name.replace(/^[ab]\//, ''),
      data: Array.from(tensor.dataSync()),
    })),
    iterations: optimizer.iterations,
  };
}

describe('applyGradients with a fused Adam update', () => {
  it('gives bit-identical weights and optimizer state to tf.train.adam’s own, step after step, and runs the native kernel', async () => {
    await initBackend({ backend: 'wasm' });
    expect(cellKernelsAvailable()).toBe(true);
    const reference = problem('a');
    const fused = problem('b');
    const theirs: tf.Optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const ours: tf.Optimizer = tf.train.adam(0.01, 0.9, 0.999, 1e-7);
    const runKernel = vi.spyOn(tf.engine(), 'runKernel');
    for (let step = 0; step < 6; step++) {
      stepBoth(step, reference, theirs, fused, ours);
      if (step === 3) for (const optimizer of [ours, theirs]) setLearningRate(optimizer, 0.002); // as a schedule does
    }
    const fusedCalls = runKernel.mock.calls.filter(([name]) => name === ADAM_UPDATE).length;
    runKernel.mockRestore();
    expect(fusedCalls).toBe(6 * SHAPES.length);
    expect(await stateOf(ours, fused.variables)).toEqual(await stateOf(theirs, reference.variables));
    tf.dispose([reference.variables, fused.variables]);
    theirs.dispose();
    ours.dispose();
  });

  it('continues from a checkpointed state as tf.train.adam does', async () => {
    await initBackend({ backend: 'wasm' });
    const reference = problem('a');
    const fused = problem('b');
    const first: tf.Optimizer = tf.train.adam(0.01);
    for (let step = 0; step < 3; step++) {
      const g = reference.gradientsAt(step);
      first.applyGradients(g);
      tf.dispose(Object.values(g));
    }
    for (const [i, v] of fused.variables.entries()) v.assign(reference.variables[i]!);
    // Moment names are `<variable>/m`: reload the first optimizer's state under fused's names.
    const saved = (await first.getWeights()).map(({ name, tensor }) => ({
      name: name.replace(/^a\//, 'b/'),
      tensor: tf.clone(tensor),
    }));
    const resumed = tf.train.adam(0.01);
    await resumed.setWeights(saved);
    for (let step = 3; step < 5; step++) stepBoth(step, reference, first, fused, resumed);
    expect(await stateOf(resumed, fused.variables)).toEqual(await stateOf(first, reference.variables));
    tf.dispose([reference.variables, fused.variables, saved.map((w) => w.tensor)]);
    first.dispose();
    resumed.dispose();
  });

  it('leaves other optimizers, Adam subclasses and the cpu backend to their own applyGradients, and leaks nothing', async () => {
    for (const backend of ['wasm', 'cpu'] as const) {
      await initBackend({ backend });
      class LoggingAdam extends tf.AdamOptimizer {}
      for (const optimizer of [tf.train.sgd(0.1), new LoggingAdam(0.01, 0.9, 0.999), tf.train.adam(0.01)]) {
        const { variables, gradientsAt } = problem(`${backend}-${optimizer.getClassName()}`);
        const own = vi.spyOn(optimizer, 'applyGradients');
        const runKernel = vi.spyOn(tf.engine(), 'runKernel');
        await expectNoLeaks(() => {
          const g = gradientsAt(0);
          applyGradients(optimizer, g);
          tf.dispose(Object.values(g));
        });
        const fused = runKernel.mock.calls.some(([name]) => name === ADAM_UPDATE);
        runKernel.mockRestore();
        const plainAdamOnWasm =
          backend === 'wasm' && Object.getPrototypeOf(optimizer) === tf.AdamOptimizer.prototype;
        expect(fused, `${backend} ${optimizer.constructor.name}`).toBe(plainAdamOnWasm);
        expect(own.mock.calls.length > 0).toBe(!plainAdamOnWasm);
        tf.dispose(variables);
        optimizer.dispose();
      }
    }
  });
});
