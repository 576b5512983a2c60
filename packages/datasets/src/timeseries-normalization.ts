import { describeValue } from '@rnnkit/core';
import { DatasetsError } from './errors.js';
import {
  readSeries,
  requireColumnSelection,
  resolveColumnNames,
  resolveColumnSelection,
  type SeriesInput,
  type SeriesView,
} from './series-input.js';
import { check, optionalNameList } from './validate.js';

/**
 * Per-column statistics for z-score normalization, `(x − mean) / std`. Plain numbers, so the
 * object can be saved as JSON next to a model and restored as is.
 */
export interface NormalizationStats {
  /** Mean of every column over the rows the statistics were computed on. */
  readonly mean: readonly number[];
  /** Standard deviation of every column, with `ddof` delta degrees of freedom. */
  readonly std: readonly number[];
  /** Delta degrees of freedom of `std`: 1 as pandas' `.std()`, 0 as numpy's `np.std`. */
  readonly ddof: number;
  /** Number of rows (time steps) the statistics were computed on. */
  readonly rows: number;
  /** Column names, if given, so `normalize` can select columns by name. */
  readonly columns: readonly string[] | null;
}

/** Options of {@link normalizationStats}. */
export interface NormalizationStatsOptions {
  /**
   * Delta degrees of freedom: `std = sqrt(Σ(x − mean)² / (rows − ddof))`. The default 1 is
   * pandas' `DataFrame.std()`, which the TensorFlow tutorial's `train_df.std()` uses; 0 is
   * numpy's `np.std` and scikit-learn's `StandardScaler`. An integer ≥ 0.
   * @default 1
   */
  readonly ddof?: number;
  /**
   * Names of the columns, one per feature, stored in the statistics.
   * @default null
   */
  readonly columns?: readonly string[] | null;
}

/** Options of {@link fitNormalization}. */
export interface FitNormalizationOptions extends NormalizationStatsOptions {
  /**
   * Fraction of the series, from its start, that is the training split; statistics are
   * computed on its first `⌊rows × trainFraction⌋` rows only (the tutorial's
   * `train_df = df[0:int(n*0.7)]`), so validation and test data do not leak into them. A
   * number in `(0, 1]`.
   * @default 0.7
   */
  readonly trainFraction?: number;
}

/** {@link FitNormalizationOptions} with every default filled in. */
export interface ResolvedFitNormalizationOptions {
  readonly trainFraction: number;
  readonly ddof: number;
  readonly columns: readonly string[] | null;
}

/** {@link NormalizationStatsOptions} with every default filled in. */
export type ResolvedNormalizationStatsOptions = Omit<ResolvedFitNormalizationOptions, 'trainFraction'>;

/** The documented defaults of {@link NormalizationStatsOptions}. */
export const DEFAULT_NORMALIZATION_STATS_OPTIONS: ResolvedNormalizationStatsOptions = Object.freeze({
  ddof: 1,
  columns: null,
});

/** The documented defaults of {@link FitNormalizationOptions}: the tutorial's 70 % training split. */
export const DEFAULT_FIT_NORMALIZATION_OPTIONS: ResolvedFitNormalizationOptions = Object.freeze({
  trainFraction: 0.7,
  ...DEFAULT_NORMALIZATION_STATS_OPTIONS,
});

/**
 * Validates {@link normalizationStats} options and fills in defaults.
 * @example
 * resolveNormalizationStatsOptions({}); // { ddof: 1, columns: null }
 * @throws DatasetsError `DATASETS_INVALID_OPTION` (negative or fractional `ddof`, bad names, unknown option).
 */
export function resolveNormalizationStatsOptions(
  options: NormalizationStatsOptions = {},
  where = 'normalizationStats',
): ResolvedNormalizationStatsOptions {
  const merged = check.withDefaults(where, options, DEFAULT_NORMALIZATION_STATS_OPTIONS);
  return {
    ddof: check.integer(where, 'ddof', merged.ddof, { min: 0 }),
    columns: optionalNameList(where, 'columns', merged.columns),
  };
}

/**
 * Validates {@link fitNormalization} options and fills in defaults.
 * @example
 * resolveFitNormalizationOptions({ ddof: 0 }); // { trainFraction: 0.7, ddof: 0, columns: null }
 * @throws DatasetsError `DATASETS_INVALID_OPTION` (`trainFraction` outside `(0, 1]`, negative
 *   or fractional `ddof`, bad names, unknown option).
 */
export function resolveFitNormalizationOptions(
  options: FitNormalizationOptions = {},
): ResolvedFitNormalizationOptions {
  const where = 'fitNormalization';
  const { trainFraction, ...stats } = check.withDefaults(where, options, DEFAULT_FIT_NORMALIZATION_OPTIONS);
  return {
    trainFraction: check.number(where, 'trainFraction', trainFraction, {
      min: 0,
      max: 1,
      minExclusive: true,
    }),
    ...resolveNormalizationStatsOptions(stats, where),
  };
}

