import { describeValue } from '@rnnkit/core';
import { RnnModelsError, validate } from '../errors.js';

/**
 * Nested arrays of numbers, row-major, as PyTorch's `tensor.tolist()` produces them (and
 * `JSON.parse` reads them back): a `[rows, cols]` matrix is `number[][]`, a vector `number[]`.
 */
export type TorchNestedNumbers = readonly (number | TorchNestedNumbers)[];

/** A tensor as a flat row-major buffer and its shape, e.g. `{ shape: [24, 6], data: Float32Array }`. */
export interface TorchFlatTensor {
  readonly shape: readonly number[];
  readonly data: ArrayLike<number>;
}

/** One entry of a {@link TorchStateDict}: nested arrays or a flat buffer with its shape. */
export type TorchTensorValue = TorchNestedNumbers | TorchFlatTensor;

/**
 * A PyTorch `state_dict()` as plain data, keyed exactly as in PyTorch (`weight_ih_l0`,
 * `bias_hh_l1_reverse`, `encoder.rnn.weight_hh_l0`, …). Entries of other modules may be present
 * and are ignored. Export one from Python with
 *
 * ```python
 * json.dump({k: v.tolist() for k, v in model.state_dict().items()}, open('weights.json', 'w'))
 * ```
 *
 * and read it with `JSON.parse`.
 */
export type TorchStateDict = Readonly<Record<string, TorchTensorValue>>;

/** Which direction of a bidirectional PyTorch RNN: `reverse` reads the keys ending in `_reverse`. */
export type TorchDirection = 'forward' | 'reverse';

/** Options of {@link lstmWeightsFromTorch}, {@link gruWeightsFromTorch} and {@link simpleRnnWeightsFromTorch}. */
export interface TorchWeightsOptions {
  /**
   * Which layer of a stacked (`num_layers > 1`) module: the `l<layer>` in `weight_ih_l<layer>`.
   * @default 0
   */
  readonly layer?: number;
  /**
   * Which direction of a `bidirectional=True` module. PyTorch's reverse direction reads the
   * sequence from its last step to its first: run it on the time-reversed input and reverse its
   * outputs back.
   * @default 'forward'
   */
  readonly direction?: TorchDirection;
  /**
   * Prefix of the RNN's keys when it is a submodule, taken literally: `'rnn.'` for a module
   * stored as `self.rnn`, `'encoder.lstm.'` for a nested one.
   * @default ''
   */
  readonly prefix?: string;
}

/** A weight in Keras' layout as a flat row-major float32 buffer and its shape. */
export interface KerasWeightArray<Shape extends number[]> {
  /** Row-major values; pass to `tf.tensor(values, shape)`. */
  readonly values: Float32Array;
  readonly shape: Shape;
}

/**
 * LSTM weights in Keras' layout (gates input, forget, cell, output): what `lstmSequence` and a
 * Keras / tfjs-layers LSTM's `setWeights([kernel, recurrentKernel, bias])` take, once made tensors.
 */
export interface LstmWeightArrays {
  /** `[inputDim, 4·units]`. */
  readonly kernel: KerasWeightArray<[number, number]>;
  /** `[units, 4·units]`. */
  readonly recurrentKernel: KerasWeightArray<[number, number]>;
  /** `[4·units]`: PyTorch's two biases summed. */
  readonly bias: KerasWeightArray<[number]>;
}

/**
 * GRU weights in Keras' `reset_after=True` layout (gates update z, reset r, candidate h), with
 * separate input and recurrent biases.
 */
export interface GruWeightArrays {
  /** `[inputDim, 3·units]`. */
  readonly kernel: KerasWeightArray<[number, number]>;
  /** `[units, 3·units]`. */
  readonly recurrentKernel: KerasWeightArray<[number, number]>;
  /** `[2, 3·units]`: row 0 the input bias, row 1 the recurrent bias. */
  readonly bias: KerasWeightArray<[2, number]>;
}

