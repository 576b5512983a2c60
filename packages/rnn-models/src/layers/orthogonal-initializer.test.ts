import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useCpuBackend } from '../../test/support.js';
import { RnnModelsError } from '../errors.js';
import {
  DEFAULT_ORTHOGONAL_ARGS,
  Orthogonal,
  orthogonal,
  resolveOrthogonalArgs,
} from './orthogonal-initializer.js';

useCpuBackend();

afterEach(() => {
  vi.restoreAllMocks();
});

/** Draws a matrix and returns its values; disposes the tensor. */
function draw(init: Orthogonal, shape: number[]): Float32Array {
  const w = init.apply(shape);
  expect(w.shape).toEqual(shape);
  expect(w.dtype).toBe('float32');
  const data = w.dataSync() as Float32Array;
  w.dispose();
  return data;
}

/**
 * `max |G − gain²·I|`, `G` the Gram matrix (float64) of the orthonormal side of the Keras-flattened
 * `[rows, cols]` matrix: its columns when `rows ≥ cols`, else its rows.
 */
function orthogonalityError(data: ArrayLike<number>, shape: number[], gain = 1): number {
  const cols = shape[shape.length - 1]!;
  const rows = data.length / cols;
  const tall = rows >= cols;
  const [length, count] = tall ? [rows, cols] : [cols, rows];
  const at = (vector: number, i: number) => (tall ? data[i * cols + vector]! : data[vector * cols + i]!);
  let error = 0;
  for (let a = 0; a < count; a++) {
    for (let b = a; b < count; b++) {
      let dot = 0;
      for (let i = 0; i < length; i++) dot += at(a, i) * at(b, i);
      error = Math.max(error, Math.abs(dot - (a === b ? gain * gain : 0)));
    }
  }
  return error;
}

