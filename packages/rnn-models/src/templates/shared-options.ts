import type { SimpleRNNLayerArgs } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';

/** Recurrent layer kinds the templates build: rnnkit's fused `lstm`, `gru` or `simpleRNN`. */
export type RecurrentCellKind = 'lstm' | 'gru' | 'simple';

/** The cell kinds, for validation and docs. */
export const RECURRENT_CELL_KINDS: readonly RecurrentCellKind[] = Object.freeze(['lstm', 'gru', 'simple']);

/** A tfjs-layers activation name (tfjs' `ActivationIdentifier`). */
export type ActivationName = NonNullable<SimpleRNNLayerArgs['activation']>;

/** Every activation tfjs-layers 4.22 knows by name. */
export const ACTIVATION_NAMES: readonly ActivationName[] = Object.freeze([
  'elu',
  'hardSigmoid',
  'linear',
  'relu',
  'relu6',
  'selu',
  'sigmoid',
  'softmax',
  'softplus',
  'softsign',
  'tanh',
  'swish',
  'mish',
  'gelu',
  'gelu_new',
] satisfies ActivationName[]);

/**
 * Options of the recurrent stack, shared by every template.
 */
export interface RecurrentStackOptions {
  /**
   * Recurrent layer kind: rnnkit's fused `lstm`, `gru` (Keras' reset-after GRU by default) or `simpleRNN`.
   * @default template-specific (see each template's `DEFAULT_*_OPTIONS`)
   */
  readonly cell?: RecurrentCellKind;
  /**
   * Units of each recurrent layer, bottom to top. A number is one layer; `[64, 32]` stacks two, all
   * but the last returning sequences into the next (the last too in many-to-many templates).
   * @default template-specific
   */
  readonly units?: number | readonly number[];
  /**
   * Activation of the recurrent layers' candidate/output (Keras `activation`; the Keras poetry
   * notebook uses `'relu'`).
   * @default 'tanh'
   */
  readonly activation?: ActivationName;
  /**
   * Input dropout rate of every recurrent layer (Keras `dropout`: one mask per sequence on the
   * layer's inputs, while training only), in [0, 1).
   * @default 0
   */
  readonly dropout?: number;
  /**
   * Dropout rate on the recurrent state of every recurrent layer (Keras `recurrent_dropout`), in [0, 1).
   * @default 0
   */
  readonly recurrentDropout?: number;
  /**
   * GRU only: Keras' `reset_after` (`true`: reset gate applied after the recurrent matmul, two bias
   * rows, Keras 2's and PyTorch's GRU; `false`: the original GRU, one bias row). Setting it with
   * another `cell` throws.
   * @default true
   */
  readonly resetAfter?: boolean;
}

/** Options of the layers between the recurrent stack and the output layer, shared by every template. */
export interface HeadOptions {
  /**
   * Units of hidden Dense layers after the recurrent stack, before the output layer.
   * @default []
   */
  readonly hiddenUnits?: readonly number[];
  /**
   * Activation of the hidden Dense layers.
   * @default 'relu'
   */
  readonly hiddenActivation?: ActivationName;
  /**
   * Add a BatchNormalization layer after every recurrent layer and every hidden Dense layer (the
   * Keras poetry notebooks do). Its moving mean and variance count as non-trainable parameters.
   * @default false
   */
  readonly batchNorm?: boolean;
  /**
   * Rate of a Dropout layer added after every recurrent layer and every hidden Dense layer (after its
   * BatchNormalization), in [0, 1); 0 adds none. Unlike `dropout`, this drops the layer's outputs.
   * @default 0
   */
  readonly layerDropout?: number;
}

/** Options of the token Embedding that starts the text templates. */
export interface EmbeddingOptions {
  /** Vocabulary size, ids `0 … vocabSize − 1` (with `maskZero`, 0 is padding). Required. */
  readonly vocabSize: number;
  /**
   * Embedding width.
   * @default 64
   */
  readonly embeddingDim?: number;
  /**
   * Length of the input sequences (Keras `input_length`); `null` accepts any length.
   * @default null
   */
  readonly sequenceLength?: number | null;
  /**
   * Treat id 0 as padding: the Embedding emits a mask, recurrent layers carry their state over
   * padded steps and repeat the previous output there (Keras `mask_zero`). tfjs' `fit` does not
   * mask the loss; give padded targets a class the model can learn or accept their loss.
   * @default false (the sequence tagger: true)
   */
  readonly maskZero?: boolean;
}

