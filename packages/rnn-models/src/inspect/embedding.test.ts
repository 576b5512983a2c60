import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../backend/backend.js';
import { RnnModelsError } from '../errors.js';
import { gru } from '../layers/recurrent-layers.js';
import {
  DEFAULT_PROJECT_EMBEDDINGS_2D_OPTIONS,
  embeddingMatrix,
  projectEmbeddings2d,
  resolveProjectEmbeddings2dOptions,
} from './embedding.js';

const SQRT2 = Math.SQRT2;

beforeAll(async () => {
  await initBackend({ backend: 'cpu' });
});

/** Two Embedding layers with hand-set tables (row r, column c of table t = 10·t + r + c / 10). */
function twoEmbeddings(): tfl.LayersModel {
  const input = tfl.input({ shape: [3], dtype: 'int32' });
  const first = tfl.layers.embedding({ inputDim: 4, outputDim: 2, name: 'chars' });
  const second = tfl.layers.embedding({ inputDim: 4, outputDim: 3, name: 'tags' });
  const joined = tfl.layers
    .concatenate()
    .apply([first.apply(input), second.apply(input)] as tfl.SymbolicTensor[]) as tfl.SymbolicTensor;
  const model = tfl.model({ inputs: input, outputs: gru({ units: 2 }).apply(joined) as tfl.SymbolicTensor });
  for (const [t, layer] of [first, second].entries()) {
    const [vocab, dim] = layer.getWeights()[0]!.shape as [number, number];
    const table = Array.from({ length: vocab }, (_, r) =>
      Array.from({ length: dim }, (_, c) => 10 * t + r + c / 10),
    );
    tf.tidy(() => layer.setWeights([tf.tensor2d(table)]));
  }
  return model;
}

