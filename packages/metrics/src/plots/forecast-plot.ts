import type { TopLevelSpec } from 'vega-lite';
import { check, checkPlotSize, fail, pixels } from '../validate.js';
import { renderVegaLiteSvg, specHeader } from './render-vega-lite.js';

/**
 * Named forecasts to draw against the truth, e.g. `{ LSTM: predictions, 'seasonal naive': naive }`:
 * one value per time step of the truth, `null` where a forecast has no value (a gap). Lines are
 * drawn and coloured in key order (JavaScript orders integer-like keys such as `'7'` first).
 */
export type ForecastSeries = Readonly<Record<string, ArrayLike<number | null>>>;

/** Options of {@link forecastPlotSvg}. */
export interface ForecastPlotOptions {
  /**
   * The date of every time step, as `Date`s or ISO 8601 strings (`'1988-01-01'`, read as UTC);
   * `null` puts the step index (0, 1, …) on the x axis instead.
   * @default null
   */
  readonly dates?: readonly (string | Date)[] | null;
  /**
   * Name of the truth's line in the legend; no forecast may have it.
   * @default 'truth'
   */
  readonly truthName?: string;
  /**
   * Title above the plot; `''` for none.
   * @default ''
   */
  readonly title?: string;
  /**
   * Width of the plotting area in pixels (the SVG adds the axes and legend around it).
   * @default 800
   */
  readonly width?: number;
  /**
   * Height of the plotting area in pixels.
   * @default 300
   */
  readonly height?: number;
  /**
   * Title of the x axis.
   * @default 'date' with `dates`, else 'step'
   */
  readonly xTitle?: string;
  /**
   * Title of the y axis.
   * @default 'value'
   */
  readonly yTitle?: string;
}

/** The documented defaults of {@link ForecastPlotOptions} (`xTitle` depends on `dates`). */
export const DEFAULT_FORECAST_PLOT_OPTIONS = Object.freeze({
  dates: null,
  truthName: 'truth',
  title: '',
  width: 800,
  height: 300,
  yTitle: 'value',
} as const satisfies ForecastPlotOptions);

/** {@link ForecastPlotOptions} validated, every default filled in; `dates` as epoch milliseconds (internal). */
export interface ResolvedForecastPlotOptions {
  readonly dates: readonly number[] | null;
  readonly truthName: string;
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly xTitle: string;
  readonly yTitle: string;
}

const FN = 'forecastPlotSvg';

/** The truth first, then the forecasts in key order; the colours of vega's `tableau10` after a dark truth. */
const TRUTH_COLOR = '#333333';
const FORECAST_COLORS = [
  '#4c78a8',
  '#f58518',
  '#e45756',
  '#72b7b2',
  '#54a24b',
  '#eeca3b',
  '#b279a2',
  '#ff9da6',
  '#9d755d',
];

/**
 * Validates the truth, forecasts and options and fills in the defaults (internal).
 * @throws MetricsError as {@link forecastPlotSvg}, before anything is rendered.
 */
export function resolveForecastPlotOptions(
  truth: ArrayLike<number | null>,
  forecasts: ForecastSeries,
  options: ForecastPlotOptions = {},
): ResolvedForecastPlotOptions {
  const given = check.withDefaults(FN, options, DEFAULT_FORECAST_PLOT_OPTIONS, ['xTitle']);
  const steps = checkSeries('truth', truth, undefined);
  if (forecasts === null || typeof forecasts !== 'object' || Array.isArray(forecasts)) {
    fail(
      'METRICS_INVALID_INPUT',
      FN,
      'forecasts',
      forecasts,
      'must be an object of name → values',
      "Pass e.g. { LSTM: predictions, 'seasonal naive': naive }.",
    );
  }
  const names = Object.keys(forecasts);
  const truthName = check.string(FN, 'truthName', given.truthName, true);
  for (const name of names) {
    if (name === '' || name === truthName) {
      fail(
        'METRICS_INVALID_INPUT',
        FN,
        'forecasts',
        name,
        `must not have a series named '' or truthName ('${truthName}')`,
        'Rename the forecast, or pass another truthName.',
      );
    }
    checkSeries(`forecasts['${name}']`, forecasts[name]!, steps);
  }
  if (names.length > FORECAST_COLORS.length) {
    fail(
      'METRICS_INVALID_INPUT',
      FN,
      'forecasts',
      `${names.length} series`,
      `must hold at most ${FORECAST_COLORS.length} series (one colour each)`,
      'Plot fewer forecasts per figure.',
    );
  }
  checkPlotSize(FN, 'points (steps × lines)', steps * (names.length + 1), 'Plot a shorter stretch.');
  const dates = given.dates === null ? null : checkDates(given.dates, steps);
  return {
    dates,
    truthName,
    title: check.string(FN, 'title', given.title),
    width: pixels(FN, 'width', given.width),
    height: pixels(FN, 'height', given.height),
    xTitle: check.string(FN, 'xTitle', given.xTitle ?? (dates === null ? 'step' : 'date')),
    yTitle: check.string(FN, 'yTitle', given.yTitle),
  };
}

