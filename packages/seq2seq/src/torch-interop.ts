import {
  decodeSafetensors,
  encodeSafetensors,
  layersFromTorch,
  layersToTorch,
  RnnModelsError,
  type SafetensorsTensor,
  TORCH_CONFIG_FORMAT,
  TORCH_CONFIG_VERSION,
  type TorchLayerEntry,
} from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import type { LayerVariable } from '@tensorflow/tfjs-layers';
import { EncoderDecoder, encoderDecoder } from './encoder-decoder.js';
import type { EncoderDecoderOptions } from './encoder-decoder-options.js';
import { Seq2SeqError, validate } from './errors.js';

/** `template` of an encoder–decoder's `config.json` (rnnkit_torch.py's `SEQ2SEQ`). */
export const ENCODER_DECODER_TEMPLATE = 'encoderDecoder';

/**
 * `config.json` of an encoder–decoder exported for PyTorch: rnn-models' PyTorch format with the
 * template `encoderDecoder` and its options (the seed left out).
 */
export interface EncoderDecoderTorchConfig {
  readonly format: typeof TORCH_CONFIG_FORMAT;
  readonly formatVersion: number;
  readonly template: typeof ENCODER_DECODER_TEMPLATE;
  readonly options: EncoderDecoderOptions;
  readonly extras?: unknown;
}

/** Options of {@link encodeTorchEncoderDecoder}. */
export interface EncodeTorchEncoderDecoderOptions {
  /**
   * JSON stored as `extras` in `config.json` (the vocabularies), kept by `rnnkit_torch.save`.
   * @default undefined
   */
  readonly extras?: unknown;
}

/**
 * Encodes an encoder–decoder for PyTorch (`rnnkit_torch.EncoderDecoderModel`): safetensors bytes
 * with PyTorch `state_dict` names — `source_embedding.weight`, `encoder.<i>.weight_ih_l0[_reverse]`
 * …, `target_embedding.weight`, `decoder.<i>.…`, `attention.{wa,w1,w2,v,wc}.weight` (Keras'
 * matrices transposed, as `nn.Linear` stores them), `output.weight|bias` — and the config. The
 * recurrent and Dense layers go through rnn-models' `layersToTorch` (its README table).
 *
 * Tensors: reads the weights; leaves none behind.
 * @example
 * ```ts
 * const { config, safetensors } = encodeTorchEncoderDecoder(translator, { extras: { vocabularies } });
 * ```
 */
export function encodeTorchEncoderDecoder(
  model: EncoderDecoder,
  options: EncodeTorchEncoderDecoderOptions = {},
): { config: EncoderDecoderTorchConfig; safetensors: Uint8Array } {
  const where = 'exportTorchEncoderDecoder';
  if (!(model instanceof EncoderDecoder)) {
    validate.invalid(where, 'model', model, 'must be an EncoderDecoder (encoderDecoder(…) or a loaded one)');
  }
  const { extras } = validate.options(where, options ?? {}, ['extras']);
  const { seed: _seed, ...rest } = model.config;
  const config: EncoderDecoderTorchConfig = {
    format: TORCH_CONFIG_FORMAT,
    formatVersion: TORCH_CONFIG_VERSION,
    template: ENCODER_DECODER_TEMPLATE,
    options: rest,
    ...(extras === undefined ? {} : { extras: JSON.parse(JSON.stringify(extras)) }),
  };
  const tensors = layersToTorch(layerEntries(model));
  for (const [name, tensor] of attentionToTorch(model)) tensors.set(name, tensor);
  return { config, safetensors: encodeSafetensors(tensors, { format: 'pt', generator: '@rnnkit/seq2seq' }) };
}

/**
 * Builds the encoder–decoder `config` describes (through `encoderDecoder`, whose validator checks
 * the options) and loads the safetensors `bytes` into it.
 *
 * Tensors: the caller owns the returned model (`dispose()`); nothing is left behind when it throws.
 * @throws {Seq2SeqError} `SEQ2SEQ_CHECKPOINT_CORRUPT` for a config of another format, version or
 * template; `SEQ2SEQ_INVALID_OPTION` for bad options.
 * @throws {RnnModelsError} `RNN_MODELS_CHECKPOINT_CORRUPT` for a damaged file,
 * `RNN_MODELS_CHECKPOINT_MISMATCH` naming a tensor that is missing, extra or of the wrong shape.
 */
export function decodeTorchEncoderDecoder(
  config: unknown,
  bytes: Uint8Array,
  source = 'model.safetensors',
): { encoderDecoder: EncoderDecoder; config: EncoderDecoderTorchConfig } {
  const checked = checkConfig(config);
  const { tensors } = decodeSafetensors(bytes, { source });
  const model = encoderDecoder(checked.options);
  try {
    const used = layersFromTorch(layerEntries(model), tensors, source);
    for (const name of attentionFromTorch(model, tensors, source)) used.add(name);
    const extra = [...tensors.keys()].filter((name) => !used.has(name));
    if (extra.length > 0)
      throw mismatch(source, `has tensor '${extra[0]}', which the config's encoderDecoder has no place for`);
  } catch (error) {
    model.dispose();
    throw error;
  }
  return { encoderDecoder: model, config: checked };
}

