import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable, layers } from '@tensorflow/tfjs-layers';
import * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { type ForecasterOptions, forecaster } from '../templates/forecaster.js';
import { type LanguageModelOptions, languageModel } from '../templates/language-model.js';
import { type SequenceClassifierOptions, sequenceClassifier } from '../templates/sequence-classifier.js';
import { type SequenceTaggerOptions, sequenceTagger } from '../templates/sequence-tagger.js';
import type { ActivationName, RecurrentCellKind } from '../templates/shared-options.js';
import { decodeSafetensors, encodeSafetensors, type SafetensorsTensor } from './safetensors.js';
import { gruWeightsFromTorch, lstmWeightsFromTorch, simpleRnnWeightsFromTorch } from './torch-weights.js';

/** `format` of a `config.json` written by `exportTorch` / `rnnkit_torch.save`. */
export const TORCH_CONFIG_FORMAT = 'rnnkit-torch';
/** `formatVersion` this version writes and reads. */
export const TORCH_CONFIG_VERSION = 1;

/** The templates whose models cross to PyTorch and back. */
export type TorchTemplateName = 'languageModel' | 'sequenceClassifier' | 'sequenceTagger' | 'forecaster';
/** The template names, for validation and docs. */
export const TORCH_TEMPLATES: readonly TorchTemplateName[] = Object.freeze([
  'languageModel',
  'sequenceClassifier',
  'sequenceTagger',
  'forecaster',
]);

/** `config.json` of a PyTorch export without the wrapper fields: which template, built with which options. */
export type TorchTemplateConfig =
  | { readonly template: 'languageModel'; readonly options: LanguageModelOptions }
  | { readonly template: 'sequenceClassifier'; readonly options: SequenceClassifierOptions }
  | { readonly template: 'sequenceTagger'; readonly options: SequenceTaggerOptions }
  | { readonly template: 'forecaster'; readonly options: ForecasterOptions };

/**
 * The whole `config.json`: the format and its version, the template and its options (passed to
 * the template function as they are, so its validator checks them), and the caller's `extras`
 * (a vocabulary, a tokenizer: any JSON), which `rnnkit_torch.save` keeps.
 */
export type TorchModelConfig = TorchTemplateConfig & {
  readonly format: typeof TORCH_CONFIG_FORMAT;
  readonly formatVersion: number;
  readonly extras?: unknown;
};

/** Options of {@link encodeTorchModel} (and `exportTorch`). */
export interface EncodeTorchModelOptions {
  /**
   * The template to record when the model's layers fit more than one: a `'shifted'` language
   * model is also a unidirectional tagger with `numTags = vocabularySize`, a `'next'` one a
   * classifier with `numClasses = vocabularySize`. `undefined` picks the language model.
   * @default undefined
   */
  readonly template?: TorchTemplateName;
  /**
   * JSON stored as `extras` in `config.json` (a vocabulary, a tokenizer), kept by the PyTorch side.
   * @default undefined
   */
  readonly extras?: unknown;
}

/** A model encoded for PyTorch: the two files of an export. */
export interface EncodedTorchModel {
  readonly config: TorchModelConfig;
  /** `model.safetensors`: float32 tensors keyed by PyTorch `state_dict` names. */
  readonly safetensors: Uint8Array;
}

/** What {@link decodeTorchModel} (and `importTorch`) returns. */
export interface DecodedTorchModel {
  /** A new model built by the template and holding the file's weights; the caller owns it (`model.dispose()`). */
  readonly model: tfl.Sequential;
  readonly config: TorchModelConfig;
}

/**
 * Encodes a template-built model as PyTorch's `state_dict` (names and layouts: the README table
 * "PyTorch and safetensors") in safetensors, plus the `config.json` that rebuilds it. The
 * template and its options are read from the layers, then checked by rebuilding the template
 * and comparing every weight's shape.
 *
 * Tensors: reads the model's weights; creates none that outlive the call.
 * @throws {RnnModelsError} `RNN_MODELS_UNSUPPORTED_MODEL` for a model no template builds
 * (naming the layer); `RNN_MODELS_INVALID_OPTION` for bad options.
 * @example
 * ```ts
 * const { config, safetensors } = encodeTorchModel(model, { extras: { vocabulary } });
 * ```
 */
