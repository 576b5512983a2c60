import type { TopLevelSpec } from 'vega-lite';
import { check, checkPlotSize, fail, pixels } from '../validate.js';
import { type HeatMapCell, heatMapSpec } from './heat-map.js';
import { renderVegaLiteSvg } from './render-vega-lite.js';

/**
 * Attention weights `[targetSteps][sourceSteps]`: one row per output token, one column per input
 * token, each row the attention distribution of that output step (values in [0, 1]; a row sums to 1,
 * padded source positions hold 0). Plain arrays or typed arrays (`Float32Array` rows from a tensor's
 * `arraySync()`/`dataSync()`); the function never modifies them.
 */
export type AlignmentWeights = readonly (readonly number[] | Float32Array | Float64Array)[];

/**
 * Sequential vega colour schemes that run from light (weight 0) to dark (weight 1), the order the
 * printed values' contrast rule assumes (black text on light cells, white on dark ones).
 */
export type AlignmentColorScheme =
  | 'blues'
  | 'greens'
  | 'greys'
  | 'oranges'
  | 'purples'
  | 'reds'
  | 'bluegreen'
  | 'bluepurple'
  | 'greenblue'
  | 'orangered'
  | 'purpleblue'
  | 'purplebluegreen'
  | 'purplered'
  | 'redpurple'
  | 'yellowgreen'
  | 'yellowgreenblue'
  | 'yelloworangebrown'
  | 'yelloworangered';

const COLOR_SCHEMES: readonly AlignmentColorScheme[] = [
  'blues',
  'greens',
  'greys',
  'oranges',
  'purples',
  'reds',
  'bluegreen',
  'bluepurple',
  'greenblue',
  'orangered',
  'purpleblue',
  'purplebluegreen',
  'purplered',
  'redpurple',
  'yellowgreen',
  'yellowgreenblue',
  'yelloworangebrown',
  'yelloworangered',
];

/** Options of {@link alignmentHeatMapSvg}. */
export interface AlignmentHeatMapOptions {
  /**
   * The input tokens, one per column (source step), left to right. Repeated tokens are fine.
   * @default '0', '1', … (the source positions)
   */
  readonly sourceTokens?: readonly string[];
  /**
   * The output tokens, one per row (target step), top to bottom. Repeated tokens are fine.
   * @default '0', '1', … (the target positions)
   */
  readonly targetTokens?: readonly string[];
  /**
   * Title above the plot; `''` for none.
   * @default ''
   */
  readonly title?: string;
  /**
   * Width of the cell area in pixels (the SVG adds the axes around it).
   * @default 400
   */
  readonly width?: number;
  /**
   * Height of the cell area in pixels.
   * @default 400
   */
  readonly height?: number;
  /**
   * Colour scheme of the cells, from light (0) to dark (1).
   * @default 'blues'
   */
  readonly colorScheme?: AlignmentColorScheme;
  /**
   * Print each weight in its cell with two decimals (turn off for long sequences).
   * @default true
   */
  readonly showValues?: boolean;
  /**
   * Title of the column axis.
   * @default 'Source'
   */
  readonly sourceTitle?: string;
  /**
   * Title of the row axis.
   * @default 'Target'
   */
  readonly targetTitle?: string;
}

/** The documented defaults of {@link AlignmentHeatMapOptions} (the tokens depend on the weights). */
export const DEFAULT_ALIGNMENT_HEAT_MAP_OPTIONS = Object.freeze({
  title: '',
  width: 400,
  height: 400,
  colorScheme: 'blues',
  showValues: true,
  sourceTitle: 'Source',
  targetTitle: 'Target',
} as const satisfies AlignmentHeatMapOptions);

/** {@link AlignmentHeatMapOptions} validated, every default filled in (internal). */
export type ResolvedAlignmentHeatMapOptions = Required<AlignmentHeatMapOptions> & {
  readonly sourceTokens: readonly string[];
  readonly targetTokens: readonly string[];
};

const FN = 'alignmentHeatMapSvg';

/**
 * Validates the weights and options and fills in the defaults (internal).
 * @throws MetricsError as {@link alignmentHeatMapSvg}, before anything is rendered.
 */
