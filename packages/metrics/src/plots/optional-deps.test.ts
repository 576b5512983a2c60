import { describe, expect, it, vi } from 'vitest';
import { MetricsError } from '../errors.js';
import { confusionMatrixSvg, PLOTS_INSTALL_HINT, svgToPng } from './index.js';

// Simulate an install without the optional peer dependencies.
vi.mock('vega-lite', () => {
  throw new Error("Cannot find package 'vega-lite'");
});
vi.mock('@resvg/resvg-js', () => {
  throw new Error("Cannot find package '@resvg/resvg-js'");
});

async function expectMissing(promise: Promise<unknown>, name: string): Promise<void> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(MetricsError);
  expect((error as MetricsError).code).toBe('METRICS_MISSING_DEPENDENCY');
  expect((error as Error).message).toContain(name);
  expect((error as Error).message).toContain(PLOTS_INSTALL_HINT);
}

describe('plots without their optional dependencies', () => {
  it('throw METRICS_MISSING_DEPENDENCY naming the package and the install command', async () => {
    expect(PLOTS_INSTALL_HINT).toBe('npm install vega vega-lite @resvg/resvg-js');
    await expectMissing(confusionMatrixSvg([[1]]), 'vega-lite');
    await expectMissing(
      svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="1" height="1"/>'),
      '@resvg/resvg-js',
    );
  });
});
