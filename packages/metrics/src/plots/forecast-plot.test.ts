import { Resvg } from '@resvg/resvg-js';
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { MetricsError, type MetricsErrorCode } from '../errors.js';
import {
  DEFAULT_FORECAST_PLOT_OPTIONS,
  forecastPlotSvg,
  resolveForecastPlotOptions,
} from './forecast-plot.js';

const TRUTH = [8000, 10500, 11200, 10900, 10700, 10300, 8200];
const FORECASTS = {
  LSTM: [8100, 10400, 11000, 11000, 10600, 10400, 8300],
  'seasonal naive (7)': [null, 10000, 11500, 10800, 10500, 10000, 8100],
};
const DATES = TRUTH.map((_, i) => `1988-01-${String(3 + i).padStart(2, '0')}`);

/** `aria-label` of each drawn line: its first point, e.g. "step: 0; value: 8000; series: truth". */
function lines(svg: string): string[] {
  return [
    ...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="line mark"/g),
  ].map((m) => m[1]!);
}

function texts(svg: string, role: string): string[] {
  const pattern = new RegExp(`class="mark-text ${role}"[^>]*>((?:<text[^>]*>[^<]*</text>)+)`, 'g');
  return [...svg.matchAll(pattern)].flatMap((m) => [...m[1]!.matchAll(/>([^<]*)</g)].map((t) => t[1]!));
}

describe('forecastPlotSvg', () => {
  it('draws the truth and every named forecast as a line, in order, over the step index', async () => {
    const svg = await forecastPlotSvg(TRUTH, FORECASTS);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(() => new Resvg(svg)).not.toThrow();
    expect(lines(svg)).toEqual([
      'step: 0; value: 8000; series: truth',
      'step: 0; value: 8100; series: LSTM',
      // The forecast's first value is a gap (null).
      'step: 0; value: null; series: seasonal naive (7)',
    ]);
    expect(texts(svg, 'role-legend-label')).toEqual(['truth', 'LSTM', 'seasonal naive (7)']);
    expect(texts(svg, 'role-axis-title')).toEqual(['step', 'value']);
    // Plotting area: the default 800 × 300.
    expect(svg).toContain('d="M0.5,0.5h800v300h-800Z"');
  });

  it('puts dates (UTC) on the x axis and applies title, sizes, axis titles and truthName', async () => {
    const svg = await forecastPlotSvg(
      TRUTH,
      { LSTM: FORECASTS.LSTM },
      {
        dates: DATES,
        title: 'US births, January 1988',
        width: 400,
        height: 120,
        yTitle: 'births',
        truthName: 'observed',
      },
    );
    expect(lines(svg)).toEqual([
      'date: Jan 03, 1988; births: 8000; series: observed',
      'date: Jan 03, 1988; births: 8100; series: LSTM',
    ]);
    expect(texts(svg, 'role-title-text')).toEqual(['US births, January 1988']);
    expect(texts(svg, 'role-axis-title')).toEqual(['date', 'births']);
    expect(svg).toContain('d="M0.5,0.5h400v120h-400Z"');
    // Date objects give the same picture as ISO strings.
    const withDates = await forecastPlotSvg(
      TRUTH,
      { LSTM: FORECASTS.LSTM },
      {
        dates: DATES.map((d) => new Date(`${d}T00:00:00Z`)),
        title: 'US births, January 1988',
        width: 400,
        height: 120,
        yTitle: 'births',
        truthName: 'observed',
      },
    );
    expect(withDates).toBe(svg);
  });

  it('is deterministic', async () => {
    const first = await forecastPlotSvg(TRUTH, FORECASTS, { dates: DATES });
    await forecastPlotSvg(TRUTH, { other: TRUTH.map((v) => v + 1) });
    expect(await forecastPlotSvg(TRUTH, FORECASTS, { dates: DATES })).toBe(first);
  });

  it('accepts typed arrays and no forecast at all', async () => {
    const svg = await forecastPlotSvg(Float32Array.from(TRUTH), { LSTM: Float64Array.from(FORECASTS.LSTM) });
    expect(lines(svg)).toHaveLength(2);
    expect(lines(await forecastPlotSvg(TRUTH, {}))).toEqual(['step: 0; value: 8000; series: truth']);
  });

  it('pins the documented defaults', () => {
    expect(DEFAULT_FORECAST_PLOT_OPTIONS).toEqual({
      dates: null,
      truthName: 'truth',
      title: '',
      width: 800,
      height: 300,
      yTitle: 'value',
    });
    expect(resolveForecastPlotOptions([1], {})).toEqual({
      dates: null,
      truthName: 'truth',
      title: '',
      width: 800,
      height: 300,
      xTitle: 'step',
      yTitle: 'value',
    });
    expect(resolveForecastPlotOptions([1], {}, { dates: ['1988-01-01'] })).toMatchObject({
      dates: [Date.UTC(1988, 0, 1)],
      xTitle: 'date',
    });
  });

  it('rejects series of different lengths, non-finite values, clashing names and bad options', async () => {
    const code = (promise: Promise<unknown>, c: MetricsErrorCode) =>
      expectErrorCode(promise, MetricsError, c);
    await code(forecastPlotSvg(TRUTH, { LSTM: [1, 2, 3] }), 'METRICS_LENGTH_MISMATCH');
    await code(forecastPlotSvg(TRUTH, FORECASTS, { dates: DATES.slice(1) }), 'METRICS_LENGTH_MISMATCH');
    await code(forecastPlotSvg(TRUTH, { LSTM: TRUTH.map(() => Number.NaN) }), 'METRICS_NON_FINITE');
    await code(forecastPlotSvg([1, Number.POSITIVE_INFINITY], {}), 'METRICS_NON_FINITE');
    await code(forecastPlotSvg([], {}), 'METRICS_EMPTY_INPUT');
    await code(forecastPlotSvg('12' as never, {}), 'METRICS_INVALID_INPUT');
    await code(forecastPlotSvg(TRUTH, [TRUTH] as never), 'METRICS_INVALID_INPUT');
    await code(forecastPlotSvg(TRUTH, { truth: TRUTH }), 'METRICS_INVALID_INPUT');
    await code(forecastPlotSvg(TRUTH, { a: TRUTH }, { truthName: 'a' }), 'METRICS_INVALID_INPUT');
    await code(
      forecastPlotSvg(TRUTH, {}, { dates: ['1988-13-45', ...DATES.slice(1)] }),
      'METRICS_INVALID_OPTION',
    );
    await code(forecastPlotSvg(TRUTH, {}, { width: 0 }), 'METRICS_INVALID_OPTION');
    await code(forecastPlotSvg(TRUTH, {}, { truthName: '' }), 'METRICS_INVALID_OPTION');
    const tooMany = Object.fromEntries(Array.from({ length: 10 }, (_, k) => [`f${k}`, TRUTH]));
    await code(forecastPlotSvg(TRUTH, tooMany), 'METRICS_INVALID_INPUT');
    await code(
      forecastPlotSvg(new Float32Array(60_000), { a: new Float32Array(60_000) }),
      'METRICS_INVALID_INPUT',
    );
  });
});
