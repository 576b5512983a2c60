import { describeValue } from '@rnnkit/core';
import { DatasetsError } from '../errors.js';
import { check } from '../validate.js';
import { readAndParse, readTextFile } from './read-text-file.js';
import { forEachLine } from './text-lines.js';

/** A sentence with its 0/1 sentiment label (UCI "Sentiment Labelled Sentences"). */
export interface LabelledSentence {
  readonly sentence: string;
  /** 0 negative, 1 positive. */
  readonly label: 0 | 1;
}

/**
 * Parses `sentence<TAB>label` lines, the format of the UCI Sentiment Labelled Sentences files
 * (`amazon_cells_labelled.txt`, `imdb_labelled.txt`, `yelp_labelled.txt`). The LAST tab
 * separates sentence and label; the label, trimmed, must be `0` or `1`; the sentence is kept
 * as written except for trailing spaces before the tab. Blank lines are skipped.
 *
 * @example
 * parseLabelledSentences('Great phone.\t1\nBattery died.\t0\n');
 * // [{ sentence: 'Great phone.', label: 1 }, { sentence: 'Battery died.', label: 0 }]
 * @throws DatasetsError `DATASETS_PARSE_ERROR` naming the line of a row without a tab, with an
 *   empty sentence or with a label other than 0/1; `DATASETS_EMPTY_INPUT`; `DATASETS_INVALID_INPUT`.
 */
export function parseLabelledSentences(text: string): LabelledSentence[] {
  const out: LabelledSentence[] = [];
  forEachLine(text, 'parseLabelledSentences', (line, lineNumber) => {
    const tab = line.lastIndexOf('\t');
    if (tab < 0) {
      throw new DatasetsError(
        'DATASETS_PARSE_ERROR',
        `Line ${lineNumber} has no tab: ${describeValue(line)}. Each line must be "sentence<TAB>label".`,
      );
    }
    const sentence = line.slice(0, tab).trimEnd();
    const label = line.slice(tab + 1).trim();
    if (label !== '0' && label !== '1') {
      throw new DatasetsError(
        'DATASETS_PARSE_ERROR',
        `Line ${lineNumber} has the label ${describeValue(label)}; labels must be 0 or 1.`,
      );
    }
    if (sentence.trim().length === 0) {
      throw new DatasetsError('DATASETS_PARSE_ERROR', `Line ${lineNumber} has a label but no sentence.`);
    }
    out.push({ sentence, label: label === '1' ? 1 : 0 });
    return true;
  });
  return out;
}

/**
 * Reads a UTF-8 file and parses it with {@link parseLabelledSentences}. Node only.
 * @throws DatasetsError `DATASETS_IO_ERROR`, and whatever {@link parseLabelledSentences} throws.
 */
export async function readLabelledSentences(path: string): Promise<LabelledSentence[]> {
  return parseLabelledSentences(await readTextFile(path, 'readLabelledSentences'));
}

/** A translation pair from a manythings.org / Tatoeba file such as `fra.txt`. */
export interface SentencePair {
  readonly source: string;
  readonly target: string;
  /** The third column (Tatoeba licence and sentence ids), when the file has one. */
  readonly attribution?: string;
}

/** Options of {@link parseSentencePairs} and {@link readSentencePairs}. */
export interface SentencePairsOptions {
  /**
   * Keep only the first `maxPairs` pairs (the tutorials' `num_samples`); lines after them are
   * not read, so they are not checked either.
   * @default Infinity (every pair)
   */
  readonly maxPairs?: number;
}

/** {@link SentencePairsOptions} with every default filled in. */
export interface ResolvedSentencePairsOptions {
  readonly maxPairs: number;
}

/** The documented defaults of {@link SentencePairsOptions}. */
export const DEFAULT_SENTENCE_PAIRS_OPTIONS: ResolvedSentencePairsOptions = Object.freeze({
  maxPairs: Number.POSITIVE_INFINITY,
});

/**
 * Validates `options` and fills in the defaults.
 * @throws DatasetsError `DATASETS_INVALID_OPTION` unless `maxPairs` is an integer ≥ 1 or `Infinity`.
 */
export function resolveSentencePairsOptions(
  options: SentencePairsOptions = {},
  where = 'parseSentencePairs',
): ResolvedSentencePairsOptions {
  const { maxPairs } = check.withDefaults(where, options, DEFAULT_SENTENCE_PAIRS_OPTIONS);
  return {
    maxPairs:
      maxPairs === Number.POSITIVE_INFINITY
        ? maxPairs
        : check.integer(where, 'maxPairs', maxPairs, { min: 1 }),
  };
}

/**
 * Parses `source<TAB>target[<TAB>attribution]` lines, the format of the manythings.org
 * Anki / Tatoeba files (`fra.txt`, `spa.txt`, …) used by the Keras and PyTorch seq2seq
 * tutorials. The attribution column is optional and kept when present. Fields are kept as
 * written; blank lines are skipped.
 *
 * @example
 * parseSentencePairs('Go.\tVa !\tCC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)\nHi.\tSalut !\n');
 * // [{ source: 'Go.', target: 'Va !', attribution: 'CC-BY 2.0 (France) Attribution: …' },
 * //  { source: 'Hi.', target: 'Salut !' }]
 * @throws DatasetsError `DATASETS_PARSE_ERROR` naming the line of a row with fewer than 2 or
 *   more than 3 fields or an empty source/target; `DATASETS_EMPTY_INPUT`; `DATASETS_INVALID_INPUT`;
 *   `DATASETS_INVALID_OPTION`.
 */
export function parseSentencePairs(text: string, options: SentencePairsOptions = {}): SentencePair[] {
  const { maxPairs } = resolveSentencePairsOptions(options);
  const out: SentencePair[] = [];
  forEachLine(text, 'parseSentencePairs', (line, lineNumber) => {
    if (out.length >= maxPairs) return false;
    const fields = line.split('\t');
    if (fields.length < 2 || fields.length > 3) {
      throw new DatasetsError(
        'DATASETS_PARSE_ERROR',
        `Line ${lineNumber} has ${fields.length} tab-separated field${fields.length === 1 ? '' : 's'}: ` +
          `${describeValue(line)}. Each line must be "source<TAB>target" or "source<TAB>target<TAB>attribution".`,
      );
    }
    const [source, target, attribution] = fields as [string, string, string | undefined];
    if (source.trim().length === 0 || target.trim().length === 0) {
      throw new DatasetsError(
        'DATASETS_PARSE_ERROR',
        `Line ${lineNumber} has an empty ${source.trim().length === 0 ? 'source' : 'target'} sentence.`,
      );
    }
    out.push(attribution === undefined ? { source, target } : { source, target, attribution });
    return true;
  });
  return out;
}

/**
 * Reads a UTF-8 file and parses it with {@link parseSentencePairs}. Node only.
 * @throws DatasetsError `DATASETS_IO_ERROR`, and whatever {@link parseSentencePairs} throws.
 */
export async function readSentencePairs(
  path: string,
  options: SentencePairsOptions = {},
): Promise<SentencePair[]> {
  return readAndParse(path, 'readSentencePairs', options, resolveSentencePairsOptions, parseSentencePairs);
}
