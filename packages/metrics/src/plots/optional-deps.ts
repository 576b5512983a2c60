import { MetricsError } from '../errors.js';

/** The command that installs every optional dependency of `@rnnkit/metrics/plots`. */
export const PLOTS_INSTALL_HINT = 'npm install vega vega-lite @resvg/resvg-js';

/** vega and vega-lite, loaded on first use. */
export interface VegaModules {
  readonly vega: typeof import('vega');
  readonly vegaLite: typeof import('vega-lite');
}

/**
 * Loads vega and vega-lite (optional peer dependencies: only the plots need them).
 * @throws MetricsError `METRICS_MISSING_DEPENDENCY` with the install command when either is missing.
 */
export async function loadVega(): Promise<VegaModules> {
  const [vega, vegaLite] = await Promise.all([
    importOptional('vega', () => import('vega')),
    importOptional('vega-lite', () => import('vega-lite')),
  ]);
  return { vega, vegaLite };
}

/**
 * Loads @resvg/resvg-js (optional peer dependency, for PNG output).
 * @throws MetricsError `METRICS_MISSING_DEPENDENCY` with the install command when it is missing.
 */
export async function loadResvg(): Promise<typeof import('@resvg/resvg-js')> {
  return importOptional('@resvg/resvg-js', () => import('@resvg/resvg-js'));
}

async function importOptional<T>(name: string, load: () => Promise<T>): Promise<T> {
  try {
    return await load();
  } catch (cause) {
    throw new MetricsError(
      'METRICS_MISSING_DEPENDENCY',
      `@rnnkit/metrics/plots needs the optional package '${name}', which could not be loaded ` +
        `(${(cause as Error)?.message ?? String(cause)}). Install the plotting dependencies: ${PLOTS_INSTALL_HINT}`,
      { cause },
    );
  }
}
