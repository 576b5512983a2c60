import type { BleuSmoothing, ResolvedBleuSmoothing } from './bleu-smoothing.js';
import { resolveBleuSmoothing, smooth } from './bleu-smoothing.js';
import { type BleuStatistics, brevityPenalty, countBleuPairs } from './bleu-statistics.js';
import { MetricsError } from './errors.js';
import type { Token } from './ngrams.js';
import { check, optionalFunction } from './validate.js';

/** Options of {@link sentenceBleu}, {@link corpusBleu} and the BLEU accumulator. */
export interface BleuOptions {
  /**
   * Weight of each n-gram order's log precision: `weights[0]` for unigrams, `weights[1]` for bigrams…
   * Any length ≥ 1 (BLEU-2 is `[0.5, 0.5]`). NLTK does not require them to sum to 1, and neither do we.
   * @default [0.25, 0.25, 0.25, 0.25]
   */
  readonly weights?: readonly number[];
  /** Smoothing of zero or small precisions, NLTK's `smoothing_function`. @default 'method0' */
  readonly smoothing?: BleuSmoothing;
  /**
   * NLTK's `auto_reweigh`: when the (total) hypothesis length `L` is below 4 and the weights are
   * exactly the default `[0.25, 0.25, 0.25, 0.25]`, use `L` uniform weights `1/L` instead.
   * @default false
   */
  readonly autoReweigh?: boolean;
  /**
   * Receives NLTK's warning when `method0` meets an n-gram order without any match (that order's
   * precision becomes the smallest normal double, so the score is ~0). Nothing is printed.
   * @default undefined (warnings are dropped)
   */
  readonly onWarning?: ((message: string) => void) | undefined;
}

/** Options of {@link sentenceBleuScores} and {@link corpusBleuScores}: several weight vectors at once. */
export interface BleuScoresOptions extends Omit<BleuOptions, 'weights'> {
  /**
   * One score per weight vector, all from the same counts and the same smoothing pass — NLTK's
   * `weights` given as a list of tuples. Precisions are computed up to the longest vector.
   */
  readonly weightSets: readonly (readonly number[])[];
}

/** {@link BleuOptions} with every field filled in and validated. */
export interface ResolvedBleuOptions {
  readonly weightSets: readonly (readonly number[])[];
  readonly maxOrder: number;
  readonly smoothing: ResolvedBleuSmoothing;
  readonly autoReweigh: boolean;
  readonly onWarning: ((message: string) => void) | undefined;
}

/** Defaults of {@link BleuOptions}: BLEU-4, no smoothing, no re-weighting — NLTK's defaults. */
export const DEFAULT_BLEU_OPTIONS = Object.freeze({
  weights: Object.freeze([0.25, 0.25, 0.25, 0.25]) as readonly number[],
  smoothing: 'method0' as BleuSmoothing,
  autoReweigh: false,
  onWarning: undefined as ((message: string) => void) | undefined,
});

function checkWeights(fn: string, name: string, weights: unknown): readonly number[] {
  if (!Array.isArray(weights) || weights.length === 0) {
    check.invalid(
      fn,
      name,
      weights,
      'must be a non-empty array of numbers, one per n-gram order',
      'BLEU-2 is [0.5, 0.5].',
    );
  }
  for (const [i, weight] of weights.entries()) check.number(fn, `${name}[${i}]`, weight);
  return weights as readonly number[];
}

function resolveCommon(
  fn: string,
  options: Omit<BleuOptions, 'weights'>,
  weightSets: readonly (readonly number[])[],
): ResolvedBleuOptions {
  const smoothing = resolveBleuSmoothing(options.smoothing, fn);
  const autoReweigh = check.boolean(
    fn,
    'autoReweigh',
    options.autoReweigh ?? DEFAULT_BLEU_OPTIONS.autoReweigh,
  );
  const onWarning = optionalFunction(fn, 'onWarning', options.onWarning);
  const maxOrder = Math.max(...weightSets.map((weights) => weights.length));
  if (smoothing.method === 'method6' && maxOrder < 3) {
    check.invalid(
      fn,
      'weights.length',
      maxOrder,
      'must be ≥ 3 with smoothing method6 (it interpolates from the trigram precision on)',
      'Use another method or longer weights.',
    );
  }
  return { weightSets, maxOrder, smoothing, autoReweigh, onWarning };
}

/**
 * Validates {@link BleuOptions} and fills in the defaults of {@link DEFAULT_BLEU_OPTIONS} (internal).
 * @throws {MetricsError} `METRICS_INVALID_OPTION` for an unknown option, empty or non-finite weights,
 * an unknown smoothing method, a parameter the method does not use or out of range, and `method6`
 * with fewer than 3 weights.
 */