describe('embeddingMatrix', () => {
  it('reads the first Embedding layer as [vocab, dim] rows', () => {
    const m = embeddingMatrix(twoEmbeddings());
    expect(m.shape).toEqual([4, 2]);
    expectTensorsClose(m.values, [0, 0.1, 1, 1.1, 2, 2.1, 3, 3.1]);
  });

  it('layerName picks another Embedding, also inside a nested model', () => {
    const m = embeddingMatrix(twoEmbeddings(), { layerName: 'tags' });
    expect(m.shape).toEqual([4, 3]);
    expect(Array.from(m.values.subarray(3, 6))).toEqual([11, 11.1, 11.2].map(Math.fround));

    const inner = tfl.sequential({
      layers: [tfl.layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3, name: 'inner_emb' })],
    });
    const outer = tfl.sequential({ layers: [tfl.layers.inputLayer({ inputShape: [3] }), inner] });
    expect(embeddingMatrix(outer).shape).toEqual([5, 2]);
    expect(embeddingMatrix(outer, { layerName: 'inner_emb' }).shape).toEqual([5, 2]);
  });

  it('returns a copy', () => {
    const model = twoEmbeddings();
    embeddingMatrix(model).values[0] = 42;
    expect(embeddingMatrix(model).values[0]).toBe(0);
  });

  it('throws INVALID_OPTION without an Embedding, for unknown names and non-Embedding layers', () => {
    const dense = tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3], name: 'd' })] });
    expectErrorCode(() => embeddingMatrix(dense), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
    expectErrorCode(
      () => embeddingMatrix(twoEmbeddings(), { layerName: 'nope' }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
    expectErrorCode(
      () => embeddingMatrix(dense, { layerName: 'd' }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
  });

  it('creates no tensors', async () => {
    const model = twoEmbeddings();
    await expectNoLeaks(() => {
      embeddingMatrix(model);
    });
  });
});

describe('projectEmbeddings2d', () => {
  it('matches a PCA computed by hand (3×2, eigenvalues 12 and 4, up to sign)', () => {
    // X = [[2,0],[0,2],[-2,-2]] has mean 0 and XᵀX = [[8,4],[4,8]]: eigenvectors (1,1)/√2 (12) and
    // (1,−1)/√2 (4), so singular values √12 and 2; shifting every row must not change the result.
    for (const shift of [0, 5]) {
      const projection = projectEmbeddings2d([
        [2 + shift, 0 - shift],
        [0 + shift, 2 - shift],
        [-2 + shift, -2 - shift],
      ]);
      const xs = projection.points.map(([x]) => x);
      const ys = projection.points.map(([, y]) => y);
      // Component 1 has two equal entries (1/√2, 1/√2): its sign rule gives the + direction.
      expectTensorsClose(xs, [SQRT2, SQRT2, -2 * SQRT2], { rtol: 1e-9, atol: 1e-9 });
      const sign = Math.sign(ys[0]!);
      expectTensorsClose(
        ys.map((y) => y * sign),
        [SQRT2, -SQRT2, 0],
        { rtol: 1e-9, atol: 1e-9 },
      );
      expectTensorsClose([...projection.explainedVariance], [0.75, 0.25], { rtol: 1e-9, atol: 1e-12 });
    }
  });

  it('points on a line: the first component explains ~100%, y ≈ 0, sign fixed', () => {
    // rows = k·(1, 2, 3) + (0.5, 0, 1): centered, row k lies at (k − 2)·√14 on component (1, 2, 3)/√14,
    // whose largest entry (3/√14) is positive.
    const rows = Array.from({ length: 5 }, (_, k) => [k + 0.5, 2 * k, 3 * k + 1]);
    const projection = projectEmbeddings2d(rows, { labels: ['a', 'b', 'c', 'd', 'e'] });
    expect(projection.explainedVariance[0]).toBeCloseTo(1, 9);
    expect(projection.explainedVariance[1]).toBeCloseTo(0, 9);
    expectTensorsClose(
      projection.points.map(([x]) => x),
      [-2, -1, 0, 1, 2].map((k) => k * Math.sqrt(14)),
      { rtol: 1e-9, atol: 1e-9 },
    );
    for (const [, y] of projection.points) expect(Math.abs(y)).toBeLessThan(1e-9);
    expect(projection.labels).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('center: false projects the raw rows (uncentered second moment)', () => {
    const rows = [
      [1, 1],
      [2, 2],
    ];
    const centered = projectEmbeddings2d(rows);
    expectTensorsClose(
      centered.points.map(([x]) => x),
      [-SQRT2 / 2, SQRT2 / 2],
      { rtol: 1e-9, atol: 1e-9 },
    );
    const raw = projectEmbeddings2d(rows, { center: false });
    expectTensorsClose(
      raw.points.map(([x]) => x),
      [SQRT2, 2 * SQRT2],
      { rtol: 1e-9, atol: 1e-9 },
    );
    expect(raw.explainedVariance[0]).toBeCloseTo(1, 9);
  });

  it('takes an EmbeddingMatrix, defaults labels to row ids, handles one column', () => {
    const projection = projectEmbeddings2d({ values: new Float32Array([0, 3, 6]), shape: [3, 1] });
    expect(projection.labels).toEqual(['0', '1', '2']);
    expectTensorsClose(projection.points.flat(), [-3, 0, 0, 0, 3, 0], { rtol: 1e-6, atol: 1e-6 });
    expect(projection.explainedVariance).toEqual([1, 0]);
  });

  it('pins the defaults and validates options and shapes', () => {
    expect(DEFAULT_PROJECT_EMBEDDINGS_2D_OPTIONS).toEqual({ center: true });
    expect(resolveProjectEmbeddings2dOptions(2)).toEqual({ labels: ['0', '1'], center: true });
    expectErrorCode(() => projectEmbeddings2d([[1, 2]]), RnnModelsError, 'RNN_MODELS_SHAPE_MISMATCH');
    expectErrorCode(() => projectEmbeddings2d([[1, 2], [3]]), RnnModelsError, 'RNN_MODELS_SHAPE_MISMATCH');
    expectErrorCode(
      () => projectEmbeddings2d({ values: new Float32Array(5), shape: [3, 2] }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expectErrorCode(
      () => projectEmbeddings2d([[1], [2]], { labels: ['a'] }),
      RnnModelsError,
      'RNN_MODELS_SHAPE_MISMATCH',
    );
    expectErrorCode(
      () => projectEmbeddings2d([[1], [2]], { center: 'yes' as unknown as boolean }),
      RnnModelsError,
      'RNN_MODELS_INVALID_OPTION',
    );
  });
});