/** Checks one series (finite numbers or `null`); its length must be `steps` when given. */
function checkSeries(name: string, values: unknown, steps: number | undefined): number {
  const series = values as ArrayLike<unknown> | null;
  if (series === null || typeof series !== 'object' || typeof series.length !== 'number') {
    fail('METRICS_INVALID_INPUT', FN, name, values, 'must be an array of numbers (null for a gap)');
  }
  if (steps === undefined && series.length === 0) {
    fail('METRICS_EMPTY_INPUT', FN, name, values, 'must hold at least one value');
  }
  if (steps !== undefined && series.length !== steps) {
    fail(
      'METRICS_LENGTH_MISMATCH',
      FN,
      `${name}.length`,
      series.length,
      `must equal truth.length (${steps})`,
      'Pass one value per time step of the truth, null where the forecast has none.',
    );
  }
  for (let i = 0; i < series.length; i++) {
    const value = series[i];
    if (value === null) continue;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      fail('METRICS_NON_FINITE', FN, `${name}[${i}]`, value, 'must be a finite number or null (a gap)');
    }
  }
  return series.length;
}

function checkDates(dates: unknown, steps: number): number[] {
  if (!Array.isArray(dates)) {
    check.invalid(FN, 'dates', dates, 'must be null or an array of Dates or ISO date strings');
  }
  if (dates.length !== steps) {
    fail(
      'METRICS_LENGTH_MISMATCH',
      FN,
      'dates.length',
      dates.length,
      `must equal truth.length (${steps})`,
      'Pass one date per time step.',
    );
  }
  return dates.map((date: unknown, i) => {
    const time =
      date instanceof Date ? date.getTime() : typeof date === 'string' ? Date.parse(date) : Number.NaN;
    if (!Number.isFinite(time)) {
      check.invalid(FN, `dates[${i}]`, date, "must be a valid Date or ISO 8601 string such as '1988-01-01'");
    }
    return time;
  });
}

interface Row {
  readonly x: number;
  readonly series: string;
  readonly value: number | null;
}

/**
 * A forecast against the truth: the observed series and one or more named forecasts as lines over
 * the dates (UTC) or the step index — the "predictions vs labels" figure of the TensorFlow
 * time-series tutorial, for a whole held-out period. `null` values leave gaps. Rendered headlessly
 * by vega-lite + vega (optional peer dependencies, loaded on first call); the same input gives the
 * same SVG.
 *
 * @param truth the observed values, one per time step (`null` for a missing observation).
 * @param forecasts named forecasts, each one value (or `null`) per time step of `truth`.
 * @returns an SVG document (string) with one line per series, the truth first.
 * @throws MetricsError `METRICS_LENGTH_MISMATCH` when a forecast or `dates` is not as long as
 *   `truth`; `METRICS_NON_FINITE` for NaN or ±Infinity (use `null` for a gap); `METRICS_EMPTY_INPUT`
 *   for an empty truth; `METRICS_INVALID_INPUT` for series that are not arrays, a forecast named ''
 *   or like the truth, more than 9 forecasts or more than {@link MAX_PLOT_MARKS} points;
 *   `METRICS_INVALID_OPTION` for a bad option or date; `METRICS_MISSING_DEPENDENCY` when vega or
 *   vega-lite is not installed (`npm install vega vega-lite @resvg/resvg-js`).
 * @example
 * const svg = await forecastPlotSvg(births1988, { LSTM: predicted, 'seasonal naive (7)': naive }, {
 *   dates: days1988, title: 'US births, 1988', yTitle: 'births',
 * });
 * await writeFile('forecast.png', await svgToPng(svg, { width: 1600 }));
 */
export async function forecastPlotSvg(
  truth: ArrayLike<number | null>,
  forecasts: ForecastSeries,
  options: ForecastPlotOptions = {},
): Promise<string> {
  const resolved = resolveForecastPlotOptions(truth, forecasts, options);
  const names = [resolved.truthName, ...Object.keys(forecasts)];
  const x = (i: number) => resolved.dates?.[i] ?? i;
  const rows: Row[] = [];
  const add = (series: string, values: ArrayLike<number | null>) => {
    for (let i = 0; i < values.length; i++) rows.push({ x: x(i), series, value: values[i] ?? null });
  };
  add(resolved.truthName, truth);
  for (const name of names.slice(1)) add(name, forecasts[name]!);
  return renderVegaLiteSvg(forecastSpec(rows, names, resolved));
}

function forecastSpec(
  rows: readonly Row[],
  names: readonly string[],
  options: ResolvedForecastPlotOptions,
): TopLevelSpec {
  const temporal = options.dates !== null;
  return {
    ...specHeader(options.title),
    width: options.width,
    height: options.height,
    data: { values: rows as Row[] },
    mark: { type: 'line', strokeWidth: 1.2, interpolate: 'linear' },
    encoding: {
      // Dates in UTC, so the same data draws the same axis in every time zone.
      x: temporal
        ? { field: 'x', type: 'temporal', title: options.xTitle, scale: { type: 'utc' } }
        : { field: 'x', type: 'quantitative', title: options.xTitle, axis: { tickMinStep: 1, format: 'd' } },
      y: { field: 'value', type: 'quantitative', title: options.yTitle, scale: { zero: false } },
      color: {
        field: 'series',
        type: 'nominal',
        title: null,
        sort: [...names],
        // Series names are descriptions ('seasonal naive (lag 7)'): no truncation at vega's 160 px.
        legend: { labelLimit: 1000 },
        scale: { domain: [...names], range: [TRUTH_COLOR, ...FORECAST_COLORS.slice(0, names.length - 1)] },
      },
    },
  };
}
