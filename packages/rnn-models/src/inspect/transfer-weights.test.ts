import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { gru, lstm } from '../layers/recurrent-layers.js';
import { buildVocabularyMap, transferWeights } from './transfer-weights.js';

const [TIME, EMBED, UNITS] = [4, 3, 5];
// "Alice" knows 6 tokens; "Seuss" has 7: new id → old id, -1 = unknown to Alice.
const OLD_TOKENS = ['<pad>', 'a', 'l', 'i', 'c', 'e'];
const NEW_TOKENS = ['<pad>', 'e', 'z', 'a', 'u', 's', 'i'];
const MAP = [0, 5, -1, 1, -1, -1, 3];

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

function languageModel(
  vocab: number,
  recurrent: tfl.layers.Layer = gru({ units: UNITS, returnSequences: true }),
) {
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: vocab, outputDim: EMBED, inputLength: TIME }),
      recurrent,
      tfl.layers.dense({ units: vocab, activation: 'softmax', biasInitializer: 'randomNormal' }),
    ],
  });
}

/** Plain copies of a layer's weights. */
function snapshot(layer: tfl.layers.Layer): Float32Array[] {
  return layer.getWeights().map((w) => Float32Array.from(w.dataSync()));
}

function row(values: Float32Array, id: number, width: number): number[] {
  return Array.from(values.subarray(id * width, (id + 1) * width));
}

function column(values: Float32Array, id: number, width: number): number[] {
  return Array.from({ length: values.length / width }, (_, r) => values[r * width + id]!);
}

describe('buildVocabularyMap', () => {
  it('maps each new token to its old id, -1 when unknown, first id for duplicates', () => {
    expect(Array.from(buildVocabularyMap(OLD_TOKENS, NEW_TOKENS))).toEqual(MAP);
    expect(Array.from(buildVocabularyMap(['x', 'y', 'x'], ['x', 'q']))).toEqual([0, -1]);
  });
});

