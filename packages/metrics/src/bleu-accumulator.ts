import {
  type BleuOptions,
  bleuFromStatistics,
  type ResolvedBleuOptions,
  resolveBleuOptions,
} from './bleu.js';
import { type BleuStatistics, countBleuPairs, createBleuStatistics } from './bleu-statistics.js';
import type { Token } from './ngrams.js';

/**
 * Streaming corpus BLEU: `update()` with each batch of hypotheses and their references, `result()`
 * at the end — equal to {@link corpusBleu} over all the pairs at once, while holding only n-gram
 * counts (plus a copy of the last pair, which NLTK's smoothing methods 5–7 read).
 *
 * @example
 * const bleu = new BleuAccumulator({ smoothing: 'method1' });
 * for (const batch of batches) bleu.update(batch.references, batch.hypotheses);
 * bleu.result(); // = corpusBleu(allReferences, allHypotheses, { smoothing: 'method1' })
 */
export class BleuAccumulator {
  readonly #options: ResolvedBleuOptions;
  #statistics: BleuStatistics;

  /**
   * @param options - as {@link corpusBleu}'s, validated here.
   * @throws {MetricsError} `METRICS_INVALID_OPTION` for bad options.
   */
  constructor(options: BleuOptions = {}) {
    this.#options = resolveBleuOptions(options, 'BleuAccumulator');
    this.#statistics = createBleuStatistics(this.#options.maxOrder);
  }

  /**
   * Adds a batch of hypotheses with their references. The arrays may be reused by the caller after
   * the call returns.
   * @param listOfReferences - for each hypothesis, its reference translations (token arrays).
   * @param hypotheses - token arrays, as many as `listOfReferences`.
   * @throws {MetricsError} `METRICS_LENGTH_MISMATCH` for different lengths; `METRICS_EMPTY_INPUT` /
   * `METRICS_INVALID_INPUT` for a pair {@link corpusBleu} would reject. A rejected batch adds nothing.
   */
  update(
    listOfReferences: readonly (readonly (readonly Token[])[])[],
    hypotheses: readonly (readonly Token[])[],
  ): this {
    const batch = countBleuPairs(
      listOfReferences,
      hypotheses,
      this.#options.maxOrder,
      'BleuAccumulator.update',
      true,
    );
    if (batch.pairs === 0) return this;
    const total = this.#statistics;
    for (let n = 0; n < total.numerators.length; n++) {
      total.numerators[n]! += batch.numerators[n]!;
      total.denominators[n]! += batch.denominators[n]!;
    }
    total.hypothesisLength += batch.hypothesisLength;
    total.referenceLength += batch.referenceLength;
    total.pairs += batch.pairs;
    const last = batch.last!;
    total.last = { references: last.references.map((r) => [...r]), hypothesis: [...last.hypothesis] };
    return this;
  }

  /** Pairs added so far. */
  get pairs(): number {
    return this.#statistics.pairs;
  }

  /**
   * Corpus BLEU over every pair added.
   * @throws {MetricsError} `METRICS_EMPTY_INPUT` before the first pair; `METRICS_UNDEFINED` for
   * `method6` without trigram matches.
   */
  result(): number {
    return bleuFromStatistics(this.#statistics, this.#options)[0]!;
  }

  /** Forgets every pair added. */
  reset(): this {
    this.#statistics = createBleuStatistics(this.#options.maxOrder);
    return this;
  }
}

/**
 * Creates a {@link BleuAccumulator}.
 * @throws {MetricsError} `METRICS_INVALID_OPTION` for bad options.
 * @example const bleu = createBleuAccumulator({ weights: [0.5, 0.5] });
 */
export function createBleuAccumulator(options: BleuOptions = {}): BleuAccumulator {
  return new BleuAccumulator(options);
}
