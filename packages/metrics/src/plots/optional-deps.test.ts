import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it, vi } from 'vitest';
import { MetricsError } from '../errors.js';
import {
  confusionMatrixSvg,
  embeddingScatterSvg,
  forecastPlotSvg,
  PLOTS_INSTALL_HINT,
  plotHistorySvg,
  svgToPng,
} from './index.js';

// Simulate an install without the optional peer dependencies.
vi.mock('vega-lite', () => {
  throw new Error("Cannot find package 'vega-lite'");
});
vi.mock('@resvg/resvg-js', () => {
  throw new Error("Cannot find package '@resvg/resvg-js'");
});

async function expectMissing(promise: Promise<unknown>, name: string): Promise<void> {
  const error = await expectErrorCode(promise, MetricsError, 'METRICS_MISSING_DEPENDENCY');
  // The message is the fix here: which package, and the command that installs it.
  expect(error.message).toContain(name);
  expect(error.message).toContain(PLOTS_INSTALL_HINT);
}

describe('plots without their optional dependencies', () => {
  it('throw METRICS_MISSING_DEPENDENCY naming the package and the install command', async () => {
    expect(PLOTS_INSTALL_HINT).toBe('npm install vega vega-lite @resvg/resvg-js');
    await expectMissing(confusionMatrixSvg([[1]]), 'vega-lite');
    await expectMissing(embeddingScatterSvg([[0, 0]], ['a']), 'vega-lite');
    await expectMissing(forecastPlotSvg([1, 2], { model: [1, 2] }), 'vega-lite');
    await expectMissing(plotHistorySvg({ epoch: [0], history: { loss: [1] } }), 'vega-lite');
    await expectMissing(
      svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'),
      '@resvg/resvg-js',
    );
  });
});
