import type { LayerVariable, layers } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import { checkLayer, readLive } from './arguments.js';

/**
 * A weight as a plain row-major array: `values[r * shape[1] + c]` for a matrix. Always a fresh
 * copy — changing it does not change the layer, and it holds no tensor (nothing to dispose).
 */
export interface WeightArray {
  readonly values: Float32Array;
  readonly shape: readonly number[];
}

/** The weights of one gate (or of the candidate / the SimpleRNN update). */
export interface GateWeightSet {
  /** Input kernel `W` `[inputDim, units]`. */
  readonly kernel: WeightArray;
  /** Recurrent kernel `U` `[units, units]`. */
  readonly recurrentKernel: WeightArray;
  /** Bias `[units]` (for a reset-after GRU, the input bias, Keras' row 0), or `null` with `useBias: false`. */
  readonly bias: WeightArray | null;
  /** Reset-after GRU only: the bias added to the recurrent product `[units]` (Keras' row 1); else `null`. */
  readonly recurrentBias: WeightArray | null;
  /** Peephole LSTM only (gates i, f, o): the per-unit peephole weights `[units]`; else `null`. */
  readonly peephole: WeightArray | null;
}

interface CellGateWeightsBase<Kind extends string, Gate extends string> {
  readonly kind: Kind;
  /** Name of the layer the weights come from (the forward/backward layer inside a `Bidirectional`). */
  readonly layerName: string;
  readonly units: number;
  readonly inputDim: number;
  readonly gates: Readonly<Record<Gate, GateWeightSet>>;
}

/** LSTM gates in Keras' order: input `i`, forget `f`, cell candidate `c`, output `o`. */
export type LstmGateWeights = CellGateWeightsBase<'lstm' | 'peepholeLSTM', 'i' | 'f' | 'c' | 'o'>;

/** GRU gates in Keras' order: update `z`, reset `r`, candidate `h`. */
export interface GruGateWeights extends CellGateWeightsBase<'gru', 'z' | 'r' | 'h'> {
  /** Whether the bias has Keras' two reset-after rows (`[2, 3·units]`). */
  readonly resetAfter: boolean;
}

/** SimpleRNN: one "gate", the update `h = activation(x·W + h·U + b)`. */
export type SimpleRnnGateWeights = CellGateWeightsBase<'simpleRNN', 'h'>;

/** Gate weights of one recurrent layer (one direction). */
export type RecurrentGateWeights = LstmGateWeights | GruGateWeights | SimpleRnnGateWeights;

/** Gate weights of a tfjs-layers `Bidirectional` wrapper, per direction. */
export interface BidirectionalGateWeights {
  readonly kind: 'bidirectional';
  readonly layerName: string;
  readonly forward: RecurrentGateWeights;
  readonly backward: RecurrentGateWeights;
}

/** What {@link gateWeights} returns. */
export type GateWeights = RecurrentGateWeights | BidirectionalGateWeights;

/** The cell fields we read: tfjs-layers' cells and ours (recurrent-cells.ts) share them. */
interface CellWeightFields {
  readonly units: number;
  readonly kernel?: LayerVariable | null;
  readonly recurrentKernel?: LayerVariable | null;
  readonly bias?: LayerVariable | null;
  readonly inputGatePeephole?: LayerVariable | null;
  readonly forgetGatePeephole?: LayerVariable | null;
  readonly outputGatePeephole?: LayerVariable | null;
  getClassName(): string;
}

const CELL_KINDS: Readonly<Record<string, RecurrentGateWeights['kind']>> = {
  LSTMCell: 'lstm',
  RnnkitLSTMCell: 'lstm',
  RnnkitPeepholeLSTMCell: 'peepholeLSTM',
  GRUCell: 'gru',
  RnnkitGRUCell: 'gru',
  SimpleRNNCell: 'simpleRNN',
  RnnkitSimpleRNNCell: 'simpleRNN',
};

/**
 * Splits a recurrent layer's fused weights into per-gate matrices — the `W_z`, `W_r`, `W_h`
 * (and `U_*`, `b_*`) of the textbook equations. Works for rnnkit's `lstm`, `peepholeLSTM`, `gru`
 * (reset-after or not) and `simpleRNN`, for stock tfjs-layers `LSTM`/`GRU`/`SimpleRNN` (and
 * `tf.layers.rnn` over one of those cells), and for any of them inside `Bidirectional`.
 *
 * Keras lays every gate side by side in the columns of one kernel (`[inputDim, gates·units]`, gates
 * in the order i, f, c, o for an LSTM and z, r, h for a GRU); gate `g` is columns
 * `g·units … (g+1)·units − 1` of the kernel, recurrent kernel and bias.
 *
 * Ownership: returns plain copies (`Float32Array`), no tensors; reads the weights synchronously.
 *
 * @param layer a built recurrent layer or a `Bidirectional` around one.
 * @returns per-gate weights; `kind` tells which gates exist.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` when `layer` is not a layer, not a supported
 *   recurrent layer (e.g. a stacked-cells RNN) or is not built yet.
 * @example
 * const model = tfl.sequential({ layers: [tfl.layers.embedding({ inputDim: 40, outputDim: 8, inputLength: 10 }), gru({ units: 16 })] });
 * const w = gateWeights(model.layers[1]!);
 * if (w.kind === 'gru') console.log(w.gates.z.kernel.shape); // [8, 16] — W_z
 */
