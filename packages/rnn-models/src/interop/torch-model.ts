import type { layers } from '@tensorflow/tfjs-layers';
import * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { type ForecasterOptions, forecaster } from '../templates/forecaster.js';
import { type LanguageModelOptions, languageModel } from '../templates/language-model.js';
import { type SequenceClassifierOptions, sequenceClassifier } from '../templates/sequence-classifier.js';
import { type SequenceTaggerOptions, sequenceTagger } from '../templates/sequence-tagger.js';
import type { ActivationName, RecurrentCellKind } from '../templates/shared-options.js';
import { decodeSafetensors, encodeSafetensors } from './safetensors.js';
import {
  type DenseInfo,
  denseOf,
  layersFromTorch,
  layersToTorch,
  recurrentKind,
  type TorchLayerEntry,
  torchLayerShapes,
  torchMismatch,
} from './torch-layers.js';

type Layer = layers.Layer;

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
  const entries = torchEntries(model);
  const shapes = torchLayerShapes(entries);
  // the options must rebuild this very model: same names, same shapes
  const rebuilt = buildTemplate(template);
  try {
    const expected = torchLayerShapes(torchEntries(rebuilt));
    for (const [name, shape] of shapes) {
      const other = expected.get(name);
      if (other === undefined || other.join() !== shape.join() || expected.size !== shapes.size) {
        throw new RnnModelsError(
          'RNN_MODELS_UNSUPPORTED_MODEL',
          `exportTorch: the model does not match what ${template.template}(${JSON.stringify(template.options)}) builds ` +
            `(tensor '${name}' [${shape.join(', ')}] vs ${other === undefined ? 'none' : `[${other.join(', ')}]`}). ` +
            'Export models built by an rnnkit template, unchanged.',
        );
      }
    }
  } finally {
    rebuilt.dispose();
  }
  const tensors = layersToTorch(entries);
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
    const entries = torchEntries(model);
    const used = layersFromTorch(entries, tensors, source);
    const extra = [...tensors.keys()].filter((name) => !used.has(name));
    if (extra.length > 0) {
      throw torchMismatch(
        source,
        `has tensor '${extra[0]}'${extra.length > 1 ? ` (and ${extra.length - 1} more)` : ''}, which the config's ${checked.template} has no place for`,
      );
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

/** The layers of a template-built model with their prefixes, as rnnkit_torch.RnnkitModel names them. */
function torchEntries(model: tfl.LayersModel): TorchLayerEntry[] {
  const entries: TorchLayerEntry[] = [];
  let recurrent = 0;
  let hidden = 0;
  let afterDense = false;
  const denseLayers = model.layers.filter((layer) => denseOf(layer) !== null);
  for (const layer of model.layers) {
    const kind = layer.getClassName();
    let prefix: string | null = null;
    if (kind === 'Embedding') {
      prefix = 'embedding.';
    } else if (recurrentKind(layer) !== null || kind === 'Bidirectional') {
      prefix = `recurrent.${recurrent++}.`;
      afterDense = false;
    } else if (denseOf(layer) !== null) {
      prefix = layer === denseLayers[denseLayers.length - 1] ? 'output.' : `hidden.${hidden++}.`;
      afterDense = true;
    } else if (kind === 'BatchNormalization') {
      prefix = afterDense ? `hidden_norm.${hidden - 1}.` : `recurrent_norm.${recurrent - 1}.`;
    }
    if (prefix !== null) entries.push({ layer, prefix });
  }
  return entries;
}

// ---------------------------------------------------------------------------------------------
// The template and its options, read from the layers.

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
