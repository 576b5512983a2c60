// Probes of @rnnkit/rnn-models' backend, inference, inspection and interop functions: initBackend,
// toStepModel and its step model, layerOutputs, gateWeights, embeddingMatrix, projectEmbeddings2d,
// transferWeights, buildVocabularyMap, the PyTorch converters and the fused sequence ops. Tiny
// models built once in `setup` (so their weights are not counted as leaks), cpu backend.
import {
  buildVocabularyMap,
  embeddingMatrix,
  gateWeights,
  gru,
  gruSequence,
  gruWeightsFromTorch,
  initBackend,
  layerOutputs,
  lstm,
  lstmSequence,
  lstmWeightsFromTorch,
  projectEmbeddings2d,
  type RnnStepModel,
  type RnnStepState,
  simpleRnnSequence,
  simpleRnnWeightsFromTorch,
  type TorchStateDict,
  toStepModel,
  transferWeights,
} from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import type { Probe, ProbeSuite } from '../types.js';

const VOCAB = 5;
const UNITS = 4;

interface Models {
  lstmLm: tfl.LayersModel;
  gruLm: tfl.LayersModel;
  /** Same architecture as `lstmLm` with a vocabulary of 7, for transferWeights. */
  bigger: tfl.LayersModel;
  denseOnly: tfl.LayersModel;
  bidirectional: tfl.LayersModel;
  unbuilt: tfl.Sequential;
  unbuiltLstm: tfl.layers.Layer;
  step: RnnStepModel;
  /** A model disposed after its step model and a state were made. */
  disposed: { model: tfl.LayersModel; step: RnnStepModel; state: RnnStepState };
}

let m: Models;

function languageModel(vocab: number, cell: 'lstm' | 'gru', name: string): tfl.LayersModel {
  const recurrent =
    cell === 'lstm'
      ? lstm({ units: UNITS, returnSequences: true })
      : gru({ units: UNITS, returnSequences: true });
  return tfl.sequential({
    name,
    layers: [
      tfl.layers.embedding({ inputDim: vocab, outputDim: 3, inputLength: 4, name: `${name}_embedding` }),
      recurrent,
      tfl.layers.dense({ units: vocab, name: `${name}_dense` }),
    ],
  });
}

/** Runs `body` with tensors made by `make`, disposing them after (the caller owns its inputs). */
function withTensors<T extends tf.Tensor[]>(make: () => [...T], body: (...tensors: T) => unknown): unknown {
  const tensors = make();
  try {
    const result = body(...tensors);
    disposeDeep(result);
    return result;
  } finally {
    tf.dispose(tensors);
  }
}

function disposeDeep(value: unknown): void {
  if (value instanceof tf.Tensor) value.dispose();
  else if (Array.isArray(value)) for (const v of value) disposeDeep(v);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) disposeDeep(v);
}

/** A PyTorch nn.LSTM state dict (units 2, input 3) as nested arrays. */
function torchLstm(units = 2, inputDim = 3, fill = 0.1): Record<string, unknown> {
  const matrix = (rows: number, cols: number) => Array.from({ length: rows }, () => Array(cols).fill(fill));
  return {
    weight_ih_l0: matrix(4 * units, inputDim),
    weight_hh_l0: matrix(4 * units, units),
    bias_ih_l0: Array(4 * units).fill(fill),
    bias_hh_l0: Array(4 * units).fill(fill),
  };
}

/** Step model helpers: every probe frees what it makes. */
function stepWith(
  ids: unknown,
  stateOf: (lm: RnnStepModel) => RnnStepState = (lm) => lm.initialState(1),
): void {
  const state = stateOf(m.step);
  try {
    const out = m.step.step(ids as Int32Array, state);
    out.logits.dispose();
    m.step.disposeState(out.state);
  } finally {
    m.step.disposeState(state);
  }
}

function gatherWith(rows: unknown, batch = 2): void {
  const state = m.step.initialState(batch);
  try {
    m.step.disposeState(m.step.gatherState(state, rows as Int32Array));
  } finally {
    m.step.disposeState(state);
  }
}

const x3 = (batch = 2, time = 3, input = 3) => tf.ones([batch, time, input]) as tf.Tensor3D;
const h2 = (batch = 2, units = UNITS) => tf.zeros([batch, units]) as tf.Tensor2D;
const k2 = (rows: number, cols: number) => tf.fill([rows, cols], 0.1) as tf.Tensor2D;