/** Seed option shared by every template. */
export interface SeedOptions {
  /**
   * Seed of the initial weights (each initializer gets `seed + k`, k counting up through the model)
   * and of the recurrent layers' dropout masks (rnnkit's layers draw a new seed per call). Dropout
   * *layers* (`layerDropout`) stay unseeded: tfjs' `Dropout` with a seed repeats the same mask on
   * every batch. `null`: unseeded.
   * @default null
   */
  readonly seed?: number | null;
}

/** {@link RecurrentStackOptions} with every default filled in. */
export interface ResolvedRecurrentStackOptions {
  readonly cell: RecurrentCellKind;
  readonly units: readonly number[];
  readonly activation: ActivationName;
  readonly dropout: number;
  readonly recurrentDropout: number;
  readonly resetAfter: boolean;
}

/** {@link HeadOptions} with every default filled in. */
export interface ResolvedHeadOptions {
  readonly hiddenUnits: readonly number[];
  readonly hiddenActivation: ActivationName;
  readonly batchNorm: boolean;
  readonly layerDropout: number;
}

/** {@link EmbeddingOptions} with every default filled in. */
export interface ResolvedEmbeddingOptions {
  readonly vocabSize: number;
  readonly embeddingDim: number;
  readonly sequenceLength: number | null;
  readonly maskZero: boolean;
}

/** Defaults of the shared options that are the same in every template (`cell` and `units` differ). */
export const DEFAULT_SHARED_OPTIONS: Readonly<
  Omit<ResolvedRecurrentStackOptions, 'cell' | 'units'> &
    ResolvedHeadOptions &
    Omit<ResolvedEmbeddingOptions, 'vocabSize' | 'maskZero'> & { seed: number | null }
> = Object.freeze({
  activation: 'tanh',
  dropout: 0,
  recurrentDropout: 0,
  resetAfter: true,
  hiddenUnits: Object.freeze([]) as readonly number[],
  hiddenActivation: 'relu',
  batchNorm: false,
  layerDropout: 0,
  embeddingDim: 64,
  sequenceLength: null,
  seed: null,
});