/** SimpleRNN weights in Keras' layout. */
export interface SimpleRnnWeightArrays {
  /** `[inputDim, units]`. */
  readonly kernel: KerasWeightArray<[number, number]>;
  /** `[units, units]`. */
  readonly recurrentKernel: KerasWeightArray<[number, number]>;
  /** `[units]`: PyTorch's two biases summed. */
  readonly bias: KerasWeightArray<[number]>;
}

/**
 * Converts one layer and direction of a PyTorch `nn.LSTM` state dict to Keras' LSTM layout.
 *
 * PyTorch's gate blocks (i, f, g, o) are in Keras' order (i, f, c, o), so the kernel is
 * `weight_ih` transposed, the recurrent kernel `weight_hh` transposed, and the bias
 * `bias_ih + bias_hh` (PyTorch adds both at every step; Keras has one). PyTorch's LSTM uses
 * sigmoid gates and tanh, as `lstmSequence` does; a tfjs-layers LSTM needs
 * `recurrentActivation: 'sigmoid'` (its default is `hardSigmoid`). Only the weights are
 * converted: PyTorch's default `batch_first=False` inputs are `[time, batch, features]`, and its
 * `h0`/`c0` are `[numLayers·numDirections, batch, units]` with layer `l`, direction `d` at index
 * `l·numDirections + d`.
 *
 * @example
 * ```ts
 * // Python: json.dump({k: v.tolist() for k, v in lstm.state_dict().items()}, open('lstm.json', 'w'))
 * const w = lstmWeightsFromTorch(JSON.parse(readFileSync('lstm.json', 'utf8')) as TorchStateDict);
 * const { outputs, h, c } = lstmSequence(x, h0, c0, {
 *   kernel: tf.tensor2d(w.kernel.values, w.kernel.shape),
 *   recurrentKernel: tf.tensor2d(w.recurrentKernel.values, w.recurrentKernel.shape),
 *   bias: tf.tensor1d(w.bias.values),
 * });
 * // Second layer, backward direction of a 2-layer bidirectional LSTM held as `self.rnn`:
 * lstmWeightsFromTorch(stateDict, { layer: 1, direction: 'reverse', prefix: 'rnn.' });
 * ```
 * @throws {RnnModelsError} `RNN_MODELS_INVALID_OPTION` for bad options, a key missing from the
 * state dict (the message lists the keys present) or an entry that is not finite float32 numbers (NaN, ±Infinity, beyond ±3.4e38: naming the entry and position), and for LSTMs
 * with `proj_size` (not supported); `RNN_MODELS_SHAPE_MISMATCH` when a weight is ragged or its
 * shape does not fit an LSTM.
 */
export function lstmWeightsFromTorch(
  stateDict: TorchStateDict,
  options: TorchWeightsOptions = {},
): LstmWeightArrays {
  const w = readLayer(stateDict, options, LSTM);
  return {
    kernel: w.kernel,
    recurrentKernel: w.recurrentKernel,
    bias: { values: sum(w.biasInput, w.biasHidden), shape: [w.biasInput.length] },
  };
}

/**
 * Converts one layer and direction of a PyTorch `nn.GRU` state dict to Keras' GRU layout with
 * `reset_after=True`, the formulation PyTorch computes:
 * `n = tanh(W_in·x + b_in + r ⊙ (W_hn·h + b_hn))`, `h' = (1 − z) ⊙ n + z ⊙ h`.
 *
 * PyTorch's gate blocks r, z, n are reordered to Keras' z, r, h in the kernel (`weight_ih`
 * transposed), the recurrent kernel (`weight_hh` transposed) and both biases, which stay
 * separate: `bias` is `[bias_ih; bias_hh]`, `[2, 3·units]`. Keras (Python)
 * `GRU(reset_after=True)` and this package's `gruSequence(…, { resetAfter: true })` take these
 * weights; tfjs-layers' own GRU implements only `resetAfter: false`, which PyTorch's GRU cannot
 * be converted to exactly. Input and state layouts: see {@link lstmWeightsFromTorch}.
 *
 * @example
 * ```ts
 * // Python: json.dump({k: v.tolist() for k, v in gru.state_dict().items()}, open('gru.json', 'w'))
 * const w = gruWeightsFromTorch(JSON.parse(readFileSync('gru.json', 'utf8')) as TorchStateDict);
 * const kernel = tf.tensor2d(w.kernel.values, w.kernel.shape);
 * const recurrentKernel = tf.tensor2d(w.recurrentKernel.values, w.recurrentKernel.shape);
 * const bias = tf.tensor2d(w.bias.values, w.bias.shape);
 * ```
 * @throws {RnnModelsError} `RNN_MODELS_INVALID_OPTION` for bad options, a key missing from the
 * state dict (the message lists the keys present) or an entry that is not finite float32 numbers (NaN, ±Infinity, beyond ±3.4e38: naming the entry and position);
 * `RNN_MODELS_SHAPE_MISMATCH` when a weight is ragged or its shape does not fit a GRU.
 */
