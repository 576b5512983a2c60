import { Resvg } from '@resvg/resvg-js';
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { cells, texts } from '../../test/svg-marks.js';
import { MetricsError, type MetricsErrorCode } from '../errors.js';
import {
  type AlignmentHeatMapOptions,
  type AlignmentWeights,
  alignmentHeatMapSvg,
  DEFAULT_ALIGNMENT_HEAT_MAP_OPTIONS,
  resolveAlignmentHeatMapOptions,
} from './alignment-plot.js';
import { MAX_PLOT_MARKS, PLOTS_INSTALL_HINT, svgToPng } from './index.js';

// 3 output tokens × 4 input tokens, each row a distribution; 'je' appears twice.
const WEIGHTS = [
  [0.7, 0.1, 0.1, 0.1],
  [0.1, 0.8, 0.05, 0.05],
  [0.02, 0.08, 0.3, 0.6],
];
const SOURCE = ['je', 'suis', 'je', '<eos>'];
const TARGET = ['i', 'am', 'me'];

/** `aria-label`s of the cells (rect marks) and the printed values (text marks), in drawing order. */
/** Texts of the axis labels (everything vega prints that is not a mark or a title). */
function axisLabels(svg: string): string[] {
  return [...svg.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]!);
}

function rejects(
  weights: unknown,
  code: MetricsErrorCode,
  options: AlignmentHeatMapOptions = {},
): Promise<MetricsError> {
  return expectErrorCode(alignmentHeatMapSvg(weights as AlignmentWeights, options), MetricsError, code);
}

