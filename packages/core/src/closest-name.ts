/** Lower case without `_` and `-`, so `max_len`, `maxLen` and `MAXLEN` compare equal. */
function normalise(name: string): string {
  return name.toLowerCase().replace(/[_-]/g, '');
}

/** Optimal string alignment distance (Levenshtein plus adjacent transpositions). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const columns = b.length + 1;
  const d: number[] = new Array(rows * columns).fill(0);
  for (let i = 0; i < rows; i++) d[i * columns] = i;
  for (let j = 0; j < columns; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < columns; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(
        d[(i - 1) * columns + j]! + 1,
        d[i * columns + j - 1]! + 1,
        d[(i - 1) * columns + j - 1]! + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, d[(i - 2) * columns + j - 2]! + 1);
      }
      d[i * columns + j] = best;
    }
  }
  return d[rows * columns - 1]!;
}

/**
 * The candidate closest to `name` — by edit distance after ignoring case, `_` and `-`, a
 * candidate that contains the name (or is contained in it) counting as closer — or `null` when
 * there are no candidates. Ties go to the earlier candidate.
 *
 * @example
 * closestName('averge', ['labels', 'average']); // 'average'
 * closestName('max_len', ['maxLength', 'padding']); // 'maxLength'
 */
export function closestName(name: string, candidates: readonly string[]): string | null {
  const wanted = normalise(name);
  let best: string | null = null;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const normalised = normalise(candidate);
    let score = editDistance(wanted, normalised);
    if (wanted.length > 0 && (normalised.includes(wanted) || wanted.includes(normalised))) {
      score = Math.min(score, Math.abs(normalised.length - wanted.length) / 2);
    }
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  return best;
}
