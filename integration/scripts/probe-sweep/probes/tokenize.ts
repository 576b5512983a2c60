import {
  CharVocabulary,
  collapseWhitespace,
  isVocabulary,
  lowercase,
  replaceNonLetters,
  separatePunctuation,
  standardize,
  stripAccents,
  stripBom,
  stripGutenbergBoilerplate,
  Tokenizer,
  textToWordSequence,
  vocabularyFromJSON,
} from '@rnnkit/tokenize';
import { type ProbeSuite, probe } from '../types.js';

const INVALID_OPTION = { code: 'TOKENIZE_INVALID_OPTION' } as const;
const INVALID_INPUT = { code: 'TOKENIZE_INVALID_INPUT' } as const;
const MALFORMED = { code: 'TOKENIZE_MALFORMED_JSON' } as const;
const OUT_OF_RANGE = { code: 'TOKENIZE_ID_OUT_OF_RANGE' } as const;

const fitted = () => new Tokenizer({ oovToken: '<OOV>' }).fitOnTexts(['the cat sat', 'the dog ran']);

/** Keras-format JSON whose five dictionaries are the given JSON texts (duplicates survive). */
function kerasJson(
  dictionaries: Partial<
    Record<'word_index' | 'index_word' | 'word_counts' | 'word_docs' | 'index_docs', string>
  >,
): string {
  const config = {
    num_words: null,
    filters: '',
    lower: true,
    split: ' ',
    char_level: false,
    oov_token: null,
    document_count: 1,
    word_counts: '{"a": 2, "b": 1}',
    word_docs: '{"a": 1, "b": 1}',
    index_docs: '{"1": 1, "2": 1}',
    index_word: '{"1": "a", "2": "b"}',
    word_index: '{"a": 1, "b": 2}',
    ...dictionaries,
  };
  return JSON.stringify({ class_name: 'Tokenizer', config });
}