function checkConfig(config: unknown): EncoderDecoderTorchConfig {
  const c = (typeof config === 'object' && config !== null ? config : {}) as Record<string, unknown>;
  const problem =
    c.format !== TORCH_CONFIG_FORMAT
      ? `has format ${JSON.stringify(c.format)}`
      : c.formatVersion !== TORCH_CONFIG_VERSION
        ? `has formatVersion ${JSON.stringify(c.formatVersion)} (this version reads ${TORCH_CONFIG_VERSION})`
        : c.template !== ENCODER_DECODER_TEMPLATE
          ? `describes a ${JSON.stringify(c.template)}, not an encoderDecoder (use rnn-models' importTorch)`
          : typeof c.options !== 'object' || c.options === null
            ? 'has no options object'
            : null;
  if (problem !== null) {
    throw new Seq2SeqError(
      'SEQ2SEQ_CHECKPOINT_CORRUPT',
      `importTorchEncoderDecoder: config.json ${problem}. It should be what exportTorchEncoderDecoder or rnnkit_torch.save wrote.`,
    );
  }
  return c as unknown as EncoderDecoderTorchConfig;
}

function mismatch(source: string, problem: string): RnnModelsError {
  return new RnnModelsError(
    'RNN_MODELS_CHECKPOINT_MISMATCH',
    `importTorchEncoderDecoder: ${source} ${problem}. The safetensors file and config.json must come from the same model.`,
  );
}

/** The layers rnn-models maps, with the names rnnkit_torch.EncoderDecoderModel gives them. */
function layerEntries(model: EncoderDecoder): TorchLayerEntry[] {
  const { cell, layers, bidirectionalEncoder } = model.config;
  const named = (suffix: string) => {
    const layer = model.model.layers.find((l) => l.name.endsWith(`_${suffix}`));
    if (layer === undefined) {
      throw new Seq2SeqError('SEQ2SEQ_INVALID_INPUT', `encoder–decoder layer '…_${suffix}' not found.`);
    }
    return layer;
  };
  const entries: TorchLayerEntry[] = [{ layer: named('source_embedding'), prefix: 'source_embedding.' }];
  for (let i = 0; i < layers; i++) {
    const suffix = bidirectionalEncoder ? `encoder_bidirectional_${i}` : `encoder_${cell}_${i}`;
    entries.push({ layer: named(suffix), prefix: `encoder.${i}.` });
  }
  entries.push({ layer: model.graph.targetEmbedding, prefix: 'target_embedding.' });
  model.graph.decoderLayers.forEach((layer, i) => {
    entries.push({ layer, prefix: `decoder.${i}.` });
  });
  entries.push({ layer: model.graph.head, prefix: 'output.' });
  return entries;
}

/** Attention matrices: Keras `[in, out]` ↔ `nn.Linear` `weight [out, in]`; `v [u]` ↔ `[1, u]`. */
function attentionVariables(model: EncoderDecoder): [string, LayerVariable][] {
  const attention = model.graph.attention;
  if (attention === null) return [];
  return attention.weights.map((w) => [`attention.${w.originalName.split('/').pop()}.weight`, w]);
}

function torchShape(variable: LayerVariable): number[] {
  const [rows, cols] = variable.shape as number[];
  return cols === undefined ? [1, rows!] : [cols, rows!];
}

function attentionToTorch(model: EncoderDecoder): Map<string, SafetensorsTensor> {
  const out = new Map<string, SafetensorsTensor>();
  for (const [name, variable] of attentionVariables(model)) {
    const values = variable.read().dataSync() as Float32Array;
    const [rows, cols = 1] = variable.shape as number[];
    out.set(name, { shape: torchShape(variable), data: transpose(values, rows!, cols) });
  }
  return out;
}

function attentionFromTorch(
  model: EncoderDecoder,
  tensors: ReadonlyMap<string, SafetensorsTensor>,
  source: string,
): string[] {
  const pairs = attentionVariables(model);
  for (const [name, variable] of pairs) {
    const found = tensors.get(name);
    const shape = torchShape(variable);
    if (found === undefined)
      throw mismatch(source, `has no tensor '${name}', which the attention needs ([${shape.join(', ')}])`);
    if (found.shape.join() !== shape.join()) {
      throw mismatch(
        source,
        `has tensor '${name}' of shape [${found.shape.join(', ')}], but the attention needs [${shape.join(', ')}]`,
      );
    }
  }
  tf.tidy(() => {
    for (const [name, variable] of pairs) {
      const [rows, cols = 1] = variable.shape as number[];
      variable.write(tf.tensor(transpose(tensors.get(name)!.data, cols, rows!), variable.shape as number[]));
    }
  });
  return pairs.map(([name]) => name);
}

function transpose(matrix: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) out[c * rows + r] = matrix[r * cols + c]!;
  return out;
}
