import { MetricsError } from '../errors.js';
import { check, pixels } from '../validate.js';
import { loadResvg } from './optional-deps.js';

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

/** Validates options and fills in the defaults (internal). */
export function resolveSvgToPngOptions(options: SvgToPngOptions = {}): SvgToPngOptions {
  const fn = 'svgToPng';
  const { width, background } = check.withDefaults(fn, options, DEFAULT_SVG_TO_PNG_OPTIONS);
  return {
    width: width === undefined ? undefined : pixels(fn, 'width', width, 20_000),
    background: background === undefined ? undefined : check.string(fn, 'background', background),
  };
}

/**
 * Rasterizes an SVG (from {@link confusionMatrixSvg}, {@link plotHistorySvg},
 * {@link embeddingScatterSvg}) to PNG with resvg (`@resvg/resvg-js`, an optional peer dependency
 * loaded on first call). Text uses the system's fonts; without any, labels are left out of the PNG
 * (the SVG keeps them).
 *
 * @returns the PNG file's bytes.
 * @throws MetricsError `METRICS_INVALID_OPTION` for a bad option or an SVG resvg cannot parse;
 *   `METRICS_MISSING_DEPENDENCY` when @resvg/resvg-js is not installed.
 * @example
 * await writeFile('confusion.png', await svgToPng(await confusionMatrixSvg(cm), { width: 800 }));
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
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `svgToPng: svg must be an SVG document resvg can parse, got an error: ${(cause as Error)?.message ?? String(cause)}.`,
      { cause },
    );
  }
  return new Uint8Array(renderer.render().asPng());
}