describe('alignmentHeatMapSvg', () => {
  it('draws one cell per (target, source) step, output tokens down, input tokens across', async () => {
    const svg = await alignmentHeatMapSvg(WEIGHTS, {
      sourceTokens: SOURCE,
      targetTokens: TARGET,
      title: 'Attention',
    });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(() => new Resvg(svg)).not.toThrow();
    expect(cells(svg)).toHaveLength(12);
    // Rows and columns are keyed by position, so the repeated 'je' keeps its own column.
    expect(cells(svg)[0]).toBe('Source: 0; Target: 0; value: 0.7');
    expect(cells(svg)[11]).toBe('Source: 3; Target: 2; value: 0.6');
    expect(texts(svg)).toEqual(WEIGHTS.flat().map((w) => w.toFixed(2)));
    const labels = axisLabels(svg);
    for (const token of [...SOURCE, ...TARGET])
      expect(labels).toContain(token.replace('<', '&lt;').replace('>', '&gt;'));
    expect(labels.filter((label) => label === 'je')).toHaveLength(2);
    expect(svg).toContain('>Attention</text>');
    expect(svg).toContain('>Source</text>');
    expect(svg).toContain('>Target</text>');
  });

  it('is deterministic, takes Float32Array rows, sizes the cell area by width × height', async () => {
    const options = { sourceTokens: SOURCE, targetTokens: TARGET, width: 200, height: 150 };
    const svg = await alignmentHeatMapSvg(WEIGHTS, options);
    expect(await alignmentHeatMapSvg(WEIGHTS, options)).toBe(svg);
    expect(svg).toContain('d="M0.5,0.5h200v150h-200Z"');
    expect(svg).toContain('aria-roledescription="rect mark" d="M150,100h50v50h-50Z"');
    const typed = await alignmentHeatMapSvg(
      WEIGHTS.map((row) => Float32Array.from(row)),
      options,
    );
    expect(cells(typed)).toHaveLength(12);
    expect(texts(typed)).toEqual(texts(svg));
  });

  it('defaults the tokens to positions; showValues, titles and colorScheme are honoured', async () => {
    const plain = await alignmentHeatMapSvg([[0.25, 0.75]]);
    expect(axisLabels(plain)).toEqual(expect.arrayContaining(['0', '1']));
    const quiet = await alignmentHeatMapSvg(WEIGHTS, {
      showValues: false,
      sourceTitle: 'Input',
      targetTitle: 'Output',
      colorScheme: 'greens',
    });
    expect(texts(quiet).every((text) => text === '')).toBe(true);
    expect(quiet).toContain('>Input</text>');
    expect(quiet).toContain('>Output</text>');
    expect(quiet).not.toBe(
      await alignmentHeatMapSvg(WEIGHTS, { showValues: false, sourceTitle: 'Input', targetTitle: 'Output' }),
    );
  });

  it('renders to PNG through svgToPng', async () => {
    const png = await svgToPng(await alignmentHeatMapSvg(WEIGHTS, { sourceTokens: SOURCE }), { width: 300 });
    expect(Array.from(png.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    expect(new DataView(png.buffer, png.byteOffset).getUint32(16)).toBe(300);
  });

  it('pins the defaults', () => {
    expect(DEFAULT_ALIGNMENT_HEAT_MAP_OPTIONS).toEqual({
      title: '',
      width: 400,
      height: 400,
      colorScheme: 'blues',
      showValues: true,
      sourceTitle: 'Source',
      targetTitle: 'Target',
    });
    expect(resolveAlignmentHeatMapOptions([[1, 0]])).toEqual({
      ...DEFAULT_ALIGNMENT_HEAT_MAP_OPTIONS,
      sourceTokens: ['0', '1'],
      targetTokens: ['0'],
    });
  });

  it('rejects bad weights with typed codes naming the position and value', async () => {
    await rejects(null, 'METRICS_INVALID_INPUT');
    await rejects([[0.5], 'ab'], 'METRICS_INVALID_INPUT');
    await rejects([], 'METRICS_EMPTY_INPUT');
    await rejects([[]], 'METRICS_EMPTY_INPUT');
    const ragged = await rejects([[0.5, 0.5], [1]], 'METRICS_SHAPE_MISMATCH');
    expect(ragged.message).toContain('weights[1].length');
    const nan = await rejects(
      [
        [0.5, 0.5],
        [Number.NaN, 1],
      ],
      'METRICS_NON_FINITE',
    );
    expect(nan.message).toContain('weights[1][0]');
    expect(nan.message).toContain('NaN');
    await rejects([[0.5, Number.POSITIVE_INFINITY]], 'METRICS_NON_FINITE');
    const above = await rejects(
      [
        [0.5, 0.5],
        [0.25, 1.5],
      ],
      'METRICS_INVALID_INPUT',
    );
    expect(above.message).toContain('weights[1][1]');
    expect(above.message).toContain('1.5');
    await rejects([[-0.1, 1]], 'METRICS_INVALID_INPUT');
  });

  it('rejects token arrays that do not match the weights, and bad options', async () => {
    const short = await rejects(WEIGHTS, 'METRICS_SHAPE_MISMATCH', { sourceTokens: ['je', 'suis'] });
    expect(short.message).toContain('sourceTokens.length');
    await rejects(WEIGHTS, 'METRICS_SHAPE_MISMATCH', { targetTokens: SOURCE });
    await rejects(WEIGHTS, 'METRICS_INVALID_OPTION', { targetTokens: [1, 2, 3] as never });
    await rejects(WEIGHTS, 'METRICS_INVALID_OPTION', { sourceTokens: 'je suis' as never });
    await rejects(WEIGHTS, 'METRICS_INVALID_OPTION', { width: 0 });
    await rejects(WEIGHTS, 'METRICS_INVALID_OPTION', { height: 2.5 });
    await rejects(WEIGHTS, 'METRICS_INVALID_OPTION', { title: 3 as never });
    await rejects(WEIGHTS, 'METRICS_INVALID_OPTION', { showValues: 'yes' as never });
    const scheme = await rejects(WEIGHTS, 'METRICS_INVALID_OPTION', { colorScheme: 'blue' as never });
    expect(scheme.message).toContain("Did you mean 'blues'?");
  });

  it('more than MAX_PLOT_MARKS cells is METRICS_INVALID_INPUT before vega runs', async () => {
    const sourceSteps = 1000;
    const targetSteps = MAX_PLOT_MARKS / sourceSteps + 1;
    const started = performance.now();
    const error = await rejects(
      Array.from({ length: targetSteps }, () => new Float32Array(sourceSteps)),
      'METRICS_INVALID_INPUT',
    );
    expect(error.message).toContain('MAX_PLOT_MARKS');
    expect(performance.now() - started).toBeLessThan(1000);
  });

  it('without vega-lite throws METRICS_MISSING_DEPENDENCY naming it and the install command', async () => {
    // As optional-deps.test.ts, but scoped to this test: a fresh module graph without vega-lite.
    vi.resetModules();
    vi.doMock('vega-lite', () => {
      throw new Error("Cannot find package 'vega-lite'");
    });
    try {
      const fresh = await import('./alignment-plot.js');
      const { MetricsError: FreshMetricsError } = await import('../errors.js');
      const error = await expectErrorCode(
        fresh.alignmentHeatMapSvg(WEIGHTS),
        FreshMetricsError,
        'METRICS_MISSING_DEPENDENCY',
      );
      expect(error.message).toContain('vega-lite');
      expect(error.message).toContain(PLOTS_INSTALL_HINT);
    } finally {
      vi.doUnmock('vega-lite');
      vi.resetModules();
    }
  });
});
