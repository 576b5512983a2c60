import { TokenizeError } from './errors.js';
import { check, requireText } from './validate.js';

/** Options of {@link stripGutenbergBoilerplate}. */
export interface StripGutenbergOptions {
  /**
   * Throw if no Project Gutenberg start or end marker is found, instead of returning the text unchanged.
   * @default false
   */
  readonly requireMarkers?: boolean;
}

// Lines that open the body of an e-book: the modern "*** START OF THE/THIS PROJECT
// GUTENBERG EBOOK … ***" and the 1990s "*END*THE SMALL PRINT! …" licence trailer.
const START_MARKERS = [
  /^[ \t]*\*{3}[ \t]*START OF (?:THE|THIS) PROJECT GUTENBERG.*$/im,
  /^\*END\*?THE SMALL PRINT.*$/im,
];
// Lines that close it; the "End of (the) Project Gutenberg's …" line precedes the "*** END" one in older files.
const END_MARKERS = [
  /^[ \t]*\*{3}[ \t]*END OF (?:THE|THIS) PROJECT GUTENBERG.*$/im,
  /^[ \t]*End of (?:the |this )?Project Gutenberg.*$/im,
];

/**
 * Removes the Project Gutenberg licence header and footer around a book, keeping only the
 * text between the start marker line and the first end marker line (blank lines at both
 * ends trimmed). Text without markers is returned as it is, unless `requireMarkers`.
 *
 * @throws TokenizeError `TOKENIZE_INVALID_INPUT` when `requireMarkers` is set and no marker is found,
 *   `TOKENIZE_INVALID_OPTION` for an unknown or invalid option.
 */
export function stripGutenbergBoilerplate(text: string, options?: StripGutenbergOptions): string {
  const where = 'stripGutenbergBoilerplate';
  requireText(text, where);
  const { requireMarkers = false } = check.options(where, options, ['requireMarkers']);
  check.boolean(where, 'requireMarkers', requireMarkers);
  let bodyStart = 0;
  const start = firstMatch(text, START_MARKERS, 0);
  if (start) bodyStart = start.index + start[0].length;
  const end = firstMatch(text, END_MARKERS, bodyStart);
  const bodyEnd = end ? end.index : text.length;
  if (!start && !end) {
    if (!requireMarkers) return text;
    throw new TokenizeError(
      'TOKENIZE_INVALID_INPUT',
      'No Project Gutenberg start or end marker ("*** START OF THE PROJECT GUTENBERG EBOOK …") was found. ' +
        'Pass the full .txt file as downloaded, or drop requireMarkers for texts without the licence.',
    );
  }
  return text
    .slice(bodyStart, bodyEnd)
    .replace(/^(?:[ \t]*\r?\n)+/, '')
    .replace(/(?:\r?\n[ \t]*)+$/, '');
}

function firstMatch(text: string, patterns: readonly RegExp[], from: number): RegExpExecArray | null {
  const rest = text.slice(from);
  let best: RegExpExecArray | null = null;
  for (const pattern of patterns) {
    const match = pattern.exec(rest);
    if (match && (best === null || match.index < best.index)) best = match;
  }
  if (best) best.index += from;
  return best;
}
