import type { ColorScheme } from 'vega';
import type { TopLevelSpec } from 'vega-lite';
import { specHeader } from './render-vega-lite.js';

/** One cell of a heat map: its row and column names, its value (the colour) and the printed text. */
export interface HeatMapCell {
  readonly row: string;
  readonly column: string;
  readonly value: number;
  readonly text: string;
}

/** Layout of a {@link heatMapSpec}. */
export interface HeatMapLayout {
  /** Row names, top to bottom. */
  readonly rows: readonly string[];
  /** Column names, left to right. */
  readonly columns: readonly string[];
  readonly rowTitle: string;
  readonly columnTitle: string;
  /** `''` for none. */
  readonly title: string;
  /** Side of one cell in pixels. */
  readonly cellSize: number;
  /** The colour scale's domain; the text turns white above its middle. */
  readonly domain: readonly [number, number];
  /** A vega colour scheme. @default 'blues' */
  readonly scheme?: ColorScheme;
}

/**
 * A vega-lite heat map: one coloured, printed cell per (row, column), rows down and columns across
 * (the confusion matrix's layout; an attention map's too). Internal building block of the plots.
 */
export function heatMapSpec(cells: readonly HeatMapCell[], layout: HeatMapLayout): TopLevelSpec {
  const [low, high] = layout.domain;
  const axis = (field: 'row' | 'column', title: string, sort: readonly string[]) => ({
    field,
    type: 'ordinal' as const,
    sort: [...sort],
    title,
  });
  return {
    ...specHeader(layout.title),
    width: layout.cellSize * layout.columns.length,
    height: layout.cellSize * layout.rows.length,
    data: { values: cells.map((cell) => ({ ...cell })) },
    encoding: {
      x: { ...axis('column', layout.columnTitle, layout.columns), axis: { orient: 'bottom', labelAngle: 0 } },
      y: axis('row', layout.rowTitle, layout.rows),
    },
    layer: [
      {
        mark: { type: 'rect' },
        encoding: {
          color: {
            field: 'value',
            type: 'quantitative',
            title: null,
            scale: { scheme: layout.scheme ?? 'blues', domain: [low, high] },
          },
        },
      },
      {
        mark: { type: 'text', fontSize: Math.max(8, Math.min(14, Math.round(layout.cellSize / 3))) },
        encoding: {
          text: { field: 'text', type: 'nominal' },
          color: {
            condition: { test: `datum.value > ${(low + high) / 2}`, value: 'white' },
            value: 'black',
          },
        },
      },
    ],
  };
}
