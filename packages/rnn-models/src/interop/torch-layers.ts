import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable, layers } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import { GRU, LSTM, SimpleRNN } from '../layers/recurrent-layers.js';
import type { ActivationName, RecurrentCellKind } from '../templates/shared-options.js';
import type { SafetensorsTensor } from './safetensors.js';
import {
  convertGateBias,
  convertGateKernel,
  gruWeightsFromTorch,
  lstmWeightsFromTorch,
  simpleRnnWeightsFromTorch,
} from './torch-weights.js';

/**
 * PyTorch names and layouts layer by layer (the README table "PyTorch and safetensors"): an
 * Embedding is `nn.Embedding` (`<prefix>weight`), a Dense `nn.Linear` (`weight` transposed,
 * `bias`), a BatchNormalization `nn.BatchNorm1d` (`weight`, `bias`, `running_mean`,
 * `running_var`), a recurrent layer (both directions of a `Bidirectional`) one single-layer
 * `nn.LSTM` / `nn.GRU` / `nn.RNN`. Used by the templates' exportTorch and by packages with their
 * own architectures (seq2seq's encoderDecoder).
 */

/** A layer and the PyTorch module prefix its tensors go under (`'encoder.0.'`, with the dot). */
export interface TorchLayerEntry {
  readonly layer: layers.Layer;
  readonly prefix: string;
}

/**
 * The PyTorch tensors of `entries`' layers (float32, PyTorch layouts), by state-dict name.
 * Tensors: reads the layers' weights; creates none that outlive the call.
 * @throws {RnnModelsError} `RNN_MODELS_UNSUPPORTED_MODEL` for a layer kind with no mapping.
 * @example
 * ```ts
 * const tensors = layersToTorch([{ layer: model.getLayer('embedding'), prefix: 'embedding.' }]);
 * ```
 */
export function layersToTorch(entries: readonly TorchLayerEntry[]): Map<string, SafetensorsTensor> {
  const out = new Map<string, SafetensorsTensor>();
  for (const slot of entrySlots(entries)) {
    const values = slot.variables.map((v) => v.read().dataSync().slice() as Float32Array);
    for (const [name, data] of slot.toTorch(values)) out.set(name, { shape: slot.shapes.get(name)!, data });
  }
  return out;
}

/** The names and shapes {@link layersToTorch} writes and {@link layersFromTorch} needs. */
export function torchLayerShapes(entries: readonly TorchLayerEntry[]): Map<string, readonly number[]> {
  return new Map(entrySlots(entries).flatMap((slot) => [...slot.shapes]));
}

/**
 * Loads PyTorch tensors into `entries`' layers, after checking that every name they need is
 * present with exactly its shape. Returns the names used, so the caller can refuse the rest.
 * Tensors: the weights are written into the layers' variables; nothing else is left behind.
 * @param source the file, named in errors.
 * @throws {RnnModelsError} `RNN_MODELS_CHECKPOINT_MISMATCH` naming a tensor missing, of the wrong
 * shape or not convertible (non-finite values); `RNN_MODELS_UNSUPPORTED_MODEL` for a layer kind
 * with no mapping.
 */
export function layersFromTorch(
  entries: readonly TorchLayerEntry[],
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  source = 'model.safetensors',
): Set<string> {
  const slots = entrySlots(entries);
  const used = new Set<string>();
  for (const slot of slots) {
    for (const [name, shape] of slot.shapes) {
      used.add(name);
      const found = tensors.get(name);
      if (found === undefined) {
        throw torchMismatch(
          source,
          `has no tensor '${name}', which layer '${slot.layer}' needs ([${shape.join(', ')}])`,
        );
      }
      if (found.shape.join() !== shape.join()) {
        throw torchMismatch(
          source,
          `has tensor '${name}' of shape [${found.shape.join(', ')}], but layer '${slot.layer}' needs [${shape.join(', ')}]`,
        );
      }
    }
  }
  for (const slot of slots) {
    let values: Float32Array[];
    try {
      values = slot.fromTorch(tensors);
    } catch (cause) {
      throw torchMismatch(
        source,
        `cannot be converted for layer '${slot.layer}': ${(cause as Error).message}`,
        cause,
      );
    }
    tf.tidy(() => {
      for (const [i, variable] of slot.variables.entries()) {
        variable.write(tf.tensor(values[i]!, variable.shape as number[]));
      }
    });
  }
  return used;
}

/** `RNN_MODELS_CHECKPOINT_MISMATCH` for a PyTorch file whose tensors do not fit. */
export function torchMismatch(source: string, problem: string, cause?: unknown): RnnModelsError {
  return new RnnModelsError(
    'RNN_MODELS_CHECKPOINT_MISMATCH',
    `importTorch: ${source} ${problem}. The safetensors file and config.json must come from the same model.`,
    cause === undefined ? undefined : { cause },
  );
}

