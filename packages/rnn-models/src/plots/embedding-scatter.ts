import type { TopLevelSpec } from 'vega-lite';
import { RnnModelsError } from '../errors.js';
import { checkPixels, checkText, definedOnly } from './plot-options.js';
import { renderVegaLiteSvg } from './render-vega-lite.js';

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

/** Validates options and fills in the defaults. */
export function resolveEmbeddingScatterOptions(
  options: EmbeddingScatterOptions = {},
): Required<EmbeddingScatterOptions> {
  const resolved = { ...DEFAULT_EMBEDDING_SCATTER_OPTIONS, ...definedOnly(options) };
  const fn = 'embeddingScatterSvg';
  checkPixels(fn, 'width', resolved.width);
  checkPixels(fn, 'height', resolved.height);
  checkPixels(fn, 'fontSize', resolved.fontSize, 200);
  checkText(fn, 'title', resolved.title);
  checkText(fn, 'xTitle', resolved.xTitle);
  checkText(fn, 'yTitle', resolved.yTitle);
  if (typeof resolved.visibleWhitespace !== 'boolean') {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `${fn} option visibleWhitespace must be true or false, received ${String(resolved.visibleWhitespace)}.`,
    );
  }
  return resolved;
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
 * embeddings after PCA" figure. Feed it `projectEmbeddings2d(...)`'s `points` and `labels`.
 * Rendered headlessly by vega-lite + vega (optional peer dependencies, loaded on first call).
 * The same input gives the same SVG.
 *
 * @param points `[x, y]` per item.
 * @param labels one label per point.
 * @returns an SVG document (string) with one circle and one text per point.
 * @throws RnnModelsError `RNN_MODELS_SHAPE_MISMATCH` when `labels` and `points` differ in length;
 *   `RNN_MODELS_INVALID_OPTION` for a non-finite coordinate or a bad option;
 *   `RNN_MODELS_BACKEND_UNAVAILABLE` when vega or vega-lite is not installed
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
  if (labels.length !== points.length) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `embeddingScatterSvg: ${points.length} points but ${labels.length} labels; pass one label per point.`,
    );
  }
  const bad = points.findIndex((point) => !Number.isFinite(point[0]) || !Number.isFinite(point[1]));
  if (bad >= 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `embeddingScatterSvg: points[${bad}] is [${points[bad]?.join(', ')}]; coordinates must be finite numbers.`,
    );
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
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title === '' ? {} : { title: options.title }),
    width: options.width,
    height: options.height,
    background: 'white',
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
