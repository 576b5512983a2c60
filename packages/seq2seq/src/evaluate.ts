import { describeValue } from '@rnnkit/core';
import {
  type BleuOptions,
  corpusBleu,
  MetricsError,
  sequenceExactMatch,
  tokenAccuracy,
} from '@rnnkit/metrics';
import type { StandardizeOptions } from '@rnnkit/tokenize';
import {
  resolveStandardize,
  splitTokens,
  standardizeText,
  TOKEN_LEVELS,
  type TokenLevel,
} from './data/standardize-text.js';
import { Seq2SeqError, validate } from './errors.js';

/**
 * What {@link evaluateTranslator} calls: source sentences in, one translation each out (as text;
 * decode ids with `decodeTargets` first). Only strings cross this boundary, no tensors.
 */
export type TranslateFunction = (sources: string[]) => Promise<readonly string[]> | readonly string[];

/** Options of {@link evaluateTranslations}. */
export interface EvaluateTranslationsOptions {
  /**
   * Standardize steps applied to references and hypotheses before splitting them into tokens:
   * `true` for `TRANSLATION_STANDARDIZE`, `false` for none, or `@rnnkit/tokenize` steps. Use
   * what `preparePairs` used, so references are tokenised as the model's targets were (the
   * notebook's steps are idempotent: already standardised hypotheses are unchanged).
   * @default true
   */
  readonly standardize?: boolean | StandardizeOptions;
  /**
   * Token unit of the targets, for BLEU and token accuracy.
   * @default 'word'
   */
  readonly level?: TokenLevel;
  /**
   * Options of `corpusBleu` from `@rnnkit/metrics` (`weights`, `smoothing`, `autoReweigh`,
   * `onWarning`); the defaults are NLTK's: BLEU-4, no smoothing.
   * @default {}
   */
  readonly bleu?: BleuOptions;
}

/** Options of {@link evaluateTranslator}. */
export interface EvaluateTranslatorOptions extends EvaluateTranslationsOptions {
  /**
   * Sources per call of the translate function.
   * @default 64
   */
  readonly batchSize?: number;
}

/** The documented defaults of {@link EvaluateTranslationsOptions}. */
export const DEFAULT_EVALUATE_TRANSLATIONS_OPTIONS = Object.freeze({
  standardize: true as boolean | StandardizeOptions,
  level: 'word' as TokenLevel,
  bleu: Object.freeze({}) as BleuOptions,
});

/** The documented defaults of {@link EvaluateTranslatorOptions}. */
export const DEFAULT_EVALUATE_TRANSLATOR_OPTIONS = Object.freeze({
  ...DEFAULT_EVALUATE_TRANSLATIONS_OPTIONS,
  batchSize: 64,
});

/** Scores of a set of translations; plain numbers. */
export interface TranslationScores {
  /** Corpus BLEU (NLTK's `corpus_bleu`, every reference of a sentence counted), in [0, 1]. */
  readonly bleu: number;
  /** Fraction of sentences whose hypothesis equals one of their references, token for token. */
  readonly exactMatch: number;
  /**
   * Fraction of reference token positions the hypothesis has the same token at (position by
   * position from the start; a short hypothesis misses the rest). With several references, the
   * one matching most positions counts.
   */
  readonly tokenAccuracy: number;
  /** Sentences scored. */
  readonly sentences: number;
  /** Sentences counted in `exactMatch`. */
  readonly exactMatches: number;
  /** Tokens of the hypotheses. */
  readonly hypothesisTokens: number;
  /** Tokens of the references token accuracy compared against (the denominator of `tokenAccuracy`). */
  readonly referenceTokens: number;
}

interface ResolvedEvaluateOptions {
  readonly standardize: StandardizeOptions | null;
  readonly level: TokenLevel;
  readonly bleu: BleuOptions;
}

function resolveEvaluateOptions(
  where: string,
  merged: { standardize: unknown; level: unknown; bleu: unknown },
): ResolvedEvaluateOptions {
  if (merged.bleu === null || typeof merged.bleu !== 'object' || Array.isArray(merged.bleu)) {
    validate.invalid(where, 'bleu', merged.bleu, 'must be corpusBleu options, e.g. { smoothing: "method1" }');
  }
  return {
    standardize: resolveStandardize(where, merged.standardize),
    level: validate.oneOf(where, 'level', merged.level, TOKEN_LEVELS),
    bleu: merged.bleu as BleuOptions,
  };
}

