import { countErrors, type ErrorRateUnit, rateOf } from './sequence-errors.js';
import { check, pairedArrays } from './validate.js';

/** Options of {@link ErrorRateAccumulator}. */
export interface ErrorRateAccumulatorOptions {
  /**
   * What to count: `'word'` (strings split on whitespace, or word arrays — WER), `'character'`
   * (strings by code point — CER) or `'token'` (token arrays — phoneme/token error rate).
   * @default 'word'
   */
  readonly unit?: ErrorRateUnit;
}

/** Defaults of {@link ErrorRateAccumulatorOptions}. */
export const DEFAULT_ERROR_RATE_ACCUMULATOR_OPTIONS = Object.freeze({ unit: 'word' as ErrorRateUnit });

const UNITS: readonly ErrorRateUnit[] = ['word', 'character', 'token'];

/**
 * Validates {@link ErrorRateAccumulatorOptions} and fills in the defaults (internal).
 * @throws {MetricsError} `METRICS_INVALID_OPTION` for an unknown option or unit.
 */
export function resolveErrorRateAccumulatorOptions(
  options: ErrorRateAccumulatorOptions = {},
  fn = 'ErrorRateAccumulator',
): {
  readonly unit: ErrorRateUnit;
} {
  const { unit } = check.withDefaults(fn, options, DEFAULT_ERROR_RATE_ACCUMULATOR_OPTIONS);
  return { unit: check.oneOf(fn, 'unit', unit, UNITS) };
}

/**
 * Streaming WER / CER / token error rate: `update()` with each batch, `result()` at the end — equal
 * to {@link wordErrorRate} (or the character/token version) over all pairs at once, holding two
 * numbers.
 *
 * @example
 * const wer = new ErrorRateAccumulator({ unit: 'word' });
 * wer.update(['the cat sat'], ['the cat sat down']).update(['hello'], ['hello']);
 * wer.result(); // 1 / 4
 */
export class ErrorRateAccumulator {
  readonly unit: ErrorRateUnit;
  #edits = 0;
  #referenceLength = 0;
  #pairs = 0;

  /** @throws {MetricsError} `METRICS_INVALID_OPTION` for bad options. */
  constructor(options: ErrorRateAccumulatorOptions = {}) {
    this.unit = resolveErrorRateAccumulatorOptions(options).unit;
  }

  /**
   * Adds a batch of reference/hypothesis pairs (an empty batch adds nothing).
   * @throws {MetricsError} `METRICS_LENGTH_MISMATCH` for different lengths, `METRICS_INVALID_INPUT`
   * for a sentence of the wrong kind for the unit. A rejected batch adds nothing.
   */
  update(references: readonly unknown[], hypotheses: readonly unknown[]): this {
    pairedArrays('ErrorRateAccumulator.update', references, hypotheses, undefined, true);
    const counts = countErrors(references, hypotheses, this.unit);
    this.#edits += counts.edits;
    this.#referenceLength += counts.referenceLength;
    this.#pairs += counts.pairs;
    return this;
  }

  /** Σ edit distance so far. */
  get edits(): number {
    return this.#edits;
  }

  /** Σ reference length so far (in units). */
  get referenceLength(): number {
    return this.#referenceLength;
  }

  /** Pairs added so far. */
  get pairs(): number {
    return this.#pairs;
  }

  /**
   * Total edits / total reference length.
   * @throws {MetricsError} `METRICS_EMPTY_INPUT` while the total reference length is 0.
   */
  result(): number {
    return rateOf(
      { edits: this.#edits, referenceLength: this.#referenceLength, pairs: this.#pairs },
      `${this.unit} error rate`,
    );
  }

  /** Forgets every pair added. */
  reset(): this {
    this.#edits = 0;
    this.#referenceLength = 0;
    this.#pairs = 0;
    return this;
  }
}

/**
 * Creates an {@link ErrorRateAccumulator}.
 * @throws {MetricsError} `METRICS_INVALID_OPTION` for bad options.
 * @example const cer = createErrorRateAccumulator({ unit: 'character' });
 */
export function createErrorRateAccumulator(options: ErrorRateAccumulatorOptions = {}): ErrorRateAccumulator {
  resolveErrorRateAccumulatorOptions(options, 'createErrorRateAccumulator');
  return new ErrorRateAccumulator(options);
}

/**
 * Creates a word error rate accumulator (`unit: 'word'`).
 * @example createWerAccumulator().update(['a b'], ['a c']).result() // 0.5
 */
export function createWerAccumulator(): ErrorRateAccumulator {
  return new ErrorRateAccumulator({ unit: 'word' });
}
