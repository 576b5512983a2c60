import { expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { gru, lstm, peepholeLSTM, simpleRNN } from '../layers/recurrent-layers.js';
import { type GateWeightSet, gateWeights, type RecurrentGateWeights } from './gate-weights.js';

const [TIME, FEATURES, UNITS] = [3, 2, 3];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Builds `layer` on [TIME, FEATURES] inputs and gives every weight distinct hand-set values. */
function built<L extends tfl.layers.Layer>(layer: L): L {
  tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [TIME, FEATURES] }), layer] });
  tf.tidy(() => {
    layer.setWeights(
      layer.getWeights().map((w, k) => tf.reshape(tf.add(tf.mul(tf.range(0, w.size), 0.01), k), w.shape)),
    );
  });
  return layer;
}

/** Columns [from, from + UNITS) of a getWeights() entry (the last axis), as a tensor. */
function columns(weight: tf.Tensor, gate: number): tf.Tensor {
  const begin = weight.shape.map((_, axis) => (axis === weight.rank - 1 ? gate * UNITS : 0));
  const size = weight.shape.map((dim, axis) => (axis === weight.rank - 1 ? UNITS : dim));
  return tf.slice(weight, begin, size);
}

function expectGate(actual: GateWeightSet, weights: tf.Tensor[], gate: number): void {
  const [kernel, recurrentKernel, bias] = weights;
  tf.tidy(() => {
    expect(actual.kernel.shape).toEqual([FEATURES, UNITS]);
    expect(actual.recurrentKernel.shape).toEqual([UNITS, UNITS]);
    expectTensorsClose(actual.kernel.values, columns(kernel!, gate).dataSync(), { rtol: 0, atol: 0 });
    expectTensorsClose(actual.recurrentKernel.values, columns(recurrentKernel!, gate).dataSync(), {
      rtol: 0,
      atol: 0,
    });
    expectTensorsClose(actual.bias!.values, tf.slice(bias!, [gate * UNITS], [UNITS]).dataSync(), {
      rtol: 0,
      atol: 0,
    });
  });
}