const suite: ProbeSuite = {
  packageName: 'rnn-models-inference',
  checksTensors: true,
  setup: async () => {
    await initBackend({ backend: 'cpu' });
    const bidirectional = tfl.sequential({
      layers: [
        tfl.layers.embedding({ inputDim: VOCAB, outputDim: 3, inputLength: 4 }),
        tfl.layers.bidirectional({ layer: tfl.layers.lstm({ units: 2, returnSequences: true }) as never }),
        tfl.layers.dense({ units: VOCAB }),
      ],
    });
    const unbuiltLstm = lstm({ units: 2 });
    m = {
      lstmLm: languageModel(VOCAB, 'lstm', 'small'),
      gruLm: languageModel(VOCAB, 'gru', 'gru_small'),
      bigger: languageModel(7, 'lstm', 'bigger'),
      denseOnly: tfl.sequential({ layers: [tfl.layers.dense({ units: 2, inputShape: [3] })] }),
      bidirectional,
      unbuilt: tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: VOCAB, outputDim: 3 })] }),
      unbuiltLstm,
      step: null as never,
      disposed: null as never,
    };
    m.step = toStepModel(m.lstmLm, { onWarning: () => {} });
    const doomed = languageModel(VOCAB, 'lstm', 'doomed');
    const doomedStep = toStepModel(doomed);
    m.disposed = { model: doomed, step: doomedStep, state: doomedStep.initialState(1) };
    doomed.dispose();
  },
  probes: () => {
    const probes: Probe[] = [
      // ---- initBackend
      {
        name: 'initBackend: backend "gpu"',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => initBackend({ backend: 'gpu' as never }),
      },
      {
        name: 'initBackend: misspelt backnd',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => initBackend({ backnd: 'cpu' } as never),
      },
      {
        name: 'initBackend: threads NaN',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => initBackend({ backend: 'cpu', threads: Number.NaN }),
      },
      {
        name: 'initBackend: threads 2.5',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => initBackend({ backend: 'cpu', threads: 2.5 }),
      },
      {
        name: 'initBackend: wasmPaths 5',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => initBackend({ backend: 'cpu', wasmPaths: 5 as never }),
      },
      {
        name: 'initBackend: wasmPaths with a non-string entry',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => initBackend({ backend: 'cpu', wasmPaths: { 'tfjs-backend-wasm.wasm': 5 } as never }),
      },
      {
        name: 'initBackend: onWarning "log"',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => initBackend({ backend: 'cpu', onWarning: 'log' as never }),
      },
      {
        name: 'initBackend: options "cpu" (a string)',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => initBackend('cpu' as never),
      },
      {
        name: 'initBackend: three concurrent cpu calls',
        kind: 'concurrent',
        expect: 'ok',
        run: async () => {
          const got = await Promise.all([1, 2, 3].map(() => initBackend({ backend: 'cpu' })));
          if (got.some((b) => b !== 'cpu') || tf.getBackend() !== 'cpu') throw new Error(`got ${got}`);
        },
      },
      {
        name: 'initBackend: concurrent cpu and wasm (bad wasmPaths, fallback) end on a consistent backend',
        kind: 'concurrent',
        expect: 'ok',
        timeoutSeconds: 30,
        run: async () => {
          const [a, b] = await Promise.all([
            initBackend({ backend: 'wasm', wasmPaths: '/nonexistent/', onWarning: () => {} }),
            initBackend({ backend: 'cpu' }),
          ]);
          if (a !== 'cpu' || b !== 'cpu' || tf.getBackend() !== 'cpu')
            throw new Error(`${a} ${b} ${tf.getBackend()}`);
        },
      },
      {
        name: 'initBackend: wasm with bad wasmPaths and no fallback',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_BACKEND_UNAVAILABLE' },
        timeoutSeconds: 30,
        run: async () => {
          try {
            return await initBackend({ backend: 'wasm', wasmPaths: '/nonexistent/', fallbackToCpu: false });
          } finally {
            await initBackend({ backend: 'cpu' });
          }
        },
      },
      {
        name: "initBackend: no emscripten process handler left after wasm's glue ran (issue 13 #12)",
        kind: 'corrupt-file',
        expect: 'ok',
        run: () => {
          const glue = ['uncaughtException', 'unhandledRejection'].flatMap((event) =>
            process
              .listeners(event as 'uncaughtException')
              .filter((l) => /ExitStatus|throw \w+\s*;?\s*}$/.test(String(l))),
          );
          if (glue.length > 0)
            throw new Error(
              `${glue.length} emscripten handler(s) on process: ${glue.map(String).join(' | ')}`,
            );
        },
      },
      {
        name: 'initBackend: cpu after a failed wasm start',
        kind: 'valid',
        expect: 'ok',
        run: async () => {
          if ((await initBackend({ backend: 'cpu' })) !== 'cpu' || tf.getBackend() !== 'cpu')
            throw new Error('not cpu');
        },
      },

      // ---- toStepModel
      {
        name: 'toStepModel: null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => toStepModel(null as never),
      },
      {
        name: 'toStepModel: a plain object',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => toStepModel({} as never),
      },
      {
        name: 'toStepModel: misspelt onWarnig',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => toStepModel(m.lstmLm, { onWarnig: () => {} } as never),
      },
      {
        name: 'toStepModel: onWarning "x"',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => toStepModel(m.lstmLm, { onWarning: 'x' as never }),
      },
      {
        name: 'toStepModel: unbuilt model',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_UNSUPPORTED_MODEL' },
        run: () => toStepModel(m.unbuilt),
      },
      {
        name: 'toStepModel: Dense-only model',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_UNSUPPORTED_MODEL' },
        run: () => toStepModel(m.denseOnly),
      },
      {
        name: 'toStepModel: Bidirectional model',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_UNSUPPORTED_MODEL' },
        run: () => toStepModel(m.bidirectional),
      },
      {
        name: 'toStepModel: GRU model steps',
        kind: 'valid',
        expect: 'ok',
        run: () => {
          const lm = toStepModel(m.gruLm);
          const state = lm.initialState(1);
          const out = lm.step(Int32Array.of(1), state);
          out.logits.dispose();
          lm.disposeState(out.state);
          lm.disposeState(state);
        },
      },

      // ---- RnnStepModel
      ...(
        [
          ['initialState: 0', 'out-of-range', 0],
          ['initialState: NaN', 'non-finite', Number.NaN],
          ['initialState: 1.5', 'out-of-range', 1.5],
          ['initialState: "2"', 'bad-type', '2'],
          ['initialState: 1e9 rows', 'huge', 1e9],
        ] as const
      ).map(
        ([name, kind, batch]): Probe => ({
          name: `RnnStepModel.${name}`,
          kind,
          expect: { code: kind === 'huge' ? 'RNN_MODELS_TOO_LARGE' : 'RNN_MODELS_INVALID_OPTION' },
          run: () => m.step.disposeState(m.step.initialState(batch as number)),
        }),
      ),
      {
        name: 'RnnStepModel.step: id NaN',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => stepWith([Number.NaN]),
      },
      {
        name: 'RnnStepModel.step: id = vocabularySize',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => stepWith(Int32Array.of(VOCAB)),
      },
      {
        name: 'RnnStepModel.step: id -1',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => stepWith(Int32Array.of(-1)),
      },
      {
        name: 'RnnStepModel.step: id 1.5 (Float32Array)',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => stepWith(Float32Array.of(1.5)),
      },
      {
        name: 'RnnStepModel.step: id 2^32 + 1 (Float64Array)',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => stepWith(Float64Array.of(2 ** 32 + 1)),
      },
      {
        name: 'RnnStepModel.step: id "1"',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => stepWith(['1']),
      },
      {
        name: 'RnnStepModel.step: two ids for one row',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => stepWith(Int32Array.of(1, 2)),
      },
      {
        name: 'RnnStepModel.step: no ids',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => stepWith(new Int32Array(0)),
      },
      {
        name: 'RnnStepModel.step: ids null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => stepWith(null),
      },
      {
        name: 'RnnStepModel.step: state null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => m.step.step(Int32Array.of(1), null as never),
      },
      {
        name: 'RnnStepModel.step: disposed state',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          stepWith(Int32Array.of(1), (lm) => {
            const state = lm.initialState(1);
            lm.disposeState(state);
            return state;
          }),
      },
      {
        name: "RnnStepModel.step: another model's state",
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => stepWith(Int32Array.of(1), () => toStepModel(m.gruLm).initialState(1)),
      },
      {
        name: 'RnnStepModel.step: forged batchSize',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          stepWith(Int32Array.of(1, 1), (lm) => {
            const state = lm.initialState(1);
            return { ...state, batchSize: 2 };
          }),
      },
      {
        name: 'RnnStepModel.step: 100 steps leak nothing',
        kind: 'valid',
        expect: 'ok',
        run: () => {
          let state = m.step.initialState(2);
          for (let i = 0; i < 100; i++) {
            const out = m.step.step(Int32Array.of(i % VOCAB, (i + 1) % VOCAB), state);
            out.logits.dispose();
            m.step.disposeState(state);
            state = out.state;
          }
          m.step.disposeState(state);
        },
      },
      {
        name: 'RnnStepModel.gatherState: rows []',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => gatherWith(new Int32Array(0)),
      },
      {
        name: 'RnnStepModel.gatherState: row 2 of 2',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => gatherWith(Int32Array.of(2)),
      },
      {
        name: 'RnnStepModel.gatherState: row NaN',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => gatherWith([Number.NaN]),
      },
      {
        name: 'RnnStepModel.gatherState: rows null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => gatherWith(null),
      },
      {
        name: 'RnnStepModel.gatherState: disposed state',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => {
          const state = m.step.initialState(1);
          m.step.disposeState(state);
          m.step.gatherState(state, Int32Array.of(0));
        },
      },
      {
        name: 'RnnStepModel.disposeState: twice, and null',
        kind: 'valid',
        expect: 'ok',
        run: () => {
          const state = m.step.initialState(1);
          m.step.disposeState(state);
          m.step.disposeState(state);
          m.step.disposeState(null as never);
        },
      },

      // ---- layerOutputs
      {
        name: 'layerOutputs: no layer names',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.zeros([1, 4])],
            (ids) => layerOutputs(m.lstmLm, ids, []),
          ),
      },
      {
        name: 'layerOutputs: unknown layer',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.zeros([1, 4])],
            (ids) => layerOutputs(m.lstmLm, ids, ['nope']),
          ),
      },
      {
        name: 'layerOutputs: layerNames a string',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.zeros([1, 4])],
            (ids) => layerOutputs(m.lstmLm, ids, 'small_dense' as never),
          ),
      },
      {
        name: 'layerOutputs: batchSize 0',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.zeros([1, 4])],
            (ids) => layerOutputs(m.lstmLm, ids, ['small_dense'], { batchSize: 0 }),
          ),
      },
      {
        name: 'layerOutputs: batchSize NaN',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.zeros([1, 4])],
            (ids) => layerOutputs(m.lstmLm, ids, ['small_dense'], { batchSize: Number.NaN }),
          ),
      },
      {
        name: 'layerOutputs: misspelt batchSzie',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.zeros([1, 4])],
            (ids) => layerOutputs(m.lstmLm, ids, ['small_dense'], { batchSzie: 2 } as never),
          ),
      },
      {
        name: 'layerOutputs: input of the wrong rank',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [tf.zeros([4])],
            (ids) => layerOutputs(m.lstmLm, ids, ['small_dense']),
          ),
      },
      {
        name: 'layerOutputs: input with the wrong time length',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [tf.zeros([1, 9])],
            (ids) => layerOutputs(m.lstmLm, ids, ['small_dense']),
          ),
      },
      {
        name: 'layerOutputs: input null',
        kind: 'bad-type',
        expect: 'error',
        run: () => layerOutputs(m.lstmLm, null as never, ['small_dense']),
      },
      {
        name: 'layerOutputs: model null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.zeros([1, 4])],
            (ids) => layerOutputs(null as never, ids, ['x']),
          ),
      },
      {
        name: 'layerOutputs: string tensor input',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.tensor([['a', 'b', 'c', 'd']])],
            (ids) => layerOutputs(m.lstmLm, ids, ['small_dense']),
          ),
      },
      {
        name: 'layerOutputs: id beyond the Embedding',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.tensor([[1, 9, 2, 3]])],
            (ids) => layerOutputs(m.lstmLm, ids, ['small_dense']),
          ),
      },
      {
        name: 'RnnStepModel.step: model disposed',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => m.disposed.step.step(Int32Array.of(1), m.disposed.state),
      },
      {
        name: 'gateWeights: model disposed',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => gateWeights(m.disposed.model.layers[1]!),
      },
      {
        name: 'embeddingMatrix: model disposed',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => embeddingMatrix(m.disposed.model),
      },
      {
        name: 'layerOutputs: model disposed',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [tf.zeros([1, 4])],
            (ids) => layerOutputs(m.disposed.model, ids, ['doomed_dense']),
          ),
      },
      {
        name: 'layerOutputs: two layers, ok',
        kind: 'valid',
        expect: 'ok',
        run: () =>
          withTensors(
            () => [tf.zeros([3, 4])],
            (ids) => layerOutputs(m.lstmLm, ids, ['small_embedding', 'small_dense'], { batchSize: 2 }),
          ),
      },

      // ---- gateWeights
      {
        name: 'gateWeights: null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => gateWeights(null as never),
      },
      {
        name: 'gateWeights: a Dense layer',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => gateWeights(m.denseOnly.layers[0]!),
      },
      {
        name: 'gateWeights: an unbuilt LSTM',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => gateWeights(m.unbuiltLstm),
      },
      {
        name: 'gateWeights: Bidirectional, ok',
        kind: 'valid',
        expect: 'ok',
        run: () => gateWeights(m.bidirectional.layers[1]!),
      },

      // ---- embeddingMatrix
      {
        name: 'embeddingMatrix: model without Embedding',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => embeddingMatrix(m.denseOnly),
      },
      {
        name: 'embeddingMatrix: unknown layerName',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => embeddingMatrix(m.lstmLm, { layerName: 'nope' }),
      },
      {
        name: 'embeddingMatrix: layerName of a Dense',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => embeddingMatrix(m.lstmLm, { layerName: 'small_dense' }),
      },
      {
        name: 'embeddingMatrix: layerName 5',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => embeddingMatrix(m.lstmLm, { layerName: 5 as never }),
      },
      {
        name: 'embeddingMatrix: misspelt layername',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => embeddingMatrix(m.lstmLm, { layername: 'x' } as never),
      },
      {
        name: 'embeddingMatrix: model null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => embeddingMatrix(null as never),
      },
      {
        name: 'embeddingMatrix: Embedding of a model without an input shape, ok',
        kind: 'valid',
        expect: 'ok',
        run: () => embeddingMatrix(m.unbuilt),
      },

      // ---- projectEmbeddings2d
      {
        name: 'projectEmbeddings2d: []',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => projectEmbeddings2d([]),
      },
      {
        name: 'projectEmbeddings2d: one row',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => projectEmbeddings2d([[1, 2]]),
      },
      {
        name: 'projectEmbeddings2d: NaN entry',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          projectEmbeddings2d([
            [1, 2],
            [3, Number.NaN],
            [0, 1],
          ]),
      },
      {
        name: 'projectEmbeddings2d: Infinity entry',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          projectEmbeddings2d({ values: Float32Array.of(1, 2, Number.POSITIVE_INFINITY, 4), shape: [2, 2] }),
      },
      {
        name: 'projectEmbeddings2d: huge values (1e200) stay finite',
        kind: 'huge',
        expect: 'ok',
        run: () => {
          const p = projectEmbeddings2d([
            [1e200, 2],
            [3, -1e200],
            [0, 1],
          ]);
          if (!p.points.flat().every(Number.isFinite))
            throw new Error(`non-finite points ${JSON.stringify(p.points)}`);
        },
      },
      {
        name: 'projectEmbeddings2d: ragged rows',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => projectEmbeddings2d([[1, 2], [3]]),
      },
      {
        name: 'projectEmbeddings2d: a string entry',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          projectEmbeddings2d([
            [1, 2],
            [3, '4' as never],
            [0, 1],
          ]),
      },
      {
        name: 'projectEmbeddings2d: labels of the wrong length',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          projectEmbeddings2d(
            [
              [1, 2],
              [3, 4],
            ],
            { labels: ['a'] },
          ),
      },
      {
        name: 'projectEmbeddings2d: labels a string',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          projectEmbeddings2d(
            [
              [1, 2],
              [3, 4],
            ],
            { labels: 'ab' as never },
          ),
      },
      {
        name: 'projectEmbeddings2d: center "yes"',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          projectEmbeddings2d(
            [
              [1, 2],
              [3, 4],
            ],
            { center: 'yes' as never },
          ),
      },
      {
        name: 'projectEmbeddings2d: misspelt centre',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          projectEmbeddings2d(
            [
              [1, 2],
              [3, 4],
            ],
            { centre: true } as never,
          ),
      },
      {
        name: 'projectEmbeddings2d: values/shape mismatch',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => projectEmbeddings2d({ values: new Float32Array(4), shape: [2, 3] }),
      },
      {
        name: 'projectEmbeddings2d: negative shape',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => projectEmbeddings2d({ values: new Float32Array(2), shape: [-1, -2] }),
      },
      {
        name: 'projectEmbeddings2d: null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => projectEmbeddings2d(null as never),
      },

      // ---- transferWeights / buildVocabularyMap
      {
        name: 'transferWeights: vocabularyMap with NaN',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => transferWeights(m.lstmLm, m.bigger, { vocabularyMap: [0, 1, 2, 3, 4, Number.NaN, -1] }),
      },
      {
        name: 'transferWeights: vocabularyMap entry beyond the source',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => transferWeights(m.lstmLm, m.bigger, { vocabularyMap: [0, 1, 2, 3, 4, 5, -1] }),
      },
      {
        name: 'transferWeights: vocabularyMap of the wrong length',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => transferWeights(m.lstmLm, m.bigger, { vocabularyMap: [0, 1] }),
      },
      {
        name: 'transferWeights: vocabularyMap a string',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => transferWeights(m.lstmLm, m.bigger, { vocabularyMap: '0123456' as never }),
      },
      {
        name: 'transferWeights: misspelt vocabMap',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => transferWeights(m.lstmLm, m.bigger, { vocabMap: [] } as never),
      },
      {
        name: 'transferWeights: from null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => transferWeights(null as never, m.bigger),
      },
      {
        name: 'transferWeights: realigned copy, ok (into a fresh copy of bigger)',
        kind: 'valid',
        expect: 'ok',
        run: () => {
          const target = languageModel(7, 'lstm', 'target');
          try {
            transferWeights(m.lstmLm, target, { vocabularyMap: [0, 1, 2, 3, 4, -1, -1] });
          } finally {
            target.dispose();
          }
        },
      },
      {
        name: 'buildVocabularyMap: null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => buildVocabularyMap(null as never, ['a']),
      },
      {
        name: 'buildVocabularyMap: newTokens a string',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => buildVocabularyMap(['a', 'b'], 'ab' as never),
      },
      {
        name: 'buildVocabularyMap: a number token',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => buildVocabularyMap(['a', 1 as never], ['a']),
      },
      {
        name: 'buildVocabularyMap: __proto__ and constructor tokens, ok',
        kind: 'valid',
        expect: 'ok',
        run: () => {
          const map = buildVocabularyMap(['__proto__', 'constructor'], ['constructor', '__proto__', 'x']);
          if (map.join() !== '1,0,-1') throw new Error(`got ${map.join()}`);
        },
      },

      // ---- PyTorch converters
      {
        name: 'lstmWeightsFromTorch: null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch(null as never),
      },
      {
        name: 'lstmWeightsFromTorch: {}',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch({}),
      },
      {
        name: 'lstmWeightsFromTorch: a GRU state dict',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => {
          const gruDict = torchLstm();
          gruDict['weight_hh_l0'] = Array.from({ length: 6 }, () => [0, 0]);
          return lstmWeightsFromTorch(gruDict as TorchStateDict);
        },
      },
      {
        name: 'lstmWeightsFromTorch: NaN weight',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch(torchLstm(2, 3, Number.NaN) as TorchStateDict),
      },
      {
        name: 'lstmWeightsFromTorch: Infinity bias (flat)',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          lstmWeightsFromTorch({
            ...torchLstm(),
            bias_ih_l0: { shape: [8], data: Float32Array.of(0, 0, 0, 0, 0, 0, 0, Number.POSITIVE_INFINITY) },
          } as TorchStateDict),
      },
      {
        name: 'lstmWeightsFromTorch: 1e39 (beyond float32)',
        kind: 'huge',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch(torchLstm(2, 3, 1e39) as TorchStateDict),
      },
      {
        name: 'lstmWeightsFromTorch: ragged weight',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => {
          const dict = torchLstm();
          (dict['weight_ih_l0'] as number[][])[3] = [0.1];
          return lstmWeightsFromTorch(dict as TorchStateDict);
        },
      },
      {
        name: 'lstmWeightsFromTorch: flat data length mismatch',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          lstmWeightsFromTorch({
            ...torchLstm(),
            bias_hh_l0: { shape: [8], data: [1, 2] },
          } as TorchStateDict),
      },
      {
        name: 'lstmWeightsFromTorch: flat shape [1e9, 1e9]',
        kind: 'huge',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          lstmWeightsFromTorch({
            ...torchLstm(),
            weight_ih_l0: { shape: [1e9, 1e9], data: [] },
          } as TorchStateDict),
      },
      {
        name: 'lstmWeightsFromTorch: string value',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch({ ...torchLstm(), bias_hh_l0: 'x' } as never),
      },
      {
        name: 'lstmWeightsFromTorch: __proto__ key from JSON',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => {
          const dict = JSON.parse(`{"__proto__": ${JSON.stringify(torchLstm())}}`) as TorchStateDict;
          let result: unknown;
          let error: unknown;
          try {
            result = lstmWeightsFromTorch(dict);
          } catch (caught) {
            error = caught;
          }
          if ('weight_ih_l0' in {}) throw new Error('Object.prototype polluted');
          if (error !== undefined) throw error;
          return result;
        },
      },
      {
        name: 'lstmWeightsFromTorch: prefix "__proto__." with inherited keys',
        kind: 'corrupt-file',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch(Object.create(torchLstm()) as TorchStateDict),
      },
      {
        name: 'lstmWeightsFromTorch: layer -1',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch(torchLstm() as TorchStateDict, { layer: -1 }),
      },
      {
        name: 'lstmWeightsFromTorch: layer NaN',
        kind: 'non-finite',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch(torchLstm() as TorchStateDict, { layer: Number.NaN }),
      },
      {
        name: 'lstmWeightsFromTorch: direction "backward"',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch(torchLstm() as TorchStateDict, { direction: 'backward' as never }),
      },
      {
        name: 'lstmWeightsFromTorch: misspelt prefx',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () => lstmWeightsFromTorch(torchLstm() as TorchStateDict, { prefx: 'rnn.' } as never),
      },
      {
        name: 'gruWeightsFromTorch: an LSTM state dict',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () => gruWeightsFromTorch(torchLstm() as TorchStateDict),
      },
      {
        name: 'simpleRnnWeightsFromTorch: units 0',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          simpleRnnWeightsFromTorch({ weight_ih_l0: [], weight_hh_l0: [], bias_ih_l0: [], bias_hh_l0: [] }),
      },
      {
        name: 'lstmWeightsFromTorch: valid, ok',
        kind: 'valid',
        expect: 'ok',
        run: () => lstmWeightsFromTorch(torchLstm() as TorchStateDict),
      },

      // ---- fused sequence ops
      {
        name: 'gruSequence: x of rank 2',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [tf.ones([2, 3]), h2(), k2(3, 12), k2(4, 12)],
            (x, h0, kernel, recurrentKernel) =>
              gruSequence(x as never, h0 as tf.Tensor2D, {
                kernel: kernel as tf.Tensor2D,
                recurrentKernel: recurrentKernel as tf.Tensor2D,
              }),
          ),
      },
      {
        name: 'gruSequence: h0 of another batch',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [x3(), h2(3), k2(3, 12), k2(4, 12)],
            (x, h0, kernel, recurrentKernel) =>
              gruSequence(x as tf.Tensor3D, h0 as tf.Tensor2D, {
                kernel: kernel as tf.Tensor2D,
                recurrentKernel: recurrentKernel as tf.Tensor2D,
              }),
          ),
      },
      {
        name: 'gruSequence: LSTM-sized kernel',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [x3(), h2(), k2(3, 16), k2(4, 16)],
            (x, h0, kernel, recurrentKernel) =>
              gruSequence(x as tf.Tensor3D, h0 as tf.Tensor2D, {
                kernel: kernel as tf.Tensor2D,
                recurrentKernel: recurrentKernel as tf.Tensor2D,
              }),
          ),
      },
      {
        name: 'gruSequence: zero time steps',
        kind: 'empty',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [x3(2, 0), h2(), k2(3, 12), k2(4, 12)],
            (x, h0, kernel, recurrentKernel) =>
              gruSequence(x as tf.Tensor3D, h0 as tf.Tensor2D, {
                kernel: kernel as tf.Tensor2D,
                recurrentKernel: recurrentKernel as tf.Tensor2D,
              }),
          ),
      },
      {
        name: 'gruSequence: x null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [h2(), k2(3, 12), k2(4, 12)],
            (h0, kernel, recurrentKernel) =>
              gruSequence(null as never, h0 as tf.Tensor2D, {
                kernel: kernel as tf.Tensor2D,
                recurrentKernel: recurrentKernel as tf.Tensor2D,
              }),
          ),
      },
      {
        name: 'gruSequence: activation "bogus"',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [x3(), h2(), k2(3, 12), k2(4, 12)],
            (x, h0, kernel, recurrentKernel) =>
              gruSequence(
                x as tf.Tensor3D,
                h0 as tf.Tensor2D,
                { kernel: kernel as tf.Tensor2D, recurrentKernel: recurrentKernel as tf.Tensor2D },
                { activation: 'bogus' as never },
              ),
          ),
      },
      {
        name: 'gruSequence: misspelt resetAftr',
        kind: 'misspelt-option',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [x3(), h2(), k2(3, 12), k2(4, 12)],
            (x, h0, kernel, recurrentKernel) =>
              gruSequence(
                x as tf.Tensor3D,
                h0 as tf.Tensor2D,
                { kernel: kernel as tf.Tensor2D, recurrentKernel: recurrentKernel as tf.Tensor2D },
                { resetAftr: false } as never,
              ),
          ),
      },
      {
        name: 'lstmSequence: c0 of another size',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [x3(), h2(), h2(2, 3), k2(3, 16), k2(4, 16)],
            (x, h0, c0, kernel, recurrentKernel) =>
              lstmSequence(x as tf.Tensor3D, h0 as tf.Tensor2D, c0 as tf.Tensor2D, {
                kernel: kernel as tf.Tensor2D,
                recurrentKernel: recurrentKernel as tf.Tensor2D,
              }),
          ),
      },
      {
        name: 'lstmSequence: bias of the wrong size',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [x3(), h2(), h2(), k2(3, 16), k2(4, 16), tf.zeros([12])],
            (x, h0, c0, kernel, recurrentKernel, bias) =>
              lstmSequence(x as tf.Tensor3D, h0 as tf.Tensor2D, c0 as tf.Tensor2D, {
                kernel: kernel as tf.Tensor2D,
                recurrentKernel: recurrentKernel as tf.Tensor2D,
                bias: bias as tf.Tensor1D,
              }),
          ),
      },
      {
        name: 'lstmSequence: mask of the wrong shape',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [x3(), h2(), h2(), k2(3, 16), k2(4, 16), tf.ones([2, 5])],
            (x, h0, c0, kernel, recurrentKernel, mask) =>
              lstmSequence(
                x as tf.Tensor3D,
                h0 as tf.Tensor2D,
                c0 as tf.Tensor2D,
                { kernel: kernel as tf.Tensor2D, recurrentKernel: recurrentKernel as tf.Tensor2D },
                { mask: mask as tf.Tensor2D },
              ),
          ),
      },
      {
        name: 'simpleRnnSequence: kernel of the wrong input size',
        kind: 'out-of-range',
        expect: { code: 'RNN_MODELS_SHAPE_MISMATCH' },
        run: () =>
          withTensors(
            () => [x3(), h2(), k2(5, 4), k2(4, 4)],
            (x, h0, kernel, recurrentKernel) =>
              simpleRnnSequence(x as tf.Tensor3D, h0 as tf.Tensor2D, {
                kernel: kernel as tf.Tensor2D,
                recurrentKernel: recurrentKernel as tf.Tensor2D,
              }),
          ),
      },
      {
        name: 'simpleRnnSequence: weights null',
        kind: 'bad-type',
        expect: { code: 'RNN_MODELS_INVALID_OPTION' },
        run: () =>
          withTensors(
            () => [x3(), h2()],
            (x, h0) => simpleRnnSequence(x as tf.Tensor3D, h0 as tf.Tensor2D, null as never),
          ),
      },
      {
        name: 'simpleRnnSequence: valid, ok',
        kind: 'valid',
        expect: 'ok',
        run: () =>
          withTensors(
            () => [x3(), h2(), k2(3, 4), k2(4, 4)],
            (x, h0, kernel, recurrentKernel) =>
              simpleRnnSequence(x as tf.Tensor3D, h0 as tf.Tensor2D, {
                kernel: kernel as tf.Tensor2D,
                recurrentKernel: recurrentKernel as tf.Tensor2D,
              }),
          ),
      },
    ];
    return probes;
  },
};

export default suite;