export function resolveBleuOptions(options: BleuOptions = {}, fn = 'corpusBleu'): ResolvedBleuOptions {
  const given = check.options(fn, options, Object.keys(DEFAULT_BLEU_OPTIONS));
  return resolveCommon(fn, given, [
    checkWeights(fn, 'weights', given.weights ?? DEFAULT_BLEU_OPTIONS.weights),
  ]);
}

/**
 * Validates {@link BleuScoresOptions} (as {@link resolveBleuOptions}, with `weightSets` required; internal).
 * @throws {MetricsError} `METRICS_INVALID_OPTION` as {@link resolveBleuOptions}, and for an empty `weightSets`.
 */
export function resolveBleuScoresOptions(
  options: BleuScoresOptions,
  fn = 'corpusBleuScores',
): ResolvedBleuOptions {
  const given = check.options(fn, options, ['weightSets', 'smoothing', 'autoReweigh', 'onWarning']);
  const { weightSets } = given;
  if (!Array.isArray(weightSets) || weightSets.length === 0) {
    check.invalid(
      fn,
      'weightSets',
      weightSets,
      'must be a non-empty array of weight arrays',
      'e.g. [[0.5, 0.5], [0.25, 0.25, 0.25, 0.25]].',
    );
  }
  return resolveCommon(
    fn,
    given,
    weightSets.map((weights, i) => checkWeights(fn, `weightSets[${i}]`, weights)),
  );
}

/**
 * Python's `math.fsum`: the correctly rounded sum (Shewchuk's algorithm, as CPython implements it),
 * so the log-precision sum matches NLTK's to the last bit.
 */
function fsum(values: readonly number[]): number {
  const partials: number[] = [];
  for (let x of values) {
    let i = 0;
    for (let j = 0; j < partials.length; j++) {
      let y = partials[j]!;
      if (Math.abs(x) < Math.abs(y)) [x, y] = [y, x];
      const hi = x + y;
      const lo = y - (hi - x);
      if (lo !== 0) partials[i++] = lo;
      x = hi;
    }
    partials.length = i;
    partials.push(x);
  }
  let n = partials.length;
  if (n === 0) return 0;
  let hi = partials[--n]!;
  let lo = 0;
  while (n > 0) {
    const x = hi;
    const y = partials[--n]!;
    hi = x + y;
    const yr = hi - x;
    lo = y - yr;
    if (lo !== 0) break;
  }
  // Round half to even across the remaining partials, as CPython does.
  if (n > 0 && ((lo < 0 && partials[n - 1]! < 0) || (lo > 0 && partials[n - 1]! > 0))) {
    const y = lo * 2;
    const x = hi + y;
    const yr = x - hi;
    if (y === yr) hi = x;
  }
  return hi;
}

const DEFAULT_WEIGHTS = DEFAULT_BLEU_OPTIONS.weights;

function isDefaultWeights(weights: readonly number[]): boolean {
  return weights.length === DEFAULT_WEIGHTS.length && weights.every((w, i) => w === DEFAULT_WEIGHTS[i]);
}

/**
 * BLEU scores (one per weight vector) from accumulated {@link BleuStatistics} — the end of NLTK's
 * `corpus_bleu`: 0 when no unigram matches, otherwise `BP · exp(Σ wₙ · ln pₙ)` over the smoothed
 * precisions that are > 0.
 * @throws {MetricsError} `METRICS_EMPTY_INPUT` when no pair was added; `METRICS_UNDEFINED` for
 * `method6` without any trigram match.
 */
export function bleuFromStatistics(statistics: BleuStatistics, options: ResolvedBleuOptions): number[] {
  if (statistics.pairs === 0 || statistics.last === null) {
    throw new MetricsError(
      'METRICS_EMPTY_INPUT',
      'BLEU: the corpus must hold at least one hypothesis with its references, got none.',
    );
  }
  if (statistics.numerators.length < options.maxOrder) {
    check.invalid(
      'bleuFromStatistics',
      'weights.length',
      options.maxOrder,
      `must be at most the counted n-gram order ${statistics.numerators.length}`,
    );
  }
  if (statistics.numerators[0] === 0) return options.weightSets.map(() => 0);
  const bp = brevityPenalty(statistics.referenceLength, statistics.hypothesisLength);
  const view: BleuStatistics = {
    ...statistics,
    numerators: statistics.numerators.slice(0, options.maxOrder),
    denominators: statistics.denominators.slice(0, options.maxOrder),
  };
  const precisions = smooth(view, options.smoothing, options.onWarning);
  return options.weightSets.map((given) => {
    let weights = given;
    if (options.autoReweigh && statistics.hypothesisLength < 4 && isDefaultWeights(weights)) {
      weights = new Array<number>(statistics.hypothesisLength).fill(1 / statistics.hypothesisLength);
    }
    const terms: number[] = [];
    const orders = Math.min(weights.length, precisions.length);
    for (let i = 0; i < orders; i++) {
      const p = precisions[i]!;
      if (p > 0) terms.push(weights[i]! * Math.log(p));
    }
    return bp * Math.exp(fsum(terms));
  });
}

