import type * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';

/**
 * Throws `RNN_MODELS_INVALID_OPTION` unless `model` is a tfjs-layers model (a `LayersModel`, a
 * `Sequential`, or a model loaded with `loadModel`/`tfl.loadLayersModel`).
 * @internal
 */
export function checkLayersModel(
  where: string,
  name: string,
  model: unknown,
): asserts model is tfl.LayersModel {
  const candidate = model as { layers?: unknown; getClassName?: unknown } | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    !Array.isArray(candidate.layers) ||
    typeof candidate.getClassName !== 'function'
  ) {
    validate.invalid(
      where,
      name,
      model,
      'must be a tfjs-layers LayersModel',
      'Pass a model made with tfl.sequential, tfl.model, an rnnkit template or loadModel.',
    );
  }
}

/** Throws `RNN_MODELS_INVALID_OPTION` unless `layer` is a tfjs-layers layer. @internal */
export function checkLayer(where: string, name: string, layer: unknown): asserts layer is tfl.layers.Layer {
  const candidate = layer as { getClassName?: unknown; name?: unknown } | null;
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    typeof candidate.getClassName !== 'function' ||
    typeof candidate.name !== 'string'
  ) {
    validate.invalid(where, name, layer, 'must be a tfjs-layers layer', 'Pass e.g. model.getLayer(name).');
  }
}

/** Throws `RNN_MODELS_INVALID_OPTION` unless `value` is an array of strings, naming the first bad entry. @internal */
export function checkStrings(
  where: string,
  name: string,
  value: unknown,
): asserts value is readonly string[] {
  if (!Array.isArray(value)) validate.invalid(where, name, value, 'must be an array of strings');
  const bad = value.findIndex((entry) => typeof entry !== 'string');
  if (bad >= 0) validate.invalid(where, `${name}[${bad}]`, value[bad], 'must be a string');
}

/**
 * The current value of a layer's weight; `RNN_MODELS_INVALID_OPTION` naming the weight when its
 * model was disposed (tfjs-layers' own error is a plain `Error`). @internal
 */
export function readLive(where: string, variable: tfl.LayerVariable): tf.Tensor {
  try {
    return variable.read();
  } catch (cause) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${where}: weight '${variable.name}' is disposed (its model was disposed); keep the model alive while you use it.`,
      { cause },
    );
  }
}