/** Throws the templates' option error: names the option, the value, the rule and the fix. */
export function invalidOption(where: string, name: string, value: unknown, rule: string, fix: string): never {
  throw new RnnModelsError(
    'RNN_MODELS_INVALID_OPTION',
    `${where}: option ${name} ${rule}, received ${describe(value)}. ${fix}`,
  );
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(describe).join(', ')}]`;
  if (value === undefined) return 'undefined';
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

/** A positive integer option (sizes, units, steps). */
export function checkPositiveInteger(where: string, name: string, value: unknown, fix: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    invalidOption(where, name, value, 'must be a positive integer', fix);
  }
  return value;
}

/** A positive integer or `null` (unknown length / batch). */
export function checkOptionalLength(where: string, name: string, value: unknown, fix: string): number | null {
  if (value === null || value === undefined) return null;
  return checkPositiveInteger(where, name, value, fix);
}

/** A rate in [0, 1). */
export function checkRate(where: string, name: string, value: unknown): number {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    invalidOption(where, name, value, 'must be a number in [0, 1)', 'Pass e.g. 0.2, or 0 to disable it.');
  }
  return value;
}

/** A boolean option. */
export function checkBoolean(where: string, name: string, value: unknown): boolean {
  if (typeof value !== 'boolean')
    invalidOption(where, name, value, 'must be true or false', 'Pass a boolean.');
  return value;
}

/** One of a fixed set of strings. */
export function checkOneOf<T extends string>(
  where: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    invalidOption(
      where,
      name,
      value,
      `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}`,
      'Pick one of them.',
    );
  }
  return value as T;
}

/** An integer seed or `null`. */
export function checkSeed(where: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    invalidOption(
      where,
      'seed',
      value,
      'must be an integer or null',
      'Pass e.g. seed: 42, or null for unseeded.',
    );
  }
  return value;
}

/** A list of positive integers (hidden layer widths). */
export function checkUnitList(where: string, name: string, value: unknown, allowEmpty: boolean): number[] {
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || (!allowEmpty && list.length === 0)) {
    invalidOption(
      where,
      name,
      value,
      allowEmpty
        ? 'must be an array of positive integers'
        : 'must be a positive integer or a non-empty array of them',
      'Pass e.g. 64 or [64, 32].',
    );
  }
  for (const units of list) {
    if (typeof units !== 'number' || !Number.isInteger(units) || units < 1) {
      invalidOption(where, name, value, 'must contain only positive integers', 'Pass e.g. [64, 32].');
    }
  }
  return [...(list as number[])];
}

/**
 * Resolves the recurrent stack options against a template's defaults.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a bad value, or `resetAfter` set with a non-GRU cell.
 */
export function resolveRecurrentStackOptions(
  where: string,
  options: RecurrentStackOptions,
  defaults: ResolvedRecurrentStackOptions,
): ResolvedRecurrentStackOptions {
  const cell = checkOneOf(where, 'cell', options.cell ?? defaults.cell, RECURRENT_CELL_KINDS);
  if (options.resetAfter !== undefined && cell !== 'gru') {
    invalidOption(
      where,
      'resetAfter',
      options.resetAfter,
      `only applies to cell 'gru' (cell is '${cell}')`,
      "Remove resetAfter, or use cell: 'gru'.",
    );
  }
  return {
    cell,
    units: checkUnitList(where, 'units', options.units ?? defaults.units, false),
    activation: checkOneOf(where, 'activation', options.activation ?? defaults.activation, ACTIVATION_NAMES),
    dropout: checkRate(where, 'dropout', options.dropout ?? defaults.dropout),
    recurrentDropout: checkRate(
      where,
      'recurrentDropout',
      options.recurrentDropout ?? defaults.recurrentDropout,
    ),
    resetAfter: checkBoolean(where, 'resetAfter', options.resetAfter ?? defaults.resetAfter),
  };
}

/**
 * Resolves the head options against a template's defaults.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a bad value.
 */
export function resolveHeadOptions(
  where: string,
  options: HeadOptions,
  defaults: ResolvedHeadOptions,
): ResolvedHeadOptions {
  return {
    hiddenUnits: checkUnitList(where, 'hiddenUnits', options.hiddenUnits ?? defaults.hiddenUnits, true),
    hiddenActivation: checkOneOf(
      where,
      'hiddenActivation',
      options.hiddenActivation ?? defaults.hiddenActivation,
      ACTIVATION_NAMES,
    ),
    batchNorm: checkBoolean(where, 'batchNorm', options.batchNorm ?? defaults.batchNorm),
    layerDropout: checkRate(where, 'layerDropout', options.layerDropout ?? defaults.layerDropout),
  };
}

/**
 * Resolves the Embedding options against a template's defaults.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a missing `vocabSize` or a bad value.
 */
export function resolveEmbeddingOptions(
  where: string,
  options: Partial<EmbeddingOptions>,
  defaults: Omit<ResolvedEmbeddingOptions, 'vocabSize'>,
): ResolvedEmbeddingOptions {
  const vocabSize = checkPositiveInteger(
    where,
    'vocabSize',
    options.vocabSize,
    'Pass the vocabulary size (number of distinct ids, including padding 0).',
  );
  const maskZero = checkBoolean(where, 'maskZero', options.maskZero ?? defaults.maskZero);
  if (maskZero && vocabSize < 2) {
    invalidOption(
      where,
      'vocabSize',
      vocabSize,
      'must be at least 2 with maskZero (id 0 is padding)',
      'Count the padding id in vocabSize.',
    );
  }
  return {
    vocabSize,
    embeddingDim: checkPositiveInteger(
      where,
      'embeddingDim',
      options.embeddingDim ?? defaults.embeddingDim,
      'Pass e.g. embeddingDim: 64.',
    ),
    sequenceLength: checkOptionalLength(
      where,
      'sequenceLength',
      options.sequenceLength === undefined ? defaults.sequenceLength : options.sequenceLength,
      'Pass a positive integer, or null for any length.',
    ),
    maskZero,
  };
}

/** Throws when `options` is not a plain object (templates take one options object). */
export function checkOptionsObject(where: string, options: unknown): void {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    invalidOption(where, 'options', options, 'must be an options object', `Call ${where}({ … }).`);
  }
}
