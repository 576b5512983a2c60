import { DatasetsError } from '../errors.js';

/** More replacement characters than this, or than {@link MAX_REPLACEMENT_FRACTION}, is not text. */
export const MAX_REPLACEMENTS = 100;

/** The largest share of characters that may be U+FFFD (undecodable bytes) in a text file. */
export const MAX_REPLACEMENT_FRACTION = 0.01;

/** The encodings a file's bytes are read in: its byte-order mark decides, UTF-8 without one. */
export type TextEncodingName = 'utf-8' | 'utf-16le' | 'utf-16be';

/** Which encoding `bytes` declare, and how many BOM bytes to skip. */
function sniff(bytes: Uint8Array): { encoding: TextEncodingName | 'utf-32'; skip: number } {
  const [b0, b1, b2, b3] = bytes;
  if (b0 === 0xef && b1 === 0xbb && b2 === 0xbf) return { encoding: 'utf-8', skip: 3 };
  if (b0 === 0xff && b1 === 0xfe) {
    return b2 === 0 && b3 === 0 && bytes.length >= 4
      ? { encoding: 'utf-32', skip: 4 }
      : { encoding: 'utf-16le', skip: 2 };
  }
  if (b0 === 0xfe && b1 === 0xff) return { encoding: 'utf-16be', skip: 2 };
  if (b0 === 0 && b1 === 0 && b2 === 0xfe && b3 === 0xff) return { encoding: 'utf-32', skip: 4 };
  return { encoding: 'utf-8', skip: 0 };
}

/** 1-based line of the character at `index`. */
function lineAt(text: string, index: number): number {
  let line = 1;
  for (let k = text.indexOf('\n'); k >= 0 && k < index; k = text.indexOf('\n', k + 1)) line++;
  return line;
}

/**
 * Decodes a text file's bytes as its byte-order mark says — UTF-8 (the mark is dropped),
 * UTF-16 LE or BE — or as UTF-8 without one, and checks that the result is text.
 *
 * @param file the file's name, for the messages.
 * @param where the public function that read it.
 * @throws DatasetsError `DATASETS_PARSE_ERROR` naming the file for a UTF-32 mark, a UTF-16 file of
 *   an odd number of bytes, a NUL character (binary data, or UTF-16 without a mark), or more
 *   than {@link MAX_REPLACEMENTS} or {@link MAX_REPLACEMENT_FRACTION} of the characters not
 *   decodable (binary data, or another encoding such as Latin-1).
 * @example
 * decodeText(new Uint8Array([0xff, 0xfe, 0x68, 0, 0x69, 0]), 'hi.txt', 'readPlainText'); // 'hi'
 */
export function decodeText(bytes: Uint8Array, file: string, where: string): string {
  const name = JSON.stringify(file);
  const { encoding, skip } = sniff(bytes);
  if (encoding === 'utf-32') {
    throw new DatasetsError(
      'DATASETS_PARSE_ERROR',
      `${where}: ${name} starts with a UTF-32 byte-order mark; UTF-32 is not read. Save the file as UTF-8.`,
    );
  }
  let body = bytes.subarray(skip);
  if (encoding !== 'utf-8' && body.length % 2 !== 0) {
    throw new DatasetsError(
      'DATASETS_PARSE_ERROR',
      `${where}: ${name} has a UTF-16 byte-order mark but an odd number of bytes (${bytes.length}), so it is ` +
        'cut short or not UTF-16. Re-save the file as UTF-8 or UTF-16.',
    );
  }
  if (encoding === 'utf-16be') {
    const swapped = new Uint8Array(body.length);
    for (let k = 0; k < body.length; k += 2) {
      swapped[k] = body[k + 1]!;
      swapped[k + 1] = body[k]!;
    }
    body = swapped;
  }
  const label = encoding === 'utf-8' ? 'utf-8' : 'utf-16le';
  // A strict pass first: a valid file may hold U+FFFD itself, which must not count as undecodable.
  let valid = true;
  let text: string;
  try {
    text = new TextDecoder(label, { ignoreBOM: true, fatal: true }).decode(body);
  } catch {
    valid = false;
    text = new TextDecoder(label, { ignoreBOM: true }).decode(body);
  }
  const nul = text.indexOf('\0');
  if (nul >= 0) {
    const looksUtf16 = encoding === 'utf-8' && bytes.length >= 4 && (bytes[1] === 0 || bytes[0] === 0);
    throw new DatasetsError(
      'DATASETS_PARSE_ERROR',
      `${where}: ${name} is not a text file: it holds a NUL character (line ${lineAt(text, nul)}, character ` +
        `${nul}). ${
          looksUtf16
            ? 'It looks like UTF-16 without a byte-order mark: re-save it as UTF-8, or as UTF-16 with a BOM.'
            : 'Pass a UTF-8 or UTF-16 text file, not binary data.'
        }`,
    );
  }
  if (valid) return text;
  let replacements = 0;
  let first = -1;
  for (let k = text.indexOf('\ufffd'); k >= 0; k = text.indexOf('\ufffd', k + 1)) {
    if (first < 0) first = k;
    replacements++;
  }
  if (replacements > MAX_REPLACEMENTS || replacements > text.length * MAX_REPLACEMENT_FRACTION) {
    const percent = ((100 * replacements) / Math.max(text.length, 1)).toFixed(1);
    throw new DatasetsError(
      'DATASETS_PARSE_ERROR',
      `${where}: ${name} is not valid ${encoding === 'utf-8' ? 'UTF-8' : 'UTF-16'}: ${replacements} of its ` +
        `${text.length} characters (${percent}%) could not be decoded, the first on line ${lineAt(text, first)} ` +
        `(at most ${MAX_REPLACEMENTS} or ${MAX_REPLACEMENT_FRACTION * 100}% are allowed). It is binary data or in ` +
        'another encoding (e.g. Latin-1: convert it with `iconv -f latin1 -t utf-8`).',
    );
  }
  return text;
}