describe('gateWeights', () => {
  it('splits an LSTM into i, f, c, o (Keras column blocks)', () => {
    const layer = built(lstm({ units: UNITS }));
    const w = gateWeights(layer) as RecurrentGateWeights;
    expect(w.kind).toBe('lstm');
    expect([w.units, w.inputDim, w.layerName]).toEqual([UNITS, FEATURES, layer.name]);
    expect(Object.keys(w.gates)).toEqual(['i', 'f', 'c', 'o']);
    const gates = w.gates as Record<string, GateWeightSet>;
    for (const [index, name] of ['i', 'f', 'c', 'o'].entries()) {
      expectGate(gates[name]!, layer.getWeights(), index);
      expect(gates[name]!.recurrentBias).toBeNull();
      expect(gates[name]!.peephole).toBeNull();
    }
    // Spot check by hand: kernel value (row 1, gate f column 0) = 0.01 · (1·12 + 3).
    expect(gates['f']!.kernel.values[UNITS]).toBeCloseTo(0.15, 6);
  });

  it('splits a reset-after GRU into z, r, h with input and recurrent bias rows', () => {
    const layer = built(gru({ units: UNITS }));
    const w = gateWeights(layer);
    if (w.kind !== 'gru') throw new Error(`expected gru, got ${w.kind}`);
    expect(w.resetAfter).toBe(true);
    const [kernel, recurrentKernel, bias] = layer.getWeights();
    expect(bias!.shape).toEqual([2, 3 * UNITS]);
    for (const [index, gate] of [w.gates.z, w.gates.r, w.gates.h].entries()) {
      tf.tidy(() => {
        expectTensorsClose(gate.kernel.values, columns(kernel!, index).dataSync(), { rtol: 0, atol: 0 });
        expectTensorsClose(gate.recurrentKernel.values, columns(recurrentKernel!, index).dataSync(), {
          rtol: 0,
          atol: 0,
        });
        const [inputRow, recurrentRow] = tf.unstack(columns(bias!, index));
        expect(gate.bias!.shape).toEqual([UNITS]);
        expectTensorsClose(gate.bias!.values, inputRow!.dataSync(), { rtol: 0, atol: 0 });
        expectTensorsClose(gate.recurrentBias!.values, recurrentRow!.dataSync(), { rtol: 0, atol: 0 });
      });
    }
  });

  it('splits a reset-before GRU (ours and stock tfjs-layers) with a single bias', () => {
    for (const layer of [
      built(gru({ units: UNITS, resetAfter: false })),
      built(tfl.layers.gru({ units: UNITS })),
    ]) {
      const w = gateWeights(layer);
      if (w.kind !== 'gru') throw new Error(`expected gru, got ${w.kind}`);
      expect(w.resetAfter).toBe(false);
      for (const [index, gate] of [w.gates.z, w.gates.r, w.gates.h].entries()) {
        expectGate(gate, layer.getWeights(), index);
        expect(gate.recurrentBias).toBeNull();
      }
    }
  });

  it('returns the single update of a SimpleRNN, and null biases without useBias', () => {
    const layer = built(simpleRNN({ units: UNITS }));
    const w = gateWeights(layer);
    if (w.kind !== 'simpleRNN') throw new Error(`expected simpleRNN, got ${w.kind}`);
    expectGate(w.gates.h, layer.getWeights(), 0);

    const noBias = gateWeights(built(lstm({ units: UNITS, useBias: false })));
    if (noBias.kind !== 'lstm') throw new Error(`expected lstm, got ${noBias.kind}`);
    expect(noBias.gates.i.bias).toBeNull();
  });

  it('adds the peephole vectors of a peephole LSTM to gates i, f, o', () => {
    const layer = built(peepholeLSTM({ units: UNITS }));
    const w = gateWeights(layer);
    if (w.kind !== 'peepholeLSTM') throw new Error(`expected peepholeLSTM, got ${w.kind}`);
    const weights = layer.getWeights();
    expect(weights).toHaveLength(6);
    expectTensorsClose(w.gates.i.peephole!.values, weights[3]!, { rtol: 0, atol: 0 });
    expectTensorsClose(w.gates.f.peephole!.values, weights[4]!, { rtol: 0, atol: 0 });
    expectTensorsClose(w.gates.o.peephole!.values, weights[5]!, { rtol: 0, atol: 0 });
    expect(w.gates.c.peephole).toBeNull();
    for (const [index, gate] of [w.gates.i, w.gates.f, w.gates.c, w.gates.o].entries()) {
      expectGate(gate, weights, index);
    }
  });

  it('reads the forward and backward layers of a Bidirectional', () => {
    const layer = built(tfl.layers.bidirectional({ layer: gru({ units: UNITS }) as unknown as tfl.RNN }));
    const w = gateWeights(layer);
    if (w.kind !== 'bidirectional') throw new Error(`expected bidirectional, got ${w.kind}`);
    expect(w.forward.kind).toBe('gru');
    expect(w.backward.kind).toBe('gru');
    expect(w.forward.layerName).not.toBe(w.backward.layerName);
    const weights = layer.getWeights(); // forward kernel, recurrent, bias, then backward's
    const forward = w.forward.gates as Record<string, GateWeightSet>;
    const backward = w.backward.gates as Record<string, GateWeightSet>;
    expectTensorsClose(
      forward['r']!.kernel.values,
      tf.tidy(() => columns(weights[0]!, 1).dataSync()),
    );
    expectTensorsClose(
      backward['r']!.kernel.values,
      tf.tidy(() => columns(weights[3]!, 1).dataSync()),
    );
    expect(backward['h']!.kernel.values[0]).not.toBe(forward['h']!.kernel.values[0]);
  });

  it('returns copies: editing them leaves the layer unchanged', () => {
    const layer = built(lstm({ units: UNITS }));
    const w = gateWeights(layer) as RecurrentGateWeights;
    const before = layer.getWeights()[0]!.dataSync()[0];
    (w.gates as Record<string, GateWeightSet>)['i']!.kernel.values[0] = 123;
    expect(layer.getWeights()[0]!.dataSync()[0]).toBe(before);
  });

  it('throws INVALID_OPTION for unsupported or unbuilt layers', () => {
    const dense = built(tfl.layers.dense({ units: 2 }));
    for (const layer of [dense, lstm({ units: UNITS })]) {
      let error: unknown;
      try {
        gateWeights(layer);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(RnnModelsError);
      expect((error as RnnModelsError).code).toBe('RNN_MODELS_INVALID_OPTION');
    }
  });

  it('creates no tensors', async () => {
    const layer = built(tfl.layers.bidirectional({ layer: lstm({ units: UNITS }) as unknown as tfl.RNN }));
    await expectNoLeaks(() => {
      gateWeights(layer);
    });
  });
});
