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
 * Options of {@link timeseriesWindows}: the TensorFlow tutorial's `WindowGenerator`, with
 * rnnkit's names for its widths (`input_width` is `inputSteps`, `label_width` `outputSteps`).
 */
export interface TimeseriesWindowOptions {
  /** Time steps fed to the model (`input_width`); an integer ≥ 1. Required. */
  readonly inputSteps: number;
  /**
   * Time steps predicted (`label_width`): the last `outputSteps` steps of the total window of
   * `inputSteps + shift` steps; an integer in `[1, inputSteps + shift]`. Required.
   */
  readonly outputSteps: number;
  /**
   * How far the end of the labels lies beyond the end of the inputs (`shift`); an integer ≥ 1.
   * `shift: 1, outputSteps: 1` predicts the next step; `shift: 24, outputSteps: 24` the next 24.
   * Required.
   */
  readonly shift: number;
  /**
   * Steps between the starts of consecutive windows (`sequence_stride` of
   * `timeseries_dataset_from_array`); an integer ≥ 1.
   * @default 1
   */
  readonly stride?: number;
  /**
   * Columns that become labels (`label_columns`), as indices or, with `columns`, names; in
   * the order given. `null` uses every column.
   * @default null
   */
  readonly targetColumns?: readonly (number | string)[] | null;
  /**
   * Names of the series' columns, one per feature, so `targetColumns` may name them
   * (`'T (degC)'`). `null` means columns are addressed by index only.
   * @default null
   */
  readonly columns?: readonly string[] | null;
}

/** {@link TimeseriesWindowOptions} with every default filled in. */
export interface ResolvedTimeseriesWindowOptions {
  readonly inputSteps: number;
  readonly outputSteps: number;
  readonly shift: number;
  readonly stride: number;
  readonly targetColumns: readonly (number | string)[] | null;
  readonly columns: readonly string[] | null;
  /** `inputSteps + shift`, the tutorial's `total_window_size`. */
  readonly totalSteps: number;
}

/** The documented defaults of the optional {@link TimeseriesWindowOptions} fields. */
export const DEFAULT_TIMESERIES_WINDOW_OPTIONS: Readonly<
  Pick<ResolvedTimeseriesWindowOptions, 'stride' | 'targetColumns' | 'columns'>
> = Object.freeze({ stride: 1, targetColumns: null, columns: null });

/**
 * Validates time-series window options (everything that does not depend on the series) and
 * fills in defaults.
 * @example
 * resolveTimeseriesWindowOptions({ inputSteps: 24, outputSteps: 1, shift: 24 }).totalSteps; // 48
 * @throws DatasetsError `DATASETS_INVALID_OPTION` for missing or non-positive step counts, an
 *   `outputSteps` above `inputSteps + shift`, a malformed column list or an unknown option.
 */
export function resolveTimeseriesWindowOptions(
  options: TimeseriesWindowOptions,
  where = 'timeseriesWindows',
): ResolvedTimeseriesWindowOptions {
  const merged = check.withDefaults(where, options, DEFAULT_TIMESERIES_WINDOW_OPTIONS, [
    'inputSteps',
    'outputSteps',
    'shift',
  ]);
  const inputSteps = check.integer(where, 'inputSteps', merged.inputSteps, { min: 1 });
  const outputSteps = check.integer(where, 'outputSteps', merged.outputSteps, { min: 1 });
  const shift = check.integer(where, 'shift', merged.shift, { min: 1 });
  const totalSteps = inputSteps + shift;
  if (outputSteps > totalSteps) {
    check.invalid(
      where,
      'outputSteps',
      outputSteps,
      `must be ≤ inputSteps + shift = ${totalSteps} (outputs are the last outputSteps steps of that window)`,
      'Lower outputSteps or raise shift.',
    );
  }
  return {
    inputSteps,
    outputSteps,
    shift,
    stride: check.integer(where, 'stride', merged.stride, { min: 1 }),
    targetColumns: requireColumnSelection(where, 'targetColumns', merged.targetColumns),
    columns: optionalNameList(where, 'columns', merged.columns),
    totalSteps,
  };
}

/**
 * One window of {@link timeseriesWindows}. Arrays are fresh for every window and owned by
 * the caller. Values are stored as `float32`.
 */
export interface TimeseriesWindow {
  /** `float32`, row-major `[inputSteps, features]`: every column of steps `start … start + inputSteps − 1`. */
  readonly xs: Float32Array;
  /** `float32`, row-major `[outputSteps, targets]`: the target columns of steps `labelStart … labelStart + outputSteps − 1`. */
  readonly ys: Float32Array;
  /** `[inputSteps, features]` (`features` is 1 for a univariate series). */
  readonly xsShape: number[];
  /** `[outputSteps, targets]`. */
  readonly ysShape: number[];
  /** Time step of `xs`' first row. */
  readonly start: number;
  /** Time step of `ys`' first row: `start + inputSteps + shift − outputSteps`. */
  readonly labelStart: number;
}

interface WindowPlan {
  readonly series: SeriesView;
  readonly resolved: ResolvedTimeseriesWindowOptions;
  readonly targets: readonly number[];
  readonly count: number;
}

