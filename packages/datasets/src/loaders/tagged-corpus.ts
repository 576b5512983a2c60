import { describeValue } from '@rnnkit/core';
import { DatasetsError } from '../errors.js';
import { check } from '../validate.js';
import { brownToUniversal } from './brown-universal.js';
import { readAndParse } from './read-text-file.js';
import { forEachLine } from './text-lines.js';

/** A word with its part-of-speech tag. */
export interface TaggedToken {
  readonly word: string;
  /** Uppercase Brown tag (`NN-TL`, `NNS$`, `*-HL`) or a universal tag (`NOUN`, `.`). */
  readonly tag: string;
}

/** A sentence as a list of tagged tokens. */
export type TaggedSentence = readonly TaggedToken[];

/** The tagset {@link parseTaggedSentences} returns. */
export type Tagset = 'brown' | 'universal';

/** Options of {@link parseTaggedSentences} and {@link readTaggedSentences}. */
export interface TaggedSentencesOptions {
  /**
   * `'brown'`: the tags as written, uppercased (as NLTK's `brown.tagged_sents()`).
   * `'universal'`: mapped to the 12 universal tags (NLTK's `tagset='universal'`), see `brownToUniversal`.
   * @default 'brown'
   */
  readonly tagset?: Tagset;
  /**
   * Lowercase the words (never the tags).
   * @default false
   */
  readonly lowercase?: boolean;
}

/** {@link TaggedSentencesOptions} with every default filled in. */
export interface ResolvedTaggedSentencesOptions {
  readonly tagset: Tagset;
  readonly lowercase: boolean;
}

/** The documented defaults of {@link TaggedSentencesOptions}. */
export const DEFAULT_TAGGED_SENTENCES_OPTIONS: ResolvedTaggedSentencesOptions = Object.freeze({
  tagset: 'brown',
  lowercase: false,
});

const TAGSETS: readonly Tagset[] = ['brown', 'universal'];

/**
 * Validates `options` and fills in the defaults.
 * @throws DatasetsError `DATASETS_INVALID_OPTION`
 */
export function resolveTaggedSentencesOptions(
  options: TaggedSentencesOptions = {},
  where = 'parseTaggedSentences',
  extra: readonly string[] = [],
): ResolvedTaggedSentencesOptions {
  const merged = check.withDefaults(where, options, DEFAULT_TAGGED_SENTENCES_OPTIONS, extra);
  return {
    tagset: check.oneOf(where, 'tagset', merged.tagset, TAGSETS),
    lowercase: check.boolean(where, 'lowercase', merged.lowercase),
  };
}

/**
 * Parses a `word/TAG` tagged corpus in the Brown / NLTK format: one sentence per non-blank
 * line, tokens separated by whitespace, the LAST `/` of a token separating word and tag (so
 * `1/2/cd` is the word `1/2` tagged `CD`). Tags are uppercased, as NLTK's `str2tuple` does.
 *
 * @example
 * parseTaggedSentences('\tThe/at Fulton/np-tl County/nn-tl said/vbd ./.\n', { tagset: 'universal' });
 * // [[{ word: 'The', tag: 'DET' }, { word: 'Fulton', tag: 'NOUN' }, { word: 'County', tag: 'NOUN' },
 * //   { word: 'said', tag: 'VERB' }, { word: '.', tag: '.' }]]
 * @throws DatasetsError `DATASETS_PARSE_ERROR` naming the line and token that has no `/`, or an
 *   empty word or tag; `DATASETS_EMPTY_INPUT`; `DATASETS_INVALID_INPUT`; `DATASETS_INVALID_OPTION`.
 */
export function parseTaggedSentences(text: string, options: TaggedSentencesOptions = {}): TaggedSentence[] {
  const { tagset, lowercase } = resolveTaggedSentencesOptions(options);
  const sentences: TaggedSentence[] = [];
  forEachLine(text, 'parseTaggedSentences', (line, lineNumber) => {
    const sentence: TaggedToken[] = [];
    for (const token of line.trim().split(/\s+/)) {
      const slash = token.lastIndexOf('/');
      if (slash <= 0 || slash === token.length - 1) {
        throw new DatasetsError(
          'DATASETS_PARSE_ERROR',
          `Line ${lineNumber}: the token ${describeValue(token)} is not word/TAG ` +
            `(${slash < 0 ? 'no "/"' : slash === 0 ? 'empty word' : 'empty tag'}).`,
        );
      }
      const word = token.slice(0, slash);
      const tag = token.slice(slash + 1).toUpperCase();
      sentence.push({
        word: lowercase ? word.toLowerCase() : word,
        tag: tagset === 'universal' ? brownToUniversal(tag) : tag,
      });
    }
    sentences.push(sentence);
    return true;
  });
  return sentences;
}

/**
 * Reads a UTF-8 file and parses it with {@link parseTaggedSentences}. Node only.
 * @throws DatasetsError `DATASETS_IO_ERROR`, and whatever {@link parseTaggedSentences} throws.
 */
export async function readTaggedSentences(
  path: string,
  options: TaggedSentencesOptions = {},
): Promise<TaggedSentence[]> {
  return readAndParse(
    path,
    'readTaggedSentences',
    options,
    resolveTaggedSentencesOptions,
    parseTaggedSentences,
  );
}