/**
 * Scores translations against references: corpus BLEU (NLTK-exact, `corpusBleu` of
 * `@rnnkit/metrics`), exact match and token accuracy, with both sides standardised and split into
 * tokens the same way (`standardize`, `level`).
 *
 * @param references one reference per sentence, or several (`string[]`: every correct translation
 *   of the source, as Tatoeba lists them).
 * @param hypotheses one translation per sentence.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` for arrays of different lengths or that are empty,
 *   non-string entries, or a reference with no token after standardisation;
 *   `SEQ2SEQ_INVALID_OPTION` for an unknown or invalid option (`bleu`'s included).
 * @example
 * evaluateTranslations(['The cat sat on the mat', 'Go.'], ['the cat sat on a mat', 'go .'])
 * // { bleu: 0.4914 (= (7/8 · 4/6 · 2/5 · 1/4)^¼, NLTK's max(1, n-grams) denominators), exactMatch: 0.5, tokenAccuracy: 0.875, sentences: 2, … }
 */
export function evaluateTranslations(
  references: readonly (string | readonly string[])[],
  hypotheses: readonly string[],
  options: EvaluateTranslationsOptions = {},
): TranslationScores {
  const where = 'evaluateTranslations';
  const resolved = resolveEvaluateOptions(
    where,
    validate.withDefaults(where, options, DEFAULT_EVALUATE_TRANSLATIONS_OPTIONS),
  );
  requireStrings(where, 'hypotheses', hypotheses);
  if (!Array.isArray(references) || references.length !== hypotheses.length || references.length === 0) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: references must be a non-empty array with one entry per hypothesis (${hypotheses.length}), got ${describeValue(references)}.`,
    );
  }
  const referenceLists = references.map((entry, i) => {
    const list = typeof entry === 'string' ? [entry] : entry;
    requireStrings(where, `references[${i}]`, list);
    return list;
  });
  return scoreTokens(where, referenceLists, hypotheses, resolved);
}

/**
 * Evaluates a translator on held-out pairs in one call: translates every distinct source (in
 * batches of `batchSize`), gathers all the targets of a source as its references (Tatoeba lists
 * several translations of one sentence) and scores as {@link evaluateTranslations}.
 *
 * @param translate the translator, `(sources) => translations` (sync or async); it must keep order.
 * @param heldOutPairs `{ source, target }` pairs the model was not trained on.
 * @returns the scores, plus each distinct source with its references and translation.
 * @throws Seq2SeqError as {@link evaluateTranslations}; `SEQ2SEQ_INVALID_INPUT` when the translate
 *   function does not return one string per source; whatever the translate function throws.
 * @example
 * // heldOut: raw { source, target } pairs kept out of preparePairs and training
 * const scores = await evaluateTranslator((sources) => translate(sources), heldOut);
 * console.log(scores.bleu, scores.exactMatch, scores.translations[0]);
 */
export async function evaluateTranslator(
  translate: TranslateFunction,
  heldOutPairs: readonly { readonly source: string; readonly target: string }[],
  options: EvaluateTranslatorOptions = {},
): Promise<TranslatorEvaluation> {
  const where = 'evaluateTranslator';
  const merged = validate.withDefaults(where, options, DEFAULT_EVALUATE_TRANSLATOR_OPTIONS);
  const resolved = resolveEvaluateOptions(where, merged);
  const batchSize = validate.integer(where, 'batchSize', merged.batchSize, { min: 1 });
  if (typeof translate !== 'function') {
    validate.invalid(
      where,
      'translate',
      translate,
      'must be a function (sources: string[]) => string[] or a Promise of it',
    );
  }
  if (!Array.isArray(heldOutPairs) || heldOutPairs.length === 0) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: heldOutPairs must be a non-empty array of { source, target }, got ${describeValue(heldOutPairs)}.`,
    );
  }
  const referencesBySource = new Map<string, string[]>();
  heldOutPairs.forEach((pair, i) => {
    if (typeof pair?.source !== 'string' || typeof pair.target !== 'string') {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `${where}: heldOutPairs[${i}] must be { source: string, target: string }, got ${describeValue(pair)}.`,
      );
    }
    const list = referencesBySource.get(pair.source);
    if (list === undefined) referencesBySource.set(pair.source, [pair.target]);
    else list.push(pair.target);
  });
  const sources = [...referencesBySource.keys()];
  const hypotheses: string[] = [];
  for (let start = 0; start < sources.length; start += batchSize) {
    const batch = sources.slice(start, start + batchSize);
    const out = await translate(batch);
    if (!Array.isArray(out) || out.length !== batch.length || out.some((text) => typeof text !== 'string')) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `${where}: the translate function must return one string per source (${batch.length}), got ${describeValue(out)}.`,
      );
    }
    hypotheses.push(...out);
  }
  const references = sources.map((source) => referencesBySource.get(source)!);
  return {
    ...scoreTokens(where, references, hypotheses, resolved),
    pairs: heldOutPairs.length,
    translations: sources.map((source, i) => ({
      source,
      references: references[i]!,
      translation: hypotheses[i]!,
    })),
  };
}