export function gruWeightsFromTorch(
  stateDict: TorchStateDict,
  options: TorchWeightsOptions = {},
): GruWeightArrays {
  const w = readLayer(stateDict, options, GRU);
  const bias = new Float32Array(2 * w.biasInput.length);
  bias.set(w.biasInput, 0);
  bias.set(w.biasHidden, w.biasInput.length);
  return {
    kernel: w.kernel,
    recurrentKernel: w.recurrentKernel,
    bias: { values: bias, shape: [2, w.biasInput.length] },
  };
}

/**
 * Converts one layer and direction of a PyTorch `nn.RNN` state dict to Keras' SimpleRNN layout:
 * kernel `weight_ih` transposed, recurrent kernel `weight_hh` transposed, bias
 * `bias_ih + bias_hh`. The activation is not part of the state dict: use `'tanh'` or `'relu'`
 * as the module's `nonlinearity` says. Input and state layouts: see {@link lstmWeightsFromTorch}.
 *
 * @example
 * ```ts
 * // Python: json.dump({k: v.tolist() for k, v in rnn.state_dict().items()}, open('rnn.json', 'w'))
 * const w = simpleRnnWeightsFromTorch(JSON.parse(readFileSync('rnn.json', 'utf8')) as TorchStateDict);
 * const layer = tf.layers.simpleRNN({ units: w.recurrentKernel.shape[0], activation: 'relu' });
 * layer.build([null, null, w.kernel.shape[0]]);
 * layer.setWeights([
 *   tf.tensor2d(w.kernel.values, w.kernel.shape),
 *   tf.tensor2d(w.recurrentKernel.values, w.recurrentKernel.shape),
 *   tf.tensor1d(w.bias.values),
 * ]);
 * ```
 * @throws {RnnModelsError} `RNN_MODELS_INVALID_OPTION` for bad options, a key missing from the
 * state dict (the message lists the keys present) or an entry that is not finite float32 numbers (NaN, ±Infinity, beyond ±3.4e38: naming the entry and position);
 * `RNN_MODELS_SHAPE_MISMATCH` when a weight is ragged or its shape does not fit a simple RNN.
 */
export function simpleRnnWeightsFromTorch(
  stateDict: TorchStateDict,
  options: TorchWeightsOptions = {},
): SimpleRnnWeightArrays {
  const w = readLayer(stateDict, options, RNN);
  return {
    kernel: w.kernel,
    recurrentKernel: w.recurrentKernel,
    bias: { values: sum(w.biasInput, w.biasHidden), shape: [w.biasInput.length] },
  };
}

const TORCH_DIRECTIONS: readonly TorchDirection[] = ['forward', 'reverse'];

/** What distinguishes the three PyTorch modules here. */
interface CellKind {
  readonly module: 'nn.LSTM' | 'nn.GRU' | 'nn.RNN';
  readonly converter: string;
  /** Keras' gate block k is PyTorch's gate block `order[k]`; its length is the number of gates. */
  readonly order: readonly number[];
}

