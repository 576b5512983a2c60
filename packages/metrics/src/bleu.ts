import { MetricsError } from './errors.js';
import { addClippedNgramCounts, type NgramPrecisionCounts, type Token } from './ngrams.js';

/** Names of NLTK 3.8's `SmoothingFunction` methods (Chen & Cherry 2014); `method0` is no smoothing. */
export type BleuSmoothingMethod =
  | 'method0'
  | 'method1'
  | 'method2'
  | 'method3'
  | 'method4'
  | 'method5'
  | 'method6'
  | 'method7';

/**
 * A BLEU smoothing method, by name with NLTK's default parameters, or as an object carrying the
 * parameters that method uses (`SmoothingFunction(epsilon=0.1, alpha=5, k=5)` in NLTK). Giving a
 * parameter the method does not use is an error, so no option is silently ignored.
 */
export type BleuSmoothing =
  | BleuSmoothingMethod
  | { readonly method: 'method0' | 'method2' | 'method3' | 'method5' }
  | {
      readonly method: 'method1';
      /** Count added to an order without matches. @default 0.1 */
      readonly epsilon?: number;
    }
  | {
      readonly method: 'method4' | 'method7';
      /** Divisor of the smoothed count (`1 / (2^i · k / ln(hypothesis length))`). @default 5 */
      readonly k?: number;
    }
  | {
      readonly method: 'method6';
      /** Weight of the prior `p(n-1)² / p(n-2)` in the interpolation. @default 5 */
      readonly alpha?: number;
    };

/** A smoothing method with every parameter filled in. */
export interface ResolvedBleuSmoothing {
  readonly method: BleuSmoothingMethod;
  readonly epsilon: number;
  readonly alpha: number;
  readonly k: number;
}

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

/** Default parameters of NLTK's `SmoothingFunction()` (those of Chen & Cherry's experiments). */
export const DEFAULT_BLEU_SMOOTHING_PARAMETERS = Object.freeze({ epsilon: 0.1, alpha: 5, k: 5 });

/** Defaults of {@link BleuOptions}: BLEU-4, no smoothing, no re-weighting — NLTK's defaults. */
export const DEFAULT_BLEU_OPTIONS = Object.freeze({
  weights: Object.freeze([0.25, 0.25, 0.25, 0.25]) as readonly number[],
  smoothing: 'method0' as BleuSmoothing,
  autoReweigh: false,
  onWarning: undefined as ((message: string) => void) | undefined,
});

const METHODS: readonly BleuSmoothingMethod[] = [
  'method0',
  'method1',
  'method2',
  'method3',
  'method4',
  'method5',
  'method6',
  'method7',
];
const PARAMETERS_OF: Record<BleuSmoothingMethod, readonly ('epsilon' | 'alpha' | 'k')[]> = {
  method0: [],
  method1: ['epsilon'],
  method2: [],
  method3: [],
  method4: ['k'],
  method5: [],
  method6: ['alpha'],
  method7: ['k'],
};
const OPTION_KEYS = new Set(['weights', 'smoothing', 'autoReweigh', 'onWarning']);
const SCORES_OPTION_KEYS = new Set(['weightSets', 'smoothing', 'autoReweigh', 'onWarning']);

function invalid(message: string): MetricsError {
  return new MetricsError('METRICS_INVALID_OPTION', message);
}