export function encodeTorchModel(
  model: tfl.LayersModel,
  options: EncodeTorchModelOptions = {},
): EncodedTorchModel {
  const where = 'exportTorch';
  if (!(model instanceof tfl.LayersModel)) {
    validate.invalid(where, 'model', model, 'must be a tfjs-layers LayersModel built by an rnnkit template');
  }
  const given = validate.options(where, options ?? {}, ['template', 'extras']);
  const hint =
    given.template === undefined
      ? undefined
      : validate.oneOf(where, 'template', given.template, TORCH_TEMPLATES);
  const template = templateConfigOf(model, hint);
  const config: TorchModelConfig = {
    format: TORCH_CONFIG_FORMAT,
    formatVersion: TORCH_CONFIG_VERSION,
    ...template,
    ...(given.extras === undefined ? {} : { extras: jsonCopy(given.extras) }),
  };
  const slots = torchSlots(model);
  // the options must rebuild this very model: same names, same shapes
  const rebuilt = buildTemplate(template);
  try {
    const expected = new Map(torchSlots(rebuilt).flatMap((slot) => [...slot.shapes]));
    for (const slot of slots) {
      for (const [name, shape] of slot.shapes) {
        const other = expected.get(name);
        if (other === undefined || other.join() !== shape.join()) {
          throw new RnnModelsError(
            'RNN_MODELS_UNSUPPORTED_MODEL',
            `exportTorch: layer '${slot.layer}' does not match what ${template.template}(${JSON.stringify(template.options)}) builds ` +
              `(tensor '${name}' [${shape.join(', ')}] vs ${other === undefined ? 'none' : `[${other.join(', ')}]`}). ` +
              'Export models built by an rnnkit template, unchanged.',
          );
        }
      }
    }
  } finally {
    rebuilt.dispose();
  }
  const tensors = new Map<string, SafetensorsTensor>();
  for (const slot of slots) {
    const values = slot.variables.map((v) => v.read().dataSync().slice() as Float32Array);
    for (const [name, data] of slot.toTorch(values))
      tensors.set(name, { shape: slot.shapes.get(name)!, data });
  }
  return {
    config,
    safetensors: encodeSafetensors(tensors, { format: 'pt', generator: '@rnnkit/rnn-models' }),
  };
}

/**
 * Builds the model `config` describes through its template (whose validator checks the options)
 * and loads the safetensors `bytes` into it. Every tensor the model needs must be present with
 * exactly its shape and no other may be (PyTorch's `…num_batches_tracked` counters excepted).
 *
 * Tensors: the returned model's weights belong to the model; nothing else is left behind, also
 * when it throws.
 * @param config the parsed `config.json`.
 * @param bytes the contents of `model.safetensors`.
 * @param source where the bytes came from, for messages.
 * @throws {RnnModelsError} `RNN_MODELS_CHECKPOINT_CORRUPT` for a bad file or config (truncated,
 * header overrun, wrong dtype, unknown format version: naming the tensor or field);
 * `RNN_MODELS_CHECKPOINT_MISMATCH` for a tensor missing, extra or of another shape than the
 * config's model has (naming it); the template's `RNN_MODELS_INVALID_OPTION` for bad options.
 * @example
 * ```ts
 * const { model } = decodeTorchModel(JSON.parse(configText), new Uint8Array(buffer));
 * ```
 */
