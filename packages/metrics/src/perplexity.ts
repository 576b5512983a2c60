import { tokenCount as checkTokenCount, nll } from './validate.js';

/**
 * Perplexity `exp(NLL)` from a mean negative log-likelihood per token in nats — the value of a
 * (sparse) categorical cross-entropy loss, which uses natural logarithms.
 *
 * @param meanNllNats - mean cross-entropy per token, in nats (≥ 0; `Infinity` gives `Infinity`).
 * @throws {MetricsError} `METRICS_NON_FINITE` for NaN, `METRICS_INVALID_INPUT` for a negative value.
 * @example perplexity(Math.log(50)) // 50 (as uncertain as a uniform choice among 50 tokens)
 */
export function perplexity(meanNllNats: number): number {
  nll('perplexity', 'meanNllNats', meanNllNats);
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
  nll('bitsPerToken', 'meanNllNats', meanNllNats);
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
  nll('perplexityFromTotal', 'totalNllNats', totalNllNats);
  checkTokenCount('perplexityFromTotal', tokenCount);
  return Math.exp(totalNllNats / tokenCount);
}

/**
 * Bits per token from a summed negative log-likelihood (nats) and its token count.
 * @throws {MetricsError} as {@link perplexityFromTotal}.
 * @example bitsPerTokenFromTotal(10 * Math.LN2, 5) // 2
 */
export function bitsPerTokenFromTotal(totalNllNats: number, tokenCount: number): number {
  nll('bitsPerTokenFromTotal', 'totalNllNats', totalNllNats);
  checkTokenCount('bitsPerTokenFromTotal', tokenCount);
  return totalNllNats / tokenCount / Math.LN2;
}
