import { Resvg } from '@resvg/resvg-js';
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { MetricsError } from '../errors.js';
import {
  DEFAULT_EMBEDDING_SCATTER_OPTIONS,
  embeddingScatterSvg,
  resolveEmbeddingScatterOptions,
} from './embedding-scatter.js';

const POINTS: [number, number][] = [
  [-1.5, 0.25],
  [0, 1],
  [2, -0.5],
  [0.75, 0.75],
];
const LABELS = ['a', '<&">', ' ', '\n'];

/** resvg's XML parser (roxmltree) is strict: it throws on unbalanced tags or bad entities. */
function expectWellFormed(svg: string): void {
  expect(svg.startsWith('<svg')).toBe(true);
  expect(() => new Resvg(svg)).not.toThrow();
}

/** Text content of the label marks, unescaped. */
function labelTexts(svg: string): string[] {
  const marks = svg.match(/<text[^>]*aria-roledescription="text mark"[^>]*?(\/>|>[^<]*<\/text>)/g) ?? [];
  return marks.map((mark) =>
    mark.endsWith('/>')
      ? ''
      : mark
          .replace(/^<text[^>]*>/, '')
          .replace(/<\/text>$/, '')
          .replaceAll('&lt;', '<')
          .replaceAll('&gt;', '>')
          .replaceAll('&quot;', '"')
          .replaceAll('&amp;', '&'),
  );
}

function groupTexts(svg: string, role: string): string[] {
  const pattern = new RegExp(`class="mark-text ${role}"[^>]*>((?:<text[^>]*>[^<]*</text>)+)`, 'g');
  return [...svg.matchAll(pattern)].flatMap((m) => [...m[1]!.matchAll(/>([^<]*)</g)].map((t) => t[1]!));
}

function rootSize(svg: string): [number, number] {
  const match = /^<svg[^>]* width="(\d+)" height="(\d+)"/.exec(svg)!;
  return [Number(match[1]), Number(match[2])];
}

describe('embeddingScatterSvg', () => {
  it('draws one circle and one label per point, axis titles and the title, as well-formed XML', async () => {
    const svg = await embeddingScatterSvg(POINTS, LABELS);
    expectWellFormed(svg);
    expect(svg.match(/aria-roledescription="circle"/g)).toHaveLength(POINTS.length);
    // Whitespace labels are made visible by default.
    expect(labelTexts(svg)).toEqual(['a', '<&">', '␣', '\\n']);
    expect(groupTexts(svg, 'role-axis-title')).toEqual(['PC 1', 'PC 2']);
    expect(groupTexts(svg, 'role-title-text')).toEqual(['Embeddings (PCA)']);
  });

  it('is deterministic: the same input gives the same SVG', async () => {
    const first = await embeddingScatterSvg(POINTS, LABELS, { title: 'x' });
    await embeddingScatterSvg(
      [
        [0, 0],
        [1, 1],
      ],
      ['p', 'q'],
    );
    expect(await embeddingScatterSvg(POINTS, LABELS, { title: 'x' })).toBe(first);
  });

  it('places points by their coordinates (left to right in x order)', async () => {
    const svg = await embeddingScatterSvg(POINTS, LABELS);
    const xs = [
      ...svg.matchAll(/aria-roledescription="circle" transform="translate\(([-\d.]+),([-\d.]+)\)"/g),
    ].map((m) => Number(m[1]));
    const order = (values: number[]) => values.map((_, i) => i).sort((i, j) => values[i]! - values[j]!);
    expect(order(xs)).toEqual(order(POINTS.map(([x]) => x)));
  });

  it('applies every option', async () => {
    const base = await embeddingScatterSvg(POINTS, LABELS);
    const custom = await embeddingScatterSvg(POINTS, LABELS, {
      title: 'Character embeddings',
      xTitle: 'first',
      yTitle: 'second',
      fontSize: 17,
      visibleWhitespace: false,
    });
    expect(groupTexts(custom, 'role-title-text')).toEqual(['Character embeddings']);
    expect(groupTexts(custom, 'role-axis-title')).toEqual(['first', 'second']);
    expect(custom.match(/aria-roledescription="text mark"[^>]*font-size="17px"/g)).toHaveLength(
      POINTS.length,
    );
    // Raw whitespace labels: vega draws them as empty text, i.e. invisibly — why the default is true.
    expect(labelTexts(custom)).toEqual(['a', '<&">', '', '']);

    const untitled = await embeddingScatterSvg(POINTS, LABELS, { title: '' });
    expect(groupTexts(untitled, 'role-title-text')).toEqual([]);

    const [baseWidth, baseHeight] = rootSize(base);
    const [wideWidth, wideHeight] = rootSize(await embeddingScatterSvg(POINTS, LABELS, { width: 800 }));
    expect([wideWidth - baseWidth, wideHeight]).toEqual([300, baseHeight]);
    const [tallWidth, tallHeight] = rootSize(await embeddingScatterSvg(POINTS, LABELS, { height: 300 }));
    expect([tallWidth, baseHeight - tallHeight]).toEqual([baseWidth, 200]);
  });

  it('pins the documented defaults', () => {
    expect(DEFAULT_EMBEDDING_SCATTER_OPTIONS).toEqual({
      title: 'Embeddings (PCA)',
      width: 500,
      height: 500,
      xTitle: 'PC 1',
      yTitle: 'PC 2',
      fontSize: 11,
      visibleWhitespace: true,
    });
    expect(resolveEmbeddingScatterOptions({ width: undefined })).toEqual(DEFAULT_EMBEDDING_SCATTER_OPTIONS);
  });

  it('rejects mismatched labels, non-finite points and bad options', async () => {
    await expectErrorCode(embeddingScatterSvg(POINTS, ['a']), MetricsError, 'METRICS_SHAPE_MISMATCH');
    await expectErrorCode(embeddingScatterSvg([[0, Number.NaN]], ['a']), MetricsError, 'METRICS_NON_FINITE');
    await expectErrorCode(
      embeddingScatterSvg(POINTS, LABELS, { width: 0 }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    await expectErrorCode(
      embeddingScatterSvg(POINTS, LABELS, { fontSize: 2.5 }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    await expectErrorCode(
      embeddingScatterSvg(POINTS, LABELS, { visibleWhitespace: 1 as unknown as boolean }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
    await expectErrorCode(
      embeddingScatterSvg(POINTS, LABELS, { xTitle: 3 as unknown as string }),
      MetricsError,
      'METRICS_INVALID_OPTION',
    );
  });
});