export function decodeTorchModel(
  config: unknown,
  bytes: Uint8Array,
  source = 'model.safetensors',
): DecodedTorchModel {
  const checked = checkTorchConfig(config, 'config.json');
  const { tensors } = decodeSafetensors(bytes, {
    source,
    skip: (name) => name.endsWith('.num_batches_tracked'),
  });
  const model = buildTemplate(checked);
  try {
    const slots = torchSlots(model);
    const wanted = new Set<string>();
    for (const slot of slots) {
      for (const [name, shape] of slot.shapes) {
        wanted.add(name);
        const found = tensors.get(name);
        if (found === undefined) {
          throw mismatch(
            source,
            `has no tensor '${name}', which ${describeSlot(checked, slot)} needs ([${shape.join(', ')}])`,
          );
        }
        if (found.shape.join() !== shape.join()) {
          throw mismatch(
            source,
            `has tensor '${name}' of shape [${found.shape.join(', ')}], but ${describeSlot(checked, slot)} needs [${shape.join(', ')}]`,
          );
        }
      }
    }
    const extra = [...tensors.keys()].filter((name) => !wanted.has(name));
    if (extra.length > 0) {
      throw mismatch(
        source,
        `has tensor '${extra[0]}'${extra.length > 1 ? ` (and ${extra.length - 1} more)` : ''}, which the config's ${checked.template} has no place for`,
      );
    }
    for (const slot of slots) {
      let values: Float32Array[];
      try {
        values = slot.fromTorch(tensors);
      } catch (cause) {
        throw mismatch(
          source,
          `cannot be converted for ${describeSlot(checked, slot)}: ${(cause as Error).message}`,
          cause,
        );
      }
      tf.tidy(() => {
        for (const [i, variable] of slot.variables.entries()) {
          variable.write(tf.tensor(values[i]!, variable.shape as number[]));
        }
      });
    }
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { model, config: checked };
}

/**
 * Checks a parsed `config.json`: an object with `format: 'rnnkit-torch'`, a `formatVersion` this
 * version reads, a known `template` and an `options` object (checked later by the template).
 * @throws {RnnModelsError} `RNN_MODELS_CHECKPOINT_CORRUPT` naming the field.
 */
export function checkTorchConfig(config: unknown, source = 'config.json'): TorchModelConfig {
  const fail = (problem: string): never => {
    throw new RnnModelsError(
      'RNN_MODELS_CHECKPOINT_CORRUPT',
      `importTorch: ${source} ${problem}. It should be what exportTorch or rnnkit_torch.save wrote: ` +
        `{ "format": "${TORCH_CONFIG_FORMAT}", "formatVersion": ${TORCH_CONFIG_VERSION}, "template": …, "options": { … } }.`,
    );
  };
  if (typeof config !== 'object' || config === null || Array.isArray(config)) fail('is not a JSON object');
  const c = config as Record<string, unknown>;
  if (c.format !== TORCH_CONFIG_FORMAT) fail(`has format ${JSON.stringify(c.format)}`);
  if (c.formatVersion !== TORCH_CONFIG_VERSION) {
    fail(
      `has formatVersion ${JSON.stringify(c.formatVersion)}, which this version (reads ${TORCH_CONFIG_VERSION}) does not know`,
    );
  }
  if (!TORCH_TEMPLATES.includes(c.template as TorchTemplateName)) {
    fail(`names the template ${JSON.stringify(c.template)} (known: ${TORCH_TEMPLATES.join(', ')})`);
  }
  if (typeof c.options !== 'object' || c.options === null || Array.isArray(c.options))
    fail('has no options object');
  return c as unknown as TorchModelConfig;
}

function mismatch(source: string, problem: string, cause?: unknown): RnnModelsError {
  return new RnnModelsError(
    'RNN_MODELS_CHECKPOINT_MISMATCH',
    `importTorch: ${source} ${problem}. The safetensors file and config.json must come from the same model.`,
    cause === undefined ? undefined : { cause },
  );
}

function describeSlot(config: TorchTemplateConfig, slot: TorchSlot): string {
  return `${config.template}'s layer '${slot.layer}'`;
}

function buildTemplate(config: TorchTemplateConfig): tfl.Sequential {
  switch (config.template) {
    case 'languageModel':
      return languageModel(config.options);
    case 'sequenceClassifier':
      return sequenceClassifier(config.options);
    case 'sequenceTagger':
      return sequenceTagger(config.options);
    case 'forecaster':
      return forecaster(config.options);
    default: {
      const never: never = config;
      throw new RnnModelsError('RNN_MODELS_INVALID_OPTION', `unknown template ${JSON.stringify(never)}`);
    }
  }
}

function jsonCopy(value: unknown): unknown {
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch (cause) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `exportTorch: extras must be JSON: ${(cause as Error).message}.`,
      {
        cause,
      },
    );
  }
  if (text === undefined) validate.invalid('exportTorch', 'extras', value, 'must be a JSON value');
  return JSON.parse(text);
}

