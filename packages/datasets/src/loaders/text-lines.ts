import { describeValue } from '@rnnkit/core';
import { stripBom } from '@rnnkit/tokenize';
import { DatasetsError } from '../errors.js';

/**
 * Checks that `text` is a string and not empty (after the caller's clean-up).
 * @throws DatasetsError `DATASETS_INVALID_INPUT` for a non-string, `DATASETS_EMPTY_INPUT` for `''`
 *   or whitespace only.
 */
export function requireText(text: unknown, fn: string): string {
  if (typeof text !== 'string') {
    throw new DatasetsError('DATASETS_INVALID_INPUT', `${fn} takes a string, got ${describeValue(text)}.`);
  }
  if (text.trim().length === 0) {
    throw new DatasetsError(
      'DATASETS_EMPTY_INPUT',
      `${fn} got ${text.length === 0 ? 'an empty string' : 'only whitespace'}; pass the text of a non-empty file.`,
    );
  }
  return text;
}

/** Turns Windows (`\r\n`) and old Mac (`\r`) line endings into `\n`. */
export function normalizeNewlines(text: string): string {
  return text.replace(/\r\n?/g, '\n');
}

/** One line of a line-oriented file, with its 1-based line number for error messages. */
export interface NumberedLine {
  readonly text: string;
  readonly lineNumber: number;
}

/**
 * Splits into lines (any line ending), numbered from 1, leaving out lines that are empty
 * or whitespace only. A final newline does not make an extra line.
 */
export function nonEmptyLines(text: string): NumberedLine[] {
  const lines = normalizeNewlines(text).split('\n');
  const out: NumberedLine[] = [];
  for (let k = 0; k < lines.length; k++) {
    const line = lines[k]!;
    if (line.trim().length > 0) out.push({ text: line, lineNumber: k + 1 });
  }
  return out;
}

/**
 * The line-oriented parsers: checks `text` (see {@link requireText}), drops a byte-order mark
 * and calls `parseLine` on every non-blank line until it returns `false`.
 */
export function forEachLine(
  text: unknown,
  where: string,
  parseLine: (line: string, lineNumber: number) => boolean | undefined,
): void {
  for (const { text: line, lineNumber } of nonEmptyLines(stripBom(requireText(text, where)))) {
    if (parseLine(line, lineNumber) === false) return;
  }
}
