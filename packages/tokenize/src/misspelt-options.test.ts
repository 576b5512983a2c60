import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import {
  CharVocabulary,
  replaceNonLetters,
  separatePunctuation,
  standardize,
  stripGutenbergBoilerplate,
  TokenizeError,
  Tokenizer,
  textToWordSequence,
} from './index.js';

const fitted = () => new Tokenizer({ oovToken: '<OOV>' }).fitOnTexts(['the cat sat', 'the dog']);
const chars = () => CharVocabulary.fromText('abc', { specialTokens: { bos: '<s>', eos: '</s>' } });

/** Every public function, method and constructor that takes options, each given a misspelt name. */
const CASES: ReadonlyArray<readonly [string, () => unknown, string]> = [
  ['new Tokenizer (Keras snake_case)', () => new Tokenizer({ num_words: 10 } as never), 'numWords'],
  ['new Tokenizer', () => new Tokenizer({ numWord: 10 } as never), 'numWords'],
  ['new Tokenizer (oov_token)', () => new Tokenizer({ oov_token: '<OOV>' } as never), 'oovToken'],
  ['Tokenizer.decode', () => fitted().decode([2], { skipSpecialToken: true } as never), 'skipSpecialTokens'],
  ['Tokenizer.textsToMatrix mode', () => fitted().textsToMatrix(['the'], 'tfdif' as never), 'tfidf'],
  ['Tokenizer.sequencesToMatrix mode', () => fitted().sequencesToMatrix([[2]], 'counts' as never), 'count'],
  ['new CharVocabulary', () => new CharVocabulary(['a'], { lowr: true } as never), 'lower'],
  [
    'new CharVocabulary specialTokens',
    () => new CharVocabulary(['a'], { specialTokens: { ovv: '<unk>' } as never }),
    'oov',
  ],
  [
    'CharVocabulary.fromText',
    () => CharVocabulary.fromText('ab', { specialToken: {} } as never),
    'specialTokens',
  ],
  ['CharVocabulary.encode', () => chars().encode('a', { addBOS: true } as never), 'addBos'],
  [
    'CharVocabulary.decode',
    () => chars().decode([2], { skip_special_tokens: true } as never),
    'skipSpecialTokens',
  ],
  ['standardize', () => standardize('a', { lowerCase: true } as never), 'lowercase'],
  ['standardize step options', () => standardize('a', { replaceNonLetters: { kep: '.' } as never }), 'keep'],
  ['separatePunctuation', () => separatePunctuation('a.', { punctuaton: '.' } as never), 'punctuation'],
  ['replaceNonLetters', () => replaceNonLetters('a', { leters: 'ascii' } as never), 'letters'],
  [
    'stripGutenbergBoilerplate',
    () => stripGutenbergBoilerplate('a', { requireMarker: true } as never),
    'requireMarkers',
  ],
  ['textToWordSequence', () => textToWordSequence('a', { filter: '' } as never), 'filters'],
];

describe('misspelt options', () => {
  it.each(CASES)('%s fails naming the closest valid option', (_name, call, closest) => {
    const error = expectErrorCode(call, TokenizeError, 'TOKENIZE_INVALID_OPTION');
    expect(error.message).toContain(`'${closest}'`);
  });

  it.each<[string, () => unknown]>([
    ['new Tokenizer', () => new Tokenizer('numWords' as never)],
    ['Tokenizer.decode', () => fitted().decode([2], [] as never)],
    ['CharVocabulary.encode', () => chars().encode('a', null as never)],
    ['standardize', () => standardize('a', 7 as never)],
    ['standardize step', () => standardize('a', { separatePunctuation: 'yes' } as never)],
    ['textToWordSequence', () => textToWordSequence('a', 'x' as never)],
  ])('%s refuses an options value that is not an object', (_name, call) => {
    expectErrorCode(call, TokenizeError, 'TOKENIZE_INVALID_OPTION');
  });

  it.each<[string, () => unknown]>([
    ['Tokenizer.decode', () => fitted().decode([2], { skipSpecialTokens: 'yes' } as never)],
    ['CharVocabulary.encode', () => chars().encode('a', { addEos: 1 } as never)],
    ['stripGutenbergBoilerplate', () => stripGutenbergBoilerplate('a', { requireMarkers: 'no' } as never)],
    ['replaceNonLetters', () => replaceNonLetters('a', { keep: 3 } as never)],
    ['standardize', () => standardize('a', { collapseWhitespace: 1 } as never)],
  ])('%s types an invalid value', (_name, call) => {
    expectErrorCode(call, TokenizeError, 'TOKENIZE_INVALID_OPTION');
  });

  it('accepts undefined for every optional options argument', () => {
    expect(standardize('a')).toBe('a');
    expect(new Tokenizer({ numWords: undefined }).numWords).toBeNull();
    expect(textToWordSequence('A b', undefined)).toEqual(['a', 'b']);
  });
});

describe('decode without a list of ids', () => {
  it.each<[string, () => unknown]>([
    ['Tokenizer.decode', () => fitted().decode(null as never)],
    ['CharVocabulary.decode', () => chars().decode(7 as never)],
  ])('%s types ids that are not a list as TOKENIZE_INVALID_INPUT', (_name, call) => {
    expectErrorCode(call, TokenizeError, 'TOKENIZE_INVALID_INPUT');
  });
});
