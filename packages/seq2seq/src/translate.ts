import { describeValue } from '@rnnkit/core';
import { beamSearch, generate } from '@rnnkit/sampling';
import * as tf from '@tensorflow/tfjs-core';
import type { EncoderDecoder } from './encoder-decoder.js';
import { Seq2SeqError, validate } from './errors.js';

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
   * `'greedy'` (argmax: `generate` with temperature 0), `'sample'` (`generate` with
   * `temperature`, seeded) or `'beam'` (`beamSearch` with `beamWidth`).
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
  returnAttention: false,
  signal: null,
}) satisfies Readonly<Required<Omit<TranslateOptions, 'bos' | 'eos'>>>;

/** One decoded source. Plain data, owned by the caller. */
export interface Translation {
  /** Generated target ids, BOS and EOS excluded. */
  readonly ids: number[];
  /** Whether decoding ended on EOS (else it reached `maxNewTokens`). */
  readonly finished: boolean;
  /**
   * Σ natural-log probability of the generated ids (EOS included when finished) under the model,
   * from one teacher-forced pass over them (the same for every method).
   */
  readonly logProbability: number;
  /**
   * With `returnAttention`: one row per generated token (EOS included when finished), each the
   * weights over the source's positions (summing to 1); otherwise `null`.
   */
  readonly attention: number[][] | null;
}

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
 * Decodes each source with `@rnnkit/sampling`: the translator's decoder {@link EncoderDecoder.stepModel}
 * (encoder run once per source) with prompt `[bos]` and `stop: [eos]` — `generate` for
 * `'greedy'` (temperature 0) and `'sample'`, `beamSearch` for `'beam'` (the best hypothesis).
 * Sources are decoded one after the other (each its own batch; beam search runs its beams as one).
 *
 * @param sources one source (ids, unpadded) or an array of sources of any lengths; plain arrays.
 * @returns one {@link Translation} per source, plain data.
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
  const results: Translation[] = [];
  for (const [index, row] of rows.entries()) {
    const stepModel = translator.stepModel([row]);
    let generated: number[];
    try {
      if (o.method === 'beam') {
        const result = await beamSearch(stepModel, {
          prompt: [o.bos],
          stop: [o.eos],
          beamWidth: o.beamWidth,
          lengthPenalty: o.lengthPenalty,
          maxNewTokens: o.maxNewTokens,
          signal: o.signal,
        });
        generated = result.ids;
      } else {
        const result = await generate(stepModel, {
          prompt: [o.bos],
          stop: [o.eos],
          maxNewTokens: o.maxNewTokens,
          temperature: o.method === 'greedy' ? 0 : o.temperature,
          seed: o.seed + index,
          signal: o.signal,
        });
        generated = result.ids;
      }
    } finally {
      stepModel.dispose();
    }
    results.push(scoreTranslation(translator, row, generated, o.bos, o.eos, o.returnAttention));
  }
  return results;
}

/** Log-probability (and attention) of `generated` given `source`, from one teacher-forced pass. */
function scoreTranslation(
  translator: EncoderDecoder,
  source: number[],
  generated: number[],
  bos: number,
  eos: number,
  returnAttention: boolean,
): Translation {
  const finished = generated.at(-1) === eos;
  const decoderInput = [bos, ...generated.slice(0, -1)];
  const [picked, weights] = tf.tidy(() => {
    const sourceIds = tf.tensor2d([source], undefined, 'int32');
    const inputIds = tf.tensor2d([decoderInput], undefined, 'int32');
    const logits = translator.model.predict([sourceIds, inputIds]) as tf.Tensor3D;
    const labels = tf.oneHot(tf.tensor2d([generated], undefined, 'int32'), logits.shape[2]);
    const sum = tf.sum(tf.mul(tf.logSoftmax(logits), labels));
    return returnAttention ? [sum, translator.attentionWeights(sourceIds, inputIds)] : [sum];
  }) as [tf.Tensor, tf.Tensor3D?];
  const logProbability = picked.dataSync()[0]!;
  const attention = weights === undefined ? null : ((weights.arraySync() as number[][][])[0] ?? []);
  tf.dispose([picked, ...(weights === undefined ? [] : [weights])]);
  return {
    ids: finished ? generated.slice(0, -1) : generated,
    finished,
    logProbability,
    attention,
  };
}