// ---------------------------------------------------------------------------------------------
// Names and layouts, layer by layer.

/**
 * One layer's weights and their PyTorch counterparts: the names and shapes in the state dict,
 * and the conversions both ways (values in the order of `variables`).
 */
interface TorchSlot {
  readonly layer: string;
  readonly variables: readonly LayerVariable[];
  readonly shapes: ReadonlyMap<string, readonly number[]>;
  toTorch(values: readonly Float32Array[]): Map<string, Float32Array>;
  fromTorch(tensors: ReadonlyMap<string, SafetensorsTensor>): Float32Array[];
}

type Layer = layers.Layer;

/** The slots of a template-built model, in layer order. */
function torchSlots(model: tfl.LayersModel): TorchSlot[] {
  const slots: TorchSlot[] = [];
  let recurrent = 0;
  let hidden = 0;
  let lastDense: { index: number; layer: Layer } | null = null;
  let afterDense = false;
  const denseLayers = model.layers.filter((layer) => denseOf(layer) !== null);
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    if (kind === 'Embedding') {
      slots.push(identitySlot(layer, [['embedding.weight', weight(layer, 'embeddings')]]));
    } else if (recurrentKind(layer) !== null || kind === 'Bidirectional') {
      slots.push(recurrentSlot(layer, `recurrent.${recurrent}.`));
      recurrent += 1;
      afterDense = false;
    } else if (denseOf(layer) !== null) {
      const isOutput = layer === denseLayers[denseLayers.length - 1];
      const prefix = isOutput ? 'output.' : `hidden.${hidden}.`;
      if (!isOutput) hidden += 1;
      slots.push(denseSlot(layer, prefix));
      lastDense = { index: hidden - 1, layer };
      afterDense = true;
    } else if (kind === 'BatchNormalization') {
      const prefix = afterDense ? `hidden_norm.${lastDense!.index}.` : `recurrent_norm.${recurrent - 1}.`;
      slots.push(
        identitySlot(layer, [
          [`${prefix}weight`, weight(layer, 'gamma')],
          [`${prefix}bias`, weight(layer, 'beta')],
          [`${prefix}running_mean`, weight(layer, 'moving_mean')],
          [`${prefix}running_var`, weight(layer, 'moving_variance')],
        ]),
      );
    }
  }
  return slots;
}

function weight(layer: Layer, suffix: string, from: readonly LayerVariable[] = layer.weights): LayerVariable {
  const found = from.find((w) => w.originalName.endsWith(`/${suffix}`));
  if (found === undefined) {
    throw new RnnModelsError(
      'RNN_MODELS_UNSUPPORTED_MODEL',
      `exportTorch: layer '${layer.name}' has no '${suffix}' weight (it has ${from.map((w) => w.originalName).join(', ') || 'none'}).`,
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

function recurrentKind(layer: Layer): RecurrentCellKind | null {
  switch (layer.getClassName()) {
    case 'RnnkitLSTM':
      return 'lstm';
    case 'RnnkitGRU':
      return 'gru';
    case 'RnnkitSimpleRNN':
      return 'simple';
    default:
      return null;
  }
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
        `exportTorch: layer '${layer.name}' (${inner.getClassName()}) is not one of rnnkit's lstm, gru or simpleRNN layers.`,
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
        out.set(p.names.ih, blocksToTorch(kernel, order, p.units, p.inputs));
        out.set(p.names.hh, blocksToTorch(recurrentKernel, order, p.units, p.units));
        if (p.resetAfter) {
          out.set(p.names.bih, reorder(bias.subarray(0, p.width), order, p.units));
          out.set(p.names.bhh, reorder(bias.subarray(p.width), order, p.units));
        } else {
          out.set(p.names.bih, reorder(bias, order, p.units));
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
          bias = reorder(stateDict.bias_ih_l0.data, ORDER[p.kind], p.units);
        }
        return [converted.kernel.values, converted.recurrentKernel.values, bias];
      }),
  };
}

