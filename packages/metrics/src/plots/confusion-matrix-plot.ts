import type { TopLevelSpec } from 'vega-lite';
import type { Label } from '../classification-counts.js';
import { type ConfusionMatrix, type ConfusionMatrixNormalize, normalizeMatrix } from '../confusion-matrix.js';
import { MetricsError } from '../errors.js';
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

/**
 * Validates the matrix and options and fills in the defaults.
 * @throws MetricsError `METRICS_SHAPE_MISMATCH` for a non-square or empty matrix or labels of the
 *   wrong length; `METRICS_NON_FINITE` for NaN/Infinity or negative cells; `METRICS_INVALID_OPTION`.
 */
export function resolveConfusionMatrixPlotOptions(
  matrix: readonly (readonly number[])[],
  options: ConfusionMatrixPlotOptions & { readonly matrixLabels?: readonly Label[] } = {},
): ResolvedConfusionMatrixPlotOptions {
  const fn = 'confusionMatrixSvg';
  const n = Array.isArray(matrix) ? matrix.length : 0;
  if (n === 0 || matrix.some((row) => !Array.isArray(row) || row.length !== n)) {
    throw new MetricsError(
      'METRICS_SHAPE_MISMATCH',
      `${fn}: the matrix must be square and non-empty (n rows of n counts), received ${n} rows of lengths ` +
        `${Array.isArray(matrix) ? matrix.map((row) => (Array.isArray(row) ? row.length : String(row))).join(', ') : String(matrix)}.`,
    );
  }
  for (const [i, row] of matrix.entries()) {
    for (const [j, value] of row.entries()) {
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
        throw new MetricsError(
          'METRICS_NON_FINITE',
          `${fn}: matrix[${i}][${j}] is ${String(value)}; cells must be finite counts ≥ 0.`,
        );
      }
    }
  }
  const labels = (options.labels ?? options.matrixLabels ?? matrix.map((_, i) => i)).map(String);
  if (labels.length !== n) {
    throw new MetricsError(
      'METRICS_SHAPE_MISMATCH',
      `${fn}: labels has ${labels.length} names for a ${n}×${n} matrix; give one per class.`,
    );
  }
  if (new Set(labels).size !== n) {
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `${fn}: labels ${JSON.stringify(labels)} repeat a name.`,
    );
  }
  const normalize = options.normalize ?? DEFAULT_CONFUSION_MATRIX_PLOT_OPTIONS.normalize;
  if (!['true', 'pred', 'all', 'none'].includes(normalize)) {
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `${fn}: normalize is ${JSON.stringify(normalize)}; use 'true', 'pred', 'all' or 'none'.`,
    );
  }
  const title = options.title ?? DEFAULT_CONFUSION_MATRIX_PLOT_OPTIONS.title;
  if (typeof title !== 'string') {
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `${fn}: title must be a string, received ${String(title)}.`,
    );
  }
  const cellSize = options.cellSize ?? DEFAULT_CONFUSION_MATRIX_PLOT_OPTIONS.cellSize;
  if (!Number.isInteger(cellSize) || cellSize < 4 || cellSize > 1000) {
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `${fn}: cellSize must be an integer from 4 to 1000 (pixels), received ${String(cellSize)}.`,
    );
  }
  return { labels, normalize, title, cellSize };
}

interface Cell {
  readonly true: string;
  readonly predicted: string;
  readonly value: number;
  readonly text: string;
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
 * @throws MetricsError `METRICS_SHAPE_MISMATCH`, `METRICS_NON_FINITE`, `METRICS_INVALID_OPTION`
 *   (see {@link resolveConfusionMatrixPlotOptions}); `METRICS_MISSING_DEPENDENCY` when vega or
 *   vega-lite is not installed (`npm install vega vega-lite @resvg/resvg-js`).
 * @example
 * const cm = confusionMatrix(yTrue, yPred);
 * await writeFile('confusion.svg', await confusionMatrixSvg(cm, { normalize: 'true', title: 'POS tags' }));
 */
export async function confusionMatrixSvg(
  matrix: ConfusionMatrix | readonly (readonly number[])[],
  options: ConfusionMatrixPlotOptions = {},
): Promise<string> {
  const counts = Array.isArray(matrix)
    ? (matrix as readonly (readonly number[])[])
    : (matrix as ConfusionMatrix).matrix;
  const matrixLabels = Array.isArray(matrix) ? undefined : (matrix as ConfusionMatrix).labels;
  const resolved = resolveConfusionMatrixPlotOptions(counts, {
    ...options,
    ...(matrixLabels ? { matrixLabels } : {}),
  });
  const values = normalizeMatrix(counts, resolved.normalize);
  const integers = resolved.normalize === 'none' && values.every((row) => row.every(Number.isInteger));
  const cells: Cell[] = values.flatMap((row, i) =>
    row.map((value, j) => ({
      true: resolved.labels[i]!,
      predicted: resolved.labels[j]!,
      value,
      text: integers ? String(value) : value.toFixed(2),
    })),
  );
  return renderVegaLiteSvg(confusionMatrixSpec(cells, resolved));
}

function confusionMatrixSpec(cells: Cell[], options: ResolvedConfusionMatrixPlotOptions): TopLevelSpec {
  const max = Math.max(...cells.map((c) => c.value));
  const size = options.cellSize * options.labels.length;
  const axis = (title: string) => ({
    field: title === 'True label' ? 'true' : 'predicted',
    type: 'ordinal' as const,
    sort: options.labels,
    title,
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(options.title === '' ? {} : { title: options.title }),
    background: 'white',
    width: size,
    height: size,
    data: { values: cells },
    encoding: {
      x: { ...axis('Predicted label'), axis: { orient: 'bottom', labelAngle: 0 } },
      y: axis('True label'),
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: null,
            scale: { scheme: 'blues', domain: [0, max === 0 ? 1 : max] },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: Math.max(8, Math.min(14, Math.round(options.cellSize / 3))) },
        encoding: {
          text: { field: 'text', type: 'nominal' },
          color: {
            condition: { test: `datum.value > ${max / 2}`, value: 'white' },
            value: 'black',
          },
        },
      },
    ],
  };
}