function entrySlots(entries: readonly TorchLayerEntry[]): TorchSlot[] {
  return entries.map(({ layer, prefix }) => {
    const slot = torchLayerSlot(layer, prefix);
    if (slot === null) {
      throw new RnnModelsError(
        'RNN_MODELS_UNSUPPORTED_MODEL',
        `layer '${layer.name}' (${layer.getClassName()}) has no PyTorch mapping: Embedding, Dense, BatchNormalization ` +
          "and rnnkit's lstm, gru, simpleRNN (optionally Bidirectional) have.",
      );
    }
    return slot;
  });
}

/** The slot of one layer under `prefix`, or `null` for a layer without weights to map. */
export function torchLayerSlot(layer: Layer, prefix: string): TorchSlot | null {
  const kind = layer.getClassName();
  if (kind === 'Embedding') return identitySlot(layer, [[`${prefix}weight`, weight(layer, 'embeddings')]]);
  if (recurrentKind(layer) !== null || kind === 'Bidirectional') return recurrentSlot(layer, prefix);
  if (denseOf(layer) !== null) return denseSlot(layer, prefix);
  if (kind === 'BatchNormalization') {
    return identitySlot(layer, [
      [`${prefix}weight`, weight(layer, 'gamma')],
      [`${prefix}bias`, weight(layer, 'beta')],
      [`${prefix}running_mean`, weight(layer, 'moving_mean')],
      [`${prefix}running_var`, weight(layer, 'moving_variance')],
    ]);
  }
  return null;
}

/**
 * One layer's weights and their PyTorch counterparts: the names and shapes in the state dict,
 * and the conversions both ways (values in the order of `variables`).
 */
export interface TorchSlot {
  readonly layer: string;
  readonly variables: readonly LayerVariable[];
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  toTorch(values: readonly Float32Array[]): Map<string, Float32Array>;
  fromTorch(tensors: ReadonlyMap<string, SafetensorsTensor>): Float32Array[];
}

type Layer = layers.Layer;

function weight(layer: Layer, suffix: string, from: readonly LayerVariable[] = layer.weights): LayerVariable {
  const found = from.find((w) => w.originalName.endsWith(`/${suffix}`));
  if (found === undefined) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `layer '${layer.name}' has no '${suffix}' weight (it has ${from.map((w) => w.originalName).join(', ') || 'none'}).`,
    );
  }
  return found;
}

function identitySlot(layer: Layer, pairs: readonly [string, LayerVariable][]): TorchSlot {
  return {
    layer: layer.name,
    variables: pairs.map(([, v]) => v),
    shapes: new Map(pairs.map(([name, v]) => [name, v.shape as number[]])),
    toTorch: (values) => new Map(pairs.map(([name], i) => [name, values[i]!])),
    fromTorch: (tensors) => pairs.map(([name]) => tensors.get(name)!.data),
  };
}

/** Keras Dense `kernel [in, out]` ↔ `nn.Linear` `weight [out, in]`; `bias` as it is. */
function denseSlot(layer: Layer, prefix: string): TorchSlot {
  const kernel = weight(layer, 'kernel');
  const bias = weight(layer, 'bias');
  const [inputs, units] = kernel.shape as [number, number];
  return {
    layer: layer.name,
    variables: [kernel, bias],
    shapes: new Map([
      [`${prefix}weight`, [units, inputs]],
      [`${prefix}bias`, [units]],
    ]),
    toTorch: ([k, b]) =>
      new Map([
        [`${prefix}weight`, transpose(k!, inputs, units)],
        [`${prefix}bias`, b!],
      ]),
    fromTorch: (tensors) => [
      transpose(tensors.get(`${prefix}weight`)!.data, units, inputs),
      tensors.get(`${prefix}bias`)!.data,
    ],
  };
}

const GATES: Readonly<Record<RecurrentCellKind, number>> = { lstm: 4, gru: 3, simple: 1 };
/** Keras' gate block k is PyTorch's block ORDER[k] (and back: each order is its own inverse). */
const ORDER: Readonly<Record<RecurrentCellKind, readonly number[]>> = {
  lstm: [0, 1, 2, 3],
  gru: [1, 0, 2],
  simple: [0],
};

/** The cell of one of rnnkit's fused layers (subclasses too, e.g. seq2seq's decoder layers), else `null`. */
export function recurrentKind(layer: Layer): RecurrentCellKind | null {
  if (layer instanceof LSTM) return 'lstm';
  if (layer instanceof GRU) return 'gru';
  if (layer instanceof SimpleRNN) return 'simple';
  return null;
}

/**
 * One recurrent layer (both directions of a `Bidirectional`) as one single-layer PyTorch module
 * `<prefix>`: `weight_ih_l0 = kernelᵀ`, `weight_hh_l0 = recurrent_kernelᵀ` with GRU blocks
 * z, r, h ↔ r, z, n; LSTM/SimpleRNN `bias_ih_l0 = bias`, `bias_hh_l0 = 0` (read back as
 * their sum); reset-after GRU `bias_ih_l0`, `bias_hh_l0` = Keras' rows 0 and 1; reset-before GRU
 * only `bias_ih_l0`. The backward layer's names end in `_reverse`.
 */