function prepare(series: SeriesInput, options: TimeseriesWindowOptions, where: string): WindowPlan {
  const resolved = resolveTimeseriesWindowOptions(options, where);
  const view = readSeries(series, 'series');
  const names = resolveColumnNames(resolved.columns, view.features, 'columns');
  const targets = resolveColumnSelection(
    where,
    'targetColumns',
    resolved.targetColumns,
    view.features,
    names,
  );
  if (view.rows < resolved.totalSteps) {
    throw new DatasetsError(
      'DATASETS_TOO_SHORT',
      `series has ${view.rows} time steps but one window needs inputSteps + shift = ${resolved.totalSteps}. ` +
        'Shorten the window or pass a longer series.',
    );
  }
  const count = Math.floor((view.rows - resolved.totalSteps) / resolved.stride) + 1;
  return { series: view, resolved, targets, count };
}

/**
 * Cuts forecasting windows out of a time series, lazily, with the TensorFlow time-series
 * tutorial's `WindowGenerator` semantics.
 *
 * A window spans `totalSteps = inputSteps + shift` consecutive steps starting at
 * `start = 0, stride, 2·stride, …` while `start + totalSteps ≤ n` (as
 * `timeseries_dataset_from_array(sequence_length=total_window_size)`), so there are
 * `⌊(n − totalSteps) / stride⌋ + 1` windows. `xs` are its first `inputSteps` steps with
 * every column (`features[:, input_slice, :]`); `ys` (the labels) are its last `outputSteps` steps with
 * the `targetColumns` only, in the order given (`labels_slice` + `label_columns`). Labels may
 * overlap inputs when `outputSteps > shift` (the tutorial's `wide_window`).
 *
 * Validation happens at call time; windows are copied out only as the iterator advances. The
 * series is read, never modified; do not mutate it while iterating. Normalize first with
 * `fitNormalization` + `normalize` if the model needs it.
 *
 * @param series univariate (`number[]`, typed array) or multivariate (`number[][]`, one row per
 *   time step, every row the same length) finite numbers.
 * @returns an iterator over {@link TimeseriesWindow}s whose arrays are fresh and owned by the caller.
 * @example
 * // Single-step: 3 steps in, predict the next one.
 * [...timeseriesWindows([1, 2, 3, 4, 5], { inputSteps: 3, outputSteps: 1, shift: 1 })];
 * // xs [1,2,3] ys [4]; xs [2,3,4] ys [5]
 * // Multi-step, multivariate, one named target column:
 * timeseriesWindows(rows, { inputSteps: 24, outputSteps: 24, shift: 24, columns: ['p', 'T'], targetColumns: ['T'] });
 * // xsShape [24, 2], ysShape [24, 1]
 * @throws DatasetsError `DATASETS_INVALID_OPTION` (bad widths or columns),
 *   `DATASETS_INVALID_INPUT` (non-numeric or non-finite values), `DATASETS_EMPTY_INPUT` (no
 *   steps), `DATASETS_SHAPE_MISMATCH` (ragged rows, `columns` not one name per column),
 *   `DATASETS_TOO_SHORT` (fewer than `inputSteps + shift` steps).
 */
export function timeseriesWindows(
  series: SeriesInput,
  options: TimeseriesWindowOptions,
): Generator<TimeseriesWindow, void, undefined> {
  return generateTimeseriesWindows(prepare(series, options, 'timeseriesWindows'));
}

function* generateTimeseriesWindows(plan: WindowPlan): Generator<TimeseriesWindow, void, undefined> {
  const { series, targets, count } = plan;
  const { inputSteps, outputSteps, stride, totalSteps } = plan.resolved;
  const features = series.features;
  for (let w = 0; w < count; w++) {
    const start = w * stride;
    const labelStart = start + totalSteps - outputSteps;
    const xs = new Float32Array(inputSteps * features);
    for (let t = 0; t < inputSteps; t++) {
      for (let c = 0; c < features; c++) xs[t * features + c] = series.at(start + t, c);
    }
    const ys = new Float32Array(outputSteps * targets.length);
    for (let t = 0; t < outputSteps; t++) {
      for (let k = 0; k < targets.length; k++)
        ys[t * targets.length + k] = series.at(labelStart + t, targets[k]!);
    }
    yield {
      xs,
      ys,
      xsShape: [inputSteps, features],
      ysShape: [outputSteps, targets.length],
      start,
      labelStart,
    };
  }
}

/**
 * The number of windows {@link timeseriesWindows} yields, `⌊(n − inputSteps − shift) / stride⌋ + 1`
 * for `n` steps, without cutting any.
 * @example
 * countTimeseriesWindows(new Float32Array(100), { inputSteps: 24, outputSteps: 1, shift: 1 }); // 76
 * @throws DatasetsError the same errors as {@link timeseriesWindows}, so it never returns 0.
 */
export function countTimeseriesWindows(series: SeriesInput, options: TimeseriesWindowOptions): number {
  return prepare(series, options, 'countTimeseriesWindows').count;
}
