import { describeValue } from '@rnnkit/core';
import { beamSearchBatch } from './batched-beam-search.js';
import { decodeGreedyOrSample } from './batched-sampling.js';
import {
  decodeTargets,
  encodeSources,
  type PairVocabularies,
  requirePairVocabularies,
} from './data/pair-codec.js';
import { DecodingPace } from './decoding-loop.js';
import type { EncoderDecoder } from './encoder-decoder.js';
import { Seq2SeqError, validate } from './errors.js';
import { scoreTranslations, type Translation } from './score-translations.js';

export type { Translation } from './score-translations.js';

/** How {@link translate} picks tokens. */
export type DecodingMethod = 'greedy' | 'sample' | 'beam';

/** The decoding methods, for validation and docs. */
export const DECODING_METHODS: readonly DecodingMethod[] = Object.freeze(['greedy', 'sample', 'beam']);

/** Options of {@link translate}. */
export interface TranslateOptions {
  /** Target id every decoded sequence starts from (the decoder's first input). */
  readonly bos: number;
  /** Target id that ends a sequence (`stop: [eos]` of `@rnnkit/sampling`). */
  readonly eos: number;
  /**
   * `'greedy'` (argmax, as `generate` with temperature 0), `'sample'` (as `generate` with
   * `temperature`, seeded) or `'beam'` (as `beamSearch` with `beamWidth`) — per source the same
   * ids as those `@rnnkit/sampling` calls on it alone, decoded in batches.
   * @default 'greedy'
   */
  readonly method?: DecodingMethod;
  /**
   * Beams kept per step with `method: 'beam'` (1 equals greedy).
   * @default 4
   */
  readonly beamWidth?: number;
  /**
   * Beam search's length normalisation exponent (`Σ log p / length^lengthPenalty`).
   * @default 1
   */
  readonly lengthPenalty?: number;
  /**
   * Tokens to generate per source at most, EOS included.
   * @default 50
   */
  readonly maxNewTokens?: number;
  /**
   * Softmax temperature of `method: 'sample'`, > 0.
   * @default 1
   */
  readonly temperature?: number;
  /**
   * Seed of `method: 'sample'`; source i uses `seed + i`.
   * @default 0
   */
  readonly seed?: number;
  /**
   * Sources decoded together: each batch (sources sorted by length, padded with 0) runs the
   * encoder once and every decoding step for all its rows at once (with `'beam'`, its
   * `batchSize × beamWidth` beams). Results do not depend on it.
   * @default 64
   */
  readonly batchSize?: number;
  /**
   * Also return each generated token's attention weights over its source.
   * @default false
   */
  readonly returnAttention?: boolean;
  /**
   * Cancels decoding: the promise rejects with `@rnnkit/sampling`'s `SAMPLING_ABORTED` error.
   * @default null
   */
  readonly signal?: AbortSignal | null;
}

/** Defaults of the optional {@link TranslateOptions}. */
export const DEFAULT_TRANSLATE_OPTIONS = Object.freeze({
  method: 'greedy',
  beamWidth: 4,
  lengthPenalty: 1,
  maxNewTokens: 50,
  temperature: 1,
  seed: 0,
  batchSize: 64,
  returnAttention: false,
  signal: null,
}) satisfies Readonly<Required<Omit<TranslateOptions, 'bos' | 'eos'>>>;

const WHERE = 'translate';

function resolveTranslateOptions(options: TranslateOptions, vocabularySize: number) {
  const given = validate.withDefaults(WHERE, options, DEFAULT_TRANSLATE_OPTIONS, ['bos', 'eos']);
  const id = (name: 'bos' | 'eos') => {
    if (given[name] === undefined) {
      validate.invalid(
        WHERE,
        name,
        undefined,
        'is required',
        `Pass the target vocabulary's ${name.toUpperCase()} id.`,
      );
    }
    return validate.integer(WHERE, name, given[name], { min: 1, max: vocabularySize - 1 });
  };
  return {
    bos: id('bos'),
    eos: id('eos'),
    method: validate.oneOf(WHERE, 'method', given.method, DECODING_METHODS),
    beamWidth: validate.integer(WHERE, 'beamWidth', given.beamWidth, { min: 1 }),
    lengthPenalty: validate.number(WHERE, 'lengthPenalty', given.lengthPenalty),
    maxNewTokens: validate.integer(WHERE, 'maxNewTokens', given.maxNewTokens, { min: 1 }),
    temperature: validate.number(WHERE, 'temperature', given.temperature, { min: 0, minExclusive: true }),
    seed: validate.integer(WHERE, 'seed', given.seed),
    batchSize: validate.integer(WHERE, 'batchSize', given.batchSize, { min: 1 }),
    returnAttention: validate.boolean(WHERE, 'returnAttention', given.returnAttention),
    signal: validate.signal(WHERE, 'signal', given.signal),
  };
}

