import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { checkLayersModel, checkStrings } from './arguments.js';

/** Options of {@link layerOutputs}. */
export interface LayerOutputsOptions {
  /**
   * Examples per forward pass (the inputs are split along axis 0, the results concatenated), as
   * in `model.predict`.
   * @default 32
   */
  readonly batchSize?: number;
}

/** Defaults of {@link LayerOutputsOptions}. */
export const DEFAULT_LAYER_OUTPUTS_OPTIONS: Readonly<Required<LayerOutputsOptions>> = Object.freeze({
  batchSize: 32,
});

/** Validates options and fills in the defaults. */
export function resolveLayerOutputsOptions(options: LayerOutputsOptions = {}): Required<LayerOutputsOptions> {
  const resolved = validate.withDefaults('layerOutputs', options, DEFAULT_LAYER_OUTPUTS_OPTIONS);
  return { batchSize: validate.integer('layerOutputs', 'batchSize', resolved.batchSize, { min: 1 }) };
}

/**
 * Layer name → its activation. A layer with one output maps to a tensor; a layer with several
 * (an RNN with `returnState: true`) maps to an array of tensors in the layer's output order.
 */
export type LayerOutputs = Record<string, tf.Tensor | tf.Tensor[]>;

/**
 * Runs `model` on `input` and returns the activations of the named intermediate layers (e.g. the
 * hidden states of a recurrent layer, the embedded inputs), by building a `tfl.model` from
 * `model.inputs` to those layers' outputs. The sub-model shares the model's weights; nothing is
 * trained or changed.
 *
 * Ownership: the caller owns `input` (not disposed) and every returned tensor (dispose them, e.g.
 * `tf.dispose(Object.values(outputs))`). Shapes are the layers' output shapes with the batch of
 * `input`, e.g. `[batch, time, units]` for an RNN with `returnSequences`.
 *
 * Layers nested inside a sub-model, or used at several places of the graph (shared layers), are
 * not reachable; name the enclosing model layer instead.
 *
 * @param model a functional or sequential model.
 * @param input the model's input(s), as for `model.predict`.
 * @param layerNames names of layers of `model` (at least one; `model.layers.map(l => l.name)` lists them).
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for an empty or unknown layer name, a
 *   shared layer, a bad `batchSize`, or a `model`/`input` that is not a model/tensor;
 *   `RNN_MODELS_SHAPE_MISMATCH` when `input` does not fit the model's inputs (count, rank or a size);
 *   `RNN_MODELS_INVALID_OPTION` wrapping tfjs' error when the model fails on the input (e.g. an id
 *   beyond an Embedding's `inputDim`, or a disposed model).
 * @example
 * const outputs = layerOutputs(model, ids, ['embedding', 'gru']);
 * const hidden = outputs['gru'] as tf.Tensor3D; // [batch, time, units]
 * tf.dispose(Object.values(outputs));
 */
export function layerOutputs(
  model: tfl.LayersModel,
  input: tf.Tensor | tf.Tensor[],
  layerNames: readonly string[],
  options: LayerOutputsOptions = {},
): LayerOutputs {
  const { batchSize } = resolveLayerOutputsOptions(options);
  checkLayersModel('layerOutputs', 'model', model);
  checkStrings('layerOutputs', 'layerNames', layerNames);
  checkInputs(model, input);
  if (layerNames.length === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      'layerOutputs needs at least one layer name; model.layers.map((l) => l.name) lists them.',
    );
  }
  const names = [...new Set(layerNames)];
  const available = model.layers.map((layer) => layer.name);
  const symbolic: tfl.SymbolicTensor[] = [];
  const counts: number[] = [];
  for (const name of names) {
    if (!available.includes(name)) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `layerOutputs: model '${model.name}' has no layer '${name}'; its layers are ${available.map((n) => `'${n}'`).join(', ')}.`,
      );
    }
    const outputs = layerOutputTensors(model.getLayer(name));
    symbolic.push(...outputs);
    counts.push(outputs.length);
  }
  const probe = tfl.model({ inputs: model.inputs, outputs: symbolic });
  let predicted: tf.Tensor | tf.Tensor[];
  try {
    predicted = probe.predict(input, { batchSize });
  } catch (cause) {
    // e.g. an id beyond an Embedding's inputDim, or a disposed model: tfjs throws plain Errors.
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `layerOutputs: model '${model.name}' failed on this input: ${(cause as Error)?.message ?? String(cause)}`,
      { cause },
    );
  }
  const flat = Array.isArray(predicted) ? predicted : [predicted];
  const result: LayerOutputs = {};
  let offset = 0;
  for (const [index, name] of names.entries()) {
    const count = counts[index]!;
    result[name] = count === 1 ? flat[offset]! : flat.slice(offset, offset + count);
    offset += count;
  }
  return result;
}

function layerOutputTensors(layer: tfl.layers.Layer): tfl.SymbolicTensor[] {
  let output: tfl.SymbolicTensor | tfl.SymbolicTensor[];
  try {
    output = layer.output;
  } catch (cause) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `layerOutputs: layer '${layer.name}' has no single output in this model (it is shared, or not connected); ` +
        'name a layer used once, or build a tfl.model to the output node you want.',
      { cause },
    );
  }
  return Array.isArray(output) ? output : [output];
}

/** `input` must be one tensor per model input, each of the input's rank and fixed sizes. */
function checkInputs(model: tfl.LayersModel, input: unknown): void {
  const tensors = Array.isArray(input) ? input : [input];
  const expected = model.inputs;
  for (const [k, tensor] of tensors.entries()) {
    const name = Array.isArray(input) ? `input[${k}]` : 'input';
    if (!(tensor instanceof tf.Tensor)) {
      validate.invalid('layerOutputs', name, tensor, 'must be a tensor', 'Pass what model.predict takes.');
    }
    if (tensor.isDisposed) {
      validate.invalid('layerOutputs', name, tensor, 'is disposed', 'Dispose inputs only after the call.');
    }
    if (tensor.dtype === 'string') {
      validate.invalid('layerOutputs', name, tensor, 'must be a numeric tensor', 'Encode text as ids first.');
    }
  }
  if (tensors.length !== expected.length) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `layerOutputs: model '${model.name}' takes ${expected.length} input(s), received ${tensors.length} tensor(s).`,
    );
  }
  for (const [k, tensor] of (tensors as tf.Tensor[]).entries()) {
    const wanted = expected[k]!.shape;
    const { shape } = tensor;
    if (
      shape.length !== wanted.length ||
      wanted.some((size, axis) => size !== null && size !== shape[axis])
    ) {
      throw new RnnModelsError(
        'RNN_MODELS_SHAPE_MISMATCH',
        `layerOutputs: ${Array.isArray(input) ? `input[${k}]` : 'input'} has shape [${shape.join(', ')}]; model ` +
          `'${model.name}' expects [${wanted.map((size) => size ?? '?').join(', ')}] (? = any size).`,
      );
    }
  }
}