function recurrentSlot(layer: Layer, prefix: string): TorchSlot {
  const wrapper = layer as unknown as { forwardLayer?: Layer; backwardLayer?: Layer };
  const directions: [Layer, string][] =
    layer.getClassName() === 'Bidirectional'
      ? [
          [wrapper.forwardLayer!, 'l0'],
          [wrapper.backwardLayer!, 'l0_reverse'],
        ]
      : [[layer, 'l0']];
  const parts = directions.map(([inner, suffix]) => {
    const kind = recurrentKind(inner);
    if (kind === null) {
      throw new RnnModelsError(
        'RNN_MODELS_UNSUPPORTED_MODEL',
        `layer '${layer.name}' (${inner.getClassName()}) is not one of rnnkit's lstm, gru or simpleRNN layers.`,
      );
    }
    const kernel = weight(layer, 'kernel', inner.weights);
    const recurrentKernel = weight(layer, 'recurrent_kernel', inner.weights);
    const bias = weight(layer, 'bias', inner.weights);
    const [inputs, width] = kernel.shape as [number, number];
    const units = width / GATES[kind];
    const resetAfter = kind === 'gru' && bias.shape.length === 2;
    const names = {
      ih: `${prefix}weight_ih_${suffix}`,
      hh: `${prefix}weight_hh_${suffix}`,
      bih: `${prefix}bias_ih_${suffix}`,
      bhh: `${prefix}bias_hh_${suffix}`,
    };
    const shapes: [string, number[]][] = [
      [names.ih, [width, inputs]],
      [names.hh, [width, units]],
      [names.bih, [width]],
    ];
    if (kind !== 'gru' || resetAfter) shapes.push([names.bhh, [width]]);
    return {
      inner,
      kind,
      units,
      inputs,
      width,
      resetAfter,
      names,
      shapes,
      variables: [kernel, recurrentKernel, bias],
    };
  });
  return {
    layer: layer.name,
    variables: parts.flatMap((p) => p.variables),
    shapes: new Map(parts.flatMap((p) => p.shapes)),
    toTorch: (values) => {
      const out = new Map<string, Float32Array>();
      parts.forEach((p, d) => {
        const [kernel, recurrentKernel, bias] = values.slice(3 * d, 3 * d + 3) as [
          Float32Array,
          Float32Array,
          Float32Array,
        ];
        const order = ORDER[p.kind];
        out.set(p.names.ih, convertGateKernel(kernel, order, p.units, p.inputs, 'toTorch'));
        out.set(p.names.hh, convertGateKernel(recurrentKernel, order, p.units, p.units, 'toTorch'));
        if (p.resetAfter) {
          out.set(p.names.bih, convertGateBias(bias.subarray(0, p.width), order, p.units, 'toTorch'));
          out.set(p.names.bhh, convertGateBias(bias.subarray(p.width), order, p.units, 'toTorch'));
        } else {
          out.set(p.names.bih, convertGateBias(bias, order, p.units, 'toTorch'));
          if (p.kind !== 'gru') out.set(p.names.bhh, new Float32Array(p.width));
        }
      });
      return out;
    },
    fromTorch: (tensors) =>
      parts.flatMap((p) => {
        const get = (name: string) => tensors.get(name)!;
        const stateDict = {
          weight_ih_l0: get(p.names.ih),
          weight_hh_l0: get(p.names.hh),
          bias_ih_l0: get(p.names.bih),
          // reset-before GRU: the converter wants both biases; row 0 is all that is kept
          bias_hh_l0:
            p.kind === 'gru' && !p.resetAfter
              ? { shape: [p.width], data: new Float32Array(p.width) }
              : get(p.names.bhh),
        };
        const converted =
          p.kind === 'lstm'
            ? lstmWeightsFromTorch(stateDict)
            : p.kind === 'gru'
              ? gruWeightsFromTorch(stateDict)
              : simpleRnnWeightsFromTorch(stateDict);
        let bias = converted.bias.values;
        if (p.kind === 'gru' && !p.resetAfter) {
          bias = bias.slice(0, p.width);
        } else if (p.kind !== 'gru' && stateDict.bias_hh_l0.data.every((v) => v === 0)) {
          // b + 0 is b except for −0: keep the bits of what rnnkit exported
          bias = convertGateBias(stateDict.bias_ih_l0.data, ORDER[p.kind], p.units, 'toKeras');
        }
        return [converted.kernel.values, converted.recurrentKernel.values, bias];
      }),
  };
}

function transpose(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c]!;
  return out;
}

export interface DenseInfo {
  readonly units: number;
  readonly activation: ActivationName;
  readonly timeDistributed: boolean;
}

export function denseOf(layer: Layer): DenseInfo | null {
  const kind = layer.getClassName();
  if (kind === 'Dense') {
    const config = layer.getConfig();
    return {
      units: config.units as number,
      activation: config.activation as ActivationName,
      timeDistributed: false,
    };
  }
  if (kind === 'TimeDistributed') {
    const inner = (layer as unknown as { layer: Layer }).layer;
    const info = inner.getClassName() === 'Dense' ? denseOf(inner) : null;
    return info === null ? null : { ...info, timeDistributed: true };
  }
  return null;
}