/** Validates a smoothing option and fills in NLTK's default parameters. */
export function resolveBleuSmoothing(
  smoothing: BleuSmoothing = DEFAULT_BLEU_OPTIONS.smoothing,
): ResolvedBleuSmoothing {
  const spec = typeof smoothing === 'string' ? { method: smoothing } : smoothing;
  if (typeof spec !== 'object' || spec === null || !METHODS.includes(spec.method)) {
    throw invalid(
      `BLEU option smoothing must be one of ${METHODS.join(', ')} or { method, …parameters }; received ${JSON.stringify(smoothing)}.`,
    );
  }
  const allowed = PARAMETERS_OF[spec.method];
  for (const key of Object.keys(spec)) {
    if (key !== 'method' && !(allowed as readonly string[]).includes(key)) {
      throw invalid(
        `BLEU smoothing ${spec.method} has no parameter '${key}' (it uses ${allowed.length ? allowed.join(', ') : 'none'}); remove it.`,
      );
    }
  }
  const given = spec as { epsilon?: number; alpha?: number; k?: number };
  const epsilon = given.epsilon ?? DEFAULT_BLEU_SMOOTHING_PARAMETERS.epsilon;
  const alpha = given.alpha ?? DEFAULT_BLEU_SMOOTHING_PARAMETERS.alpha;
  const k = given.k ?? DEFAULT_BLEU_SMOOTHING_PARAMETERS.k;
  if (typeof epsilon !== 'number' || !Number.isFinite(epsilon) || epsilon < 0) {
    throw invalid(`BLEU smoothing method1 needs a finite epsilon ≥ 0; received ${String(epsilon)}.`);
  }
  if (typeof alpha !== 'number' || !Number.isFinite(alpha) || alpha <= 0) {
    throw invalid(`BLEU smoothing method6 needs a finite alpha > 0; received ${String(alpha)}.`);
  }
  if (typeof k !== 'number' || !Number.isFinite(k) || k <= 0) {
    throw invalid(`BLEU smoothing ${spec.method} needs a finite k > 0; received ${String(k)}.`);
  }
  return { method: spec.method, epsilon, alpha, k };
}

function checkWeights(weights: unknown, name: string): readonly number[] {
  if (!Array.isArray(weights) || weights.length === 0) {
    throw invalid(
      `BLEU option ${name} must be a non-empty array of numbers, one per n-gram order (e.g. [0.5, 0.5] for BLEU-2); received ${JSON.stringify(weights)}.`,
    );
  }
  for (const weight of weights) {
    if (typeof weight !== 'number' || !Number.isFinite(weight)) {
      throw invalid(`BLEU option ${name} must hold finite numbers; received ${JSON.stringify(weights)}.`);
    }
  }
  return weights as readonly number[];
}

function resolveCommon(
  options: Omit<BleuOptions, 'weights'>,
  weightSets: readonly (readonly number[])[],
): ResolvedBleuOptions {
  const smoothing = resolveBleuSmoothing(options.smoothing);
  const autoReweigh = options.autoReweigh ?? DEFAULT_BLEU_OPTIONS.autoReweigh;
  if (typeof autoReweigh !== 'boolean') {
    throw invalid(`BLEU option autoReweigh must be a boolean; received ${String(autoReweigh)}.`);
  }
  const onWarning = options.onWarning ?? DEFAULT_BLEU_OPTIONS.onWarning;
  if (onWarning !== undefined && typeof onWarning !== 'function') {
    throw invalid(
      `BLEU option onWarning must be a function (message) => void; received ${String(onWarning)}.`,
    );
  }
  const maxOrder = Math.max(...weightSets.map((weights) => weights.length));
  if (smoothing.method === 'method6' && maxOrder < 3) {
    throw invalid(
      `BLEU smoothing method6 interpolates from the trigram precision on, so it needs weights for at least 3 n-gram orders; received ${maxOrder}. Use another method or longer weights.`,
    );
  }
  return { weightSets, maxOrder, smoothing, autoReweigh, onWarning };
}

function rejectUnknownKeys(options: object, known: ReadonlySet<string>): void {
  if (typeof options !== 'object' || options === null) {
    throw invalid(`BLEU options must be an object; received ${String(options)}.`);
  }
  for (const key of Object.keys(options)) {
    if (!known.has(key)) {
      throw invalid(`Unknown BLEU option '${key}'; known options are ${[...known].join(', ')}.`);
    }
  }
}

/**
 * Validates {@link BleuOptions} and fills in the defaults of {@link DEFAULT_BLEU_OPTIONS}.
 * @throws {MetricsError} `METRICS_INVALID_OPTION` for an unknown option, empty or non-finite weights,
 * an unknown smoothing method, a parameter the method does not use or out of range, and `method6`
 * with fewer than 3 weights.
 */
export function resolveBleuOptions(options: BleuOptions = {}): ResolvedBleuOptions {
  rejectUnknownKeys(options, OPTION_KEYS);
  const weights = checkWeights(options.weights ?? DEFAULT_BLEU_OPTIONS.weights, 'weights');
  return resolveCommon(options, [weights]);
}

/**
 * Validates {@link BleuScoresOptions} (as {@link resolveBleuOptions}, with `weightSets` required).
 * @throws {MetricsError} `METRICS_INVALID_OPTION` as {@link resolveBleuOptions}, and for an empty `weightSets`.
 */
