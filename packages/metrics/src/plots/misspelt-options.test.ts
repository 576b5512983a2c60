// Every function of `@rnnkit/metrics/plots` rejects a misspelt option name before rendering.
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { MetricsError } from '../errors.js';
import {
  alignmentHeatMapSvg,
  confusionMatrixSvg,
  embeddingScatterSvg,
  forecastPlotSvg,
  plotHistorySvg,
  svgToPng,
} from './index.js';

async function expectMisspelt(
  fn: (options: never) => Promise<unknown>,
  misspelt: string,
  closest: string,
): Promise<void> {
  const error = await expectErrorCode(fn({ [misspelt]: 1 } as never), MetricsError, 'METRICS_INVALID_OPTION');
  expect(error.message).toContain(`Did you mean '${closest}'?`);
}

describe('misspelt option names', () => {
  it('fail naming the closest option', async () => {
    await expectMisspelt((o) => confusionMatrixSvg([[1]], o), 'cellsize', 'cellSize');
    await expectMisspelt((o) => confusionMatrixSvg([[1]], o), 'normalise', 'normalize');
    await expectMisspelt(
      (o) => plotHistorySvg({ epoch: [0], history: { loss: [1] } }, o),
      'metric',
      'metrics',
    );
    await expectMisspelt((o) => alignmentHeatMapSvg([[1]], o), 'sourceToken', 'sourceTokens');
    await expectMisspelt((o) => alignmentHeatMapSvg([[1]], o), 'colourScheme', 'colorScheme');
    await expectMisspelt((o) => embeddingScatterSvg([[0, 0]], ['a'], o), 'xtitle', 'xTitle');
    await expectMisspelt((o) => forecastPlotSvg([1], {}, o), 'ytitle', 'yTitle');
    await expectMisspelt((o) => forecastPlotSvg([1], {}, o), 'date', 'dates');
    await expectMisspelt((o) => svgToPng('<svg/>', o), 'widht', 'width');
    await expectMisspelt((o) => svgToPng('<svg/>', o), 'backgroud', 'background');
  });

  it('an unknown metric name suggests the closest one the history has', async () => {
    const error = await expectErrorCode(
      plotHistorySvg({ epoch: [0], history: { loss: [1], acc: [0.5] } }, { metrics: ['los'] }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    expect(error.message).toContain("Did you mean 'loss'?");
  });
});