function computeStats(
  view: SeriesView,
  rows: number,
  ddof: number,
  columns: readonly string[] | null,
): NormalizationStats {
  if (rows <= ddof) {
    throw new DatasetsError(
      'DATASETS_TOO_SHORT',
      `Statistics over ${rows} row(s) with ddof ${ddof} are undefined: a standard deviation needs ` +
        `more than ddof rows. Pass a longer series${ddof > 0 ? ', use ddof: 0,' : ''} or raise trainFraction.`,
    );
  }
  const names = resolveColumnNames(columns, view.features, 'columns');
  const mean: number[] = [];
  const std: number[] = [];
  for (let c = 0; c < view.features; c++) {
    // Two passes in float64, as numpy and pandas do, so no catastrophic cancellation.
    let sum = 0;
    for (let r = 0; r < rows; r++) sum += view.at(r, c);
    const m = sum / rows;
    let squares = 0;
    for (let r = 0; r < rows; r++) squares += (view.at(r, c) - m) ** 2;
    mean.push(m);
    std.push(Math.sqrt(squares / (rows - ddof)));
  }
  return Object.freeze({ mean: Object.freeze(mean), std: Object.freeze(std), ddof, rows, columns: names });
}

/**
 * Per-column mean and standard deviation over every row of `series` (use it on a training
 * split you made yourself; {@link fitNormalization} splits for you).
 * @param series univariate (`number[]`, typed array) or multivariate (`number[][]`) finite numbers; only read.
 * @example
 * normalizationStats([1, 2, 3, 4]); // mean [2.5], std [1.2909944487358056] (ddof 1)
 * normalizationStats([[1, 10], [3, 30]], { ddof: 0 }); // mean [2, 20], std [1, 10]
 * @throws DatasetsError `DATASETS_INVALID_OPTION` (bad options), `DATASETS_INVALID_INPUT`
 *   (non-numeric values), `DATASETS_EMPTY_INPUT` (no rows), `DATASETS_SHAPE_MISMATCH` (ragged
 *   rows, wrong number of names), `DATASETS_TOO_SHORT` (no more rows than `ddof`).
 */
export function normalizationStats(
  series: SeriesInput,
  options: NormalizationStatsOptions = {},
): NormalizationStats {
  const { ddof, columns } = resolveNormalizationStatsOptions(options);
  const view = readSeries(series, 'series');
  return computeStats(view, view.rows, ddof, columns);
}

/**
 * Fits normalization statistics on the training part of a series only, as the TensorFlow
 * time-series tutorial does: `train_df = df[0:int(n*0.7)]`, `train_mean = train_df.mean()`,
 * `train_std = train_df.std()`. pandas' `.std()` divides by `rows − 1` (ddof = 1), unlike
 * numpy's `np.std` (ddof = 0); the default follows the tutorial, pass `ddof: 0` for numpy.
 * @param series univariate or multivariate finite numbers, in time order; only read.
 * @example
 * const stats = fitNormalization(rows, { columns: ['p', 'T'] }); // first 70 % of rows, ddof 1
 * const scaled = normalize(rows, stats); // validation and test rows use the training stats
 * @throws DatasetsError as {@link normalizationStats}, and `DATASETS_TOO_SHORT` when the
 *   training part has no more rows than `ddof`.
 */
export function fitNormalization(
  series: SeriesInput,
  options: FitNormalizationOptions = {},
): NormalizationStats {
  const { trainFraction, ddof, columns } = resolveFitNormalizationOptions(options);
  const view = readSeries(series, 'series');
  return computeStats(view, Math.floor(view.rows * trainFraction), ddof, columns);
}

/** Options of {@link normalize} and {@link denormalize}. */
export interface NormalizeOptions {
  /**
   * Which statistics columns the values' columns are, as indices or names (names need
   * `stats.columns`); e.g. `['T']` to denormalize predicted temperatures only. `null` means
   * the values have every column, in order.
   * @default null
   */
  readonly columns?: readonly (number | string)[] | null;
}

/** {@link NormalizeOptions} with every default filled in. */
export interface ResolvedNormalizeOptions {
  readonly columns: readonly (number | string)[] | null;
}

/** The documented defaults of {@link NormalizeOptions}. */
export const DEFAULT_NORMALIZE_OPTIONS: ResolvedNormalizeOptions = Object.freeze({ columns: null });

/**
 * Validates {@link normalize} and {@link denormalize} options and fills in defaults.
 * @example
 * resolveNormalizeOptions({}); // { columns: null }
 * @throws DatasetsError `DATASETS_INVALID_OPTION` (malformed column list, unknown option).
 */
export function resolveNormalizeOptions(
  options: NormalizeOptions = {},
  where = 'normalize',
): ResolvedNormalizeOptions {
  const merged = check.withDefaults(where, options, DEFAULT_NORMALIZE_OPTIONS);
  return { columns: requireColumnSelection(where, 'columns', merged.columns) };
}