export function resolveBleuScoresOptions(options: BleuScoresOptions): ResolvedBleuOptions {
  rejectUnknownKeys(options, SCORES_OPTION_KEYS);
  const { weightSets } = options;
  if (!Array.isArray(weightSets) || weightSets.length === 0) {
    throw invalid(
      `BLEU option weightSets must be a non-empty array of weight arrays (e.g. [[0.5, 0.5], [0.25, 0.25, 0.25, 0.25]]); received ${JSON.stringify(weightSets)}.`,
    );
  }
  return resolveCommon(
    options,
    weightSets.map((weights, i) => checkWeights(weights, `weightSets[${i}]`)),
  );
}

/**
 * Corpus-level BLEU counts: everything `corpus_bleu` sums over the pairs, plus the last pair (NLTK's
 * smoothing methods 5–7 look at the last hypothesis and its references, a quirk we reproduce).
 */
export interface BleuStatistics {
  /** Clipped matches per n-gram order (`[0]` = unigrams), NLTK's `p_numerators`. */
  readonly numerators: number[];
  /** Hypothesis n-grams per order (each pair counts at least 1), NLTK's `p_denominators`. */
  readonly denominators: number[];
  /** Total hypothesis length. */
  hypothesisLength: number;
  /** Total closest reference length (ties → the shorter). */
  referenceLength: number;
  /** Pairs added. */
  pairs: number;
  /** The last pair added, or null before the first. */
  last: { readonly references: readonly (readonly Token[])[]; readonly hypothesis: readonly Token[] } | null;
}

/** Empty {@link BleuStatistics} for n-gram orders `1..maxOrder`. */
export function createBleuStatistics(maxOrder: number): BleuStatistics {
  return {
    numerators: new Array<number>(maxOrder).fill(0),
    denominators: new Array<number>(maxOrder).fill(0),
    hypothesisLength: 0,
    referenceLength: 0,
    pairs: 0,
    last: null,
  };
}

function checkPair(references: unknown, hypothesis: unknown, where: string): void {
  if (!Array.isArray(hypothesis)) {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      `BLEU hypothesis${where} must be an array of tokens (split the sentence first); received ${typeof hypothesis}.`,
    );
  }
  if (!Array.isArray(references) || references.length === 0) {
    throw new MetricsError(
      Array.isArray(references) ? 'METRICS_EMPTY_INPUT' : 'METRICS_INVALID_INPUT',
      `BLEU references${where} must be a non-empty array of token arrays (one per reference translation); received ${Array.isArray(references) ? 'an empty array' : typeof references}.`,
    );
  }
  for (const reference of references) {
    if (!Array.isArray(reference)) {
      throw new MetricsError(
        'METRICS_INVALID_INPUT',
        `BLEU references${where} must hold token arrays, not ${typeof reference}; wrap a single reference as [reference].`,
      );
    }
  }
}

/**
 * The reference length closest to `hypothesisLength`; of two equally close, the shorter — NLTK's
 * `closest_ref_length`, the `r` of the brevity penalty.
 * @throws {MetricsError} `METRICS_EMPTY_INPUT` when there are no references.
 * @example closestReferenceLength([[1, 2, 3, 4], [1, 2, 3, 4, 5, 6]], 5) // 4
 */
export function closestReferenceLength(
  references: readonly (readonly Token[])[],
  hypothesisLength: number,
): number {
  if (references.length === 0) {
    throw new MetricsError('METRICS_EMPTY_INPUT', 'closestReferenceLength needs at least one reference.');
  }
  let best = references[0]!.length;
  for (let i = 1; i < references.length; i++) {
    const length = references[i]!.length;
    const distance = Math.abs(length - hypothesisLength);
    const bestDistance = Math.abs(best - hypothesisLength);
    if (distance < bestDistance || (distance === bestDistance && length < best)) best = length;
  }
  return best;
}

/**
 * BLEU's brevity penalty `exp(1 - r/c)` for `c ≤ r`, 1 for a longer hypothesis and 0 for an empty
 * one — NLTK's `brevity_penalty(closest_ref_len, hyp_len)`.
 * @example brevityPenalty(28, 12) // 0.2635971381157267
 */
