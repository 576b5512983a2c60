import { MetricsError } from './errors.js';

/** @internal Validates a (mean or summed) NLL in nats. */
export function checkMeanNll(value: number, name: string): void {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw new MetricsError(
      'METRICS_NON_FINITE',
      `${name} must be a number (a mean negative log-likelihood in nats); received ${String(value)}. A NaN loss usually means training diverged.`,
    );
  }
  if (value < 0) {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      `${name} must be ≥ 0 (a negative log-likelihood of discrete tokens cannot be negative); received ${value}. Pass the loss itself, not the log-likelihood.`,
    );
  }
}

/** @internal Validates a positive integer token count. */
export function checkTokenCount(tokenCount: number): void {
  if (!Number.isInteger(tokenCount) || tokenCount < 0) {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      `tokenCount must be a non-negative integer (the number of predicted, non-padding tokens); received ${String(tokenCount)}.`,
    );
  }
  if (tokenCount === 0) {
    throw new MetricsError(
      'METRICS_EMPTY_INPUT',
      'tokenCount is 0: perplexity over no tokens is undefined. Evaluate at least one non-padding token.',
    );
  }
}

/**
 * Perplexity `exp(NLL)` from a mean negative log-likelihood per token in nats — the value of a
 * (sparse) categorical cross-entropy loss, which uses natural logarithms.
 *
 * @param meanNllNats - mean cross-entropy per token, in nats (≥ 0; `Infinity` gives `Infinity`).
 * @throws {MetricsError} `METRICS_NON_FINITE` for NaN, `METRICS_INVALID_INPUT` for a negative value.
 * @example perplexity(Math.log(50)) // 50 (as uncertain as a uniform choice among 50 tokens)
 */
export function perplexity(meanNllNats: number): number {
  checkMeanNll(meanNllNats, 'meanNllNats');
  return Math.exp(meanNllNats);
}

/**
 * Bits per token `NLL / ln 2` from a mean negative log-likelihood per token in nats: the average
 * code length an ideal compressor driven by the model would need per token.
 *
 * @param meanNllNats - mean cross-entropy per token, in nats (≥ 0).
 * @throws {MetricsError} `METRICS_NON_FINITE` for NaN, `METRICS_INVALID_INPUT` for a negative value.
 * @example bitsPerToken(Math.log(2)) // 1
 */
export function bitsPerToken(meanNllNats: number): number {
  checkMeanNll(meanNllNats, 'meanNllNats');
  return meanNllNats / Math.LN2;
}

/**
 * Bits per character (BPC) of a character-level model: {@link bitsPerToken} where the tokens are
 * characters. Same function, the name used in char-LM papers.
 *
 * @param meanNllNats - mean cross-entropy per character, in nats (≥ 0).
 * @throws {MetricsError} as {@link bitsPerToken}.
 * @example bitsPerCharacter(1.0) // 1.4426950408889634
 */
export const bitsPerCharacter: (meanNllNats: number) => number = bitsPerToken;

/**
 * Perplexity from a summed negative log-likelihood (nats) and the number of tokens it covers —
 * the form to use when batches have different numbers of non-padding tokens (averaging batch means
 * would weight short batches too much).
 *
 * @param totalNllNats - Σ −ln p(token) over the evaluated tokens (≥ 0).
 * @param tokenCount - how many tokens the sum covers (a positive integer).
 * @throws {MetricsError} `METRICS_NON_FINITE` for a NaN sum, `METRICS_INVALID_INPUT` for a negative
 * sum or a count that is not a non-negative integer, `METRICS_EMPTY_INPUT` for a count of 0.
 * @example perplexityFromTotal(3 * Math.log(4), 3) // 4
 */
export function perplexityFromTotal(totalNllNats: number, tokenCount: number): number {
  checkMeanNll(totalNllNats, 'totalNllNats');
  checkTokenCount(tokenCount);
  return Math.exp(totalNllNats / tokenCount);
}

/**
 * Bits per token from a summed negative log-likelihood (nats) and its token count.
 * @throws {MetricsError} as {@link perplexityFromTotal}.
 * @example bitsPerTokenFromTotal(10 * Math.LN2, 5) // 2
 */
export function bitsPerTokenFromTotal(totalNllNats: number, tokenCount: number): number {
  checkMeanNll(totalNllNats, 'totalNllNats');
  checkTokenCount(tokenCount);
  return totalNllNats / tokenCount / Math.LN2;
}
