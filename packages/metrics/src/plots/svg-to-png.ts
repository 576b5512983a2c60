import { MetricsError } from '../errors.js';
import { loadResvg } from './optional-deps.js';

/** Options of {@link svgToPng}. */
export interface SvgToPngOptions {
  /**
   * Width of the image in pixels; the height follows the SVG's aspect ratio.
   * @default undefined (the SVG's own width)
   */
  readonly width?: number;
}

/** The documented defaults of {@link SvgToPngOptions}. */
export const DEFAULT_SVG_TO_PNG_OPTIONS: Readonly<SvgToPngOptions> = Object.freeze({ width: undefined });

/** Validates options and fills in the defaults. */
export function resolveSvgToPngOptions(options: SvgToPngOptions = {}): SvgToPngOptions {
  const width = options.width ?? DEFAULT_SVG_TO_PNG_OPTIONS.width;
  if (width !== undefined && (!Number.isInteger(width) || width < 1 || width > 20_000)) {
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `svgToPng: width must be an integer from 1 to 20000 (pixels), received ${String(width)}.`,
    );
  }
  return { width };
}

/**
 * Rasterizes an SVG (e.g. from {@link confusionMatrixSvg}) to PNG with resvg (`@resvg/resvg-js`,
 * an optional peer dependency loaded on first call). Text uses the system's fonts; without any,
 * labels are left out of the PNG (the SVG keeps them).
 *
 * @returns the PNG file's bytes.
 * @throws MetricsError `METRICS_INVALID_OPTION` for a bad width or an SVG resvg cannot parse;
 *   `METRICS_MISSING_DEPENDENCY` when @resvg/resvg-js is not installed.
 * @example
 * await writeFile('confusion.png', await svgToPng(await confusionMatrixSvg(cm), { width: 800 }));
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  const { width } = resolveSvgToPngOptions(options);
  const { Resvg } = await loadResvg();
  let renderer: InstanceType<typeof Resvg>;
  try {
    renderer = new Resvg(svg, {
      fitTo: width === undefined ? { mode: 'original' } : { mode: 'width', value: width },
      logLevel: 'off',
    });
  } catch (cause) {
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `svgToPng could not parse the SVG: ${(cause as Error)?.message ?? String(cause)}.`,
      { cause },
    );
  }
  return new Uint8Array(renderer.render().asPng());
}
