/**
 * `@rnnkit/metrics/plots`: figures as SVG or PNG — a confusion matrix, an attention alignment,
 * training curves, an embedding scatter, a forecast against the truth. Needs the optional peer dependencies vega, vega-lite and
 * @resvg/resvg-js (`npm install vega vega-lite @resvg/resvg-js`), loaded on first call.
 */

export { MAX_PLOT_MARKS } from '../validate.js';
export type { AlignmentColorScheme, AlignmentHeatMapOptions, AlignmentWeights } from './alignment-plot.js';
export { alignmentHeatMapSvg, DEFAULT_ALIGNMENT_HEAT_MAP_OPTIONS } from './alignment-plot.js';
export type { ConfusionMatrixPlotOptions } from './confusion-matrix-plot.js';
export { confusionMatrixSvg, DEFAULT_CONFUSION_MATRIX_PLOT_OPTIONS } from './confusion-matrix-plot.js';
export type { EmbeddingScatterOptions } from './embedding-scatter.js';
export { DEFAULT_EMBEDDING_SCATTER_OPTIONS, embeddingScatterSvg } from './embedding-scatter.js';
export type { ForecastPlotOptions, ForecastSeries } from './forecast-plot.js';
export { DEFAULT_FORECAST_PLOT_OPTIONS, forecastPlotSvg } from './forecast-plot.js';
export type { PlotHistoryOptions, TrainingHistory } from './history-plot.js';
export { DEFAULT_PLOT_HISTORY_OPTIONS, plotHistorySvg } from './history-plot.js';
export { PLOTS_INSTALL_HINT } from './optional-deps.js';
export type { SvgToPngOptions } from './svg-to-png.js';
export { DEFAULT_SVG_TO_PNG_OPTIONS, svgToPng } from './svg-to-png.js';