const LSTM: CellKind = { module: 'nn.LSTM', converter: 'lstmWeightsFromTorch', order: [0, 1, 2, 3] };
const GRU: CellKind = { module: 'nn.GRU', converter: 'gruWeightsFromTorch', order: [1, 0, 2] };
const RNN: CellKind = { module: 'nn.RNN', converter: 'simpleRnnWeightsFromTorch', order: [0] };
const KINDS = [RNN, GRU, LSTM];

interface ConvertedLayer {
  readonly kernel: KerasWeightArray<[number, number]>;
  readonly recurrentKernel: KerasWeightArray<[number, number]>;
  /** Both biases with their gate blocks already in Keras' order. */
  readonly biasInput: Float32Array;
  readonly biasHidden: Float32Array;
}

interface Flat {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

function readLayer(stateDict: TorchStateDict, options: TorchWeightsOptions, kind: CellKind): ConvertedLayer {
  const where = kind.converter;
  const given = validate.options(where, options, ['layer', 'direction', 'prefix']);
  const layer = validate.integer(where, 'layer', given.layer ?? 0, { min: 0 });
  const direction = validate.oneOf(where, 'direction', given.direction ?? 'forward', TORCH_DIRECTIONS);
  const prefix = validate.string(where, 'prefix', given.prefix ?? '');
  if (typeof stateDict !== 'object' || stateDict === null || Array.isArray(stateDict)) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${kind.converter}: the state dict must be an object mapping PyTorch keys to weights, got ${
        Array.isArray(stateDict) ? 'an array' : String(stateDict)
      }.`,
    );
  }
  const suffix = `l${layer}${direction === 'reverse' ? '_reverse' : ''}`;
  const context = { stateDict, kind, suffix, prefix, layer, direction };
  if (Object.hasOwn(stateDict, `${prefix}weight_hr_${suffix}`)) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${kind.converter}: '${prefix}weight_hr_${suffix}' is a projection (an LSTM built with proj_size > 0), ` +
        'which Keras layers have no equivalent of; export a module without proj_size.',
    );
  }
  const gates = kind.order.length;
  const weightHh = entry(context, 'weight_hh');
  const [hhRows, units] = weightHh.shape;
  if (weightHh.shape.length !== 2 || units === undefined || units < 1 || hhRows !== gates * units) {
    throw shapeError(context, 'weight_hh', weightHh.shape, `[${gates}·units, units]`);
  }
  const weightIh = entry(context, 'weight_ih');
  const [ihRows, inputDim] = weightIh.shape;
  if (weightIh.shape.length !== 2 || inputDim === undefined || inputDim < 1 || ihRows !== gates * units) {
    throw shapeError(
      context,
      'weight_ih',
      weightIh.shape,
      `[${gates * units}, inputDim] (${gates}·units = ${gates * units})`,
    );
  }
  const biasIh = entry(context, 'bias_ih');
  const biasHh = entry(context, 'bias_hh');
  for (const [name, bias] of [
    ['bias_ih', biasIh],
    ['bias_hh', biasHh],
  ] as const) {
    if (bias.shape.length !== 1 || bias.shape[0] !== gates * units) {
      throw shapeError(context, name, bias.shape, `[${gates * units}] (${gates}·units)`);
    }
  }
  return {
    kernel: {
      values: convertGateKernel(weightIh.data, kind.order, units, inputDim, 'toKeras'),
      shape: [inputDim, gates * units],
    },
    recurrentKernel: {
      values: convertGateKernel(weightHh.data, kind.order, units, units, 'toKeras'),
      shape: [units, gates * units],
    },
    biasInput: convertGateBias(biasIh.data, kind.order, units, 'toKeras'),
    biasHidden: convertGateBias(biasHh.data, kind.order, units, 'toKeras'),
  };
}

interface KeyContext {
  readonly stateDict: TorchStateDict;
  readonly kind: CellKind;
  readonly suffix: string;
  readonly prefix: string;
  readonly layer: number;
  readonly direction: TorchDirection;
}

