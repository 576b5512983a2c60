/**
 * `@rnnkit/rnn-models/plots`: SVG/PNG figures for notebooks and reports. Needs the optional peer
 * dependencies vega, vega-lite and @resvg/resvg-js (`npm install vega vega-lite @resvg/resvg-js`),
 * loaded on first call.
 */
export type { EmbeddingScatterOptions } from './embedding-scatter.js';
export {
  DEFAULT_EMBEDDING_SCATTER_OPTIONS,
  embeddingScatterSvg,
  resolveEmbeddingScatterOptions,
} from './embedding-scatter.js';
export type { PlotHistoryOptions, ResolvedPlotHistoryOptions, TrainingHistory } from './history-plot.js';
export { DEFAULT_PLOT_HISTORY_OPTIONS, plotHistorySvg, resolvePlotHistoryOptions } from './history-plot.js';
export { PLOTS_INSTALL_HINT } from './optional-deps.js';
export type { SvgToPngOptions } from './svg-to-png.js';
export { DEFAULT_SVG_TO_PNG_OPTIONS, resolveSvgToPngOptions, svgToPng } from './svg-to-png.js';