export function resolveAlignmentHeatMapOptions(
  weights: AlignmentWeights,
  options: AlignmentHeatMapOptions = {},
): ResolvedAlignmentHeatMapOptions {
  const given = check.withDefaults(FN, options, DEFAULT_ALIGNMENT_HEAT_MAP_OPTIONS, [
    'sourceTokens',
    'targetTokens',
  ]);
  const [targetSteps, sourceSteps] = checkAlignmentWeights(weights);
  return {
    sourceTokens: tokens('sourceTokens', given.sourceTokens, sourceSteps, 'weights[0].length'),
    targetTokens: tokens('targetTokens', given.targetTokens, targetSteps, 'weights.length'),
    title: check.string(FN, 'title', given.title),
    width: pixels(FN, 'width', given.width),
    height: pixels(FN, 'height', given.height),
    colorScheme: check.oneOf(FN, 'colorScheme', given.colorScheme, COLOR_SCHEMES),
    showValues: check.boolean(FN, 'showValues', given.showValues),
    sourceTitle: check.string(FN, 'sourceTitle', given.sourceTitle),
    targetTitle: check.string(FN, 'targetTitle', given.targetTitle),
  };
}

/** A non-empty, rectangular matrix of weights in [0, 1] within the marks limit; returns its shape. */
function checkAlignmentWeights(weights: AlignmentWeights): [number, number] {
  if (!Array.isArray(weights)) {
    fail(
      'METRICS_INVALID_INPUT',
      FN,
      'weights',
      weights,
      'must be an array of rows [targetSteps][sourceSteps]',
      'Pass number[][] or an array of Float32Array rows.',
    );
  }
  for (const [i, row] of weights.entries()) {
    if (!Array.isArray(row) && !(row instanceof Float32Array) && !(row instanceof Float64Array)) {
      fail(
        'METRICS_INVALID_INPUT',
        FN,
        `weights[${i}]`,
        row,
        'must be an array of numbers (one weight per source step)',
      );
    }
  }
  const sourceSteps = weights.length === 0 ? 0 : weights[0]!.length;
  if (sourceSteps === 0) {
    fail(
      'METRICS_EMPTY_INPUT',
      FN,
      weights.length === 0 ? 'weights' : 'weights[0]',
      weights.length === 0 ? weights : weights[0],
      'must hold at least one weight',
      'Pass one row per target step, one weight per source step.',
    );
  }
  for (const [i, row] of weights.entries()) {
    if (row.length !== sourceSteps) {
      fail(
        'METRICS_SHAPE_MISMATCH',
        FN,
        `weights[${i}].length`,
        row.length,
        `must equal weights[0].length (${sourceSteps}): the matrix must be rectangular`,
        'Pad every row to the source length (padded positions hold 0).',
      );
    }
  }
  checkPlotSize(
    FN,
    'cells (target steps × source steps)',
    weights.length * sourceSteps,
    'Plot a slice: weights.slice(0, n).map((row) => row.slice(0, m)).',
  );
  for (const [i, row] of weights.entries()) {
    for (let j = 0; j < sourceSteps; j++) {
      const value = row[j];
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        fail(
          'METRICS_NON_FINITE',
          FN,
          `weights[${i}][${j}]`,
          value,
          'must be a finite number',
          'Check the attention scores for NaN.',
        );
      }
      if (value < 0 || value > 1) {
        fail(
          'METRICS_INVALID_INPUT',
          FN,
          `weights[${i}][${j}]`,
          value,
          'must be in [0, 1]',
          'Pass attention weights after the softmax (each row a distribution), not the raw scores.',
        );
      }
    }
  }
  return [weights.length, sourceSteps];
}

/** `given` (one string per step) or the positions `'0'`, `'1'`, …. */
function tokens(name: string, given: unknown, steps: number, dimension: string): readonly string[] {
  if (given === undefined) return Array.from({ length: steps }, (_, i) => String(i));
  if (!Array.isArray(given)) check.invalid(FN, name, given, 'must be an array of strings');
  if (given.length !== steps) {
    fail(
      'METRICS_SHAPE_MISMATCH',
      FN,
      `${name}.length`,
      given.length,
      `must equal ${dimension} (${steps})`,
      'Give one token per step, padding included (or slice the weights to the real tokens).',
    );
  }
  return given.map((token, i) => check.string(FN, `${name}[${i}]`, token));
}

