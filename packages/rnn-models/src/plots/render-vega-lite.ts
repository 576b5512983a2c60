import type { TopLevelSpec } from 'vega-lite';
import { loadVega } from './optional-deps.js';

/**
 * Compiles a vega-lite spec to vega and renders it to an SVG string headlessly (vega's
 * `renderer: 'none'` view; no DOM, no canvas). vega's and vega-lite's log output is switched
 * off, so nothing reaches the console; errors still throw. Same spec → same SVG.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const logger = vega.logger(vega.None);
  const compiled = vegaLite.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger, logLevel: vega.None });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
