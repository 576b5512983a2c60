import type { TopLevelSpec } from 'vega-lite';
import { check, checkPlotSize, fail, pixels } from '../validate.js';
import { renderVegaLiteSvg, specHeader } from './render-vega-lite.js';

/** Options of {@link embeddingScatterSvg}. */
export interface EmbeddingScatterOptions {
  /**
   * Chart title; `''` for none.
   * @default 'Embeddings (PCA)'
   */
  readonly title?: string;
  /**
   * Width of the plotting area in pixels (the SVG adds the axes around it).
   * @default 500
   */
  readonly width?: number;
  /**
   * Height of the plotting area in pixels.
   * @default 500
   */
  readonly height?: number;
  /**
   * Title of the x axis.
   * @default 'PC 1'
   */
  readonly xTitle?: string;
  /**
   * Title of the y axis.
   * @default 'PC 2'
   */
  readonly yTitle?: string;
  /**
   * Font size of the point labels in pixels.
   * @default 11
   */
  readonly fontSize?: number;
  /**
   * Show whitespace labels (character vocabularies have them) as visible symbols: `' '` → `'␣'`,
   * `'\n'` → `'\\n'`, `'\t'` → `'\\t'`, `'\r'` → `'\\r'`, `''` → `'∅'`.
   * @default true
   */
  readonly visibleWhitespace?: boolean;
}

/** The documented defaults of {@link EmbeddingScatterOptions}. */
export const DEFAULT_EMBEDDING_SCATTER_OPTIONS: Readonly<Required<EmbeddingScatterOptions>> = Object.freeze({
  title: 'Embeddings (PCA)',
  width: 500,
  height: 500,
  xTitle: 'PC 1',
  yTitle: 'PC 2',
  fontSize: 11,
  visibleWhitespace: true,
});

/** Validates options and fills in the defaults (internal). */
export function resolveEmbeddingScatterOptions(
  options: EmbeddingScatterOptions = {},
): Required<EmbeddingScatterOptions> {
  const fn = 'embeddingScatterSvg';
  const given = check.withDefaults(fn, options, DEFAULT_EMBEDDING_SCATTER_OPTIONS);
  return {
    title: check.string(fn, 'title', given.title),
    width: pixels(fn, 'width', given.width),
    height: pixels(fn, 'height', given.height),
    xTitle: check.string(fn, 'xTitle', given.xTitle),
    yTitle: check.string(fn, 'yTitle', given.yTitle),
    fontSize: pixels(fn, 'fontSize', given.fontSize, 200),
    visibleWhitespace: check.boolean(fn, 'visibleWhitespace', given.visibleWhitespace),
  };
}

const WHITESPACE_SYMBOLS: Readonly<Record<string, string>> = {
  ' ': '␣',
  '\n': '\\n',
  '\t': '\\t',
  '\r': '\\r',
};

function visible(label: string): string {
  if (label === '') return '∅';
  if (label.trim() !== '') return label;
  return Array.from(label, (char) => WHITESPACE_SYMBOLS[char] ?? char).join('');
}

/**
 * A scatter plot of 2-D points with a text label next to each — the "trained character
 * embeddings after PCA" figure. Feed it `projectEmbeddings2d(...)`'s `points` and `labels`
 * (from `@rnnkit/rnn-models`).
 * Rendered headlessly by vega-lite + vega (optional peer dependencies, loaded on first call).
 * The same input gives the same SVG.
 *
 * @param points `[x, y]` per item.
 * @param labels one label per point.
 * @returns an SVG document (string) with one circle and one text per point.
 * @throws MetricsError `METRICS_SHAPE_MISMATCH` when `labels` and `points` differ in length;
 *   `METRICS_NON_FINITE` for a non-finite coordinate; `METRICS_INVALID_INPUT` for points or labels
 *   that are not arrays of `[x, y]` pairs and strings, or more than {@link MAX_PLOT_MARKS} points; `METRICS_INVALID_OPTION` for a bad option;
 *   `METRICS_MISSING_DEPENDENCY` when vega or vega-lite is not installed
 *   (`npm install vega vega-lite @resvg/resvg-js`).
 * @example
 * const { points, labels } = projectEmbeddings2d(embeddingMatrix(model), { labels: vocabulary });
 * const svg = await embeddingScatterSvg(points, labels, { title: 'Character embeddings' });
 * await writeFile('embeddings.png', await svgToPng(svg, { width: 1000 }));
 */
export async function embeddingScatterSvg(
  points: readonly (readonly [number, number])[],
  labels: readonly string[],
  options: EmbeddingScatterOptions = {},
): Promise<string> {
  const resolved = resolveEmbeddingScatterOptions(options);
  const fn = 'embeddingScatterSvg';
  for (const [name, value] of [
    ['points', points],
    ['labels', labels],
  ] as const) {
    if (!Array.isArray(value)) {
      fail(
        'METRICS_INVALID_INPUT',
        fn,
        name,
        value,
        'must be an array',
        'Pass projectEmbeddings2d(...).points and .labels.',
      );
    }
  }
  if (labels.length !== points.length) {
    fail(
      'METRICS_SHAPE_MISMATCH',
      fn,
      'labels.length',
      labels.length,
      `must equal points.length (${points.length})`,
      'Pass one label per point.',
    );
  }
  checkPlotSize(fn, 'points', points.length, 'Plot a sample of the points (e.g. the most frequent tokens).');
  for (const [i, point] of points.entries()) {
    if (!Array.isArray(point) || point.length !== 2) {
      fail('METRICS_INVALID_INPUT', fn, `points[${i}]`, point, 'must be an [x, y] pair');
    }
    if (typeof labels[i] !== 'string')
      fail('METRICS_INVALID_INPUT', fn, `labels[${i}]`, labels[i], 'must be a string');
    for (const k of [0, 1]) {
      if (!Number.isFinite(point[k]))
        fail('METRICS_NON_FINITE', fn, `points[${i}][${k}]`, point[k], 'must be a finite number');
    }
  }
  return renderVegaLiteSvg(embeddingScatterSpec(points, labels, resolved));
}

function embeddingScatterSpec(
  points: readonly (readonly [number, number])[],
  labels: readonly string[],
  options: Required<EmbeddingScatterOptions>,
): TopLevelSpec {
  const values = points.map(([x, y], i) => ({
    x,
    y,
    label: options.visibleWhitespace ? visible(labels[i]!) : labels[i]!,
  }));
  const x = {
    field: 'x',
    type: 'quantitative',
    title: options.xTitle,
    scale: { zero: false, nice: true },
  } as const;
  const y = {
    field: 'y',
    type: 'quantitative',
    title: options.yTitle,
    scale: { zero: false, nice: true },
  } as const;
  return {
    ...specHeader(options.title),
    width: options.width,
    height: options.height,
    data: { values },
    layer: [
      { mark: { type: 'circle', size: 30, opacity: 0.6, color: '#4c78a8' }, encoding: { x, y } },
      {
        mark: {
          type: 'text',
          align: 'left',
          baseline: 'middle',
          dx: 5,
          fontSize: options.fontSize,
          color: '#222',
        },
        encoding: { x, y, text: { field: 'label', type: 'nominal' } },
      },
    ],
  };
}