/** Looks up `<prefix><name>_<suffix>` and flattens it. */
function entry(context: KeyContext, name: string): Flat {
  const key = `${context.prefix}${name}_${context.suffix}`;
  if (!Object.hasOwn(context.stateDict, key)) throw missingKeyError(context, key, name);
  return flatten(context.stateDict[key], key, context.kind.converter);
}

function missingKeyError(context: KeyContext, key: string, name: string): RnnModelsError {
  const { stateDict, kind, suffix, prefix, layer, direction } = context;
  const keys = Object.keys(stateDict);
  const hints: string[] = [];
  const wanted = `${name}_${suffix}`;
  const prefixes = keys.filter((k) => k.endsWith(wanted)).map((k) => k.slice(0, k.length - wanted.length));
  if (prefixes.length > 0) {
    hints.push(
      `Keys with other prefixes exist: did you mean prefix ${prefixes.map((p) => `'${p}'`).join(' or ')}?`,
    );
  } else if (name.startsWith('bias') && keys.some((k) => k === `${prefix}weight_ih_${suffix}`)) {
    hints.push('Modules built with bias=False have no biases and are not supported.');
  } else if (direction === 'reverse' && !keys.some((k) => k.startsWith(prefix) && k.endsWith('_reverse'))) {
    hints.push('The module does not look bidirectional (no keys end in _reverse).');
  } else if (layer > 0) {
    hints.push(`The module may have fewer than ${layer + 1} layers.`);
  }
  const shown = keys.slice(0, 40).join(', ');
  const more = keys.length > 40 ? `, … (${keys.length - 40} more)` : '';
  return new RnnModelsError(
    'RNN_MODELS_INVALID_OPTION',
    `${kind.converter}: the PyTorch state dict has no key '${key}' (layer ${layer}, ${direction} direction, ` +
      `prefix '${prefix}'). ${hints.join(' ')}${hints.length > 0 ? ' ' : ''}Available keys: ${
        keys.length > 0 ? shown + more : '(none)'
      }.`,
  );
}

function shapeError(
  context: KeyContext,
  name: string,
  received: readonly number[],
  expected: string,
): RnnModelsError {
  const { kind, prefix, suffix } = context;
  let hint = '';
  if (name === 'weight_hh' && received.length === 2 && received[1]! > 0) {
    const other = KINDS.find((k) => k !== kind && received[0] === k.order.length * received[1]!);
    if (other) hint = ` That is the shape of a PyTorch ${other.module}'s weights: use ${other.converter}.`;
  }
  return new RnnModelsError(
    'RNN_MODELS_SHAPE_MISMATCH',
    `${kind.converter}: '${prefix}${name}_${suffix}' has shape [${received.join(', ')}]; a PyTorch ${kind.module} ` +
      `expects ${expected}.${hint}`,
  );
}

function isFlatTensor(value: unknown): value is TorchFlatTensor {
  return (
    typeof value === 'object' &&
    value !== null &&
    !Array.isArray(value) &&
    'shape' in value &&
    'data' in value
  );
}

