import type { TopLevelSpec } from 'vega-lite';
import { check, checkPlotSize, fail, pixels } from '../validate.js';
import { renderVegaLiteSvg, specHeader } from './render-vega-lite.js';

/**
 * Training history as tfjs' `model.fit` and rnn-models' `train()` return it (`History`): `epoch`
 * indices (from 0) and, per metric, one value per epoch (numbers; anything else, like a NaN, leaves
 * a gap); validation metrics are prefixed `val_`. Declared here structurally, so metrics needs no
 * tfjs or rnn-models import.
 */
export interface TrainingHistory {
  readonly epoch: readonly number[];
  readonly history: Readonly<Record<string, readonly unknown[]>>;
}

/** Options of {@link plotHistorySvg}. */
export interface PlotHistoryOptions {
  /**
   * Metrics to plot, one panel each, with the training curve and, when the history has
   * `val_<metric>`, the validation curve.
   * @default every key of `history` that does not start with 'val_', in key order (e.g. ['loss', 'acc'])
   */
  readonly metrics?: readonly string[];
  /**
   * Width of each panel's plotting area in pixels.
   * @default 300
   */
  readonly width?: number;
  /**
   * Height of each panel's plotting area in pixels.
   * @default 200
   */
  readonly height?: number;
  /**
   * Title above all panels; `''` for none.
   * @default ''
   */
  readonly title?: string;
}

/** The documented defaults of {@link PlotHistoryOptions} (`metrics` depends on the history). */
export const DEFAULT_PLOT_HISTORY_OPTIONS: Readonly<Required<Omit<PlotHistoryOptions, 'metrics'>>> =
  Object.freeze({
    width: 300,
    height: 200,
    title: '',
  });

/** Validated options of {@link plotHistorySvg}, every default filled in. */
export type ResolvedPlotHistoryOptions = Required<PlotHistoryOptions>;

const VALIDATION_PREFIX = 'val_';

/** Validates options against `history` and fills in the defaults (internal). */
export function resolvePlotHistoryOptions(
  history: TrainingHistory,
  options: PlotHistoryOptions = {},
): ResolvedPlotHistoryOptions {
  const fn = 'plotHistorySvg';
  const given = check.withDefaults(fn, options, DEFAULT_PLOT_HISTORY_OPTIONS, ['metrics']);
  if (history === null || typeof history !== 'object' || !Array.isArray(history.epoch)) {
    fail(
      'METRICS_INVALID_INPUT',
      fn,
      'history',
      history,
      'must be { epoch, history } as model.fit returns it',
    );
  }
  if (history.history === null || typeof history.history !== 'object') {
    fail(
      'METRICS_INVALID_INPUT',
      fn,
      'history.history',
      history.history,
      'must be an object of metric name → values per epoch',
    );
  }
  const keys = Object.keys(history.history);
  const metrics = given.metrics ?? keys.filter((key) => !key.startsWith(VALIDATION_PREFIX));
  if (!Array.isArray(metrics) || metrics.length === 0) {
    check.invalid(
      fn,
      'metrics',
      metrics,
      'must name at least one metric',
      `The history has ${keys.length === 0 ? 'no metrics' : keys.join(', ')}.`,
    );
  }
  for (const metric of metrics) {
    if (!keys.includes(metric)) check.oneOf(fn, 'metrics', metric, keys);
  }
  return {
    metrics,
    width: pixels(fn, 'width', given.width),
    height: pixels(fn, 'height', given.height),
    title: check.string(fn, 'title', given.title),
  };
}

interface Row {
  readonly epoch: number;
  readonly split: 'train' | 'validation';
  readonly value: number | null;
}

/**
 * Training curves like the notebook's accuracy and loss plots: one panel per metric, the training
 * values and (if recorded) the validation values against the epoch. Epochs are shown counted from
 * 1, as Keras notebooks do (`History.epoch` counts from 0). Non-finite values (a NaN loss) leave a
 * gap. Rendered headlessly by vega-lite + vega (optional peer dependencies, loaded on first call);
 * the same input gives the same SVG.
 *
 * @param history `model.fit`'s `History`, or `{ epoch, history }` built by hand.
 * @returns an SVG document (string) with one line per curve.
 * @throws MetricsError `METRICS_SHAPE_MISMATCH` when a plotted series does not have one value
 *   per epoch; `METRICS_INVALID_INPUT` for a history that is not `{ epoch, history }` of arrays, or
 *   more than {@link MAX_PLOT_MARKS} points (epochs × curves); `METRICS_INVALID_OPTION` for unknown or no metrics and bad options;
 *   `METRICS_MISSING_DEPENDENCY` when vega or vega-lite is not installed
 *   (`npm install vega vega-lite @resvg/resvg-js`).
 * @example
 * const history = await model.fit(xs, ys, { epochs: 10, validationSplit: 0.1, metrics: ['acc'] });
 * const svg = await plotHistorySvg(history, { metrics: ['acc', 'loss'] });
 */
export async function plotHistorySvg(
  history: TrainingHistory,
  options: PlotHistoryOptions = {},
): Promise<string> {
  const resolved = resolvePlotHistoryOptions(history, options);
  const curves = resolved.metrics.reduce(
    (n, metric) => n + (history.history[VALIDATION_PREFIX + metric] === undefined ? 1 : 2),
    0,
  );
  checkPlotSize(
    'plotHistorySvg',
    'points (epochs × curves)',
    history.epoch.length * curves,
    'Plot fewer metrics, or every n-th epoch.',
  );
  const panels = resolved.metrics.map((metric) => {
    let rows: Row[] = series(history, metric, 'train');
    if (history.history[VALIDATION_PREFIX + metric] !== undefined) {
      rows = rows.concat(series(history, VALIDATION_PREFIX + metric, 'validation'));
    }
    return { metric, rows };
  });
  return renderVegaLiteSvg(historySpec(panels, resolved));
}

function series(history: TrainingHistory, key: string, split: Row['split']): Row[] {
  const values = history.history[key]!;
  if (!Array.isArray(values)) {
    fail(
      'METRICS_INVALID_INPUT',
      'plotHistorySvg',
      `history.${key}`,
      values,
      'must be an array (one value per epoch)',
    );
  }
  if (values.length !== history.epoch.length) {
    fail(
      'METRICS_SHAPE_MISMATCH',
      'plotHistorySvg',
      `history.${key}.length`,
      values.length,
      `must equal epoch.length (${history.epoch.length})`,
      'Pass one value per epoch.',
    );
  }
  return values.map((value, i) => ({
    epoch: history.epoch[i]! + 1,
    split,
    value: typeof value === 'number' && Number.isFinite(value) ? value : null,
  }));
}

function historySpec(
  panels: readonly { metric: string; rows: Row[] }[],
  options: ResolvedPlotHistoryOptions,
): TopLevelSpec {
  return {
    ...specHeader(options.title),
    hconcat: panels.map(({ metric, rows }) => ({
      title: metric,
      width: options.width,
      height: options.height,
      data: { values: rows },
      mark: { type: 'line', point: true },
      encoding: {
        x: { field: 'epoch', type: 'quantitative', title: 'epoch', axis: { tickMinStep: 1, format: 'd' } },
        y: { field: 'value', type: 'quantitative', title: metric, scale: { zero: false } },
        color: {
          field: 'split',
          type: 'nominal',
          title: null,
          scale: { domain: ['train', 'validation'], range: ['#4c78a8', '#f58518'] },
        },
      },
    })),
    resolve: { scale: { color: 'shared' } },
  };
}