describe('transferWeights', () => {
  it('realigns embedding rows and output columns, copies the GRU exactly (Alice → Seuss)', () => {
    const alice = languageModel(OLD_TOKENS.length);
    const seuss = languageModel(NEW_TOKENS.length);
    const [aEmb, aGru, aDense] = alice.layers.map(snapshot) as [
      Float32Array[],
      Float32Array[],
      Float32Array[],
    ];
    const [sEmbInit, , sDenseInit] = seuss.layers.map(snapshot) as [
      Float32Array[],
      Float32Array[],
      Float32Array[],
    ];

    const summary = transferWeights(alice, seuss, { vocabularyMap: Int32Array.from(MAP) });
    expect(summary.copied.map((l) => [l.className, l.realigned, l.weightCount])).toEqual([
      ['Embedding', 'rows', 1],
      ['RnnkitGRU', 'none', 3],
      ['Dense', 'columns', 2],
    ]);
    expect(summary.copied.map((l) => [l.from, l.to])).toEqual(
      alice.layers.map((layer, k) => [layer.name, seuss.layers[k]!.name]),
    );
    expect(summary.skipped).toEqual([]);
    expect(summary.vocabulary).toEqual({ mapped: 4, fresh: 3 });

    const [sEmb, sGru, sDense] = seuss.layers.map(snapshot) as [
      Float32Array[],
      Float32Array[],
      Float32Array[],
    ];
    const vocab = NEW_TOKENS.length;
    for (const [newId, oldId] of MAP.entries()) {
      const expectedRow = oldId >= 0 ? row(aEmb[0]!, oldId, EMBED) : row(sEmbInit[0]!, newId, EMBED);
      expect(row(sEmb[0]!, newId, EMBED), `embedding row ${newId}`).toEqual(expectedRow);
      const expectedColumn =
        oldId >= 0 ? column(aDense[0]!, oldId, OLD_TOKENS.length) : column(sDenseInit[0]!, newId, vocab);
      expect(column(sDense[0]!, newId, vocab), `kernel column ${newId}`).toEqual(expectedColumn);
      expect(sDense[1]![newId], `bias ${newId}`).toBe(oldId >= 0 ? aDense[1]![oldId] : sDenseInit[1]![newId]);
    }
    for (const [k, weight] of sGru.entries()) expect(Array.from(weight)).toEqual(Array.from(aGru[k]!));
  });

  it('realigns a TimeDistributed(Dense) output and copies a Bidirectional GRU', () => {
    const model = (vocab: number) =>
      tfl.sequential({
        layers: [
          tfl.layers.embedding({ inputDim: vocab, outputDim: EMBED, inputLength: TIME }),
          tfl.layers.bidirectional({
            layer: gru({ units: UNITS, returnSequences: true }) as unknown as tfl.RNN,
          }),
          tfl.layers.timeDistributed({ layer: tfl.layers.dense({ units: vocab }) }),
        ],
      });
    const alice = model(OLD_TOKENS.length);
    const seuss = model(NEW_TOKENS.length);
    const summary = transferWeights(alice, seuss, { vocabularyMap: MAP });
    expect(summary.copied.map((l) => [l.className, l.realigned, l.weightCount])).toEqual([
      ['Embedding', 'rows', 1],
      ['Bidirectional', 'none', 6],
      ['TimeDistributed', 'columns', 2],
    ]);
    const [aKernel, aBias] = snapshot(alice.layers[2]!);
    const [sKernel, sBias] = snapshot(seuss.layers[2]!);
    expect(column(sKernel!, 3, NEW_TOKENS.length)).toEqual(column(aKernel!, 1, OLD_TOKENS.length));
    expect(sBias![6]).toBe(aBias![3]);
    const backward = (m: tfl.Sequential) => snapshot(m.layers[1]!)[3]!;
    expect(Array.from(backward(seuss))).toEqual(Array.from(backward(alice)));
  });

  it('the transferred model fine-tunes (finite loss) without touching the source', async () => {
    const alice = languageModel(OLD_TOKENS.length);
    const seuss = languageModel(NEW_TOKENS.length);
    transferWeights(alice, seuss, { vocabularyMap: MAP });
    const aliceBefore = snapshot(alice.layers[1]!);
    seuss.compile({ optimizer: tf.train.adam(0.01), loss: 'sparseCategoricalCrossentropy' });
    const x = tf.tensor2d([1, 2, 3, 4, 5, 6, 1, 2], [2, TIME], 'int32');
    const y = tf.tensor3d([2, 3, 4, 5, 6, 1, 2, 3], [2, TIME, 1]); // tfjs' sparse loss wants float32 labels
    const losses: number[] = [];
    for (let step = 0; step < 3; step++) losses.push((await seuss.trainOnBatch(x, y)) as number);
    for (const loss of losses) expect(Number.isFinite(loss)).toBe(true);
    expect(losses[2]!).toBeLessThan(losses[0]!);
    // Training the target replaced its variables' data; the source keeps its own values.
    expect(snapshot(alice.layers[1]!).map((w) => Array.from(w))).toEqual(
      aliceBefore.map((w) => Array.from(w)),
    );
    tf.dispose([x, y]);
  });

  it('without vocabularyMap copies same-shape layers exactly: same predictions', () => {
    const source = languageModel(OLD_TOKENS.length);
    const target = languageModel(OLD_TOKENS.length);
    const summary = transferWeights(source, target);
    expect(summary.vocabulary).toBeNull();
    expect(summary.copied.every((l) => l.realigned === 'none')).toBe(true);
    tf.tidy(() => {
      const x = tf.tensor2d([1, 2, 3, 4], [1, TIME], 'int32');
      expectTensorsClose(target.predict(x) as tf.Tensor, source.predict(x) as tf.Tensor, {
        rtol: 0,
        atol: 0,
      });
    });
  });

  it('reports class and shape mismatches and leftover layers as skipped', () => {
    const source = languageModel(OLD_TOKENS.length, lstm({ units: UNITS, returnSequences: true }));
    const target = languageModel(NEW_TOKENS.length);
    const classSummary = transferWeights(source, target, { vocabularyMap: MAP });
    expect(classSummary.skipped.map((s) => s.reason)).toEqual(['class-mismatch']);
    expect(classSummary.skipped[0]!.detail).toBe('RnnkitLSTM vs RnnkitGRU');

    const wider = languageModel(OLD_TOKENS.length, gru({ units: UNITS + 1, returnSequences: true }));
    const shapeSummary = transferWeights(wider, languageModel(OLD_TOKENS.length));
    // The GRU differs in units, and so does the Dense kernel behind it.
    expect(shapeSummary.skipped.map((s) => [s.reason, s.from])).toEqual([
      ['shape-mismatch', wider.layers[1]!.name],
      ['shape-mismatch', wider.layers[2]!.name],
    ]);
    expect(shapeSummary.copied.map((l) => l.className)).toEqual(['Embedding']);

    const deeper = languageModel(OLD_TOKENS.length);
    deeper.add(tfl.layers.dense({ units: 2, name: 'extra_head' }));
    const leftover = transferWeights(deeper, languageModel(OLD_TOKENS.length));
    expect(leftover.skipped.at(-1)).toMatchObject({ from: 'extra_head', to: null, reason: 'no-counterpart' });
    const reversed = transferWeights(languageModel(OLD_TOKENS.length), deeper);
    expect(reversed.skipped.at(-1)).toMatchObject({ from: null, to: 'extra_head', reason: 'no-counterpart' });
  });

  it('rejects vocabulary maps with bad entries or a length that fits no layer, before writing', () => {
    const alice = languageModel(OLD_TOKENS.length);
    const seuss = languageModel(NEW_TOKENS.length);
    const before = snapshot(seuss.layers[1]!);
    expectErrorCode(
      () => transferWeights(alice, seuss, { vocabularyMap: [0, 6, -1, 1, -1, -1, 3] }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expectErrorCode(
      () => transferWeights(alice, seuss, { vocabularyMap: [0, 1.5, -1, 1, -1, -1, 3] }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expectErrorCode(
      () => transferWeights(alice, seuss, { vocabularyMap: [0, -2, -1, 1, -1, -1, 3] }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expectErrorCode(
      () => transferWeights(alice, seuss, { vocabularyMap: [0, 1, 2] }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expect(snapshot(seuss.layers[1]!)).toEqual(before);
  });

  it('leaks no tensors (with and without realignment)', async () => {
    const alice = languageModel(OLD_TOKENS.length);
    const seuss = languageModel(NEW_TOKENS.length);
    const copy = languageModel(OLD_TOKENS.length);
    await expectNoLeaks(() => {
      transferWeights(alice, seuss, { vocabularyMap: MAP });
      transferWeights(alice, copy);
    });
  });
});