/**
 * A vega expression mapping an axis position (`datum.value`, `'0'`, `'1'`, …) to its token: the
 * scales key on positions, so repeated tokens (`the … the`) keep their own rows and columns.
 */
function tokenLabels(tokens: readonly string[]): string {
  const literal = JSON.stringify(tokens).replace(
    /[\u2028\u2029]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16)}`,
  );
  return `${literal}[toNumber(datum.value)]`;
}

/** The heat-map base's spec, resized to the options and labelled with the tokens. */
function alignmentSpec(weights: AlignmentWeights, options: ResolvedAlignmentHeatMapOptions): TopLevelSpec {
  const rows = options.targetTokens.map((_, i) => String(i));
  const columns = options.sourceTokens.map((_, j) => String(j));
  const cells: HeatMapCell[] = [];
  for (const [i, row] of weights.entries()) {
    for (const [j, column] of columns.entries()) {
      const value = row[j]!;
      cells.push({ row: rows[i]!, column, value, text: options.showValues ? value.toFixed(2) : '' });
    }
  }
  const base = heatMapSpec(cells, {
    rows,
    columns,
    rowTitle: options.targetTitle,
    columnTitle: options.sourceTitle,
    title: options.title,
    // Sets the printed values' font size; the plot's size is width × height below.
    cellSize: Math.max(1, Math.min(options.width / columns.length, options.height / rows.length)),
    domain: [0, 1],
    scheme: options.colorScheme,
  }) as TopLevelSpec & { encoding: { x: { axis: object }; y: object } };
  const { x, y } = base.encoding;
  return {
    ...base,
    width: options.width,
    height: options.height,
    encoding: {
      ...base.encoding,
      x: {
        ...x,
        axis: {
          ...x.axis,
          labelAngle: -45,
          labelAlign: 'right',
          labelExpr: tokenLabels(options.sourceTokens),
        },
      },
      y: { ...y, axis: { labelExpr: tokenLabels(options.targetTokens) } },
    },
  } as TopLevelSpec;
}

/**
 * An attention alignment heat map, the figure of Bahdanau et al. (2015) and TensorFlow's NMT
 * tutorial: output tokens down, input tokens across, each cell coloured by the weight the output
 * step gave that input step (0 light, 1 dark, one fixed scale so maps compare), its value printed.
 * Rendered headlessly by vega-lite + vega (optional peer dependencies, loaded on first call); the
 * same input gives the same SVG. Pass it to {@link svgToPng} for a PNG.
 *
 * @param weights `[targetSteps][sourceSteps]` attention weights in [0, 1] (see {@link AlignmentWeights}).
 * @returns an SVG document (string) with one rect per (target, source) step.
 * @throws MetricsError `METRICS_INVALID_INPUT` (weights not an array of rows, a weight outside
 *   [0, 1], more than {@link MAX_PLOT_MARKS} cells), `METRICS_EMPTY_INPUT` (no rows or no columns),
 *   `METRICS_SHAPE_MISMATCH` (ragged rows, token arrays whose length differs from the weights'),
 *   `METRICS_NON_FINITE` (NaN or infinite weight), `METRICS_INVALID_OPTION` (unknown or bad option;
 *   a misspelt name is answered with the closest one); `METRICS_MISSING_DEPENDENCY` when vega or
 *   vega-lite is not installed (`npm install vega vega-lite @resvg/resvg-js`). Each names the
 *   position and value at fault (`weights[2][0]`).
 * @example
 * const svg = await alignmentHeatMapSvg(attention, {
 *   sourceTokens: ['je', 'suis', 'étudiant', '<eos>'],
 *   targetTokens: ['i', 'am', 'a', 'student'],
 *   title: 'Attention',
 * });
 * await writeFile('alignment.png', await svgToPng(svg, { width: 800 }));
 */
export async function alignmentHeatMapSvg(
  weights: AlignmentWeights,
  options: AlignmentHeatMapOptions = {},
): Promise<string> {
  const resolved = resolveAlignmentHeatMapOptions(weights, options);
  return renderVegaLiteSvg(alignmentSpec(weights, resolved));
}