/** What {@link evaluateTranslator} returns: plain data. */
export interface TranslatorEvaluation extends TranslationScores {
  /** Held-out pairs read (`sentences` counts the distinct sources among them). */
  readonly pairs: number;
  /** Each distinct source, in first-seen order, with its references and the translator's output. */
  readonly translations: readonly {
    readonly source: string;
    readonly references: readonly string[];
    readonly translation: string;
  }[];
}

function requireStrings(where: string, name: string, value: unknown): void {
  if (!Array.isArray(value) || value.some((text) => typeof text !== 'string')) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `${where}: ${name} must be an array of strings, got ${describeValue(value)}.`,
    );
  }
}

function scoreTokens(
  where: string,
  references: readonly (readonly string[])[],
  hypotheses: readonly string[],
  { standardize, level, bleu: bleuOptions }: ResolvedEvaluateOptions,
): TranslationScores {
  const tokenize = (text: string) => splitTokens(standardizeText(text, standardize), level);
  const referenceTokens = references.map((list, i) =>
    list.map((text, k) => {
      const tokens = tokenize(text);
      if (tokens.length === 0) {
        throw new Seq2SeqError(
          'SEQ2SEQ_INVALID_INPUT',
          `${where}: reference ${JSON.stringify(text)} (sentence ${i}, reference ${k}) has no token after standardisation; leave that pair out.`,
        );
      }
      return tokens;
    }),
  );
  const hypothesisTokens = hypotheses.map(tokenize);
  let bleu: number;
  try {
    bleu = corpusBleu(referenceTokens, hypothesisTokens, bleuOptions);
  } catch (cause) {
    if (!(cause instanceof MetricsError) || cause.code !== 'METRICS_INVALID_OPTION') throw cause;
    throw new Seq2SeqError('SEQ2SEQ_INVALID_OPTION', `${where}: bleu: ${cause.message}`, { cause });
  }
  // The reference each hypothesis is compared with: one it equals, else the one matching most positions.
  const matches = (reference: readonly string[], hypothesis: readonly string[]) =>
    reference.reduce((count, token, t) => count + (hypothesis[t] === token ? 1 : 0), 0);
  const closest = referenceTokens.map((list, i) => {
    const hypothesis = hypothesisTokens[i]!;
    const equal = list.find((reference) => sequenceExactMatch([reference], [hypothesis]) === 1);
    if (equal !== undefined) return equal;
    return list.reduce((best, reference) =>
      matches(reference, hypothesis) > matches(best, hypothesis) ? reference : best,
    );
  });
  const exactMatch = sequenceExactMatch(closest, hypothesisTokens);
  const exactMatches = Math.round(exactMatch * closest.length); // a count divided by the count
  // '' is never a token, so positions past a short hypothesis count as wrong.
  const aligned = closest.map((reference, i) => reference.map((_, t) => hypothesisTokens[i]![t] ?? ''));
  return {
    bleu,
    exactMatch,
    tokenAccuracy: tokenAccuracy(closest, aligned, { padId: null }),
    sentences: hypotheses.length,
    exactMatches,
    hypothesisTokens: hypothesisTokens.reduce((sum, tokens) => sum + tokens.length, 0),
    referenceTokens: closest.reduce((sum, tokens) => sum + tokens.length, 0),
  };
}
