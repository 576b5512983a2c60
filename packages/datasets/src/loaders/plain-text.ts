import { type StripGutenbergOptions, stripBom, stripGutenbergBoilerplate } from '@rnnkit/tokenize';
import { DatasetsError } from '../errors.js';
import { check } from '../validate.js';
import { readAndParse } from './read-text-file.js';
import { normalizeNewlines, requireText } from './text-lines.js';

/** How {@link parsePlainText} cuts the text. */
export type PlainTextSplit = 'none' | 'lines' | 'paragraphs';

/** Options of {@link parsePlainText} and {@link readPlainText}. */
export interface PlainTextOptions {
  /**
   * Remove the Project Gutenberg licence header and footer (`@rnnkit/tokenize`'s
   * `stripGutenbergBoilerplate`); pass `{ requireMarkers: true }` to fail on a text without them.
   * @default false
   */
  readonly stripGutenberg?: boolean | StripGutenbergOptions;
  /**
   * Lowercase the text (Python's `str.lower()`), as the char-RNN and poetry tutorials do.
   * @default false
   */
  readonly lowercase?: boolean;
  /**
   * `'none'`: one string. `'lines'`: split at every newline, as `text.split("\n")` does (a
   * final newline gives no extra empty line). `'paragraphs'`: blocks of lines separated by one
   * or more blank lines, each block's lines still joined by `\n`; blank blocks never appear.
   * @default 'none'
   */
  readonly split?: PlainTextSplit;
  /**
   * With `split: 'lines'`, leave out lines that are empty or whitespace only (stanza breaks
   * in poetry). Only allowed with `split: 'lines'`.
   * @default false
   */
  readonly dropEmptyLines?: boolean;
}

/** {@link PlainTextOptions} with every default filled in. */
export interface ResolvedPlainTextOptions {
  readonly stripGutenberg: false | StripGutenbergOptions;
  readonly lowercase: boolean;
  readonly split: PlainTextSplit;
  readonly dropEmptyLines: boolean;
}

/** The documented defaults of {@link PlainTextOptions}. */
export const DEFAULT_PLAIN_TEXT_OPTIONS: ResolvedPlainTextOptions = Object.freeze({
  stripGutenberg: false,
  lowercase: false,
  split: 'none',
  dropEmptyLines: false,
});

const SPLITS: readonly PlainTextSplit[] = ['none', 'lines', 'paragraphs'];

/**
 * Validates `options` and fills in the defaults.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` for a wrong type, an unknown `split`, or
 *   `dropEmptyLines` without `split: 'lines'`.
 */
export function resolvePlainTextOptions(
  options: PlainTextOptions = {},
  where = 'parsePlainText',
): ResolvedPlainTextOptions {
  const merged = check.withDefaults(where, options, DEFAULT_PLAIN_TEXT_OPTIONS);
  const stripGutenberg = merged.stripGutenberg;
  let strip: false | StripGutenbergOptions = false;
  if (typeof stripGutenberg === 'object' && stripGutenberg !== null) {
    const given = check.options(`${where} stripGutenberg`, stripGutenberg, ['requireMarkers']);
    const requireMarkers = given.requireMarkers ?? false;
    strip = { requireMarkers: check.boolean(where, 'stripGutenberg.requireMarkers', requireMarkers) };
  } else if (check.boolean(where, 'stripGutenberg', stripGutenberg)) {
    strip = {};
  }
  const split = check.oneOf(where, 'split', merged.split, SPLITS);
  const dropEmptyLines = check.boolean(where, 'dropEmptyLines', merged.dropEmptyLines);
  if (dropEmptyLines && split !== 'lines') {
    check.invalid(
      where,
      'dropEmptyLines',
      true,
      "applies only to split: 'lines'",
      "Set split: 'lines' or leave dropEmptyLines out.",
    );
  }
  return {
    stripGutenberg: strip,
    lowercase: check.boolean(where, 'lowercase', merged.lowercase),
    split,
    dropEmptyLines,
  };
}

/**
 * Reads plain text the way the text-generation tutorials do: strips a byte-order mark, turns
 * `\r\n` (and lone `\r`) into `\n`, then optionally strips the Project Gutenberg licence,
 * lowercases, and splits into lines or paragraphs — in that order.
 *
 * @example
 * parsePlainText('\ufeffRoses are red\r\n\r\nViolets are blue\r\n', { lowercase: true, split: 'lines' });
 * // ['roses are red', '', 'violets are blue']
 * @throws DatasetsError `DATASETS_INVALID_INPUT` for a non-string; `DATASETS_EMPTY_INPUT` when
 *   nothing but whitespace is left (also after Gutenberg stripping); `DATASETS_PARSE_ERROR` when
 *   `stripGutenberg.requireMarkers` is set and there are no markers; `DATASETS_INVALID_OPTION`.
 */
export function parsePlainText(
  text: string,
  options?: PlainTextOptions & { readonly split?: 'none' },
): string;
export function parsePlainText(
  text: string,
  options: PlainTextOptions & { readonly split: 'lines' | 'paragraphs' },
): string[];
export function parsePlainText(text: string, options?: PlainTextOptions): string | string[];
export function parsePlainText(text: string, options: PlainTextOptions = {}): string | string[] {
  const resolved = resolvePlainTextOptions(options);
  let out = normalizeNewlines(stripBom(requireText(text, 'parsePlainText')));
  if (resolved.stripGutenberg !== false) {
    try {
      out = stripGutenbergBoilerplate(out, resolved.stripGutenberg);
    } catch (cause) {
      throw new DatasetsError(
        'DATASETS_PARSE_ERROR',
        'No Project Gutenberg start or end marker ("*** START OF THE PROJECT GUTENBERG EBOOK …") was found. ' +
          'Pass the full .txt file as downloaded, or drop requireMarkers for texts without the licence.',
        { cause },
      );
    }
    requireText(out, 'parsePlainText (after stripping the Gutenberg licence)');
  }
  if (resolved.lowercase) out = out.toLowerCase();
  switch (resolved.split) {
    case 'none':
      return out;
    case 'lines': {
      const lines = (out.endsWith('\n') ? out.slice(0, -1) : out).split('\n');
      return resolved.dropEmptyLines ? lines.filter((line) => line.trim().length > 0) : lines;
    }
    case 'paragraphs':
      return out
        .split(/\n(?:[ \t]*\n)+/)
        .map((paragraph) => paragraph.replace(/^(?:[ \t]*\n)+/, '').replace(/(?:\n[ \t]*)+$/, ''))
        .filter((paragraph) => paragraph.trim().length > 0);
  }
}

/**
 * Reads a UTF-8 file and parses it with {@link parsePlainText}. Node only (`node:fs` is
 * imported when called).
 * @throws DatasetsError `DATASETS_IO_ERROR` when the file cannot be read, and whatever
 *   {@link parsePlainText} throws.
 */
export async function readPlainText(
  path: string,
  options?: PlainTextOptions & { readonly split?: 'none' },
): Promise<string>;
export async function readPlainText(
  path: string,
  options: PlainTextOptions & { readonly split: 'lines' | 'paragraphs' },
): Promise<string[]>;
export async function readPlainText(path: string, options?: PlainTextOptions): Promise<string | string[]>;
export async function readPlainText(
  path: string,
  options: PlainTextOptions = {},
): Promise<string | string[]> {
  return readAndParse(path, 'readPlainText', options, resolvePlainTextOptions, parsePlainText);
}
