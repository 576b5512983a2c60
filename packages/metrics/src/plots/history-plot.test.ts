import { Resvg } from '@resvg/resvg-js';
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { MetricsError } from '../errors.js';
import {
  DEFAULT_PLOT_HISTORY_OPTIONS,
  plotHistorySvg,
  resolvePlotHistoryOptions,
  type TrainingHistory,
} from './history-plot.js';

/** The shape tfjs' `model.fit` returns (`History.epoch` counts from 0). */
const HISTORY: TrainingHistory = {
  epoch: [0, 1, 2, 3],
  history: {
    loss: [1.2, 0.8, 0.6, 0.5],
    acc: [0.3, 0.5, 0.6, 0.65],
    val_loss: [1.3, 0.9, 0.8, Number.NaN],
    val_acc: [0.25, 0.45, 0.5, 0.55],
  },
};

function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(() => new Resvg(svg)).not.toThrow();
}

/** `aria-label` of each drawn line: its first point, e.g. "epoch: 1; loss: 1.2; split: train". */
function lines(svg: string): string[] {
  return [
    ...svg.matchAll(/<path aria-label="([^"]*)" role="graphics-symbol" aria-roledescription="line mark"/g),
  ].map((m) => m[1]!);
}

function groupTexts(svg: string, role: string): string[] {
  const pattern = new RegExp(`class="mark-text ${role}"[^>]*>((?:<text[^>]*>[^<]*</text>)+)`, 'g');
  return [...svg.matchAll(pattern)].flatMap((m) => [...m[1]!.matchAll(/>([^<]*)</g)].map((t) => t[1]!));
}

/** `[width, height]` of each panel's plotting area (its framed background). */
function panelSizes(svg: string): [number, number][] {
  return [...svg.matchAll(/<path class="background" aria-hidden="true" d="M0\.5,0\.5h(\d+)v(\d+)h-/g)].map(
    (m) => [Number(m[1]), Number(m[2])],
  );
}

describe('plotHistorySvg', () => {
  it('draws train and validation curves per metric, epochs from 1, with axis titles', async () => {
    const svg = await plotHistorySvg(HISTORY);
    expectWellFormed(svg);
    expect(lines(svg)).toEqual([
      'epoch: 1; loss: 1.2; split: train',
      'epoch: 1; loss: 1.3; split: validation',
      'epoch: 1; acc: 0.3; split: train',
      'epoch: 1; acc: 0.25; split: validation',
    ]);
    expect(groupTexts(svg, 'role-axis-title')).toEqual(['epoch', 'loss', 'epoch', 'acc']);
    expect(groupTexts(svg, 'role-title-text')).toEqual(['loss', 'acc']);
    // One point per finite value: 4 + 3 (NaN left out) for loss, 4 + 4 for acc.
    expect(svg.match(/aria-roledescription="point"/g)).toHaveLength(15);
    expect(svg).toContain('with 2 values: train, validation');
  });

  it('is deterministic', async () => {
    const first = await plotHistorySvg(HISTORY, { metrics: ['loss'] });
    await plotHistorySvg(HISTORY);
    expect(await plotHistorySvg(HISTORY, { metrics: ['loss'] })).toBe(first);
  });

  it('metrics picks and orders panels; a metric without val_ gets one line', async () => {
    const svg = await plotHistorySvg(
      { epoch: [0, 1], history: { loss: [1, 0.5], lr: [0.01, 0.005], val_loss: [1.1, 0.7] } },
      { metrics: ['lr', 'loss'] },
    );
    expect(lines(svg)).toEqual([
      'epoch: 1; lr: 0.01; split: train',
      'epoch: 1; loss: 1; split: train',
      'epoch: 1; loss: 1.1; split: validation',
    ]);
  });

  it('applies width, height and title', async () => {
    expect(panelSizes(await plotHistorySvg(HISTORY))).toEqual([
      [300, 200],
      [300, 200],
    ]);
    expect(panelSizes(await plotHistorySvg(HISTORY, { width: 500, height: 120 }))).toEqual([
      [500, 120],
      [500, 120],
    ]);
    const one = { metrics: ['loss'] };
    const titled = await plotHistorySvg(HISTORY, { ...one, title: 'Alice, 4 epochs' });
    expect(groupTexts(titled, 'role-title-text')).toEqual(['loss', 'Alice, 4 epochs']);
  });

  it('pins the documented defaults', () => {
    expect(DEFAULT_PLOT_HISTORY_OPTIONS).toEqual({ width: 300, height: 200, title: '' });
    expect(resolvePlotHistoryOptions(HISTORY)).toEqual({
      width: 300,
      height: 200,
      title: '',
      metrics: ['loss', 'acc'],
    });
  });

  it('rejects unknown or no metrics, ragged series and bad sizes', async () => {
    await expectErrorCode(
      plotHistorySvg(HISTORY, { metrics: ['accuracy'] }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    await expectErrorCode(plotHistorySvg(HISTORY, { metrics: [] }), MetricsError, 'METRICS_INVALID_OPTION');
    await expectErrorCode(plotHistorySvg({ epoch: [], history: {} }), MetricsError, 'METRICS_INVALID_OPTION');
    await expectErrorCode(
      plotHistorySvg({ epoch: [0, 1], history: { loss: [1, 0.5], val_loss: [1] } }),
      MetricsError,
      'METRICS_SHAPE_MISMATCH',
    );
    await expectErrorCode(plotHistorySvg(HISTORY, { height: -1 }), MetricsError, 'METRICS_INVALID_OPTION');
    await expectErrorCode(
      plotHistorySvg(HISTORY, { title: null as unknown as string }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
  });
});
