import { stripBom } from '@rnnkit/tokenize';
import { parse } from 'csv-parse/sync';
import { DatasetsError } from '../errors.js';
import { check, nameList } from '../validate.js';
import { readAndParse } from './read-text-file.js';
import { requireText } from './text-lines.js';

/**
 * One CSV row, keyed by column name. The required columns are typed as present; any other
 * column reads as `string | undefined`.
 */
export type CsvRecord<Required extends string = never> = { readonly [K in Required]: string } & {
  readonly [column: string]: string;
};

/** Options of {@link parseCsv} and {@link readCsv}. */
export interface CsvOptions<Required extends string = never> {
  /**
   * Column names for a file without a header row; its first line is then data. When left
   * out, the first row is the header.
   * @default undefined (read the header row)
   */
  readonly columns?: readonly string[];
  /**
   * Columns that must be in the header (or in `columns`), e.g. `['Author', 'Title', 'Content']`.
   * @default []
   */
  readonly requiredColumns?: readonly Required[];
  /**
   * Field separator, one character.
   * @default ','
   */
  readonly delimiter?: string;
}

/** {@link CsvOptions} with every default filled in. */
export interface ResolvedCsvOptions {
  readonly columns: readonly string[] | undefined;
  readonly requiredColumns: readonly string[];
  readonly delimiter: string;
}

/** The documented defaults of {@link CsvOptions}. */
export const DEFAULT_CSV_OPTIONS: ResolvedCsvOptions = Object.freeze({
  columns: undefined,
  requiredColumns: Object.freeze([]),
  delimiter: ',',
});

/**
 * Validates `options` and fills in the defaults.
 * @throws DatasetsError `DATASETS_INVALID_OPTION`
 */
export function resolveCsvOptions(options: CsvOptions<string> = {}, where = 'parseCsv'): ResolvedCsvOptions {
  const merged = check.withDefaults(where, options, DEFAULT_CSV_OPTIONS);
  const columns = merged.columns === undefined ? undefined : nameList(where, 'columns', merged.columns);
  const requiredColumns = nameList(where, 'requiredColumns', merged.requiredColumns);
  const delimiter = merged.delimiter;
  if (typeof delimiter !== 'string' || [...delimiter].length !== 1 || /[\r\n"]/.test(delimiter)) {
    check.invalid(
      where,
      'delimiter',
      delimiter,
      'must be one character other than a quote or newline',
      "Pass e.g. ',', '\\t' or ';'.",
    );
  }
  if (columns !== undefined) checkRequired(columns, requiredColumns, 'the columns option');
  return { columns, requiredColumns, delimiter };
}

/**
 * Parses CSV text (RFC 4180: quoted fields may hold delimiters, newlines and doubled `""`
 * quotes) into one record per row, with `csv-parse`. A leading byte-order mark is dropped,
 * blank lines are skipped, field values are kept exactly (no trimming, no type conversion).
 *
 * @example
 * parseCsv('Author,Title,Content\nBlake,The Tyger,"Tyger Tyger, burning bright,\nIn the forests of the night"\n',
 *   { requiredColumns: ['Author', 'Content'] });
 * // [{ Author: 'Blake', Title: 'The Tyger', Content: 'Tyger Tyger, burning bright,\nIn the forests of the night' }]
 * @throws DatasetsError `DATASETS_EMPTY_INPUT` for empty text or a header without rows;
 *   `DATASETS_PARSE_ERROR` naming the line for a missing required column, a repeated or empty
 *   header name, a row with too few or too many fields, or a broken quote;
 *   `DATASETS_INVALID_INPUT`; `DATASETS_INVALID_OPTION`.
 */
export function parseCsv<const Required extends string = never>(
  text: string,
  options: CsvOptions<Required> = {},
): CsvRecord<Required>[] {
  const resolved = resolveCsvOptions(options);
  const body = stripBom(requireText(text, 'parseCsv'));
  let records: Record<string, string>[];
  try {
    records = parse(body, {
      delimiter: resolved.delimiter,
      skip_empty_lines: true,
      columns: resolved.columns
        ? [...resolved.columns]
        : (header: string[]) => checkHeader(header, resolved.requiredColumns, firstNonBlankLine(body)),
    }) as Record<string, string>[];
  } catch (error) {
    if (error instanceof DatasetsError) throw error;
    const line = (error as { lines?: unknown }).lines;
    throw new DatasetsError(
      'DATASETS_PARSE_ERROR',
      `Malformed CSV at line ${typeof line === 'number' ? line : '?'}: ${(error as Error).message}. ` +
        'Every row needs as many fields as the header, and quotes inside a quoted field are doubled ("").',
      { cause: error },
    );
  }
  if (records.length === 0) {
    throw new DatasetsError(
      'DATASETS_EMPTY_INPUT',
      'parseCsv found a header but no rows; pass a file with at least one record.',
    );
  }
  return records as CsvRecord<Required>[];
}

/**
 * Reads a UTF-8 CSV file and parses it with {@link parseCsv}. Node only.
 * @throws DatasetsError `DATASETS_IO_ERROR` when the file cannot be read, and whatever
 *   {@link parseCsv} throws.
 */
export async function readCsv<const Required extends string = never>(
  path: string,
  options: CsvOptions<Required> = {},
): Promise<CsvRecord<Required>[]> {
  return readAndParse(path, 'readCsv', options, resolveCsvOptions, parseCsv<Required>);
}

function checkHeader(header: string[], required: readonly string[], line: number): string[] {
  const seen = new Set<string>();
  for (const name of header) {
    if (name.length === 0 || seen.has(name)) {
      throw new DatasetsError(
        'DATASETS_PARSE_ERROR',
        `CSV header (line ${line}) has ${name.length === 0 ? 'an empty column name' : `the column "${name}" twice`}: ` +
          `${JSON.stringify(header)}. Fix the header, or pass columns: [...] to name the columns yourself.`,
      );
    }
    seen.add(name);
  }
  checkRequired(header, required, `the CSV header (line ${line})`);
  return header;
}

function checkRequired(columns: readonly string[], required: readonly string[], where: string): void {
  const missing = required.filter((name) => !columns.includes(name));
  if (missing.length > 0) {
    throw new DatasetsError(
      'DATASETS_PARSE_ERROR',
      `Required column${missing.length > 1 ? 's' : ''} ${missing.map((m) => `"${m}"`).join(', ')} not in ` +
        `${where}, which has ${JSON.stringify(columns)}. Check the file's header (names are case-sensitive) ` +
        'or the requiredColumns option.',
    );
  }
}

/** 1-based number of the first non-empty line: where csv-parse (skipping empty lines) finds the header. */
function firstNonBlankLine(text: string): number {
  const leading = /^(?:\r\n|\r|\n)*/.exec(text)![0];
  return (leading.match(/\r\n|\r|\n/g)?.length ?? 0) + 1;
}
