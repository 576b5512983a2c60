import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from '../errors.js';
import {
  DEFAULT_PLAIN_TEXT_OPTIONS,
  parsePlainText,
  readPlainText,
  resolvePlainTextOptions,
} from './plain-text.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/loaders/gutenberg-tiny.txt', import.meta.url));
const raw = readFileSync(FIXTURE, 'utf8');

describe('parsePlainText', () => {
  it('pins the documented defaults', () => {
    expect(resolvePlainTextOptions()).toEqual(DEFAULT_PLAIN_TEXT_OPTIONS);
    expect(DEFAULT_PLAIN_TEXT_OPTIONS).toEqual({
      stripGutenberg: false,
      lowercase: false,
      split: 'none',
      dropEmptyLines: false,
    });
  });

  it('strips the BOM and turns \\r\\n into \\n, keeping everything else', () => {
    expect(raw.charCodeAt(0)).toBe(0xfeff);
    const text = parsePlainText(raw);
    expect(text.startsWith('The Project Gutenberg eBook of Tiny Verses')).toBe(true);
    expect(text).not.toContain('\r');
    expect(text).toBe(raw.slice(1).replaceAll('\r\n', '\n'));
  });

  it('strips the Gutenberg licence and lowercases', () => {
    expect(parsePlainText(raw, { stripGutenberg: true, lowercase: true })).toBe(
      'roses are red,\nviolets are blue.\n\n\nsugar is sweet\n  and so are you.',
    );
  });

  it("splits into lines as Python's text.split('\\n'), keeping or dropping empty lines", () => {
    expect(parsePlainText(raw, { stripGutenberg: true, lowercase: true, split: 'lines' })).toEqual([
      'roses are red,',
      'violets are blue.',
      '',
      '',
      'sugar is sweet',
      '  and so are you.',
    ]);
    expect(parsePlainText(raw, { stripGutenberg: true, split: 'lines', dropEmptyLines: true })).toEqual([
      'Roses are red,',
      'Violets are BLUE.',
      'Sugar is sweet',
      '  and so are you.',
    ]);
    expect(parsePlainText('a\r\nb\rc\n', { split: 'lines' })).toEqual(['a', 'b', 'c']);
  });

  it('splits into paragraphs at blank lines', () => {
    expect(parsePlainText(raw, { stripGutenberg: true, split: 'paragraphs' })).toEqual([
      'Roses are red,\nViolets are BLUE.',
      'Sugar is sweet\n  and so are you.',
    ]);
    expect(parsePlainText('\n\none\n \t\ntwo\nthree\n\n', { split: 'paragraphs' })).toEqual([
      'one',
      'two\nthree',
    ]);
  });

  it('reports empty input, missing required markers and bad options by code', () => {
    expectErrorCode(() => parsePlainText(''), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(() => parsePlainText('\ufeff \r\n'), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(
      () =>
        parsePlainText(
          'x\n*** START OF THE PROJECT GUTENBERG EBOOK X ***\n\n*** END OF THE PROJECT GUTENBERG EBOOK X ***',
          { stripGutenberg: true },
        ),
      DatasetsError,
      'DATASETS_EMPTY_INPUT',
    );
    expectErrorCode(
      () => parsePlainText('no markers', { stripGutenberg: { requireMarkers: true } }),
      DatasetsError,
      'DATASETS_PARSE_ERROR',
    );
    expectErrorCode(() => parsePlainText(42 as unknown as string), DatasetsError, 'DATASETS_INVALID_INPUT');
    expectErrorCode(
      () => parsePlainText('a', { split: 'words' as 'lines' }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => parsePlainText('a', { dropEmptyLines: true }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => parsePlainText('a', { lowercase: 'yes' as unknown as boolean }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  it('never leaves \\r behind and lines join back to the text', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', 'B', ' ', '\n', '\r', '\r\n') }), (body) => {
        fc.pre(body.trim().length > 0);
        const text = parsePlainText(body);
        expect(text).not.toContain('\r');
        const lines = parsePlainText(body, { split: 'lines' });
        expect(lines.join('\n')).toBe(text.endsWith('\n') ? text.slice(0, -1) : text);
      }),
    );
  });
});

describe('readPlainText', () => {
  it('reads and parses a file', async () => {
    await expect(readPlainText(FIXTURE, { stripGutenberg: true, split: 'paragraphs' })).resolves.toEqual([
      'Roses are red,\nViolets are BLUE.',
      'Sugar is sweet\n  and so are you.',
    ]);
  });

  it('maps a missing file to DATASETS_IO_ERROR and checks options before reading', async () => {
    const missing = readPlainText(`${FIXTURE}.missing`);
    await expect(missing).rejects.toBeInstanceOf(DatasetsError);
    await expect(missing).rejects.toMatchObject({ code: 'DATASETS_IO_ERROR' });
    await expect(readPlainText(`${FIXTURE}.missing`, { split: 'x' as 'lines' })).rejects.toMatchObject({
      code: 'DATASETS_INVALID_OPTION',
    });
    await expect(readPlainText('')).rejects.toMatchObject({ code: 'DATASETS_INVALID_INPUT' });
  });
});
