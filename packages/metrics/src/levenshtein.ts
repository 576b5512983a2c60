import { describeValue } from '@rnnkit/core';
import { MetricsError } from './errors.js';
import type { Token } from './ngrams.js';

/**
 * A sequence to compare: an array (or typed array) of tokens, or a string, which is compared
 * character by character — by Unicode code point, as Python iterates strings, so `'🐳'` is one
 * character, not two UTF-16 units.
 */
export type Sequence = string | ArrayLike<Token>;

/** One step of an {@link Alignment}, from the reference to the hypothesis. */
export type AlignmentOperation =
  /** `reference[referenceIndex]` equals (`match`) or was replaced by (`substitute`) `hypothesis[hypothesisIndex]`. */
  | {
      readonly type: 'match' | 'substitute';
      readonly referenceIndex: number;
      readonly hypothesisIndex: number;
    }
  /** `reference[referenceIndex]` is missing from the hypothesis. */
  | { readonly type: 'delete'; readonly referenceIndex: number; readonly hypothesisIndex: null }
  /** `hypothesis[hypothesisIndex]` is extra, not in the reference. */
  | { readonly type: 'insert'; readonly referenceIndex: null; readonly hypothesisIndex: number };

/** A minimal edit script between a reference and a hypothesis, with its counts. */
export interface Alignment {
  /** Levenshtein distance: `substitutions + deletions + insertions`. */
  readonly distance: number;
  /** The steps in order, every reference and hypothesis element exactly once. */
  readonly operations: readonly AlignmentOperation[];
  readonly matches: number;
  readonly substitutions: number;
  readonly deletions: number;
  readonly insertions: number;
}

/** The largest DP table {@link align} builds (cells); beyond it, use {@link levenshtein}. */
export const MAX_ALIGNMENT_CELLS = 50_000_000;

/**
 * The most DP cells (n·m, after the common prefix and suffix are stripped) {@link levenshtein} and
 * the error rates compute for one pair: 10⁹, a few seconds. Two different 200,000-character texts
 * would take minutes; they fail up front instead.
 */
export const MAX_EDIT_DISTANCE_CELLS = 1_000_000_000;

function codePoints(text: string): Int32Array {
  const out = new Int32Array(text.length);
  let n = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.codePointAt(i)!;
    out[n++] = code;
    if (code > 0xffff) i++;
  }
  return n === out.length ? out : out.subarray(0, n);
}

/** A string as its code points; anything else as it is. */
export function toElements(sequence: Sequence, name: string): ArrayLike<Token> {
  if (typeof sequence === 'string') return codePoints(sequence);
  if (sequence === null || typeof sequence !== 'object' || typeof sequence.length !== 'number') {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      `${name} must be a string or an array of tokens, got ${describeValue(sequence)}. Split a sentence into tokens, or pass it as a string.`,
    );
  }
  return sequence;
}

let row = new Int32Array(64);

/**
 * Distance of two element arrays with one DP row (O(n·m) time, O(min(n, m)) memory), after
 * stripping their common prefix and suffix. `where` names the public function in errors.
 * @throws MetricsError `METRICS_INVALID_INPUT` above {@link MAX_EDIT_DISTANCE_CELLS} cells.
 */
export function editDistance(a: ArrayLike<Token>, b: ArrayLike<Token>, where = 'levenshtein'): number {
  let start = 0;
  let endA = a.length;
  let endB = b.length;
  while (start < endA && start < endB && a[start] === b[start]) start++;
  while (endA > start && endB > start && a[endA - 1] === b[endB - 1]) {
    endA--;
    endB--;
  }
  let n = endA - start;
  let m = endB - start;
  if (n === 0) return m;
  if (m === 0) return n;
  if (n * m > MAX_EDIT_DISTANCE_CELLS) {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      `${where}: the edit distance of a ${a.length}- and a ${b.length}-element sequence needs ${n}·${m} = ${n * m} cells ` +
        `(after their common ends), more than the limit of ${MAX_EDIT_DISTANCE_CELLS} (MAX_EDIT_DISTANCE_CELLS). ` +
        'Compare sentences or lines, not whole texts, and sum their distances.',
    );
  }
  let outer = a;
  let inner = b;
  if (m > n) {
    outer = b;
    inner = a;
    [n, m] = [m, n];
  }
  if (row.length < m + 1) row = new Int32Array(Math.max(m + 1, row.length * 2));
  const current = row;
  for (let j = 0; j <= m; j++) current[j] = j;
  for (let i = 1; i <= n; i++) {
    const token = outer[start + i - 1];
    let diagonal = current[0]!;
    current[0] = i;
    let left = i;
    for (let j = 1; j <= m; j++) {
      const up = current[j]!;
      let best = diagonal + (token === inner[start + j - 1] ? 0 : 1);
      if (up + 1 < best) best = up + 1;
      if (left + 1 < best) best = left + 1;
      current[j] = best;
      diagonal = up;
      left = best;
    }
  }
  return current[m]!;
}