const suite: ProbeSuite = {
  packageName: 'tokenize',
  probes: () => [
    // ---- Tokenizer options ----
    probe(
      'Tokenizer: numWords NaN',
      'non-finite',
      INVALID_OPTION,
      () => new Tokenizer({ numWords: Number.NaN }),
    ),
    probe('Tokenizer: numWords -1', 'out-of-range', INVALID_OPTION, () => new Tokenizer({ numWords: -1 })),
    probe(
      'Tokenizer: numWords "5"',
      'bad-type',
      INVALID_OPTION,
      () => new Tokenizer({ numWords: '5' as never }),
    ),
    probe(
      'Tokenizer: misspelt numWord',
      'misspelt-option',
      INVALID_OPTION,
      () => new Tokenizer({ numWord: 5 } as never),
    ),
    probe(
      'Tokenizer: Keras num_words',
      'misspelt-option',
      INVALID_OPTION,
      () => new Tokenizer({ num_words: 5 } as never),
    ),
    probe('Tokenizer: oovToken 5', 'bad-type', INVALID_OPTION, () => new Tokenizer({ oovToken: 5 as never })),
    probe(
      'Tokenizer: documentCount Infinity',
      'non-finite',
      INVALID_OPTION,
      () => new Tokenizer({ documentCount: Number.POSITIVE_INFINITY }),
    ),
    probe('Tokenizer: options null', 'bad-type', INVALID_OPTION, () => new Tokenizer(null as never)),
    // ---- fitting and encoding ----
    probe('fitOnTexts: bare string', 'bad-type', INVALID_INPUT, () =>
      new Tokenizer().fitOnTexts('the cat' as never),
    ),
    probe('fitOnTexts: null', 'bad-type', INVALID_INPUT, () => new Tokenizer().fitOnTexts(null as never)),
    probe('fitOnTexts: []', 'empty', { code: 'TOKENIZE_EMPTY_CORPUS' }, () => new Tokenizer().fitOnTexts([])),
    probe('fitOnTexts: [5]', 'bad-type', INVALID_INPUT, () => new Tokenizer().fitOnTexts([5 as never])),
    probe('fitOnTexts: [NaN]', 'non-finite', INVALID_INPUT, () =>
      new Tokenizer().fitOnTexts([Number.NaN as never]),
    ),
    probe('fitOnTexts: token list with a number', 'bad-type', INVALID_INPUT, () =>
      new Tokenizer().fitOnTexts([['a', 1] as never]),
    ),
    probe('textsToSequences: before fit', 'empty', { code: 'TOKENIZE_NOT_FITTED' }, () =>
      new Tokenizer().textsToSequences(['a']),
    ),
    probe('textsToSequences: [null]', 'bad-type', INVALID_INPUT, () =>
      fitted().textsToSequences([null as never]),
    ),
    probe('sequencesToTexts: [[NaN]]', 'non-finite', INVALID_INPUT, () =>
      fitted().sequencesToTexts([[Number.NaN]]),
    ),
    probe('sequencesToTexts: [[-1]]', 'out-of-range', INVALID_INPUT, () => fitted().sequencesToTexts([[-1]])),
    probe('sequencesToTexts: [[1.5]]', 'out-of-range', INVALID_INPUT, () =>
      fitted().sequencesToTexts([[1.5]]),
    ),
    probe('fitOnSequences: [[Infinity]]', 'non-finite', INVALID_INPUT, () =>
      new Tokenizer().fitOnSequences([[Number.POSITIVE_INFINITY]]),
    ),
    probe('textsToMatrix: mode bianry', 'misspelt-option', INVALID_OPTION, () =>
      fitted().textsToMatrix(['a'], 'bianry' as never),
    ),
    probe('sequencesToMatrix: tfidf unfitted', 'empty', 'error', () =>
      new Tokenizer({ numWords: 5 }).sequencesToMatrix([[1]], 'tfidf'),
    ),
    probe(
      'sequencesToMatrix: 1e4 rows x numWords 1e9',
      'huge',
      INVALID_INPUT,
      () => new Tokenizer({ numWords: 1e9 }).sequencesToMatrix(Array.from({ length: 1e4 }, () => [1])),
      30,
    ),
    probe(
      'textsToMatrix: 1e5 texts x numWords 2^30',
      'huge',
      INVALID_INPUT,
      () => {
        const tokenizer = new Tokenizer({ numWords: 2 ** 30 }).fitOnTexts(['a b']);
        return tokenizer.textsToMatrix(Array.from({ length: 1e5 }, () => 'a'));
      },
      30,
    ),
    probe('decode: [NaN]', 'non-finite', OUT_OF_RANGE, () => fitted().decode([Number.NaN])),
    probe('decode: misspelt skipSpecialToken', 'misspelt-option', INVALID_OPTION, () =>
      fitted().decode([1], { skipSpecialToken: true } as never),
    ),
    probe('decode: null', 'bad-type', INVALID_INPUT, () => fitted().decode(null as never)),
    probe('idToToken: Infinity', 'non-finite', OUT_OF_RANGE, () =>
      fitted().idToToken(Number.POSITIVE_INFINITY),
    ),
    probe('encode: 5', 'bad-type', INVALID_INPUT, () => fitted().encode(5 as never)),
    // ---- Tokenizer JSON ----
    probe('Tokenizer.fromJSON: null', 'bad-type', MALFORMED, () => Tokenizer.fromJSON(null as never)),
    probe('Tokenizer.fromJSON: undefined', 'bad-type', MALFORMED, () =>
      Tokenizer.fromJSON(undefined as never),
    ),
    probe('Tokenizer.fromJSON: 42', 'bad-type', MALFORMED, () => Tokenizer.fromJSON(42 as never)),
    probe('Tokenizer.fromJSON: []', 'bad-type', MALFORMED, () => Tokenizer.fromJSON([] as never)),
    probe("Tokenizer.fromJSON: 'null'", 'corrupt-file', MALFORMED, () => Tokenizer.fromJSON('null')),
    probe("Tokenizer.fromJSON: '[]'", 'corrupt-file', MALFORMED, () => Tokenizer.fromJSON('[]')),
    probe("Tokenizer.fromJSON: '{'", 'corrupt-file', MALFORMED, () => Tokenizer.fromJSON('{')),
    probe('Tokenizer.fromJSON: 1e6 nested [', 'huge', MALFORMED, () => Tokenizer.fromJSON('['.repeat(1e6))),
    probe(
      'Tokenizer.fromJSON: 50 MB of spaces',
      'huge',
      MALFORMED,
      () => Tokenizer.fromJSON(' '.repeat(5e7)),
      20,
    ),
    probe('Tokenizer.fromJSON: duplicate word_index key', 'corrupt-file', MALFORMED, () =>
      Tokenizer.fromJSON(
        kerasJson({ word_index: '{"a": 1, "b": 2, "a": 3}', index_word: '{"1": "a", "2": "b", "3": "a"}' }),
      ),
    ),
    probe('Tokenizer.fromJSON: duplicate index_word key', 'corrupt-file', MALFORMED, () =>
      Tokenizer.fromJSON(kerasJson({ index_word: '{"1": "a", "2": "b", "1": "a"}' })),
    ),
    probe('Tokenizer.fromJSON: duplicate word_counts key', 'corrupt-file', MALFORMED, () =>
      Tokenizer.fromJSON(kerasJson({ word_counts: '{"a": 2, "b": 1, "a": 5}' })),
    ),
    probe('Tokenizer.fromJSON: duplicate config key', 'corrupt-file', MALFORMED, () =>
      Tokenizer.fromJSON(kerasJson({}).replace('"num_words":null', '"num_words":null,"num_words":3')),
    ),
    probe('Tokenizer.fromJSON: two words share an id', 'corrupt-file', MALFORMED, () =>
      Tokenizer.fromJSON(kerasJson({ word_index: '{"a": 1, "b": 1}', index_word: '{"1": "a"}' })),
    ),
    probe('Tokenizer.fromJSON: index_word has extra ids', 'corrupt-file', MALFORMED, () =>
      Tokenizer.fromJSON(kerasJson({ index_word: '{"1": "a", "2": "b", "3": "c"}' })),
    ),
    probe('Tokenizer.fromJSON: id 1e9 in word_index', 'corrupt-file', MALFORMED, () =>
      Tokenizer.fromJSON(
        kerasJson({ word_index: '{"a": 1, "b": 1000000000}', index_word: '{"1": "a", "1000000000": "b"}' }),
      ),
    ),
    probe('Tokenizer.fromJSON: negative count', 'corrupt-file', MALFORMED, () =>
      Tokenizer.fromJSON(kerasJson({ word_counts: '{"a": -2, "b": 1}' })),
    ),
    probe('Tokenizer.fromJSON: document_count -1', 'corrupt-file', INVALID_OPTION, () =>
      Tokenizer.fromJSON(kerasJson({}).replace('"document_count":1', '"document_count":-1')),
    ),
    probe('Tokenizer.fromJSON: round trip', 'valid', 'ok', () => Tokenizer.fromJSON(fitted().toJSON())),
    // ---- CharVocabulary ----
    probe('CharVocabulary: chars null', 'bad-type', 'error', () => new CharVocabulary(null as never)),
    probe('CharVocabulary: chars ["ab"]', 'bad-type', INVALID_INPUT, () => new CharVocabulary(['ab'])),
    probe('CharVocabulary: repeated char', 'bad-type', INVALID_INPUT, () => new CharVocabulary(['a', 'a'])),
    probe(
      'CharVocabulary: misspelt specialToken',
      'misspelt-option',
      INVALID_OPTION,
      () => new CharVocabulary(['a'], { specialToken: {} } as never),
    ),
    probe('CharVocabulary.fromText: null', 'bad-type', INVALID_INPUT, () =>
      CharVocabulary.fromText(null as never),
    ),
    probe('CharVocabulary.fromText: [NaN]', 'non-finite', INVALID_INPUT, () =>
      CharVocabulary.fromText([Number.NaN as never]),
    ),
    probe(
      'CharVocabulary.fromText: every code point',
      'huge',
      'ok',
      () => {
        const chars: string[] = [];
        for (let code = 0; code < 0x110000; code++)
          if (code < 0xd800 || code > 0xdfff) chars.push(String.fromCodePoint(code));
        return CharVocabulary.fromText(chars.join(''));
      },
      30,
    ),
    probe('CharVocabulary.fromJSON: 2e6 chars', 'huge', MALFORMED, () =>
      CharVocabulary.fromJSON({
        class_name: 'CharVocabulary',
        config: { chars: Array.from({ length: 2e6 }, () => 'a') },
      }),
    ),
    probe('CharVocabulary.encode: null', 'bad-type', INVALID_INPUT, () =>
      CharVocabulary.fromText('ab').encode(null as never),
    ),
    probe('CharVocabulary.encode: addBos without bos', 'out-of-range', INVALID_OPTION, () =>
      CharVocabulary.fromText('ab').encode('a', { addBos: true }),
    ),
    probe('CharVocabulary.decode: [NaN]', 'non-finite', OUT_OF_RANGE, () =>
      CharVocabulary.fromText('ab').decode([Number.NaN]),
    ),
    probe('CharVocabulary.fromJSON: null', 'bad-type', MALFORMED, () =>
      CharVocabulary.fromJSON(null as never),
    ),
    probe('CharVocabulary.fromJSON: 42', 'bad-type', MALFORMED, () => CharVocabulary.fromJSON(42 as never)),
    probe("CharVocabulary.fromJSON: '[]'", 'corrupt-file', MALFORMED, () => CharVocabulary.fromJSON('[]')),
    probe('CharVocabulary.fromJSON: duplicate config key', 'corrupt-file', MALFORMED, () =>
      CharVocabulary.fromJSON(
        '{"class_name": "CharVocabulary", "config": {"chars": ["a"], "chars": ["b", "c"]}}',
      ),
    ),
    probe('CharVocabulary.fromJSON: lower "yes"', 'corrupt-file', MALFORMED, () =>
      CharVocabulary.fromJSON('{"class_name": "CharVocabulary", "config": {"chars": ["a"], "lower": "yes"}}'),
    ),
    // ---- vocabularyFromJSON ----
    probe('vocabularyFromJSON: null', 'bad-type', MALFORMED, () => vocabularyFromJSON(null as never)),
    probe('vocabularyFromJSON: undefined', 'bad-type', MALFORMED, () =>
      vocabularyFromJSON(undefined as never),
    ),
    probe('vocabularyFromJSON: 7', 'bad-type', MALFORMED, () => vocabularyFromJSON(7 as never)),
    probe("vocabularyFromJSON: 'null'", 'corrupt-file', MALFORMED, () => vocabularyFromJSON('null')),
    probe("vocabularyFromJSON: '[]'", 'corrupt-file', MALFORMED, () => vocabularyFromJSON('[]')),
    probe('vocabularyFromJSON: duplicate class_name', 'corrupt-file', MALFORMED, () =>
      vocabularyFromJSON(
        '{"class_name": "CharVocabulary", "class_name": "Tokenizer", "config": {"chars": ["a"]}}',
      ),
    ),
    probe('isVocabulary: null', 'bad-type', 'ok', () => isVocabulary(null)),
    // ---- text functions ----
    probe('textToWordSequence: null', 'bad-type', INVALID_INPUT, () => textToWordSequence(null as never)),
    probe('textToWordSequence: misspelt filter', 'misspelt-option', INVALID_OPTION, () =>
      textToWordSequence('a', { filter: '' } as never),
    ),
    probe('standardize: null', 'bad-type', INVALID_INPUT, () => standardize(null as never)),
    probe('standardize: misspelt lowercas', 'misspelt-option', INVALID_OPTION, () =>
      standardize('a', { lowercas: true } as never),
    ),
    probe('stripAccents: 5', 'bad-type', INVALID_INPUT, () => stripAccents(5 as never)),
    probe('replaceNonLetters: letters "latin"', 'out-of-range', INVALID_OPTION, () =>
      replaceNonLetters('a', { letters: 'latin' as never }),
    ),
    probe('separatePunctuation: punctuation NaN', 'non-finite', INVALID_OPTION, () =>
      separatePunctuation('a', { punctuation: Number.NaN as never }),
    ),
    probe('lowercase: undefined', 'bad-type', INVALID_INPUT, () => lowercase(undefined as never)),
    probe('collapseWhitespace: []', 'bad-type', INVALID_INPUT, () => collapseWhitespace([] as never)),
    probe('stripBom: NaN', 'non-finite', INVALID_INPUT, () => stripBom(Number.NaN as never)),
    probe('stripGutenbergBoilerplate: null', 'bad-type', INVALID_INPUT, () =>
      stripGutenbergBoilerplate(null as never),
    ),
    probe('stripGutenbergBoilerplate: misspelt requireMarker', 'misspelt-option', INVALID_OPTION, () =>
      stripGutenbergBoilerplate('a', { requireMarker: true } as never),
    ),
  ],
};
export default suite;