export function brevityPenalty(closestReferenceLength: number, hypothesisLength: number): number {
  if (hypothesisLength > closestReferenceLength) return 1;
  if (hypothesisLength === 0) return 0;
  return Math.exp(1 - closestReferenceLength / hypothesisLength);
}

/**
 * Modified n-gram precision of one hypothesis against its references as unreduced counts — NLTK's
 * `modified_precision` (whose `Fraction` keeps them unreduced too).
 * @throws {MetricsError} `METRICS_INVALID_OPTION` unless `n` is a positive integer.
 * @example modifiedPrecision([['the', 'cat', 'is', 'on', 'the', 'mat']], ['the', 'the', 'the'], 1)
 * // { numerator: 2, denominator: 3 }
 */
export function modifiedPrecision(
  references: readonly (readonly Token[])[],
  hypothesis: readonly Token[],
  n: number,
): NgramPrecisionCounts {
  if (!Number.isInteger(n) || n < 1)
    throw invalid(`modifiedPrecision needs an n-gram order n ≥ 1; received ${n}.`);
  const numerators = new Array<number>(n).fill(0);
  const denominators = new Array<number>(n).fill(0);
  addClippedNgramCounts(references, hypothesis, n, numerators, denominators);
  return { numerator: numerators[n - 1]!, denominator: denominators[n - 1]! };
}

/**
 * Adds one hypothesis and its references to `statistics` (the loop body of NLTK's `corpus_bleu`).
 * @throws {MetricsError} `METRICS_EMPTY_INPUT` when `references` is empty, `METRICS_INVALID_INPUT`
 * when a sentence is not an array of tokens.
 */
export function addBleuPair(
  statistics: BleuStatistics,
  references: readonly (readonly Token[])[],
  hypothesis: readonly Token[],
): void {
  checkPair(references, hypothesis, '');
  addCheckedPair(statistics, references, hypothesis);
}

function addCheckedPair(
  statistics: BleuStatistics,
  references: readonly (readonly Token[])[],
  hypothesis: readonly Token[],
): void {
  addClippedNgramCounts(
    references,
    hypothesis,
    statistics.numerators.length,
    statistics.numerators,
    statistics.denominators,
  );
  statistics.hypothesisLength += hypothesis.length;
  statistics.referenceLength += closestReferenceLength(references, hypothesis.length);
  statistics.pairs++;
  statistics.last = { references, hypothesis };
}

/** Python's `sys.float_info.min`, what NLTK's method0 puts in place of a zero precision. */
const FLOAT_INFO_MIN = 2.2250738585072014e-308;

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
 * Smooths the precisions NLTK-style. `numerators`/`denominators` are the raw counts (NLTK's unreduced
 * `Fraction`s); the result holds floats (where NLTK keeps exact `Fraction`s through methods 5 and 6,
 * we compute in doubles, which agrees to ~1e-15 relative).
 */