/** `Float32Array` for flat values, one `Float32Array` per row for rows. */
export type NormalizedSeries<T extends SeriesInput> = T extends readonly ArrayLike<number>[]
  ? Float32Array[]
  : Float32Array;

function requireStats(stats: unknown): NormalizationStats {
  const candidate = stats as Partial<NormalizationStats> | null;
  const isNumbers = (values: unknown): values is readonly number[] =>
    Array.isArray(values) &&
    values.length > 0 &&
    values.every((v) => typeof v === 'number' && Number.isFinite(v));
  if (
    candidate === null ||
    typeof candidate !== 'object' ||
    !isNumbers(candidate.mean) ||
    !isNumbers(candidate.std) ||
    candidate.mean.length !== candidate.std.length ||
    candidate.std.some((s) => s < 0)
  ) {
    throw new DatasetsError(
      'DATASETS_INVALID_INPUT',
      `stats must be NormalizationStats (from fitNormalization) with one finite mean and std ≥ 0 per column, got ${describeValue(stats)}.`,
    );
  }
  return candidate as NormalizationStats;
}

function transform(
  values: SeriesInput,
  stats: NormalizationStats,
  options: NormalizeOptions,
  direction: 1 | -1,
): Float32Array | Float32Array[] {
  const where = direction === 1 ? 'normalize' : 'denormalize';
  const checked = requireStats(stats);
  const { columns } = resolveNormalizeOptions(options, where);
  const names = checked.columns ?? null;
  const selected = resolveColumnSelection(where, 'columns', columns, checked.mean.length, names);
  const width = selected.length;
  // A zero std (a constant column) scales by 1 instead of dividing by 0, as scikit-learn does.
  const scale = selected.map((c) => (checked.std[c] === 0 ? 1 : checked.std[c]!));
  const shiftBy = selected.map((c) => checked.mean[c]!);
  const apply = (value: number, k: number) =>
    direction === 1 ? (value - shiftBy[k]!) / scale[k]! : value * scale[k]! + shiftBy[k]!;
  const view = readSeries(values, 'values');
  if (view.multivariate) {
    if (view.features !== width) {
      throw new DatasetsError(
        'DATASETS_SHAPE_MISMATCH',
        `values rows have ${view.features} columns but ${width} statistics columns are selected.`,
      );
    }
    return Array.from({ length: view.rows }, (_, r) =>
      Float32Array.from({ length: width }, (_, k) => apply(view.at(r, k), k)),
    );
  }
  if (view.rows % width !== 0) {
    throw new DatasetsError(
      'DATASETS_SHAPE_MISMATCH',
      `flat values hold ${view.rows} numbers, not a whole number of rows of ${width} columns.`,
    );
  }
  return Float32Array.from({ length: view.rows }, (_, k) => apply(view.at(k, 0), k % width));
}

/**
 * Z-score normalizes values with fitted statistics: `(x − mean) / std` per column (a column
 * whose `std` is 0 is only centred, as in scikit-learn). Use the training statistics for
 * every split.
 *
 * `values` is either rows (`number[][]`, one per time step) or flat row-major numbers with
 * one value per selected column per step — a univariate series, or a window's `xs` /
 * `ys`. The result has the same form: `Float32Array[]` for rows, one `Float32Array` for
 * flat values; it is new and owned by the caller, and `values` is not modified.
 * @example
 * const stats = normalizationStats([1, 2, 3, 4]);
 * normalize([1, 2, 3, 4], stats); // Float32Array [-1.1619, -0.3873, 0.3873, 1.1619]
 * @throws DatasetsError `DATASETS_INVALID_INPUT` (non-numeric values, malformed stats),
 *   `DATASETS_EMPTY_INPUT` (no values), `DATASETS_SHAPE_MISMATCH` (values do not have the
 *   selected number of columns), `DATASETS_INVALID_OPTION` (bad column selection).
 */
export function normalize<T extends SeriesInput>(
  values: T,
  stats: NormalizationStats,
  options: NormalizeOptions = {},
): NormalizedSeries<T> {
  return transform(values, stats, options, 1) as NormalizedSeries<T>;
}

/**
 * Undoes {@link normalize}: `x · std + mean` per column (`std` 0 counts as 1), e.g. to read a
 * model's normalized predictions in the data's units. Same value forms and ownership as
 * {@link normalize}.
 * @example
 * const stats = fitNormalization(rows, { columns: ['p', 'T'] });
 * denormalize(window.ys, stats, { columns: ['T'] }); // labels of the T column, in °C
 * @throws DatasetsError the same errors as {@link normalize}.
 */
export function denormalize<T extends SeriesInput>(
  values: T,
  stats: NormalizationStats,
  options: NormalizeOptions = {},
): NormalizedSeries<T> {
  return transform(values, stats, options, -1) as NormalizedSeries<T>;
}
