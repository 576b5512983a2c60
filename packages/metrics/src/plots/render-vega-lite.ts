import type { TopLevelSpec } from 'vega-lite';
import { loadVega } from './optional-deps.js';

/** The top of every rnnkit plot's spec: schema, optional title (`''` for none), white background. */
export function specHeader(title: string): { $schema: string; title?: string; background: 'white' } {
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    ...(title === '' ? {} : { title }),
    background: 'white',
  };
}

/**
 * Compiles a vega-lite spec to vega and renders it to an SVG string headlessly (vega's
 * `renderer: 'none'` view; no DOM, no canvas), with vega's and vega-lite's logging off.
 * Same spec → same SVG: vega numbers gradient ids with a process-wide counter, so they are
 * renumbered per document.
 */
export async function renderVegaLiteSvg(spec: TopLevelSpec): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const logger = vega.logger(vega.None);
  const compiled = vegaLite.compile(spec, { logger }).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none', logger, logLevel: vega.None });
  try {
    return stableGradientIds(await view.toSVG());
  } finally {
    view.finalize();
  }
}

/** Renames vega's `gradient_<global counter>` ids to `gradient_0`, `gradient_1`, … in order of appearance. */
function stableGradientIds(svg: string): string {
  const ids = new Map<string, string>();
  return svg.replace(/gradient_\d+/g, (id) => {
    let stable = ids.get(id);
    if (stable === undefined) {
      stable = `gradient_${ids.size}`;
      ids.set(id, stable);
    }
    return stable;
  });
}