/** Keras `[cols, gates·units]` → PyTorch `[gates·units, cols]` with gate blocks reordered. */
function blocksToTorch(
  matrix: Float32Array,
  order: readonly number[],
  units: number,
  cols: number,
): Float32Array {
  const width = order.length * units;
  const out = new Float32Array(width * cols);
  for (let k = 0; k < order.length; k++) {
    const target = order[k]! * units;
    for (let j = 0; j < units; j++) {
      const row = (target + j) * cols;
      const column = k * units + j;
      for (let c = 0; c < cols; c++) out[row + c] = matrix[c * width + column]!;
    }
  }
  return out;
}

function reorder(vector: Float32Array, order: readonly number[], units: number): Float32Array {
  const out = new Float32Array(vector.length);
  for (let k = 0; k < order.length; k++)
    out.set(vector.subarray(k * units, (k + 1) * units), order[k]! * units);
  return out;
}

function transpose(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c]!;
  return out;
}

// ---------------------------------------------------------------------------------------------
// The template and its options, read from the layers.

interface DenseInfo {
  readonly units: number;
  readonly activation: ActivationName;
  readonly timeDistributed: boolean;
}

function denseOf(layer: Layer): DenseInfo | null {
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

function unsupported(layer: Layer | null, problem: string): RnnModelsError {
  return new RnnModelsError(
    'RNN_MODELS_UNSUPPORTED_MODEL',
    `exportTorch: ${layer === null ? 'the model' : `layer '${layer.name}' (${layer.getClassName()})`} ${problem}. ` +
      'exportTorch writes models built by languageModel, sequenceClassifier, sequenceTagger or forecaster.',
  );
}

/** Reads the template and its options back from a template-built model's layers. */
function templateConfigOf(model: tfl.LayersModel, hint: TorchTemplateName | undefined): TorchTemplateConfig {
  const layerList = model.layers;
  let i = 0;
  let embedding: Record<string, unknown> | null = null;
  let batchInputShape: (number | null)[] | null = null;
  if (layerList[0]?.getClassName() === 'Embedding') {
    const config = layerList[0].getConfig();
    embedding = config;
    batchInputShape = (config.batchInputShape as (number | null)[] | undefined) ?? null;
    i = 1;
  }
  const units: number[] = [];
  let cell: RecurrentCellKind | null = null;
  let bidirectional = false;
  let recurrentConfig: Record<string, unknown> = {};
  let returnSequences = false;
  let batchNorm = false;
  let layerDropout = 0;
  const readNormAndDropout = () => {
    if (layerList[i]?.getClassName() === 'BatchNormalization') {
      batchNorm = true;
      i += 1;
    }
    if (layerList[i]?.getClassName() === 'Dropout') {
      layerDropout = layerList[i]!.getConfig().rate as number;
      i += 1;
    }
  };
  while (i < layerList.length) {
    const layer = layerList[i]!;
    const wrapped = layer.getClassName() === 'Bidirectional';
    const inner = wrapped ? (layer as unknown as { forwardLayer: Layer }).forwardLayer : layer;
    const kind = recurrentKind(inner);
    if (kind === null) break;
    if (cell !== null && (kind !== cell || wrapped !== bidirectional)) {
      throw unsupported(layer, 'mixes recurrent kinds; a template stacks layers of one kind');
    }
    cell = kind;
    bidirectional = wrapped;
    recurrentConfig = inner.getConfig();
    if (i === 0) {
      batchInputShape =
        ((wrapped ? layer.getConfig() : recurrentConfig).batchInputShape as (number | null)[]) ?? null;
    }
    units.push(recurrentConfig.units as number);
    returnSequences = recurrentConfig.returnSequences as boolean;
    i += 1;
    readNormAndDropout();
  }
  if (cell === null) throw unsupported(layerList[i] ?? null, 'is where a recurrent layer should be');
  const hiddenUnits: number[] = [];
  let hiddenActivation: ActivationName = 'relu';
  let output: DenseInfo | null = null;
  const denseCount = layerList.filter((layer) => denseOf(layer) !== null).length;
  let denseSeen = 0;
  while (i < layerList.length) {
    const dense = denseOf(layerList[i]!);
    if (dense === null) break;
    i += 1;
    denseSeen += 1;
    if (denseSeen === denseCount) {
      output = dense;
      break;
    }
    hiddenUnits.push(dense.units);
    hiddenActivation = dense.activation;
    readNormAndDropout();
  }
  if (output === null) throw unsupported(layerList[i] ?? null, 'is where the output Dense layer should be');
  let reshape: number[] | null = null;
  if (layerList[i]?.getClassName() === 'Reshape') {
    reshape = layerList[i]!.getConfig().targetShape as number[];
    i += 1;
  }
  if (i !== layerList.length) throw unsupported(layerList[i]!, 'is not part of any template');
  const stack = {
    cell,
    units,
    activation: recurrentConfig.activation as ActivationName,
    dropout: recurrentConfig.dropout as number,
    recurrentDropout: recurrentConfig.recurrentDropout as number,
    ...(cell === 'gru' ? { resetAfter: recurrentConfig.resetAfter as boolean } : {}),
    hiddenUnits,
    hiddenActivation,
    batchNorm,
    layerDropout,
  };
  if (embedding === null) {
    if (reshape === null || bidirectional || (hint !== undefined && hint !== 'forecaster')) {
      throw unsupported(null, 'starts without an Embedding but is not a forecaster');
    }
    const [outputSteps, outputFeatures] = reshape as [number, number];
    return {
      template: 'forecaster',
      options: {
        ...stack,
        features: batchInputShape?.[2] as number,
        inputSteps: batchInputShape?.[1] ?? null,
        head: 'multiStep',
        outputSteps,
        outputFeatures,
      },
    };
  }
  const vocabularySize = embedding.inputDim as number;
  const text = {
    ...stack,
    vocabularySize,
    embeddingDim: embedding.outputDim as number,
    sequenceLength: batchInputShape?.[1] ?? null,
    maskZero: embedding.maskZero as boolean,
  };
  const logits = output.activation === 'linear';
  const lmShaped = !bidirectional && !output.timeDistributed && output.units === vocabularySize;
  const stateful = recurrentConfig.stateful === true;
  if (stateful && !lmShaped) throw unsupported(null, 'is stateful but not a language model');
  if (returnSequences) {
    const template = hint ?? (lmShaped ? 'languageModel' : 'sequenceTagger');
    if (template === 'languageModel' && lmShaped) {
      return {
        template,
        options: { ...text, mode: 'shifted', logits, stateful, batchSize: batchInputShape?.[0] ?? null },
      };
    }
    if (template === 'sequenceTagger' && !stateful) {
      return {
        template,
        options: {
          ...text,
          numTags: output.units,
          bidirectional,
          timeDistributed: output.timeDistributed,
          logits,
        },
      };
    }
  } else {
    const template = hint ?? (lmShaped ? 'languageModel' : 'sequenceClassifier');
    if (template === 'languageModel' && lmShaped) {
      return {
        template,
        options: { ...text, mode: 'next', logits, stateful, batchSize: batchInputShape?.[0] ?? null },
      };
    }
    if (template === 'sequenceClassifier' && !stateful) {
      return {
        template,
        options: { ...text, numClasses: output.units === 1 ? 2 : output.units, bidirectional, logits },
      };
    }
  }
  throw unsupported(null, `does not have the layers of a ${hint ?? 'template'}`);
}
