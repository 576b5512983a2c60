import { validate } from '../errors.js';
import { ACTIVATION_NAMES, type ActivationName } from '../layers/layer-args.js';

/** Recurrent layer kinds the templates build: rnnkit's fused `lstm`, `gru` or `simpleRNN`. */
export type RecurrentCellKind = 'lstm' | 'gru' | 'simple';

/** The cell kinds, for validation and docs. */
export const RECURRENT_CELL_KINDS: readonly RecurrentCellKind[] = Object.freeze(['lstm', 'gru', 'simple']);

// The names live with the layers that check them; templates offer the same set.
export { ACTIVATION_NAMES, type ActivationName };

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
  /** Vocabulary size, ids `0 … vocabularySize − 1` (with `maskZero`, 0 is padding). Required. */
  readonly vocabularySize: number;
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
  readonly vocabularySize: number;
  readonly embeddingDim: number;
  readonly sequenceLength: number | null;
  readonly maskZero: boolean;
}

/** Defaults of the shared options that are the same in every template (`cell` and `units` differ). */
export const DEFAULT_SHARED_OPTIONS: Readonly<
  Omit<ResolvedRecurrentStackOptions, 'cell' | 'units'> &
    ResolvedHeadOptions &
    Omit<ResolvedEmbeddingOptions, 'vocabularySize' | 'maskZero'> & { seed: number | null }
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

/** A positive integer or `null` (unknown length / batch); `undefined` reads as `null`. */
export function optionalLength(where: string, name: string, value: unknown): number | null {
  if (value === null || value === undefined) return null;
  return validate.integer(where, name, value, { min: 1 });
}

/** A rate in [0, 1). */
export function rate(where: string, name: string, value: unknown): number {
  return validate.number(where, name, value, { min: 0, max: 1, maxExclusive: true });
}

/** A list of positive integers (layer widths); a single number is a list of one. */
export function unitList(where: string, name: string, value: unknown, allowEmpty: boolean): number[] {
  const list = typeof value === 'number' ? [value] : value;
  if (!Array.isArray(list) || (!allowEmpty && list.length === 0)) {
    validate.invalid(
      where,
      name,
      value,
      allowEmpty
        ? 'must be an array of positive integers'
        : 'must be a positive integer or a non-empty array of them',
      'Pass e.g. 64 or [64, 32].',
    );
  }
  for (const units of list as unknown[]) {
    if (typeof units !== 'number' || !Number.isSafeInteger(units) || units < 1) {
      validate.invalid(where, name, value, 'must contain only positive integers', 'Pass e.g. [64, 32].');
    }
  }
  return [...(list as number[])];
}

/**
 * Checks that a template's `options` is an object whose names are all known: the keys of its
 * `defaults` plus the `required` ones. A misspelt name fails naming the closest; another
 * library's name (`vocabSize`) names rnnkit's.
 */
export function checkTemplateOptions<T extends object>(
  where: string,
  options: T,
  defaults: object,
  required: readonly string[],
): T {
  if (options === undefined)
    validate.invalid(where, 'options', options, 'must be an options object', `Call ${where}({ … }).`);
  const known = [...required, ...Object.keys(defaults)];
  return validate.options(where, options, known);
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
  const cell = validate.oneOf(where, 'cell', options.cell ?? defaults.cell, RECURRENT_CELL_KINDS);
  if (options.resetAfter !== undefined && cell !== 'gru') {
    validate.invalid(
      where,
      'resetAfter',
      options.resetAfter,
      `only applies to cell 'gru' (cell is '${cell}')`,
      "Remove resetAfter, or use cell: 'gru'.",
    );
  }
  return {
    cell,
    units: unitList(where, 'units', options.units ?? defaults.units, false),
    activation: validate.oneOf(
      where,
      'activation',
      options.activation ?? defaults.activation,
      ACTIVATION_NAMES,
    ),
    dropout: rate(where, 'dropout', options.dropout ?? defaults.dropout),
    recurrentDropout: rate(where, 'recurrentDropout', options.recurrentDropout ?? defaults.recurrentDropout),
    resetAfter: validate.boolean(where, 'resetAfter', options.resetAfter ?? defaults.resetAfter),
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
    hiddenUnits: unitList(where, 'hiddenUnits', options.hiddenUnits ?? defaults.hiddenUnits, true),
    hiddenActivation: validate.oneOf(
      where,
      'hiddenActivation',
      options.hiddenActivation ?? defaults.hiddenActivation,
      ACTIVATION_NAMES,
    ),
    batchNorm: validate.boolean(where, 'batchNorm', options.batchNorm ?? defaults.batchNorm),
    layerDropout: rate(where, 'layerDropout', options.layerDropout ?? defaults.layerDropout),
  };
}

/**
 * Resolves the Embedding options against a template's defaults.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a missing `vocabularySize` or a bad value.
 */
export function resolveEmbeddingOptions(
  where: string,
  options: Partial<EmbeddingOptions>,
  defaults: Omit<ResolvedEmbeddingOptions, 'vocabularySize'>,
): ResolvedEmbeddingOptions {
  const vocabularySize = validate.integer(where, 'vocabularySize', options.vocabularySize, { min: 1 });
  const maskZero = validate.boolean(where, 'maskZero', options.maskZero ?? defaults.maskZero);
  if (maskZero && vocabularySize < 2) {
    validate.invalid(
      where,
      'vocabularySize',
      vocabularySize,
      'must be at least 2 with maskZero (id 0 is padding)',
      'Count the padding id in vocabularySize.',
    );
  }
  return {
    vocabularySize,
    embeddingDim: validate.integer(where, 'embeddingDim', options.embeddingDim ?? defaults.embeddingDim, {
      min: 1,
    }),
    sequenceLength: optionalLength(
      where,
      'sequenceLength',
      options.sequenceLength === undefined ? defaults.sequenceLength : options.sequenceLength,
    ),
    maskZero,
  };
}

/** The template's `seed`: an integer or `null`. */
export function templateSeed(where: string, value: unknown): number | null {
  return validate.seed(where, 'seed', value);
}