/**
 * Levenshtein distance: the fewest substitutions, deletions and insertions that turn `a` into `b`
 * (each costs 1), equal to NLTK's `nltk.edit_distance(a, b)`. Tokens are compared with `===`.
 *
 * @param a - a string (compared by code point) or an array of tokens.
 * @param b - likewise.
 * @throws {MetricsError} `METRICS_INVALID_INPUT` when an argument is neither a string nor array-like,
 * or the two differ over more than {@link MAX_EDIT_DISTANCE_CELLS} cells (n·m).
 * @example levenshtein('kitten', 'sitting') // 3
 * @example levenshtein(['the', 'cat', 'sat'], ['the', 'cat', 'sat', 'down']) // 1
 */
export function levenshtein(a: Sequence, b: Sequence): number {
  return editDistance(toElements(a, 'a'), toElements(b, 'b'));
}

/**
 * A minimal alignment of `hypothesis` to `reference`: which elements match, which were
 * substituted, deleted from the reference or inserted into the hypothesis. Its counts reproduce
 * {@link levenshtein}. Among equally short scripts it prefers, walking back from the ends, a
 * match or substitution, then a deletion, then an insertion.
 *
 * Builds the full (n+1)·(m+1) table, so it is meant for sentences, not books.
 *
 * @param reference - a string (by code point) or an array of tokens.
 * @param hypothesis - likewise.
 * @throws {MetricsError} `METRICS_INVALID_INPUT` for a non-sequence argument or a table above
 * {@link MAX_ALIGNMENT_CELLS} cells.
 * @example
 * align(['the', 'cat', 'sat'], ['the', 'bat', 'sat', 'down']).operations.map((op) => op.type)
 * // ['match', 'substitute', 'match', 'insert']
 */
export function align(reference: Sequence, hypothesis: Sequence): Alignment {
  const a = toElements(reference, 'reference');
  const b = toElements(hypothesis, 'hypothesis');
  const n = a.length;
  const m = b.length;
  const width = m + 1;
  if ((n + 1) * width > MAX_ALIGNMENT_CELLS) {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      `align builds an (n+1)·(m+1) table; ${n + 1}·${m + 1} = ${(n + 1) * (m + 1)} cells exceed the limit of ${MAX_ALIGNMENT_CELLS} (MAX_ALIGNMENT_CELLS). Align shorter pieces, or use levenshtein() for the distance alone.`,
    );
  }
  const table = new Int32Array((n + 1) * width);
  for (let j = 0; j <= m; j++) table[j] = j;
  for (let i = 1; i <= n; i++) {
    const token = a[i - 1];
    const rowStart = i * width;
    table[rowStart] = i;
    for (let j = 1; j <= m; j++) {
      let best = table[rowStart - width + j - 1]! + (token === b[j - 1] ? 0 : 1);
      const up = table[rowStart - width + j]! + 1;
      const left = table[rowStart + j - 1]! + 1;
      if (up < best) best = up;
      if (left < best) best = left;
      table[rowStart + j] = best;
    }
  }
  const operations: AlignmentOperation[] = [];
  let matches = 0;
  let substitutions = 0;
  let deletions = 0;
  let insertions = 0;
  let i = n;
  let j = m;
  while (i > 0 || j > 0) {
    const here = table[i * width + j]!;
    if (i > 0 && j > 0) {
      const same = a[i - 1] === b[j - 1];
      if (table[(i - 1) * width + j - 1]! + (same ? 0 : 1) === here) {
        i--;
        j--;
        operations.push({ type: same ? 'match' : 'substitute', referenceIndex: i, hypothesisIndex: j });
        if (same) matches++;
        else substitutions++;
        continue;
      }
    }
    if (i > 0 && table[(i - 1) * width + j]! + 1 === here) {
      i--;
      operations.push({ type: 'delete', referenceIndex: i, hypothesisIndex: null });
      deletions++;
      continue;
    }
    j--;
    operations.push({ type: 'insert', referenceIndex: null, hypothesisIndex: j });
    insertions++;
  }
  operations.reverse();
  return { distance: table[n * width + m]!, operations, matches, substitutions, deletions, insertions };
}
