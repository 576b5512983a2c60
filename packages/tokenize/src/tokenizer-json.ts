import { describeValue } from '@rnnkit/core';
import { TokenizeError } from './errors.js';
import { parseJson, parseOrderedFlatObject } from './ordered-json.js';
import { pythonJsonDumps } from './python-json.js';
import type { Tokenizer } from './tokenizer.js';
import type { TokenizerOptions } from './tokenizer-options.js';
import type { KerasDictionaries } from './tokenizer-state.js';

/**
 * The JSON Keras' `tokenizer.to_json()` writes, byte for byte (Python's separators and
 * `\uXXXX` escapes), with the dictionaries as JSON strings inside the config as Keras has them.
 */
export function writeKerasTokenizerJson(tokenizer: Tokenizer): string {
  return pythonJsonDumps({
    class_name: 'Tokenizer',
    config: {
      num_words: tokenizer.numWords,
      filters: tokenizer.filters,
      lower: tokenizer.lower,
      split: tokenizer.split,
      char_level: tokenizer.charLevel,
      oov_token: tokenizer.oovToken,
      document_count: tokenizer.documentCount,
      word_counts: pythonJsonDumps(tokenizer.wordCounts),
      word_docs: pythonJsonDumps(tokenizer.wordDocs),
      index_docs: pythonJsonDumps(tokenizer.indexDocs),
      index_word: pythonJsonDumps(tokenizer.indexWord),
      word_index: pythonJsonDumps(tokenizer.wordIndex),
    },
  });
}

/** The `config` of serialized Keras tokenizer JSON (string or parsed), and the options it holds. */
export interface KerasTokenizerConfig {
  readonly options: TokenizerOptions;
  readonly fields: Readonly<Record<string, unknown>>;
}

/**
 * Reads the settings of Keras tokenizer JSON; the values are checked by the `Tokenizer`
 * constructor they are handed to.
 * @throws TokenizeError `TOKENIZE_MALFORMED_JSON` for invalid JSON or another structure.
 */
export function readKerasTokenizerConfig(json: string | object): KerasTokenizerConfig {
  const outer = typeof json === 'string' ? parseJson(json, 'Tokenizer JSON') : json;
  const config = (outer as { config?: unknown } | null)?.config;
  if (
    (outer as { class_name?: unknown } | null)?.class_name !== 'Tokenizer' ||
    config === null ||
    typeof config !== 'object'
  ) {
    throw malformed(
      'it is not a serialized Tokenizer: expected {"class_name": "Tokenizer", "config": {...}}' +
        ' as written by Keras tokenizer.to_json() or Tokenizer#toJSON()',
    );
  }
  const fields = config as Record<string, unknown>;
  return {
    options: {
      numWords: fields['num_words'] as number | null,
      filters: fields['filters'] as string,
      lower: fields['lower'] as boolean,
      split: fields['split'] as string,
      charLevel: fields['char_level'] as boolean,
      oovToken: fields['oov_token'] as string | null,
      documentCount: fields['document_count'] as number,
    },
    fields,
  };
}

/**
 * Reads the five dictionaries of a Keras tokenizer config, keeping every key order.
 * @throws TokenizeError `TOKENIZE_MALFORMED_JSON` for a missing or malformed dictionary or an
 *   inconsistent index.
 */
export function readKerasDictionaries(fields: Readonly<Record<string, unknown>>): KerasDictionaries {
  const dictionary = (key: string) => {
    const value = fields[key];
    if (typeof value !== 'string') {
      throw malformed(`config.${key} must be a JSON string of a dictionary, got ${describeValue(value)}`);
    }
    return parseOrderedFlatObject(value, `config.${key}`);
  };
  const indexWord = new Map(
    dictionary('index_word').map(([id, word]) => {
      if (typeof word !== 'string')
        throw malformed(`index_word[${id}] must be a string, got ${describeValue(word)}`);
      return [idKey(id, 'index_word'), word] as const;
    }),
  );
  const wordIndex = dictionary('word_index').map(([word, id]) => {
    // Ids ≥ 0: tutorials add '<pad>' at 0 by hand before saving, and Keras keeps it.
    const value = nonNegativeInteger(id, 'word_index', 'an id');
    if (indexWord.get(value) !== word) {
      throw malformed(
        `word_index maps ${JSON.stringify(word)} to ${value} but index_word[${value}] disagrees`,
      );
    }
    return [word, value] as const;
  });
  if (indexWord.size !== wordIndex.length) {
    throw malformed(
      `index_word has ${indexWord.size} entries but word_index ${wordIndex.length}; ` +
        'each must be the inverse of the other (index_word[word_index[w]] = w for every word)',
    );
  }
  // Ids are 1 … n (0 allowed for a '<pad>' added by hand; one id skipped when the OOV token is also
  // a word, as Keras leaves it). A larger id would make vocabularySize, and every Embedding built
  // from it, as large as the id.
  const maxId = wordIndex.reduce((max, [, id]) => Math.max(max, id), 0);
  if (maxId > wordIndex.length + 1) {
    throw malformed(
      `word_index holds id ${maxId} but only ${wordIndex.length} words; ids must run 1 … ${wordIndex.length}` +
        ' as Keras numbers them',
    );
  }
  return {
    wordCounts: dictionary('word_counts').map(
      ([word, count]) => [word, nonNegativeInteger(count, 'word_counts', 'a count')] as const,
    ),
    wordDocs: dictionary('word_docs').map(
      ([word, count]) => [word, nonNegativeInteger(count, 'word_docs', 'a count')] as const,
    ),
    indexDocs: dictionary('index_docs').map(
      ([id, count]) => [idKey(id, 'index_docs'), nonNegativeInteger(count, 'index_docs', 'a count')] as const,
    ),
    wordIndex,
    indexWord,
  };
}

/** The error of unloadable tokenizer JSON, saying what is wrong in it. */
export function malformed(problem: string): TokenizeError {
  return new TokenizeError(
    'TOKENIZE_MALFORMED_JSON',
    `Cannot load the tokenizer: ${problem}. Pass the JSON exactly as Keras tokenizer.to_json() or Tokenizer#toJSON() wrote it.`,
  );
}

function nonNegativeInteger(value: unknown, field: string, what: 'a count' | 'an id'): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw malformed(`${field} holds ${describeValue(value)} where ${what} (integer ≥ 0) belongs`);
  }
  return value;
}

function idKey(key: string, field: string): number {
  if (!/^(0|[1-9]\d*)$/.test(key))
    throw malformed(`${field} has key ${JSON.stringify(key)}, not an integer id`);
  return Number(key);
}
