import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from '../errors.js';
import { DEFAULT_CSV_OPTIONS, parseCsv, readCsv, resolveCsvOptions } from './csv.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/loaders/poems.csv', import.meta.url));
const POEMS = [
  {
    Author: 'William Blake',
    Title: 'The Tyger',
    Content: 'Tyger Tyger, burning bright,\r\nIn the forests of the night;',
  },
  {
    Author: 'Emily Dickinson',
    Title: '"Hope" is the thing with feathers',
    Content: '"Hope" is the thing with feathers -\r\nThat perches in the soul -',
  },
  { Author: 'Anonymous', Title: 'Untitled', Content: 'One line only' },
];

describe('parseCsv', () => {
  it('pins the documented defaults', () => {
    expect(resolveCsvOptions()).toEqual(DEFAULT_CSV_OPTIONS);
    expect(DEFAULT_CSV_OPTIONS).toEqual({ columns: undefined, requiredColumns: [], delimiter: ',' });
  });

  it('reads quoted multi-line fields and doubled quotes, keeping values exactly', () => {
    const records = parseCsv(readFileSync(FIXTURE, 'utf8'), {
      requiredColumns: ['Author', 'Title', 'Content'],
    });
    expect(records).toEqual(POEMS);
    const content: string = records[0]!.Content;
    expect(content).toContain('\n');
  });

  it('takes column names for a file without header, another delimiter, and a BOM', () => {
    expect(parseCsv('\ufeffa;"b;c"\n\n1;2\n', { columns: ['x', 'y'], delimiter: ';' })).toEqual([
      { x: 'a', y: 'b;c' },
      { x: '1', y: '2' },
    ]);
  });

  it('reports a missing required column, ragged rows and broken quotes as parse errors with the line', () => {
    const missing = expectErrorCode(
      () => parseCsv('\nAuthor,Title\nBlake,Tyger\n', { requiredColumns: ['Author', 'Content'] }),
      DatasetsError,
      'DATASETS_PARSE_ERROR',
    );
    expect(missing.message).toMatch(/\bline 2\b/);
    const ragged = expectErrorCode(
      () => parseCsv('a,b\n1,2\n1,2,3\n'),
      DatasetsError,
      'DATASETS_PARSE_ERROR',
    );
    expect(ragged.message).toMatch(/\bline 3\b/);
    const quote = expectErrorCode(() => parseCsv('a,b\n1,"x"y\n'), DatasetsError, 'DATASETS_PARSE_ERROR');
    expect(quote.message).toMatch(/\bline 2\b/);
    expectErrorCode(() => parseCsv('a,b\n1,"open\n'), DatasetsError, 'DATASETS_PARSE_ERROR');
    expectErrorCode(() => parseCsv('a,a\n1,2\n'), DatasetsError, 'DATASETS_PARSE_ERROR');
    expectErrorCode(() => parseCsv('a,,b\n1,2,3\n'), DatasetsError, 'DATASETS_PARSE_ERROR');
  });

  it('reports empty input and bad options by code', () => {
    expectErrorCode(() => parseCsv(''), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(() => parseCsv('Author,Title\n'), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(() => parseCsv('a\n1', { delimiter: '||' }), DatasetsError, 'DATASETS_INVALID_OPTION');
    expectErrorCode(
      () => parseCsv('a\n1', { columns: ['x', 'x'] }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => parseCsv('a\n1', { columns: ['x'], requiredColumns: ['y'] }),
      DatasetsError,
      'DATASETS_PARSE_ERROR',
    );
    expectErrorCode(() => parseCsv(null as unknown as string), DatasetsError, 'DATASETS_INVALID_INPUT');
  });

  it('round-trips any fields written with RFC 4180 quoting', () => {
    const field = fc.string({ unit: fc.constantFrom('a', 'é', ',', '"', '\n', ' ') });
    fc.assert(
      fc.property(fc.array(fc.tuple(field, field), { minLength: 1, maxLength: 5 }), (rows) => {
        const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;
        const text = ['p,q', ...rows.map(([p, q]) => `${quote(p)},${quote(q)}`)].join('\n');
        expect(parseCsv(text)).toEqual(rows.map(([p, q]) => ({ p, q })));
      }),
    );
  });
});

describe('readCsv', () => {
  it('reads a file, and maps a missing file to DATASETS_IO_ERROR', async () => {
    await expect(readCsv(FIXTURE, { requiredColumns: ['Content'] })).resolves.toEqual(POEMS);
    await expect(readCsv(`${FIXTURE}.missing`)).rejects.toMatchObject({ code: 'DATASETS_IO_ERROR' });
  });
});