/** The sources as rows of ids (one row of numbers is one source). */
function sourceRows(sources: unknown, vocabularySize: number): number[][] {
  if (
    sources === null ||
    typeof sources !== 'object' ||
    typeof (sources as ArrayLike<unknown>).length !== 'number'
  ) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${WHERE}: sources must be a row of source ids or an array of rows, got ${describeValue(sources)}.`,
    );
  }
  const list = sources as ArrayLike<unknown>;
  const rows = (list.length > 0 && typeof list[0] === 'number' ? [list] : Array.from(list)) as unknown[];
  return rows.map((row, r) => {
    const ids = row !== null && typeof row === 'object' ? Array.from(row as ArrayLike<unknown>) : null;
    if (ids === null || ids.length === 0) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `${WHERE}: source ${r} is ${describeValue(row)}; every source must be a non-empty array of ids.`,
      );
    }
    ids.forEach((id, t) => {
      if (typeof id !== 'number' || !Number.isInteger(id) || id < 0 || id >= vocabularySize) {
        throw new Seq2SeqError(
          'SEQ2SEQ_INVALID_INPUT',
          `${WHERE}: source ${r} position ${t} is ${describeValue(id)}; ids must be integers in 0 … ${vocabularySize - 1}.`,
        );
      }
    });
    return ids as number[];
  });
}

/**
 * Decodes sources in batches of `batchSize` with the translator's decoder
 * {@link EncoderDecoder.stepModel}: sources are sorted by length, each batch is post-padded with 0
 * (masked by the encoder and attention) and encoded once, then every step decodes all its
 * unfinished rows at once, starting from `bos` and ending at `eos` or `maxNewTokens`. Each source
 * gets exactly what `@rnnkit/sampling` gives it alone with prompt `[bos]` and `stop: [eos]` —
 * `generate` at temperature 0 (`'greedy'`) or seeded with `seed + i` (`'sample'`), `beamSearch`'s
 * best hypothesis (`'beam'`) — whatever the batch size (tested). Results come back in the
 * caller's order, scored by one teacher-forced pass per batch.
 *
 * Tensors: none are taken or returned; everything made here is freed on success, error or abort.
 * Between steps it hands the event loop back every few ms and checks `signal`.
 *
 * @param sources one source (ids, unpadded) or an array of sources of any lengths; plain arrays.
 * @returns one {@link Translation} per source, in the order given, plain data.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_OPTION` for an unknown option (naming the closest), a
 *   missing `bos`/`eos` or a value out of range; `SEQ2SEQ_INVALID_INPUT` for bad sources.
 *   `SamplingError` `SAMPLING_ABORTED` when `signal` aborts. Nothing is leaked either way.
 * @example
 * const [best] = await translate(translator, [5, 9, 4], { bos: 1, eos: 2, method: 'beam', beamWidth: 5 });
 * best.ids; // e.g. [7, 3, 8]
 */
export async function translate(
  translator: EncoderDecoder,
  sources: readonly (readonly number[])[] | readonly number[],
  options: TranslateOptions,
): Promise<Translation[]> {
  const o = resolveTranslateOptions(options, translator.config.targetVocabularySize);
  if (o.returnAttention && translator.graph.attention === null) {
    validate.invalid(
      WHERE,
      'returnAttention',
      true,
      "needs a model with attention (this one was built with attention: 'none')",
      'Drop returnAttention or build the model with attention.',
    );
  }
  const rows = sourceRows(sources, translator.config.sourceVocabularySize);
  const pace = new DecodingPace(o.signal);
  pace.throwIfAborted();
  // Similar lengths together keep padding (encoder work) small; the sort is stable.
  const order = rows.map((_, i) => i).sort((a, b) => rows[a]!.length - rows[b]!.length);
  const results: Translation[] = new Array(rows.length);
  for (let start = 0; start < order.length; start += o.batchSize) {
    const batch = order.slice(start, start + o.batchSize);
    const batchRows = batch.map((i) => rows[i]!);
    const width = batchRows.at(-1)!.length;
    const stepModel = translator.stepModel(
      batchRows.map((row) => [...row, ...new Array(width - row.length).fill(0)]),
    );
    let generated: number[][];
    try {
      generated =
        o.method === 'beam'
          ? await beamSearchBatch(stepModel, o, pace)
          : await decodeGreedyOrSample(
              stepModel,
              { ...o, method: o.method, seeds: batch.map((i) => o.seed + i) },
              pace,
            );
    } finally {
      stepModel.dispose();
    }
    const scored = await scoreTranslations(translator, batchRows, generated, o.bos, o.eos, o.returnAttention);
    batch.forEach((i, k) => {
      results[i] = scored[k]!;
    });
  }
  return results;
}

/**
 * {@link translate} from text to text: `texts` are standardised and encoded as the training
 * sources were (`encodeSources`), decoded, and read back as target text (`decodeTargets`) — what
 * `evaluateTranslator` takes as its translate function. `bos`/`eos` come from `vocabularies`.
 *
 * @param vocabularies a `preparePairs` result or a loaded translator.
 * @param options {@link TranslateOptions} without `bos`/`eos`.
 * @returns one translation per text, in order; plain strings.
 * @throws as {@link translate} and `encodeSources`/`decodeTargets`.
 * @example
 * await translateTexts(translator, ['Go now!'], prepared, { method: 'beam' }); // ['va maintenant !']
 */
export async function translateTexts(
  translator: EncoderDecoder,
  texts: readonly string[],
  vocabularies: PairVocabularies,
  options: Omit<TranslateOptions, 'bos' | 'eos'> = {},
): Promise<string[]> {
  const { bos, eos } = requirePairVocabularies('translateTexts', vocabularies);
  if (options !== null && typeof options === 'object' && ('bos' in options || 'eos' in options)) {
    validate.invalid(
      'translateTexts',
      'bos' in options ? 'bos' : 'eos',
      (options as TranslateOptions).bos ?? (options as TranslateOptions).eos,
      'is taken from the vocabularies',
      'Drop it from the options.',
    );
  }
  if (texts.length === 0) return [];
  const { sequences } = encodeSources(texts, vocabularies);
  // A text standardised to nothing still decodes, from the OOV id, rather than failing the batch.
  const sources = sequences.map((row) =>
    row.length === 0 ? [vocabularies.sourceVocabulary.specialIds.oov ?? 1] : row,
  );
  const translations = await translate(translator, sources, { ...options, bos, eos });
  return decodeTargets(
    translations.map((translation) => translation.ids),
    vocabularies,
  );
}
