import { createValidator, describeValue, type Validator } from '@rnnkit/core';
import { MetricsError, type MetricsErrorCode } from './errors.js';

/**
 * The one validator of `@rnnkit/metrics`: every failure is a `METRICS_INVALID_OPTION` reading
 * `<function>: <option> must be <rule>, got <value>. <fix>`; unknown option names fail naming the
 * closest valid one.
 */
export const check: Validator = createValidator(
  (message) => new MetricsError('METRICS_INVALID_OPTION', message),
);

/**
 * Throws a {@link MetricsError} with `code` in the validator's wording, for data errors that are
 * not options (`METRICS_NON_FINITE`, `METRICS_INVALID_INPUT`, …).
 */
export function fail(
  code: MetricsErrorCode,
  where: string,
  name: string,
  value: unknown,
  rule: string,
  fix?: string,
): never {
  throw new MetricsError(
    code,
    `${where}: ${name} ${rule}, got ${describeValue(value)}.${fix ? ` ${fix}` : ''}`,
  );
}

/** `undefined` or a function (`onWarning`, …). */
export function optionalFunction<F>(where: string, name: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    check.invalid(where, name, value, 'must be a function', 'Pass (message) => { … } or leave it out.');
  }
  return value;
}

/** A size in whole pixels, 1 to `max`. */
export function pixels(where: string, name: string, value: unknown, max = 10_000): number {
  return check.integer(where, name, value, { min: 1, max });
}

/**
 * The most marks (cells, points) a plot of `./plots` draws: 10⁵. vega lays a 300×300 confusion
 * matrix out in about 5 s and a million points in minutes, so larger plots fail up front.
 */
export const MAX_PLOT_MARKS = 100_000;

/**
 * Throws `METRICS_INVALID_INPUT` when a plot would draw more than {@link MAX_PLOT_MARKS} marks.
 * @param what what is counted (`'cells (classes²)'`, `'points'`).
 */
export function checkPlotSize(where: string, what: string, marks: number, fix: string): void {
  if (marks > MAX_PLOT_MARKS) {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      `${where}: the plot would draw ${marks} ${what}, more than the limit of ${MAX_PLOT_MARKS} (MAX_PLOT_MARKS). ${fix}`,
    );
  }
}

/**
 * Every entry of `values` is a finite number.
 * @throws MetricsError `METRICS_INVALID_OPTION` when `values` is not array-like, `METRICS_NON_FINITE`
 *   naming the first NaN or infinite entry.
 */
export function finiteValues(where: string, name: string, values: ArrayLike<number>): ArrayLike<number> {
  if (values === null || values === undefined || typeof values.length !== 'number') {
    check.invalid(where, name, values, 'must be an array of numbers');
  }
  for (let i = 0; i < values.length; i++) {
    const value = values[i];
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail(
        'METRICS_NON_FINITE',
        where,
        `${name}[${i}]`,
        value,
        'must be a finite number',
        'Check the model output for NaN.',
      );
    }
  }
  return values;
}

/**
 * One finite weight ≥ 0 per sample.
 * @throws MetricsError `METRICS_LENGTH_MISMATCH`, `METRICS_NON_FINITE`, `METRICS_INVALID_OPTION` (negative weight).
 */
export function sampleWeights(where: string, weights: ArrayLike<number>, length: number): void {
  finiteValues(where, 'sampleWeight', weights);
  if (weights.length !== length) {
    fail(
      'METRICS_LENGTH_MISMATCH',
      where,
      'sampleWeight.length',
      weights.length,
      `must equal the number of samples (${length})`,
      'Pass one weight per sample.',
    );
  }
  for (let i = 0; i < weights.length; i++) {
    if (weights[i]! < 0) check.invalid(where, `sampleWeight[${i}]`, weights[i], 'must be ≥ 0');
  }
}

/**
 * Two arrays of the same, non-zero length (references and hypotheses, one entry per sentence).
 * @throws MetricsError `METRICS_INVALID_INPUT`, `METRICS_LENGTH_MISMATCH`, `METRICS_EMPTY_INPUT`.
 */
export function pairedArrays(
  where: string,
  references: unknown,
  hypotheses: unknown,
  names: readonly [string, string] = ['references', 'hypotheses'],
  allowEmpty = false,
): void {
  for (const [i, value] of [references, hypotheses].entries()) {
    if (!Array.isArray(value))
      fail('METRICS_INVALID_INPUT', where, names[i]!, value, 'must be an array (one entry per sentence)');
  }
  const [a, b] = [references as unknown[], hypotheses as unknown[]];
  sameLength(where, a, b, names, 'Pass one entry per sentence.');
  if (a.length === 0 && !allowEmpty) {
    fail('METRICS_EMPTY_INPUT', where, names[0], a, 'must hold at least one pair');
  }
}

/**
 * A (mean or summed) negative log-likelihood in nats: a number ≥ 0 (`Infinity` allowed).
 * @throws MetricsError `METRICS_NON_FINITE` for NaN or a non-number, `METRICS_INVALID_INPUT` when negative.
 */
export function nll(where: string, name: string, value: number): number {
  if (typeof value !== 'number' || Number.isNaN(value)) {
    fail(
      'METRICS_NON_FINITE',
      where,
      name,
      value,
      'must be a negative log-likelihood in nats',
      'A NaN loss usually means training diverged.',
    );
  }
  if (value < 0) {
    fail(
      'METRICS_INVALID_INPUT',
      where,
      name,
      value,
      'must be ≥ 0',
      'Pass the loss itself, not the log-likelihood.',
    );
  }
  return value;
}

/**
 * The number of tokens a summed NLL covers: a non-negative integer, and > 0 unless `allowZero`.
 * @throws MetricsError `METRICS_INVALID_INPUT`, `METRICS_EMPTY_INPUT` for 0.
 */
export function tokenCount(where: string, value: number, allowZero = false): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    fail(
      'METRICS_INVALID_INPUT',
      where,
      'tokenCount',
      value,
      'must be an integer ≥ 0',
      'Pass the number of predicted, non-padding tokens.',
    );
  }
  if (value === 0 && !allowZero) {
    fail(
      'METRICS_EMPTY_INPUT',
      where,
      'tokenCount',
      value,
      'must be > 0',
      'Evaluate at least one non-padding token.',
    );
  }
  return value;
}

/**
 * `b` has as many entries as `a` (one prediction per observation).
 * @throws MetricsError `METRICS_LENGTH_MISMATCH`.
 */
export function sameLength(
  where: string,
  a: ArrayLike<unknown>,
  b: ArrayLike<unknown>,
  names: readonly [string, string] = ['yTrue', 'yPred'],
  fix = 'Pass one prediction per sample.',
): void {
  if (a.length !== b.length) {
    fail(
      'METRICS_LENGTH_MISMATCH',
      where,
      `${names[1]}.length`,
      b.length,
      `must equal ${names[0]}.length (${a.length})`,
      fix,
    );
  }
}
