import { validate } from './errors.js';

/** Recurrent cell of the encoder and decoder. */
export type Seq2SeqCell = 'gru' | 'lstm';

/** The cells, for validation and docs. */
export const SEQ2SEQ_CELLS: readonly Seq2SeqCell[] = Object.freeze(['gru', 'lstm']);

/**
 * How each decoder step is scored against every encoder output (`h_t` decoder output, `s_j`
 * encoder output): `'luong-dot'` `h_t · s_j`; `'luong-general'` `h_t · W_a s_j`; `'bahdanau'`
 * the additive score `v · tanh(W1 h_t + W2 s_j)`, applied after the decoder RNN like Luong's
 * (Bahdanau et al. feed the context into the RNN instead); `'none'`: no attention.
 */
export type AttentionKind = 'none' | 'luong-dot' | 'luong-general' | 'bahdanau';

/** The attention kinds, for validation and docs. */
export const ATTENTION_KINDS: readonly AttentionKind[] = Object.freeze([
  'none',
  'luong-dot',
  'luong-general',
  'bahdanau',
]);

/** Options of {@link encoderDecoder}. Id 0 is padding in both vocabularies. */
export interface EncoderDecoderOptions {
  /** Distinct source token ids, padding (id 0) included. */
  readonly sourceVocabularySize: number;
  /** Distinct target token ids, padding (id 0), BOS and EOS included; the logits' last axis. */
  readonly targetVocabularySize: number;
  /**
   * Width of the source and target embeddings.
   * @default 64
   */
  readonly embeddingDim?: number;
  /**
   * Units of every encoder and decoder recurrent layer (a bidirectional encoder sums its two
   * directions, so it also hands `units` to the decoder).
   * @default 128
   */
  readonly units?: number;
  /**
   * Recurrent cell of encoder and decoder: rnnkit's fused `gru` (Keras semantics, reset gate
   * after the recurrent product) or `lstm`.
   * @default 'gru'
   */
  readonly cell?: Seq2SeqCell;
  /**
   * Recurrent layers in the encoder and (as many) in the decoder; decoder layer i starts from
   * encoder layer i's final state.
   * @default 1
   */
  readonly layers?: number;
  /**
   * Wrap every encoder layer in `Bidirectional`, outputs and final states merged by sum (Keras'
   * `merge_mode="sum"`).
   * @default false
   */
  readonly bidirectionalEncoder?: boolean;
  /**
   * Attention after the decoder RNN (see {@link AttentionKind}).
   * @default 'luong-dot'
   */
  readonly attention?: AttentionKind;
  /**
   * Input dropout rate of every recurrent layer (Keras' `dropout`), in `[0, 1)`; training only.
   * @default 0
   */
  readonly dropout?: number;
  /**
   * Seed of the initial weights and dropout masks; `null`: unseeded.
   * @default null
   */
  readonly seed?: number | null;
}

/** {@link EncoderDecoderOptions} with every default filled in: the model's configuration. */
export interface EncoderDecoderConfig {
  readonly sourceVocabularySize: number;
  readonly targetVocabularySize: number;
  readonly embeddingDim: number;
  readonly units: number;
  readonly cell: Seq2SeqCell;
  readonly layers: number;
  readonly bidirectionalEncoder: boolean;
  readonly attention: AttentionKind;
  readonly dropout: number;
  readonly seed: number | null;
}

/** Defaults of {@link EncoderDecoderOptions} (every option but the two vocabulary sizes). */
export const DEFAULT_ENCODER_DECODER_OPTIONS: Readonly<
  Omit<EncoderDecoderConfig, 'sourceVocabularySize' | 'targetVocabularySize'>
> = Object.freeze({
  embeddingDim: 64,
  units: 128,
  cell: 'gru',
  layers: 1,
  bidirectionalEncoder: false,
  attention: 'luong-dot',
  dropout: 0,
  seed: null,
});

const WHERE = 'encoderDecoder';

/**
 * Validates {@link EncoderDecoderOptions} and fills in {@link DEFAULT_ENCODER_DECODER_OPTIONS}.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_OPTION` for a missing vocabulary size, an unknown option
 *   (naming the closest), or a value of the wrong type or range.
 */
export function resolveEncoderDecoderOptions(options: EncoderDecoderOptions): EncoderDecoderConfig {
  const given = validate.withDefaults(WHERE, options, DEFAULT_ENCODER_DECODER_OPTIONS, [
    'sourceVocabularySize',
    'targetVocabularySize',
  ]);
  const vocabularyFix = 'Pass the vocabulary size including padding (id 0), e.g. vocabulary.size.';
  if (given.sourceVocabularySize === undefined) {
    validate.invalid(WHERE, 'sourceVocabularySize', undefined, 'is required', vocabularyFix);
  }
  if (given.targetVocabularySize === undefined) {
    validate.invalid(WHERE, 'targetVocabularySize', undefined, 'is required', vocabularyFix);
  }
  return Object.freeze({
    sourceVocabularySize: validate.integer(WHERE, 'sourceVocabularySize', given.sourceVocabularySize, {
      min: 2,
    }),
    targetVocabularySize: validate.integer(WHERE, 'targetVocabularySize', given.targetVocabularySize, {
      min: 2,
    }),
    embeddingDim: validate.integer(WHERE, 'embeddingDim', given.embeddingDim, { min: 1 }),
    units: validate.integer(WHERE, 'units', given.units, { min: 1 }),
    cell: validate.oneOf(WHERE, 'cell', given.cell, SEQ2SEQ_CELLS),
    layers: validate.integer(WHERE, 'layers', given.layers, { min: 1 }),
    bidirectionalEncoder: validate.boolean(WHERE, 'bidirectionalEncoder', given.bidirectionalEncoder),
    attention: validate.oneOf(WHERE, 'attention', given.attention, ATTENTION_KINDS),
    dropout: validate.number(WHERE, 'dropout', given.dropout, { min: 0, max: 1, maxExclusive: true }),
    seed: validate.seed(WHERE, 'seed', given.seed),
  });
}
