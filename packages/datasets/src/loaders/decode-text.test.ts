import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { DatasetsError } from '../errors.js';
import { readCsv } from './csv.js';
import { decodeText } from './decode-text.js';
import { readPlainText } from './plain-text.js';
import { readTaggedSentences } from './tagged-corpus.js';
import { readLabelledSentences, readSentencePairs } from './tsv.js';

const dir = mkdtempSync(join(tmpdir(), 'rnnkit-decode-text-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function write(name: string, bytes: Uint8Array | string): string {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
}

const BOMS = {
  utf8: Uint8Array.from([0xef, 0xbb, 0xbf]),
  le: Uint8Array.from([0xff, 0xfe]),
  be: Uint8Array.from([0xfe, 0xff]),
};

function encode(text: string, as: 'utf8' | 'utf8-bom' | 'utf16le' | 'utf16be'): Uint8Array {
  if (as === 'utf8') return new TextEncoder().encode(text);
  if (as === 'utf8-bom') return Buffer.concat([BOMS.utf8, new TextEncoder().encode(text)]);
  const body = Buffer.from(text, 'utf16le');
  if (as === 'utf16be') body.swap16();
  return Buffer.concat([as === 'utf16le' ? BOMS.le : BOMS.be, body]);
}

/** Text without NUL and without lone surrogates (which no encoding round-trips). */
const textArbitrary = fc.string({ unit: 'grapheme', maxLength: 60 }).filter((text) => !text.includes('\0'));

describe('decodeText', () => {
  it('round-trips text through UTF-8, UTF-8 with a BOM, and UTF-16 LE/BE with a BOM', () => {
    fc.assert(
      fc.property(
        textArbitrary,
        fc.constantFrom('utf8', 'utf8-bom', 'utf16le', 'utf16be' as const),
        (text, as) => {
          expect(decodeText(encode(text, as), 'x.txt', 'test')).toBe(text);
        },
      ),
    );
  });

  it('keeps U+FFFD written in a valid file: only undecodable bytes count against it', () => {
    for (const as of ['utf8', 'utf8-bom', 'utf16le', 'utf16be'] as const) {
      expect(decodeText(encode('\ufffd', as), 'x.txt', 'test')).toBe('\ufffd');
    }
  });

  it('drops exactly one byte-order mark: a second U+FEFF is content', () => {
    expect(decodeText(encode('\ufeffa', 'utf8-bom'), 'x.txt', 'test')).toBe('\ufeffa');
    expect(decodeText(encode('\ufeffa', 'utf16le'), 'x.txt', 'test')).toBe('\ufeffa');
  });

  it('tolerates a few undecodable bytes in a long text, not many or a high share', () => {
    const long = `${'a'.repeat(1000)}\xff`;
    expect(decodeText(Buffer.from(long, 'latin1'), 'x.txt', 'test')).toHaveLength(1001);
    expectErrorCode(
      () => decodeText(Buffer.from('caf\xe9\n', 'latin1'), 'x.txt', 'test'),
      DatasetsError,
      'DATASETS_PARSE_ERROR',
    );
    expectErrorCode(
      () =>
        decodeText(Buffer.from(`${'a'.repeat(1_000_000)}${'\xff'.repeat(101)}`, 'latin1'), 'x.txt', 'test'),
      DatasetsError,
      'DATASETS_PARSE_ERROR',
    );
  });

  it('rejects UTF-32 marks and UTF-16 of an odd byte count', () => {
    expectErrorCode(
      () => decodeText(Uint8Array.from([0xff, 0xfe, 0, 0, 0x61, 0, 0, 0]), 'x.txt', 'test'),
      DatasetsError,
      'DATASETS_PARSE_ERROR',
    );
    expectErrorCode(
      () => decodeText(Uint8Array.from([0xff, 0xfe, 0x61]), 'x.txt', 'test'),
      DatasetsError,
      'DATASETS_PARSE_ERROR',
    );
  });
});

describe('file loaders and encodings (issue 13 #9)', () => {
  const pairs = 'Go.\tVa !\nHi.\tSalut !\n';
  const random = Uint8Array.from({ length: 4096 }, (_, k) => (k * 2654435761) >>> 24);

  it('issue 13 #9: every loader decodes UTF-16 LE/BE files with a BOM instead of returning NULs', async () => {
    for (const as of ['utf16le', 'utf16be'] as const) {
      expect(await readSentencePairs(write(`pairs-${as}.txt`, encode(pairs, as)))).toEqual([
        { source: 'Go.', target: 'Va !' },
        { source: 'Hi.', target: 'Salut !' },
      ]);
      expect(
        await readPlainText(write(`poem-${as}.txt`, encode('Roses\nViolets\n', as)), { split: 'lines' }),
      ).toEqual(['Roses', 'Violets']);
      expect(await readCsv(write(`table-${as}.csv`, encode('a,b\n1,2\n', as)))).toEqual([{ a: '1', b: '2' }]);
      expect(await readTaggedSentences(write(`tagged-${as}.txt`, encode('The/AT dog/NN\n', as)))).toEqual([
        [
          { word: 'The', tag: 'AT' },
          { word: 'dog', tag: 'NN' },
        ],
      ]);
      expect(await readLabelledSentences(write(`labels-${as}.txt`, encode('Good\t1\n', as)))).toEqual([
        { sentence: 'Good', label: 1 },
      ]);
    }
    expect(
      await readCsv(write('bom.csv', encode('a,b\n1,2\n', 'utf8-bom')), { requiredColumns: ['a'] }),
    ).toEqual([{ a: '1', b: '2' }]);
  });

  it('issue 13 #9: binary data, NUL bytes, Latin-1 and UTF-16 without a BOM are DATASETS_PARSE_ERROR naming the file', async () => {
    const cases = {
      'binary.bin': random,
      'nul.txt': Buffer.from(`${pairs}\0\0\0\0`),
      'latin1.txt': Buffer.from('caf\xe9\tcoffee\nna\xefve\tnaive\n', 'latin1'),
      'utf16-no-bom.txt': Buffer.from(pairs, 'utf16le'),
    };
    for (const [name, bytes] of Object.entries(cases)) {
      const path = write(name, bytes);
      for (const read of [
        readPlainText,
        readSentencePairs,
        readCsv,
        readTaggedSentences,
        readLabelledSentences,
      ]) {
        const error = await expectErrorCode(read(path), DatasetsError, 'DATASETS_PARSE_ERROR');
        expect(error.message).toContain(name);
      }
    }
  });

  it('reads only regular files: a FIFO or a directory is DATASETS_IO_ERROR at once instead of blocking', async () => {
    mkdirSync(join(dir, 'folder'));
    await expectErrorCode(readPlainText(join(dir, 'folder')), DatasetsError, 'DATASETS_IO_ERROR');
    const fifo = join(dir, 'fifo');
    try {
      execFileSync('mkfifo', [fifo]);
    } catch {
      return; // no mkfifo on this system
    }
    await expectErrorCode(readPlainText(fifo), DatasetsError, 'DATASETS_IO_ERROR');
  }, 10_000);
});