function expectInvalidOption(fn: () => unknown): void {
  expectErrorCode(fn, RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
}

describe('orthogonal initializer', () => {
  it('has the documented defaults (Keras and tfjs: gain 1, no seed)', () => {
    expect(DEFAULT_ORTHOGONAL_ARGS).toEqual({ gain: 1, seed: undefined });
    expect(resolveOrthogonalArgs()).toEqual({ gain: 1, seed: undefined });
    expect(orthogonal().getConfig()).toEqual({ gain: 1, seed: null });
    expect(orthogonal({ gain: 0.5, seed: 3 }).getConfig()).toEqual({ gain: 0.5, seed: 3 });
  });

  it.each([
    ['square', [16, 16]],
    ['tall', [40, 7]],
    ['wide', [5, 33]],
    ['rank 3, flattened tall (12 × 10)', [3, 4, 10]],
    ['rank 3, flattened wide (6 × 20)', [2, 3, 20]],
    ['rank 4 conv kernel (9 × 8)', [3, 3, 1, 8]],
    ['one column', [9, 1]],
    ['one row', [1, 9]],
    ['1 × 1', [1, 1]],
    ['several panels and leaves, square', [150, 150]],
    ['several panels and leaves, wide', [140, 300]],
  ])('gives orthonormal columns (rows when wide): %s %j', (_name, shape) => {
    expect(orthogonalityError(draw(orthogonal({ seed: 11 }), shape), shape)).toBeLessThan(1e-5);
  });

  it('scales by gain', () => {
    const shape = [6, 20];
    const unit = draw(orthogonal({ seed: 5 }), shape);
    const scaled = draw(orthogonal({ seed: 5, gain: -2.5 }), shape);
    expectTensorsClose(
      scaled,
      Array.from(unit, (x) => -2.5 * x),
      { rtol: 1e-6, atol: 1e-7 },
    );
    expect(orthogonalityError(scaled, shape, 2.5)).toBeLessThan(1e-4);
  });

  it('is deterministic for a seed, different across seeds and random without one', () => {
    const shape = [30, 20];
    expect(draw(orthogonal({ seed: 1 }), shape)).toEqual(draw(orthogonal({ seed: 1 }), shape));
    const init = orthogonal({ seed: 2 });
    expect(draw(init, shape)).toEqual(draw(init, shape));
    expect(draw(orthogonal({ seed: 1 }), shape)).not.toEqual(draw(orthogonal({ seed: 2 }), shape));
    const unseeded = orthogonal();
    expect(draw(unseeded, shape)).not.toEqual(draw(unseeded, shape));
  });

  it.each([
    [[7, 7]],
    [[20, 6]],
    [[6, 20]],
    [[2, 3, 5]],
    [[48, 40]], // crosses leaf boundaries
  ])('equals tfjs-layers’ stock Orthogonal for the same seed: %j', (shape) => {
    for (const seed of [1, 42]) {
      const stock = tfl.initializers.orthogonal({ seed }).apply(shape);
      const ours = orthogonal({ seed }).apply(shape);
      expectTensorsClose(ours, stock, { rtol: 0, atol: 2e-5 });
      tf.dispose([stock, ours]);
    }
  });

  it('fixes the signs: R = Qᵀ·A has a positive diagonal (Haar-distributed Q)', () => {
    // 140 columns: two panels of reflectors, several leaves each.
    const [m, n, seed] = [200, 140, 9];
    const q = orthogonal({ seed }).apply([m, n]);
    // The normal matrix the initializer factored: same generator, shape and seed.
    const a = tf.randomNormal([m, n], 0, 1, 'float32', seed);
    const r = tf.matMul(q, a, true, false);
    const rData = Array.from(r.dataSync());
    const diagonal = Array.from({ length: n }, (_, j) => rData[j * n + j]!);
    expect(Math.min(...diagonal)).toBeGreaterThan(0);
    // And R is upper triangular: A = QR.
    const below = rData.filter((_, index) => index % n < Math.floor(index / n));
    expect(Math.max(...below.map(Math.abs))).toBeLessThan(1e-4);
    tf.dispose([q, a, r]);
  });

  it('returns an empty tensor for a zero-size shape', () => {
    const w = orthogonal({ seed: 1 }).apply([0, 4]);
    expect(w.shape).toEqual([0, 4]);
    w.dispose();
  });

  it('rejects shapes of rank < 2, bad dimensions, non-float dtypes and non-finite options', () => {
    const init = orthogonal({ seed: 1 });
    expectInvalidOption(() => init.apply([5]));
    expectInvalidOption(() => init.apply([]));
    expectInvalidOption(() => init.apply([3, -1]));
    expectInvalidOption(() => init.apply([3, 1.5]));
    expectInvalidOption(() => init.apply([null, 4]));
    expectInvalidOption(() => init.apply([3, 3], 'int32'));
    expectInvalidOption(() => orthogonal({ gain: Number.NaN }));
    expectInvalidOption(() => orthogonal({ gain: Number.POSITIVE_INFINITY }));
    expectInvalidOption(() => orthogonal({ seed: Number.NaN }));
    expectInvalidOption(() => new Orthogonal({ gain: '2' as unknown as number }));
  });

  it('prints nothing, even for matrices tfjs warns about', () => {
    tf.tensor1d([1]).dispose(); // tfjs-backend-cpu's one-time "running in Node.js" notice
    const spies = (['log', 'info', 'warn', 'error'] as const).map((method) =>
      vi.spyOn(console, method).mockImplementation(() => {}),
    );
    draw(orthogonal({ seed: 1 }), [64, 256]);
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
  });

  it('leaks no tensors', async () => {
    await expectNoLeaks(() => {
      orthogonal({ seed: 3 }).apply([40, 7]).dispose();
      orthogonal({ seed: 3 }).apply([140, 150]).dispose();
      orthogonal().apply([0, 3]).dispose();
    });
  });
});

describe('orthogonal initializer serialization', () => {
  it('round-trips through getConfig and the registered fromConfig', () => {
    const original = orthogonal({ gain: 1.5, seed: 7 });
    expect(original.getClassName()).toBe('RnnkitOrthogonal');
    const [cls, fromConfig] = tf.serialization.SerializationMap.getMap().classNameMap['RnnkitOrthogonal']!;
    expect(cls).toBe(Orthogonal);
    const restored = fromConfig(cls, original.getConfig()) as Orthogonal;
    expect(restored).toBeInstanceOf(Orthogonal);
    expect(restored.getConfig()).toEqual({ gain: 1.5, seed: 7 });
    expect(draw(restored, [5, 8])).toEqual(draw(original, [5, 8]));
    const unseeded = Orthogonal.fromConfig(Orthogonal, orthogonal().getConfig()) as Orthogonal;
    expect(unseeded.seed).toBeUndefined();
  });

  it('works as a tfjs-layers recurrent initializer and survives a model JSON round trip', async () => {
    const lstm = tfl.layers.lstm({ units: 3, recurrentInitializer: orthogonal({ seed: 1 }) });
    const model = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [2, 4] }), lstm] });
    const recurrentKernel = lstm.getWeights()[1]!;
    expect(recurrentKernel.shape).toEqual([3, 12]);
    expectTensorsClose(recurrentKernel, draw(orthogonal({ seed: 1 }), [3, 12]), { rtol: 0, atol: 0 });

    const config = lstm.getConfig()['recurrentInitializer'];
    expect(config).toEqual({ className: 'RnnkitOrthogonal', config: { gain: 1, seed: 1 } });
    const restored = await tfl.models.modelFromJSON({
      modelTopology: model.toJSON(undefined, false) as tf.io.ModelJSON['modelTopology'],
    });
    const restoredLstm = restored.layers.find((layer) => layer.getClassName() === 'LSTM')!;
    expect(restoredLstm.getConfig()['recurrentInitializer']).toEqual(config);
    expectTensorsClose(restoredLstm.getWeights()[1]!, recurrentKernel, { rtol: 0, atol: 0 });
    model.dispose();
    restored.dispose();
  });
});