/** Turns nested arrays or `{ shape, data }` into a float32 buffer, checking it is rectangular and numeric. */
function flatten(value: unknown, key: string, converter: string): Flat {
  const notNumbers = (what: string) =>
    new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${converter}: state dict entry '${key}' ${what}; expected nested number arrays (tensor.tolist()) ` +
        'or { shape, data }.',
    );
  if (isFlatTensor(value)) {
    const { shape, data } = value;
    if (!Array.isArray(shape) || !shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
      throw notNumbers('has a shape that is not an array of non-negative integers');
    }
    if (typeof data !== 'object' || data === null || typeof data.length !== 'number') {
      throw notNumbers('has data that is not an array of numbers');
    }
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    if (data.length !== size) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `${converter}: state dict entry '${key}' has shape [${shape.join(', ')}] (${size} values) but ${data.length} values.`,
      );
    }
    const out = new Float32Array(size);
    for (let i = 0; i < size; i++) {
      const x = data[i];
      if (typeof x !== 'number') throw notNumbers(`holds ${typeof x} at index ${i}`);
      out[i] = x;
      if (!Number.isFinite(out[i]!)) throw notFinite(converter, key, `index ${i}`, x);
    }
    return { data: out, shape: [...shape] };
  }
  if (typeof value === 'number') {
    const data = Float32Array.of(value);
    if (!Number.isFinite(data[0]!)) throw notFinite(converter, key, 'its value', value);
    return { data, shape: [] };
  }
  if (!Array.isArray(value)) throw notNumbers(`is ${value === null ? 'null' : typeof value}`);
  const shape: number[] = [];
  for (let level: unknown = value; Array.isArray(level); level = level[0]) shape.push(level.length);
  const out = new Float32Array(shape.reduce((a, b) => a * b, 1));
  let offset = 0;
  const walk = (node: unknown, depth: number, path: string): void => {
    if (depth === shape.length) {
      if (typeof node !== 'number')
        throw notNumbers(`holds ${node === null ? 'null' : typeof node} at ${path}`);
      out[offset] = node;
      if (!Number.isFinite(out[offset]!)) throw notFinite(converter, key, path, node);
      offset++;
      return;
    }
    if (!Array.isArray(node) || node.length !== shape[depth]) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `${converter}: state dict entry '${key}' is ragged: ${path || 'the top level'} has ${
          Array.isArray(node) ? `${node.length} items` : 'a number'
        } where its siblings have ${shape[depth]}.`,
      );
    }
    for (let i = 0; i < node.length; i++) walk(node[i], depth + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
  return { data: out, shape };
}

/** A weight that is NaN, ±Infinity or beyond float32's range (it would be ±Infinity once converted). */
function notFinite(converter: string, key: string, where: string, value: number): RnnModelsError {
  return new RnnModelsError(
    'RNN_MODELS_INVALID_OPTION',
    `${converter}: state dict entry '${key}' holds ${describeValue(value)} at ${where}${
      Number.isFinite(value) ? ', beyond float32 (±3.4e38)' : ''
    }; weights must be finite. The PyTorch model was likely saved after training diverged: export a checkpoint from before.`,
  );
}

/** Which way a conversion of gate blocks goes: PyTorch's layout to Keras', or back. */
export type GateLayoutDirection = 'toKeras' | 'toTorch';

/**
 * A recurrent kernel between PyTorch's `[gates·units, cols]` (row-major) and Keras'
 * `[cols, gates·units]`, with the gate blocks reordered: Keras column `k·units + j` is PyTorch
 * row `order[k]·units + j`. The two directions are inverses (internal to the interop code).
 */
export function convertGateKernel(
  matrix: Float32Array,
  order: readonly number[],
  units: number,
  cols: number,
  direction: GateLayoutDirection,
): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(cols * width);
  for (let k = 0; k < order.length; k++) {
    for (let j = 0; j < units; j++) {
      const torchRow = (order[k]! * units + j) * cols;
      const kerasColumn = k * units + j;
      for (let c = 0; c < cols; c++) {
        if (direction === 'toKeras') out[c * width + kerasColumn] = matrix[torchRow + c]!;
        else out[torchRow + c] = matrix[c * width + kerasColumn]!;
      }
    }
  }
  return out;
}

/** A gate-blocked bias between PyTorch's gate order and Keras' (Keras block `k` is PyTorch block `order[k]`). */
export function convertGateBias(
  vector: Float32Array,
  order: readonly number[],
  units: number,
  direction: GateLayoutDirection,
): Float32Array {
  const out = new Float32Array(vector.length);
  for (let k = 0; k < order.length; k++) {
    const torch = order[k]! * units;
    if (direction === 'toKeras') out.set(vector.subarray(torch, torch + units), k * units);
    else out.set(vector.subarray(k * units, (k + 1) * units), torch);
  }
  return out;
}

/** Elementwise float32 sum: the double sum of two float32 values rounds to their float32 sum. */
function sum(a: Float32Array, b: Float32Array): Float32Array {
  const out = new Float32Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i]! + b[i]!;
  return out;
}