export function gateWeights(layer: layers.Layer): GateWeights {
  checkLayer('gateWeights', 'layer', layer);
  if (layer.getClassName() === 'Bidirectional') {
    const wrapper = layer as unknown as { forwardLayer?: layers.Layer; backwardLayer?: layers.Layer };
    if (wrapper.forwardLayer === undefined || wrapper.backwardLayer === undefined) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `gateWeights: Bidirectional layer '${layer.name}' has no forward/backward layers.`,
      );
    }
    return {
      kind: 'bidirectional',
      layerName: layer.name,
      forward: recurrentGateWeights(wrapper.forwardLayer),
      backward: recurrentGateWeights(wrapper.backwardLayer),
    };
  }
  return recurrentGateWeights(layer);
}

function recurrentGateWeights(layer: layers.Layer): RecurrentGateWeights {
  const cell = (layer as unknown as { cell?: CellWeightFields }).cell;
  const kind = cell === undefined ? undefined : CELL_KINDS[cell.getClassName()];
  if (cell === undefined || kind === undefined) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `gateWeights: layer '${layer.name}' (${layer.getClassName()}${cell ? ` with ${cell.getClassName()}` : ''}) ` +
        'is not a supported recurrent layer; pass an LSTM, peephole LSTM, GRU or SimpleRNN layer, or a Bidirectional around one.',
    );
  }
  if (cell.kernel == null || cell.recurrentKernel == null) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `gateWeights: layer '${layer.name}' has no weights yet; build it first (put it in a model with a known input shape, or call it once).`,
    );
  }
  const units = cell.units;
  const kernel = readWeight(cell.kernel);
  const recurrentKernel = readWeight(cell.recurrentKernel);
  const bias = cell.bias == null ? null : readWeight(cell.bias);
  const inputDim = kernel.shape[0]!;
  // A reset-after GRU's bias is [2, 3·units]: row 0 for the input product, row 1 for the recurrent one.
  const biasRows = bias === null ? null : bias.shape.length === 2 ? splitRows(bias) : [bias];
  const peepholes: Record<string, LayerVariable | null | undefined> =
    kind === 'peepholeLSTM'
      ? { i: cell.inputGatePeephole, f: cell.forgetGatePeephole, o: cell.outputGatePeephole }
      : {};
  const gate = (index: number, name: string): GateWeightSet => {
    const peephole = peepholes[name];
    return {
      kernel: columnBlock(kernel, index, units),
      recurrentKernel: columnBlock(recurrentKernel, index, units),
      bias: biasRows === null ? null : columnBlock(biasRows[0]!, index, units),
      recurrentBias: biasRows?.[1] === undefined ? null : columnBlock(biasRows[1], index, units),
      peephole: peephole == null ? null : readWeight(peephole),
    };
  };
  const common = { layerName: layer.name, units, inputDim };
  switch (kind) {
    case 'lstm':
    case 'peepholeLSTM':
      return {
        kind,
        ...common,
        gates: { i: gate(0, 'i'), f: gate(1, 'f'), c: gate(2, 'c'), o: gate(3, 'o') },
      };
    case 'gru':
      return {
        kind,
        ...common,
        resetAfter: biasRows !== null && biasRows.length === 2,
        gates: { z: gate(0, 'z'), r: gate(1, 'r'), h: gate(2, 'h') },
      };
    case 'simpleRNN':
      return { kind, ...common, gates: { h: gate(0, 'h') } };
  }
}

function readWeight(variable: LayerVariable): WeightArray {
  // Copy: on the cpu backend dataSync() hands out the variable's own buffer.
  return {
    values: Float32Array.from(readLive('gateWeights', variable).dataSync()),
    shape: [...variable.shape] as number[],
  };
}

function splitRows(matrix: WeightArray): WeightArray[] {
  const [rows, columns] = matrix.shape as [number, number];
  return Array.from({ length: rows }, (_, r) => ({
    values: matrix.values.slice(r * columns, (r + 1) * columns),
    shape: [columns],
  }));
}

/** Columns `block·width … (block+1)·width − 1` of a matrix (or the same range of a vector). */
function columnBlock(weight: WeightArray, block: number, width: number): WeightArray {
  const from = block * width;
  if (weight.shape.length === 1) return { values: weight.values.slice(from, from + width), shape: [width] };
  const [rows, columns] = weight.shape as [number, number];
  const values = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) {
    values.set(weight.values.subarray(r * columns + from, r * columns + from + width), r * width);
  }
  return { values, shape: [rows, width] };
}