function corpusBleuAs(
  fn: string,
  listOfReferences: readonly (readonly (readonly Token[])[])[],
  hypotheses: readonly (readonly Token[])[],
  options: BleuOptions,
): number {
  const resolved = resolveBleuOptions(options, fn);
  return bleuFromStatistics(
    countBleuPairs(listOfReferences, hypotheses, resolved.maxOrder, fn),
    resolved,
  )[0]!;
}

function corpusBleuScoresAs(
  fn: string,
  listOfReferences: readonly (readonly (readonly Token[])[])[],
  hypotheses: readonly (readonly Token[])[],
  options: BleuScoresOptions,
): number[] {
  const resolved = resolveBleuScoresOptions(options, fn);
  return bleuFromStatistics(countBleuPairs(listOfReferences, hypotheses, resolved.maxOrder, fn), resolved);
}

/**
 * Corpus-level BLEU, equal to NLTK 3.8's `corpus_bleu(list_of_references, hypotheses, weights,
 * smoothing_function, auto_reweigh)`: matches and lengths are summed over all pairs before the
 * precisions are divided (micro-average), which is not the mean of sentence scores.
 *
 * @param listOfReferences - for each hypothesis, its reference translations (token arrays).
 * @param hypotheses - the system outputs, one token array each.
 * @returns the score in [0, 1] (can exceed 1 only with weights that sum to more than 1).
 * @throws {MetricsError} `METRICS_LENGTH_MISMATCH` when the two arrays differ in length;
 * `METRICS_EMPTY_INPUT` for an empty corpus or a hypothesis without references (NLTK returns 0 or
 * fails); `METRICS_INVALID_OPTION` for bad options (unknown names, empty or non-finite weights, an unknown smoothing method or parameter);
 * `METRICS_UNDEFINED` for `method6` without trigram matches.
 * @example
 * corpusBleu(
 *   [[['the', 'cat', 'sat', 'on', 'the', 'mat']], [['a', 'dog', 'barked']]],
 *   [['the', 'cat', 'sat', 'on', 'a', 'mat'], ['a', 'dog', 'barked']],
 * ) // 0.5555238068023582
 */
export function corpusBleu(
  listOfReferences: readonly (readonly (readonly Token[])[])[],
  hypotheses: readonly (readonly Token[])[],
  options: BleuOptions = {},
): number {
  return corpusBleuAs('corpusBleu', listOfReferences, hypotheses, options);
}

/**
 * Sentence-level BLEU, equal to NLTK 3.8's `sentence_bleu(references, hypothesis, …)` (which is
 * `corpus_bleu` over one pair). Short sentences usually need smoothing: without it any order with no
 * match drives the score to ~0.
 *
 * @param references - the reference translations of this sentence, token arrays.
 * @param hypothesis - the system output, a token array.
 * @throws {MetricsError} as {@link corpusBleu}.
 * @example
 * sentenceBleu([['the', 'cat', 'sat', 'on', 'the', 'mat']], ['the', 'cat', 'sat', 'on', 'a', 'mat'], {
 *   smoothing: 'method1',
 * }) // 0.537284965911771 = (5/6 · 3/5 · 2/4 · 1/3)^¼
 */
export function sentenceBleu(
  references: readonly (readonly Token[])[],
  hypothesis: readonly Token[],
  options: BleuOptions = {},
): number {
  return corpusBleuAs('sentenceBleu', [references], [hypothesis], options);
}

/**
 * Corpus BLEU for several weight vectors at once (NLTK's `corpus_bleu` with a list of weight tuples).
 * @returns one score per entry of `options.weightSets`.
 * @throws {MetricsError} as {@link corpusBleu}.
 * @example
 * corpusBleuScores(listOfReferences, hypotheses, { weightSets: [[0.5, 0.5], [0.25, 0.25, 0.25, 0.25]] })
 * // [BLEU-2, BLEU-4]
 */
export function corpusBleuScores(
  listOfReferences: readonly (readonly (readonly Token[])[])[],
  hypotheses: readonly (readonly Token[])[],
  options: BleuScoresOptions,
): number[] {
  return corpusBleuScoresAs('corpusBleuScores', listOfReferences, hypotheses, options);
}

/**
 * Sentence BLEU for several weight vectors at once (NLTK's `sentence_bleu` with a list of weights).
 * @returns one score per entry of `options.weightSets`.
 * @throws {MetricsError} as {@link corpusBleu}.
 * @example
 * sentenceBleuScores([['a', 'b', 'c']], ['a', 'b', 'c'], { weightSets: [[1], [0.5, 0.5]] }) // [1, 1]
 */
export function sentenceBleuScores(
  references: readonly (readonly Token[])[],
  hypothesis: readonly Token[],
  options: BleuScoresOptions,
): number[] {
  return corpusBleuScoresAs('sentenceBleuScores', [references], [hypothesis], options);
}
