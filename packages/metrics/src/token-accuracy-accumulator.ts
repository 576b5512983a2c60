import type { Token } from './ngrams.js';
import {
  countTokenAccuracy,
  resolveTokenAccuracyOptions,
  type TokenAccuracyOptions,
} from './sequence-errors.js';
import { fail, pairedArrays } from './validate.js';

/**
 * Streaming {@link tokenAccuracy}: counts correct and non-padding positions batch by batch; `result()`
 * equals `tokenAccuracy` over all rows at once.
 *
 * @example
 * const acc = new TokenAccuracyAccumulator({ padId: 0 });
 * acc.update([[5, 6, 0]], [[5, 1, 9]]).update([[7]], [[7]]);
 * acc.result(); // 2 / 3
 */
export class TokenAccuracyAccumulator {
  readonly padId: Token | null;
  #correct = 0;
  #counted = 0;

  /** @throws {MetricsError} `METRICS_INVALID_OPTION` for bad options. */
  constructor(options: TokenAccuracyOptions = {}) {
    this.padId = resolveTokenAccuracyOptions(options, 'TokenAccuracyAccumulator').padId;
  }

  /**
   * Adds a batch of rows (an empty batch adds nothing).
   * @throws {MetricsError} as {@link tokenAccuracy}, except that an all-padding batch is fine.
   */
  update(references: readonly ArrayLike<Token>[], predictions: readonly ArrayLike<Token>[]): this {
    const fn = 'TokenAccuracyAccumulator.update';
    pairedArrays(fn, references, predictions, ['references', 'predictions'], true);
    if (references.length === 0) return this;
    const { correct, counted } = countTokenAccuracy(references, predictions, this.padId, fn);
    this.#correct += correct;
    this.#counted += counted;
    return this;
  }

  /** Non-padding positions counted so far. */
  get counted(): number {
    return this.#counted;
  }

  /**
   * Correct / counted positions.
   * @throws {MetricsError} `METRICS_EMPTY_INPUT` before any non-padding position was added.
   */
  result(): number {
    if (this.#counted === 0) {
      fail(
        'METRICS_EMPTY_INPUT',
        'TokenAccuracyAccumulator.result',
        'counted positions',
        0,
        'must be > 0',
        'Add a batch with a non-padding position first.',
      );
    }
    return this.#correct / this.#counted;
  }

  /** Forgets every batch added. */
  reset(): this {
    this.#correct = 0;
    this.#counted = 0;
    return this;
  }
}
