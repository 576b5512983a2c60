import { inflateSync } from 'node:zlib';
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { MetricsError } from '../errors.js';
import { embeddingScatterSvg } from './embedding-scatter.js';
import { DEFAULT_SVG_TO_PNG_OPTIONS, resolveSvgToPngOptions, svgToPng } from './svg-to-png.js';

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
/** 40×20, draws nothing: transparent unless a background is painted. */
const EMPTY_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" viewBox="0 0 40 20"></svg>';

/** Width and height from the IHDR chunk (always the first chunk, right after the signature). */
function pngSize(png: Uint8Array): [number, number] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect(new TextDecoder().decode(png.subarray(12, 16))).toBe('IHDR');
  return [view.getUint32(16), view.getUint32(20)];
}

/** RGBA of the top-left pixel: on the first row every PNG filter leaves the first pixel raw. */
function firstPixel(png: Uint8Array): number[] {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  expect([png[24], png[25]]).toEqual([8, 6]); // 8-bit RGBA
  const idat: Uint8Array[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = view.getUint32(offset);
    const type = new TextDecoder().decode(png.subarray(offset + 4, offset + 8));
    if (type === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  return Array.from(raw.subarray(1, 5));
}

describe('svgToPng', () => {
  it('renders a plot at the requested width, keeping the aspect ratio', async () => {
    const svg = await embeddingScatterSvg(
      [
        [0, 0],
        [1, 2],
      ],
      ['a', 'b'],
      { width: 200, height: 100 },
    );
    const [svgWidth, svgHeight] = /^<svg[^>]* width="(\d+)" height="(\d+)"/
      .exec(svg)!
      .slice(1)
      .map(Number) as [number, number];
    const png = await svgToPng(svg, { width: 640 });
    expect(Array.from(png.subarray(0, 8))).toEqual(PNG_SIGNATURE);
    const [width, height] = pngSize(png);
    expect(width).toBe(640);
    expect(height).toBeCloseTo((640 * svgHeight) / svgWidth, -0.5); // within ±1.6 px of rounding
    // The plot paints its own white background.
    expect(firstPixel(png)).toEqual([255, 255, 255, 255]);
  });

  it('defaults to the SVG’s own size and a transparent background; background paints under it', async () => {
    const plain = await svgToPng(EMPTY_SVG);
    expect(pngSize(plain)).toEqual([40, 20]);
    expect(firstPixel(plain)[3]).toBe(0);
    const red = await svgToPng(EMPTY_SVG, { background: '#ff0000' });
    expect(firstPixel(red)).toEqual([255, 0, 0, 255]);
  });

  it('is deterministic', async () => {
    expect(Array.from(await svgToPng(EMPTY_SVG, { width: 80 }))).toEqual(
      Array.from(await svgToPng(EMPTY_SVG, { width: 80 })),
    );
  });

  it('pins the defaults and rejects bad options and malformed SVG', async () => {
    expect(DEFAULT_SVG_TO_PNG_OPTIONS).toEqual({ width: undefined, background: undefined });
    expect(resolveSvgToPngOptions({})).toEqual(DEFAULT_SVG_TO_PNG_OPTIONS);
    await expectErrorCode(svgToPng(EMPTY_SVG, { width: 0 }), MetricsError, 'METRICS_INVALID_OPTION');
    await expectErrorCode(svgToPng(EMPTY_SVG, { width: 10.5 }), MetricsError, 'METRICS_INVALID_OPTION');
    await expectErrorCode(
      svgToPng(EMPTY_SVG, { background: 3 as unknown as string }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    await expectErrorCode(svgToPng('<svg><g></svg>'), MetricsError, 'METRICS_INVALID_OPTION');
  });
});
