import { MetricsError } from './errors.js';
import { addClippedNgramCounts, type NgramPrecisionCounts, type Token } from './ngrams.js';
import { check, fail, pairedArrays } from './validate.js';

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

/**
 * The most hypothesis n-grams (length × orders counted) BLEU counts in one sentence: 5·10⁷, as
 * `MAX_ALIGNMENT_CELLS`. A 10⁵-token hypothesis with 10⁵ weights would ask for 10¹⁰.
 */
export const MAX_NGRAMS_PER_SENTENCE = 50_000_000;

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

/** A sentence length: an integer ≥ 0 (NaN or a negative length would give a NaN or > 1 penalty). */
function checkLength(where: string, name: string, value: unknown): void {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    fail('METRICS_INVALID_INPUT', where, name, value, 'must be a sentence length (an integer ≥ 0)');
  }
}

function checkPair(references: unknown, hypothesis: unknown, where: string, index: string): void {
  if (!Array.isArray(hypothesis)) {
    fail(
      'METRICS_INVALID_INPUT',
      where,
      `hypothesis${index}`,
      hypothesis,
      'must be an array of tokens',
      'Split the sentence first.',
    );
  }
  if (!Array.isArray(references) || references.length === 0) {
    fail(
      Array.isArray(references) ? 'METRICS_EMPTY_INPUT' : 'METRICS_INVALID_INPUT',
      where,
      `references${index}`,
      references,
      'must be a non-empty array of token arrays (one per reference translation)',
    );
  }
  for (const reference of references) {
    if (!Array.isArray(reference)) {
      fail(
        'METRICS_INVALID_INPUT',
        where,
        `references${index}`,
        reference,
        'must hold token arrays',
        'Wrap a single reference as [reference].',
      );
    }
  }
}

/**
 * The reference length closest to `hypothesisLength`; of two equally close, the shorter — NLTK's
 * `closest_ref_length`, the `r` of the brevity penalty.
 * @throws {MetricsError} `METRICS_EMPTY_INPUT` when there are no references; `METRICS_INVALID_INPUT`
 * when they are not token arrays or `hypothesisLength` is not an integer ≥ 0.
 * @example closestReferenceLength([[1, 2, 3, 4], [1, 2, 3, 4, 5, 6]], 5) // 4
 */
export function closestReferenceLength(
  references: readonly (readonly Token[])[],
  hypothesisLength: number,
): number {
  checkLength('closestReferenceLength', 'hypothesisLength', hypothesisLength);
  if (Array.isArray(references) && references.length === 0) {
    throw new MetricsError(
      'METRICS_EMPTY_INPUT',
      'closestReferenceLength: references must not be empty, got []. Pass the reference translations.',
    );
  }
  checkPair(references, [], 'closestReferenceLength', '');
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
 * @throws {MetricsError} `METRICS_INVALID_INPUT` unless both lengths are integers ≥ 0.
 * @example brevityPenalty(28, 12) // 0.2635971381157267
 */
export function brevityPenalty(closestReferenceLength: number, hypothesisLength: number): number {
  checkLength('brevityPenalty', 'closestReferenceLength', closestReferenceLength);
  checkLength('brevityPenalty', 'hypothesisLength', hypothesisLength);
  if (hypothesisLength > closestReferenceLength) return 1;
  if (hypothesisLength === 0) return 0;
  return Math.exp(1 - closestReferenceLength / hypothesisLength);
}

/**
 * Modified n-gram precision of one hypothesis against its references as unreduced counts — NLTK's
 * `modified_precision` (whose `Fraction` keeps them unreduced too).
 * @throws {MetricsError} `METRICS_INVALID_OPTION` unless `n` is a positive integer;
 * `METRICS_INVALID_INPUT` / `METRICS_EMPTY_INPUT` for sentences that are not token arrays or no references.
 * @example modifiedPrecision([['the', 'cat', 'is', 'on', 'the', 'mat']], ['the', 'the', 'the'], 1)
 * // { numerator: 2, denominator: 3 }
 */
export function modifiedPrecision(
  references: readonly (readonly Token[])[],
  hypothesis: readonly Token[],
  n: number,
): NgramPrecisionCounts {
  check.integer('modifiedPrecision', 'n', n, { min: 1 });
  checkPair(references, hypothesis, 'modifiedPrecision', '');
  const numerators = new Array<number>(n).fill(0);
  const denominators = new Array<number>(n).fill(0);
  addClippedNgramCounts(references, hypothesis, n, numerators, denominators);
  return { numerator: numerators[n - 1]!, denominator: denominators[n - 1]! };
}

/**
 * Adds one hypothesis and its references to `statistics` (the loop body of NLTK's `corpus_bleu`).
 * @throws {MetricsError} `METRICS_EMPTY_INPUT` when `references` is empty, `METRICS_INVALID_INPUT`
 * when a sentence is not an array of tokens or has more than {@link MAX_NGRAMS_PER_SENTENCE} n-grams.
 */
export function addBleuPair(
  statistics: BleuStatistics,
  references: readonly (readonly Token[])[],
  hypothesis: readonly Token[],
  where = 'BleuAccumulator.update',
  index = '',
): void {
  checkPair(references, hypothesis, where, index);
  const ngrams = hypothesis.length * Math.min(statistics.numerators.length, hypothesis.length);
  if (ngrams > MAX_NGRAMS_PER_SENTENCE) {
    fail(
      'METRICS_INVALID_INPUT',
      where,
      `hypothesis${index}`,
      hypothesis,
      `gives ${hypothesis.length} tokens × ${Math.min(statistics.numerators.length, hypothesis.length)} n-gram orders = ${ngrams} n-grams, more than the limit of ${MAX_NGRAMS_PER_SENTENCE} (MAX_NGRAMS_PER_SENTENCE)`,
      'Score sentences, not whole documents, and use at most a few weights (BLEU-4 has 4).',
    );
  }
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

/**
 * The statistics of a batch of pairs (checked whole before counting).
 * @throws {MetricsError} `METRICS_INVALID_INPUT`, `METRICS_LENGTH_MISMATCH`, `METRICS_EMPTY_INPUT`
 *   (no pairs, unless `allowEmpty`; a hypothesis without references).
 */
export function countBleuPairs(
  listOfReferences: readonly (readonly (readonly Token[])[])[],
  hypotheses: readonly (readonly Token[])[],
  maxOrder: number,
  where: string,
  allowEmpty = false,
): BleuStatistics {
  pairedArrays(where, listOfReferences, hypotheses, ['listOfReferences', 'hypotheses'], allowEmpty);
  const statistics = createBleuStatistics(maxOrder);
  for (let i = 0; i < hypotheses.length; i++) {
    addBleuPair(statistics, listOfReferences[i]!, hypotheses[i]!, where, `[${i}]`);
  }
  return statistics;
}