function smooth(statistics: BleuStatistics, options: ResolvedBleuOptions): number[] {
  const { numerators, denominators, hypothesisLength } = statistics;
  const { smoothing } = options;
  const raw = numerators.map((numerator, i) => numerator / denominators[i]!);
  const last = statistics.last!;
  // NLTK passes hyp_len = the total hypothesis length; `hyp_len if hyp_len else len(hypothesis)`.
  const hypLength = hypothesisLength || last.hypothesis.length;

  const method4 = (values: number[]): number[] => {
    let incvnt = 1;
    for (let i = 0; i < values.length; i++) {
      if (numerators[i] === 0 && hypLength > 1) {
        const numerator = 1 / ((2 ** incvnt * smoothing.k) / Math.log(hypLength));
        values[i] = numerator / denominators[i]!;
        incvnt++;
      }
    }
    return values;
  };
  const method5 = (values: number[]): number[] => {
    const fifth = modifiedPrecision(last.references, last.hypothesis, 5);
    const plusOne = [...values, fifth.numerator / fifth.denominator];
    let previous = values[0]! + 1;
    for (let i = 0; i < values.length; i++) {
      values[i] = (previous + plusOne[i]! + plusOne[i + 1]!) / 3;
      previous = values[i]!;
    }
    return values;
  };

  switch (smoothing.method) {
    case 'method0':
      return raw.map((value, i) => {
        if (numerators[i] !== 0) return value;
        options.onWarning?.(
          `The hypothesis contains 0 counts of ${i + 1}-gram overlaps. Therefore the BLEU score evaluates to 0, independently of how many N-gram overlaps of lower order it contains. Consider using lower n-gram order or use a smoothing method.`,
        );
        return FLOAT_INFO_MIN;
      });
    case 'method1':
      return raw.map((value, i) =>
        numerators[i] === 0 ? (numerators[i]! + smoothing.epsilon) / denominators[i]! : value,
      );
    case 'method2':
      return raw.map((value, i) => (i === 0 ? value : (numerators[i]! + 1) / (denominators[i]! + 1)));
    case 'method3': {
      let incvnt = 1;
      return raw.map((value, i) => {
        if (numerators[i] !== 0) return value;
        return 1 / (2 ** incvnt++ * denominators[i]!);
      });
    }
    case 'method4':
      return method4(raw);
    case 'method5':
      return method5(raw);
    case 'method6': {
      if (numerators[2] === 0) {
        throw new MetricsError(
          'METRICS_UNDEFINED',
          'BLEU smoothing method6 needs a non-zero trigram precision (NLTK asserts the same); this hypothesis has no trigram match. Use another smoothing method for it.',
        );
      }
      const values = raw;
      const hypothesis = last.hypothesis;
      for (let i = 2; i < values.length; i++) {
        const pi0 = values[i - 2] === 0 ? 0 : values[i - 1]! ** 2 / values[i - 2]!;
        // NLTK counts the n-grams of the last hypothesis only, with the corpus-wide matches.
        const ngrams = Math.max(0, hypothesis.length - i);
        values[i] = (numerators[i]! + smoothing.alpha * pi0) / (ngrams + smoothing.alpha);
      }
      return values;
    }
    case 'method7':
      return method5(method4(raw));
    default: {
      const never: never = smoothing.method;
      throw invalid(`Unknown BLEU smoothing method ${String(never)}.`);
    }
  }
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
      'BLEU needs at least one hypothesis with its references; the corpus is empty.',
    );
  }
  if (statistics.numerators.length < options.maxOrder) {
    throw invalid(
      `These BLEU statistics count n-grams up to order ${statistics.numerators.length}, but the weights need ${options.maxOrder}.`,
    );
  }
  if (statistics.numerators[0] === 0) return options.weightSets.map(() => 0);
  const bp = brevityPenalty(statistics.referenceLength, statistics.hypothesisLength);
  const view: BleuStatistics = {
    ...statistics,
    numerators: statistics.numerators.slice(0, options.maxOrder),
    denominators: statistics.denominators.slice(0, options.maxOrder),
  };
  const precisions = smooth(view, options);
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

function corpusStatistics(
  listOfReferences: readonly (readonly (readonly Token[])[])[],
  hypotheses: readonly (readonly Token[])[],
  maxOrder: number,
): BleuStatistics {
  if (!Array.isArray(listOfReferences) || !Array.isArray(hypotheses)) {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      'corpusBleu takes an array of reference lists and an array of hypotheses (token arrays).',
    );
  }
  if (listOfReferences.length !== hypotheses.length) {
    throw new MetricsError(
      'METRICS_LENGTH_MISMATCH',
      `corpusBleu needs one list of references per hypothesis; received ${listOfReferences.length} reference lists for ${hypotheses.length} hypotheses.`,
    );
  }
  if (hypotheses.length === 0) {
    throw new MetricsError(
      'METRICS_EMPTY_INPUT',
      'corpusBleu needs at least one hypothesis with its references; both arrays are empty.',
    );
  }
  const statistics = createBleuStatistics(maxOrder);
  for (let i = 0; i < hypotheses.length; i++) {
    checkPair(listOfReferences[i], hypotheses[i], ` #${i}`);
    addCheckedPair(statistics, listOfReferences[i]!, hypotheses[i]!);
  }
  return statistics;
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
 * fails); `METRICS_INVALID_OPTION` for bad options (see {@link resolveBleuOptions});
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
  const resolved = resolveBleuOptions(options);
  return bleuFromStatistics(corpusStatistics(listOfReferences, hypotheses, resolved.maxOrder), resolved)[0]!;
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
  return corpusBleu([references], [hypothesis], options);
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
  const resolved = resolveBleuScoresOptions(options);
  return bleuFromStatistics(corpusStatistics(listOfReferences, hypotheses, resolved.maxOrder), resolved);
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
  return corpusBleuScores([references], [hypothesis], options);
}
