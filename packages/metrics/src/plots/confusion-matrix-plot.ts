import type { Label } from '../classification-counts.js';
import {
  type ConfusionMatrix,
  type ConfusionMatrixNormalize,
  checkCountMatrix,
  normalizeMatrix,
} from '../confusion-matrix.js';
import { check, checkPlotSize, fail } from '../validate.js';
import { type HeatMapCell, heatMapSpec } from './heat-map.js';
import { renderVegaLiteSvg } from './render-vega-lite.js';

/** Options of {@link confusionMatrixSvg}. */
export interface ConfusionMatrixPlotOptions {
  /**
   * Class names along both axes, in matrix order.
   * @default the matrix's labels for a ConfusionMatrix, else '0', '1', …
   */
  readonly labels?: readonly Label[];
  /**
   * Normalize the counts before plotting: `'true'` rows (recall), `'pred'` columns (precision),
   * `'all'`; `'none'` plots them as given. Normalized cells print two decimals.
   * @default 'none'
   */
  readonly normalize?: ConfusionMatrixNormalize;
  /**
   * Title above the plot; `''` for none.
   * @default ''
   */
  readonly title?: string;
  /**
   * Side of one cell in pixels.
   * @default 40
   */
  readonly cellSize?: number;
}

/** The documented defaults of {@link ConfusionMatrixPlotOptions} (`labels` depends on the matrix). */
export const DEFAULT_CONFUSION_MATRIX_PLOT_OPTIONS = Object.freeze({
  normalize: 'none',
  title: '',
  cellSize: 40,
} as const satisfies ConfusionMatrixPlotOptions);

/** {@link ConfusionMatrixPlotOptions} validated, every default filled in. */
export interface ResolvedConfusionMatrixPlotOptions {
  readonly labels: string[];
  readonly normalize: ConfusionMatrixNormalize;
  readonly title: string;
  readonly cellSize: number;
}

const NORMALIZE_MODES: readonly ConfusionMatrixNormalize[] = ['true', 'pred', 'all', 'none'];

/**
 * Validates the matrix and options and fills in the defaults (internal).
 * @param matrixLabels the labels of a {@link ConfusionMatrix}, the default of `labels`.
 * @throws MetricsError `METRICS_SHAPE_MISMATCH` for a non-square or empty matrix or labels of the
 *   wrong length; `METRICS_NON_FINITE` for NaN/Infinity cells; `METRICS_INVALID_INPUT` for negative
 *   cells or more than {@link MAX_PLOT_MARKS} cells; `METRICS_INVALID_OPTION`.
 */
export function resolveConfusionMatrixPlotOptions(
  matrix: readonly (readonly number[])[],
  options: ConfusionMatrixPlotOptions = {},
  matrixLabels?: readonly Label[],
): ResolvedConfusionMatrixPlotOptions {
  const fn = 'confusionMatrixSvg';
  const given = check.withDefaults(fn, options, DEFAULT_CONFUSION_MATRIX_PLOT_OPTIONS, ['labels']);
  checkCountMatrix(fn, matrix);
  const n = matrix.length;
  checkPlotSize(
    fn,
    'cells (classes²)',
    n * n,
    'Plot a subset: confusionMatrix(yTrue, yPred, { labels: [...] }).',
  );
  const labels = (given.labels ?? matrixLabels ?? matrix.map((_, i) => i)).map(String);
  if (labels.length !== n) {
    fail(
      'METRICS_SHAPE_MISMATCH',
      fn,
      'labels.length',
      labels.length,
      `must equal the matrix size ${n}`,
      'Give one name per class.',
    );
  }
  if (new Set(labels).size !== n) check.invalid(fn, 'labels', labels, 'must not repeat a name');
  return {
    labels,
    normalize: check.oneOf(fn, 'normalize', given.normalize, NORMALIZE_MODES),
    title: check.string(fn, 'title', given.title),
    cellSize: check.integer(fn, 'cellSize', given.cellSize, { min: 4, max: 1000 }),
  };
}

/**
 * A confusion-matrix heatmap, scikit-learn's `ConfusionMatrixDisplay` layout: true classes down,
 * predicted classes across, each cell coloured by its value and printed (counts as integers,
 * normalized values with two decimals). Rendered headlessly by vega-lite + vega (optional peer
 * dependencies, loaded on first call); the same input gives the same SVG. Pass it to
 * {@link svgToPng} for a PNG.
 *
 * @param matrix a {@link ConfusionMatrix} (its labels name the axes) or a square array of counts.
 * @returns an SVG document (string).
 * @throws MetricsError `METRICS_SHAPE_MISMATCH` (non-square or empty matrix, labels of the wrong
 *   length), `METRICS_NON_FINITE` (NaN or infinite cells), `METRICS_INVALID_INPUT` (not a matrix,
 *   negative cells, more than {@link MAX_PLOT_MARKS} cells), `METRICS_INVALID_OPTION`
 *   (unknown or bad option); `METRICS_MISSING_DEPENDENCY` when vega or vega-lite is not installed
 *   (`npm install vega vega-lite @resvg/resvg-js`).
 * @example
 * const cm = confusionMatrix(yTrue, yPred);
 * await writeFile('confusion.svg', await confusionMatrixSvg(cm, { normalize: 'true', title: 'POS tags' }));
 */
export async function confusionMatrixSvg(
  matrix: ConfusionMatrix | readonly (readonly number[])[],
  options: ConfusionMatrixPlotOptions = {},
): Promise<string> {
  const given = matrix as ConfusionMatrix | null | undefined;
  const isArray = Array.isArray(matrix);
  const counts = isArray ? (matrix as readonly (readonly number[])[]) : given?.matrix;
  const matrixLabels = isArray ? undefined : given?.labels;
  if (!isArray && (counts === undefined || (matrixLabels !== undefined && !Array.isArray(matrixLabels)))) {
    fail(
      'METRICS_INVALID_INPUT',
      'confusionMatrixSvg',
      'matrix',
      matrix,
      'must be a ConfusionMatrix ({ labels, matrix }) or a square array of counts',
      'Pass confusionMatrix(yTrue, yPred).',
    );
  }
  const resolved = resolveConfusionMatrixPlotOptions(counts!, options, matrixLabels);
  const values = normalizeMatrix(counts!, resolved.normalize);
  const integers = resolved.normalize === 'none' && values.every((row) => row.every(Number.isInteger));
  const cells: HeatMapCell[] = values.flatMap((row, i) =>
    row.map((value, j) => ({
      row: resolved.labels[i]!,
      column: resolved.labels[j]!,
      value,
      text: integers ? String(value) : value.toFixed(2),
    })),
  );
  let max = 0;
  for (const cell of cells) max = Math.max(max, cell.value);
  return renderVegaLiteSvg(
    heatMapSpec(cells, {
      rows: resolved.labels,
      columns: resolved.labels,
      rowTitle: 'True label',
      columnTitle: 'Predicted label',
      title: resolved.title,
      cellSize: resolved.cellSize,
      domain: [0, max === 0 ? 1 : max],
    }),
  );
}
