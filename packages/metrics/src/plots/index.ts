/**
 * `@rnnkit/metrics/plots`: a confusion-matrix figure as SVG or PNG. Needs the optional peer
 * dependencies vega, vega-lite and @resvg/resvg-js (`npm install vega vega-lite @resvg/resvg-js`),
 * loaded on first call.
 */
export type {
  ConfusionMatrixPlotOptions,
  ResolvedConfusionMatrixPlotOptions,
} from './confusion-matrix-plot.js';
export {
  confusionMatrixSvg,
  DEFAULT_CONFUSION_MATRIX_PLOT_OPTIONS,
  resolveConfusionMatrixPlotOptions,
} from './confusion-matrix-plot.js';
export { PLOTS_INSTALL_HINT } from './optional-deps.js';
export type { SvgToPngOptions } from './svg-to-png.js';
export { DEFAULT_SVG_TO_PNG_OPTIONS, resolveSvgToPngOptions, svgToPng } from './svg-to-png.js';
