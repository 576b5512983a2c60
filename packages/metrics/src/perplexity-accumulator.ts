import { bitsPerTokenFromTotal, perplexityFromTotal } from './perplexity.js';
import { tokenCount as checkTokenCount, nll } from './validate.js';

/**
 * Streaming perplexity / bits per token: add each batch's summed NLL and token count, read the
 * result at the end. Equal to {@link perplexityFromTotal} over everything added.
 *
 * @example
 * const acc = new PerplexityAccumulator();
 * acc.update(12.5, 10); // batch 1: Σ NLL = 12.5 nats over 10 tokens
 * acc.update(7.5, 10);
 * acc.result(); // exp(20 / 20) = 2.718281828459045
 */
export class PerplexityAccumulator {
  #totalNllNats = 0;
  #tokenCount = 0;

  /**
   * Adds one batch.
   * @param totalNllNats - Σ −ln p(token) over the batch's tokens (≥ 0).
   * @param tokenCount - how many tokens that sum covers (a non-negative integer; 0 adds nothing).
   * @throws {MetricsError} `METRICS_NON_FINITE` / `METRICS_INVALID_INPUT` as {@link perplexityFromTotal}.
   */
  update(totalNllNats: number, tokenCount: number): this {
    nll('PerplexityAccumulator.update', 'totalNllNats', totalNllNats);
    checkTokenCount('PerplexityAccumulator.update', tokenCount, true);
    this.#totalNllNats += totalNllNats;
    this.#tokenCount += tokenCount;
    return this;
  }

  /** Tokens added so far. */
  get tokenCount(): number {
    return this.#tokenCount;
  }

  /**
   * Perplexity over everything added.
   * @throws {MetricsError} `METRICS_EMPTY_INPUT` before any token was added.
   */
  result(): number {
    return perplexityFromTotal(this.#totalNllNats, this.#tokenCount);
  }

  /**
   * Bits per token (per character for a char model) over everything added.
   * @throws {MetricsError} `METRICS_EMPTY_INPUT` before any token was added.
   */
  bitsPerToken(): number {
    return bitsPerTokenFromTotal(this.#totalNllNats, this.#tokenCount);
  }

  /** Forgets everything added. */
  reset(): this {
    this.#totalNllNats = 0;
    this.#tokenCount = 0;
    return this;
  }
}
