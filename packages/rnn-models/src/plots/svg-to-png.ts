import { RnnModelsError } from '../errors.js';
import { loadResvg } from './optional-deps.js';
import { checkPixels, definedOnly } from './plot-options.js';

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /**
   * Width of the image in pixels; the height follows the SVG's aspect ratio.
   * @default undefined (the SVG's own width)
   */
  readonly width?: number;
  /**
   * Background colour (any CSS colour) painted under the SVG; the plots of this module already
   * draw a white background.
   * @default undefined (transparent where the SVG draws nothing)
   */
  readonly background?: string;
}

/** The documented defaults of {@link SvgToPngOptions}. */
export const DEFAULT_SVG_TO_PNG_OPTIONS: Readonly<SvgToPngOptions> = Object.freeze({
  width: undefined,
  background: undefined,
});

/** Validates options and fills in the defaults. */
export function resolveSvgToPngOptions(options: SvgToPngOptions = {}): SvgToPngOptions {
  const resolved = { ...DEFAULT_SVG_TO_PNG_OPTIONS, ...definedOnly(options) };
  if (resolved.width !== undefined) checkPixels('svgToPng', 'width', resolved.width, 20_000);
  if (resolved.background !== undefined && typeof resolved.background !== 'string') {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `svgToPng option background must be a CSS colour string, received ${String(resolved.background)}.`,
    );
  }
  return resolved;
}

/**
 * Rasterizes an SVG (e.g. from `embeddingScatterSvg` or `plotHistorySvg`) to a PNG with resvg
 * (`@resvg/resvg-js`, an optional peer dependency loaded on first call). Text is drawn with the
 * system's fonts; on a machine without any, labels are left out of the PNG (the SVG keeps them).
 *
 * @param svg an SVG document.
 * @returns the PNG file's bytes.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a bad option or an SVG resvg cannot parse;
 *   `RNN_MODELS_BACKEND_UNAVAILABLE` when @resvg/resvg-js is not installed
 *   (`npm install vega vega-lite @resvg/resvg-js`).
 * @example
 * await writeFile('history.png', await svgToPng(await plotHistorySvg(history), { width: 1200 }));
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  const { width, background } = resolveSvgToPngOptions(options);
  const { Resvg } = await loadResvg();
  let renderer: InstanceType<typeof Resvg>;
  try {
    renderer = new Resvg(svg, {
      fitTo: width === undefined ? { mode: 'original' } : { mode: 'width', value: width },
      ...(background === undefined ? {} : { background }),
      logLevel: 'off',
    });
  } catch (cause) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `svgToPng could not parse the SVG: ${(cause as Error)?.message ?? String(cause)}.`,
      { cause },
    );
  }
  return new Uint8Array(renderer.render().asPng());
}
