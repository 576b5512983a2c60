import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_TOKENIZER_OPTIONS,
  KERAS_DEFAULT_FILTERS,
  MAX_MATRIX_CELLS,
  TokenizeError,
  Tokenizer,
  textToWordSequence,
} from './index.js';
import { resolveTokenizerOptions } from './tokenizer-options.js';

const catDog = () => new Tokenizer({ oovToken: '<OOV>' }).fitOnTexts(['The cat sat.', 'The dog!']);

describe('Tokenizer options', () => {
  it('documents Keras defaults', () => {
    expect(DEFAULT_TOKENIZER_OPTIONS).toEqual({
      numWords: null,
      filters: '!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n',
      lower: true,
      split: ' ',
      charLevel: false,
      oovToken: null,
      documentCount: 0,
    });
    expect(KERAS_DEFAULT_FILTERS).toBe(DEFAULT_TOKENIZER_OPTIONS.filters);
    expect(resolveTokenizerOptions({ numWords: undefined })).toEqual(DEFAULT_TOKENIZER_OPTIONS);
  });

  it.each([
    [{ numWords: 0 }],
    [{ numWords: -3 }],
    [{ numWords: 2.5 }],
    [{ split: '' }],
    [{ lower: 'yes' }],
    [{ oovToken: 7 }],
    [{ documentCount: -1 }],
    [{ num_words: 10 }],
  ])('rejects %j', (options) => {
    expectErrorCode(() => new Tokenizer(options as never), TokenizeError, 'TOKENIZE_INVALID_OPTION');
  });
});

describe('Tokenizer, hand-computed', () => {
  it('indexes by frequency with the OOV token at 1 and ties in first-seen order', () => {
    const tokenizer = catDog();
    expect([...tokenizer.wordIndex]).toEqual([
      ['<OOV>', 1],
      ['the', 2],
      ['cat', 3],
      ['sat', 4],
      ['dog', 5],
    ]);
    expect([...tokenizer.indexWord]).toEqual([
      [1, '<OOV>'],
      [2, 'the'],
      [3, 'cat'],
      [4, 'sat'],
      [5, 'dog'],
    ]);
    expect([...tokenizer.wordCounts]).toEqual([
      ['the', 2],
      ['cat', 1],
      ['sat', 1],
      ['dog', 1],
    ]);
    expect([...tokenizer.wordDocs]).toEqual([
      ['the', 2],
      ['cat', 1],
      ['sat', 1],
      ['dog', 1],
    ]);
    expect([...tokenizer.indexDocs]).toEqual([
      [2, 2],
      [3, 1],
      [4, 1],
      [5, 1],
    ]);
    expect(tokenizer.documentCount).toBe(2);
  });

  it('maps unknown words to OOV, or drops them without one', () => {
    expect(catDog().textsToSequences(['the bird sat'])).toEqual([[2, 1, 4]]);
    const noOov = new Tokenizer().fitOnTexts(['The cat sat.', 'The dog!']);
    expect(noOov.textsToSequences(['the bird sat'])).toEqual([[1, 3]]);
  });

  it('treats ids ≥ numWords as unknown', () => {
    const tokenizer = new Tokenizer({ numWords: 4, oovToken: '<OOV>' }).fitOnTexts([
      'The cat sat.',
      'The dog!',
    ]);
    expect(tokenizer.textsToSequences(['the bird sat dog cat'])).toEqual([[2, 1, 1, 1, 3]]);
    expect(tokenizer.sequencesToTexts([[2, 5, 0, 3]])).toEqual(['the <OOV> <OOV> cat']);
    expect(tokenizer.vocabularySize).toBe(4);
    expect(new Tokenizer({ numWords: 1, oovToken: '?' }).fitOnTexts(['a b']).vocabularySize).toBe(2);
    expect(tokenizer.tokenToId('dog')).toBeUndefined();
    expect(tokenizer.tokenToId('cat')).toBe(3);
  });

  it('builds count, freq, binary and tfidf matrices', () => {
    const tokenizer = catDog();
    const [count] = tokenizer.textsToMatrix(['the the cat'], 'count');
    expect([...count!]).toEqual([0, 0, 2, 1, 0, 0]);
    const [freq] = tokenizer.textsToMatrix(['the the cat'], 'freq');
    expect([...freq!]).toEqual([0, 0, 2 / 3, 1 / 3, 0, 0]);
    const [binary] = tokenizer.textsToMatrix(['the the cat']);
    expect([...binary!]).toEqual([0, 0, 1, 1, 0, 0]);
    const [tfidf] = tokenizer.textsToMatrix(['the the cat'], 'tfidf');
    // 'the': tf 1 + ln 2, idf ln(1 + 2/(1+2)); 'cat': tf 1, idf ln(1 + 2/(1+1)).
    expect(tfidf![2]).toBeCloseTo((1 + Math.log(2)) * Math.log(1 + 2 / 3), 14);
    expect(tfidf![3]).toBeCloseTo(Math.log(2), 14);
    expect(tfidf![1]).toBe(0);
  });

  it('splits characters by code point in char mode and joins decoded text by spaces as Keras does', () => {
    const tokenizer = new Tokenizer({ charLevel: true }).fitOnTexts(['aAb🐳']);
    expect([...tokenizer.wordIndex]).toEqual([
      ['a', 1],
      ['b', 2],
      ['🐳', 3],
    ]);
    expect(tokenizer.textsToSequences(['ab🐳?'])).toEqual([[1, 2, 3]]);
    expect(tokenizer.sequencesToTexts([[1, 3, 2]])).toEqual(['a 🐳 b']);
    expect(tokenizer.decode([1, 3, 2])).toBe('a🐳b');
    expect(tokenizer.level).toBe('char');
  });

  it('takes pre-tokenized documents as they are', () => {
    const tokenizer = new Tokenizer().fitOnTexts([['New York', 'is', 'big'], ['new york']]);
    expect(tokenizer.wordIndex.get('new york')).toBe(1);
    expect(tokenizer.textsToSequences([['NEW YORK', 'big']])).toEqual([[1, 3]]);
  });

  it('accumulates over several fits and accepts generators', () => {
    function* lines() {
      yield 'b c';
      yield 'c';
    }
    const tokenizer = new Tokenizer().fitOnTexts(['a b']).fitOnTexts(lines());
    expect([...tokenizer.wordIndex.keys()]).toEqual(['b', 'c', 'a']);
    expect(tokenizer.documentCount).toBe(3);
    expect([...tokenizer.textsToSequencesGenerator(['a', 'c b'])]).toEqual([[3], [2, 1]]);
  });

  it('keeps numeric words in frequency order (a plain object would move them first)', () => {
    const tokenizer = new Tokenizer().fitOnTexts(['whale whale 1851 2']);
    expect([...tokenizer.wordIndex.keys()]).toEqual(['whale', '1851', '2']);
  });
});

describe('Tokenizer as a Vocabulary', () => {
  it('reports vocabularySize, special ids and token lookups', () => {
    const tokenizer = catDog();
    expect(tokenizer.vocabularySize).toBe(6);
    expect(tokenizer.specialIds).toEqual({ pad: 0, oov: 1 });
    expect(new Tokenizer().fitOnTexts(['x']).specialIds).toEqual({ pad: 0 });
    expect(tokenizer.idToToken(0)).toBe('');
    expect(tokenizer.idToToken(5)).toBe('dog');
    expect(tokenizer.tokenToId('the')).toBe(2);
    expect(tokenizer.tokenToId('The')).toBeUndefined();
    expect(tokenizer.level).toBe('word');
  });

  it('encodes one text and decodes skipping padding, optionally OOV', () => {
    const tokenizer = catDog();
    expect(tokenizer.encode('The bird sat')).toEqual([2, 1, 4]);
    expect(tokenizer.decode([0, 0, 2, 1, 4])).toBe('the <OOV> sat');
    expect(tokenizer.decode([2, 1, 4], { skipSpecialTokens: true })).toBe('the sat');
  });

  it.each([[6], [-1], [1.5], [Number.NaN]])('refuses to decode id %s', (id) => {
    expectErrorCode(() => catDog().decode([2, id]), TokenizeError, 'TOKENIZE_ID_OUT_OF_RANGE');
    expectErrorCode(() => catDog().idToToken(id), TokenizeError, 'TOKENIZE_ID_OUT_OF_RANGE');
  });
});

describe('Tokenizer input errors', () => {
  it('refuses a bare string where a list of texts belongs', () => {
    expectErrorCode(
      () => new Tokenizer().fitOnTexts('the whale' as never),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
    expectErrorCode(
      () => catDog().textsToSequences('the whale' as never),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
  });

  it.each([[[42]], [[null]], [[['ok', 3]]], [[{ text: 'x' }]]])('refuses non-text documents %j', (texts) => {
    expectErrorCode(
      () => new Tokenizer().fitOnTexts(texts as never),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
  });

  it('refuses corpora without tokens and leaves the tokenizer unchanged', () => {
    const tokenizer = new Tokenizer();
    expectErrorCode(() => tokenizer.fitOnTexts([]), TokenizeError, 'TOKENIZE_EMPTY_CORPUS');
    expectErrorCode(() => tokenizer.fitOnTexts(['!!! ...', '']), TokenizeError, 'TOKENIZE_EMPTY_CORPUS');
    expect(tokenizer.documentCount).toBe(0);
  });

  it('refuses to encode, decode or vocabularySize before fitting', () => {
    expectErrorCode(() => new Tokenizer().textsToSequences(['a']), TokenizeError, 'TOKENIZE_NOT_FITTED');
    expectErrorCode(() => new Tokenizer().sequencesToTexts([[1]]), TokenizeError, 'TOKENIZE_NOT_FITTED');
    expectErrorCode(() => new Tokenizer().vocabularySize, TokenizeError, 'TOKENIZE_NOT_FITTED');
    expectErrorCode(() => new Tokenizer().sequencesToMatrix([[1]]), TokenizeError, 'TOKENIZE_NOT_FITTED');
  });

  it('refuses bad ids, unknown modes and tfidf without document counts', () => {
    expectErrorCode(() => catDog().sequencesToTexts([[1.5]]), TokenizeError, 'TOKENIZE_INVALID_INPUT');
    expectErrorCode(() => catDog().sequencesToMatrix([[-1]]), TokenizeError, 'TOKENIZE_INVALID_INPUT');
    expectErrorCode(() => catDog().fitOnSequences([['a'] as never]), TokenizeError, 'TOKENIZE_INVALID_INPUT');
    expectErrorCode(
      () => catDog().sequencesToMatrix([[1]], 'bogus' as never),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
    expectErrorCode(
      () => new Tokenizer({ numWords: 5 }).sequencesToMatrix([[1]], 'tfidf'),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
  });
});

describe('Tokenizer.fromJSON errors', () => {
  const valid = JSON.parse(catDog().toJSON()) as { class_name: string; config: Record<string, unknown> };
  const withConfig = (patch: Record<string, unknown>) =>
    JSON.stringify({ ...valid, config: { ...valid.config, ...patch } });

  it.each([
    ['not JSON', '{"class_name": '],
    ['another class', JSON.stringify({ class_name: 'TextVectorization', config: {} })],
    ['no config', JSON.stringify({ class_name: 'Tokenizer' })],
    ['JSON null', 'null'],
    ['word_index not a string', withConfig({ word_index: { a: 1 } })],
    ['word_index not a dict', withConfig({ word_index: '[1, 2]' })],
    ['a non-integer id', withConfig({ word_index: '{"the": 1.5}' })],
    ['a negative count', withConfig({ word_counts: '{"the": -2}' })],
    ['a non-numeric index key', withConfig({ index_word: '{"x": "the"}' })],
    [
      'disagreeing indexes',
      withConfig({ index_word: '{"1": "<OOV>", "2": "cat", "3": "the", "4": "sat", "5": "dog"}' }),
    ],
    ['OOV token missing from the index', withConfig({ oov_token: '<UNK>' })],
  ])('reports %s as TOKENIZE_MALFORMED_JSON', (_case, json) => {
    expectErrorCode(() => Tokenizer.fromJSON(json), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
  });

  it('reports invalid settings inside the JSON as options errors', () => {
    expectErrorCode(
      () => Tokenizer.fromJSON(withConfig({ num_words: 0 })),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
  });

  it('accepts the parsed object as well as the string', () => {
    expect(Tokenizer.fromJSON(valid).toJSON()).toBe(catDog().toJSON());
  });

  // index_word agrees with every word_index entry, so only the repeated key is wrong: the last
  // "the" used to win silently, giving the word two ids.
  const duplicated = withConfig({
    word_index: '{"<OOV>": 1, "the": 2, "cat": 3, "sat": 4, "dog": 5, "the": 6}',
    index_word: '{"1": "<OOV>", "2": "the", "3": "cat", "4": "sat", "5": "dog", "6": "the"}',
  });

  it('issue 13 #10: duplicate word_index keys are TOKENIZE_MALFORMED_JSON', () => {
    const error = expectErrorCode(
      () => Tokenizer.fromJSON(duplicated),
      TokenizeError,
      'TOKENIZE_MALFORMED_JSON',
    );
    expect(error.message).toContain('"the"');
  });

  it.each([
    ['index_word', withConfig({ index_word: '{"1": "<OOV>", "2": "the", "1": "<OOV>"}' })],
    ['word_counts', withConfig({ word_counts: '{"the": 2, "cat": 1, "the": 5}' })],
    ['word_docs', withConfig({ word_docs: '{"the": 2, "the": 1}' })],
    ['index_docs', withConfig({ index_docs: '{"2": 2, "2": 1}' })],
    [
      'config (an escaped spelling of the same key)',
      catDog().toJSON().replace('"lower": true', '"lower": true, "\\u006cower": false'),
    ],
    [
      'the outer object',
      catDog()
        .toJSON()
        .replace('{"class_name": "Tokenizer"', '{"class_name": "Tokenizer", "class_name": "Tokenizer"'),
    ],
  ])('issue 13 #10: a repeated key in %s is TOKENIZE_MALFORMED_JSON', (_where, json) => {
    expectErrorCode(() => Tokenizer.fromJSON(json), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
  });

  it.each([
    [
      'index_word with ids word_index lacks',
      withConfig({
        index_word: '{"1": "<OOV>", "2": "the", "3": "cat", "4": "sat", "5": "dog", "6": "owl"}',
      }),
    ],
    [
      'ids far beyond 1 … n',
      withConfig({
        word_index: '{"<OOV>": 1, "the": 2, "cat": 3, "sat": 4, "dog": 1000000000}',
        index_word: '{"1": "<OOV>", "2": "the", "3": "cat", "4": "sat", "1000000000": "dog"}',
      }),
    ],
    [
      'two words sharing an id',
      withConfig({
        word_index: '{"<OOV>": 1, "the": 2, "cat": 2, "sat": 4, "dog": 5}',
      }),
    ],
  ])('issue 13 #10: inconsistent JSON (%s) is TOKENIZE_MALFORMED_JSON', (_case, json) => {
    expectErrorCode(() => Tokenizer.fromJSON(json), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
  });

  it('still loads Keras JSON with a hand-added <pad> at 0 and an OOV token that is also a word', () => {
    const keras = new Tokenizer({ oovToken: 'the' }).fitOnTexts(['the cat the']);
    expect(Tokenizer.fromJSON(keras.toJSON()).wordIndex).toEqual(keras.wordIndex);
    const padded = withConfig({
      word_index: '{"<pad>": 0, "<OOV>": 1, "the": 2, "cat": 3, "sat": 4, "dog": 5}',
      index_word: '{"0": "<pad>", "1": "<OOV>", "2": "the", "3": "cat", "4": "sat", "5": "dog"}',
    });
    expect(Tokenizer.fromJSON(padded).wordIndex.get('<pad>')).toBe(0);
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 42],
    ['an array', []],
    ["'null'", 'null'],
    ["'[]'", '[]'],
    ["'42'", '42'],
    ['a huge string of spaces', ' '.repeat(5_000_000)],
    ['a million open brackets', '['.repeat(1_000_000)],
  ])('issue 13 #13: fromJSON(%s) is TOKENIZE_MALFORMED_JSON, not a TypeError', (_case, json) => {
    expectErrorCode(() => Tokenizer.fromJSON(json as never), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
  });
});

describe('Tokenizer matrix size', () => {
  it('issue 13 #13: sequencesToMatrix rows × numWords beyond MAX_MATRIX_CELLS is TOKENIZE_INVALID_INPUT, before allocating', () => {
    const tokenizer = new Tokenizer({ numWords: 1e9 });
    const error = expectErrorCode(
      () => tokenizer.sequencesToMatrix([[1], [2]]),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
    expect(error.message).toContain(String(MAX_MATRIX_CELLS));
    const rows = Math.floor(MAX_MATRIX_CELLS / 1000) + 1;
    expectErrorCode(
      () => new Tokenizer({ numWords: 1000 }).sequencesToMatrix(Array.from({ length: rows }, () => [1])),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
  });

  it('issue 13 #13: textsToMatrix checks the same limit', () => {
    const tokenizer = new Tokenizer({ numWords: 2 ** 30 }).fitOnTexts(['a b']);
    expectErrorCode(() => tokenizer.textsToMatrix(['a', 'b']), TokenizeError, 'TOKENIZE_INVALID_INPUT');
  });
});

// ---- properties ----

const word = fc.constantFrom(
  'whale',
  'ship',
  'Ahab',
  'sea',
  'sea',
  "captain's",
  '1851',
  'the',
  'THE',
  'é',
  '🐳',
);
const separator = fc.constantFrom(' ', ', ', '. ', '! ', '\n', '\t', ' -- ');
const text = fc
  .array(fc.tuple(word, separator), { maxLength: 12 })
  .map((parts) => parts.map(([w, s]) => w + s).join(''));
const corpus = fc
  .array(text, { minLength: 1, maxLength: 8 })
  .filter((texts) => texts.some((t) => /\p{L}|\d|🐳/u.test(t)));

describe('Tokenizer properties', () => {
  it('assigns ids 1…n, non-increasing in frequency, counting every token', () => {
    fc.assert(
      fc.property(corpus, (texts) => {
        const tokenizer = new Tokenizer().fitOnTexts(texts);
        const ids = [...tokenizer.wordIndex.values()];
        expect(ids).toEqual(ids.map((_, k) => k + 1));
        const counts = [...tokenizer.wordIndex.keys()].map((w) => tokenizer.wordCounts.get(w)!);
        for (let k = 1; k < counts.length; k++) expect(counts[k]!).toBeLessThanOrEqual(counts[k - 1]!);
        const total = texts.reduce((sum, t) => sum + textToWordSequence(t).length, 0);
        expect([...tokenizer.wordCounts.values()].reduce((a, b) => a + b, 0)).toBe(total);
        for (const docs of tokenizer.wordDocs.values()) expect(docs).toBeLessThanOrEqual(texts.length);
      }),
    );
  });

  it('decodes what it encodes back to the normalized words', () => {
    fc.assert(
      fc.property(corpus, (texts) => {
        const tokenizer = new Tokenizer().fitOnTexts(texts);
        for (const t of texts)
          expect(tokenizer.decode(tokenizer.encode(t))).toBe(textToWordSequence(t).join(' '));
      }),
    );
  });

  it('keeps every id below numWords and, with OOV, one id per word', () => {
    fc.assert(
      fc.property(corpus, fc.integer({ min: 1, max: 8 }), fc.boolean(), (texts, numWords, withOov) => {
        const tokenizer = new Tokenizer({ numWords, oovToken: withOov ? '<OOV>' : null }).fitOnTexts(texts);
        for (const [t, ids] of texts.map((t, k) => [t, tokenizer.textsToSequences(texts)[k]!] as const)) {
          for (const id of ids) {
            expect(id).toBeLessThan(tokenizer.vocabularySize);
            if (id !== tokenizer.specialIds.oov) expect(id).toBeLessThan(numWords);
          }
          const words = textToWordSequence(t).length;
          if (withOov) expect(ids.length).toBe(words);
          else expect(ids.length).toBeLessThanOrEqual(words);
        }
      }),
    );
  });

  it('survives a JSON round trip unchanged', () => {
    fc.assert(
      fc.property(
        corpus,
        fc.boolean(),
        fc.option(fc.integer({ min: 1, max: 6 })),
        (texts, charLevel, numWords) => {
          const tokenizer = new Tokenizer({ charLevel, numWords, oovToken: 'oov' }).fitOnTexts(texts);
          const loaded = Tokenizer.fromJSON(tokenizer.toJSON());
          expect(loaded.toJSON()).toBe(tokenizer.toJSON());
          expect(loaded.textsToSequences(texts)).toEqual(tokenizer.textsToSequences(texts));
        },
      ),
    );
  });

  it('fits incrementally to the same index as in one go', () => {
    fc.assert(
      fc.property(corpus, corpus, (first, second) => {
        const incremental = new Tokenizer().fitOnTexts(first).fitOnTexts(second);
        const oneGo = new Tokenizer().fitOnTexts([...first, ...second]);
        expect([...incremental.wordIndex]).toEqual([...oneGo.wordIndex]);
        expect([...incremental.wordCounts]).toEqual([...oneGo.wordCounts]);
        expect([...incremental.wordDocs]).toEqual([...oneGo.wordDocs]);
      }),
    );
  });
});

describe('Tokenizer surrogates', () => {
  it('keeps a lone high surrogate and a pair starting with it apart, in fit and encode', () => {
    const lone = '\ud83d';
    const whale = '🐳'; // \ud83d\udc33
    const tokenizer = new Tokenizer({ charLevel: true }).fitOnTexts([`${lone}x`, `${whale}${whale}`]);
    expect([...tokenizer.wordIndex]).toEqual([
      [whale, 1],
      [lone, 2],
      ['x', 3],
    ]);
    expect(tokenizer.textsToSequences([`${whale}${lone}x${lone}`])).toEqual([[1, 2, 3, 2]]);
  });
});

describe('Tokenizer lowercasing', () => {
  const casedText = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc
      .array(
        fc.constantFrom(
          'A',
          'é',
          'É',
          'Σ',
          'σ',
          'ς',
          'İ',
          'ǅ',
          'Ⅻ',
          'Ω',
          '𐐀',
          '🐳',
          'ß',
          'x',
          ' ',
          '.',
          '\n',
        ),
        {
          maxLength: 30,
        },
      )
      .map((chars) => chars.join('')),
  );

  it('matches lowercasing each text with toLowerCase first, on any text', () => {
    fc.assert(
      fc.property(fc.array(casedText, { minLength: 1, maxLength: 5 }), fc.boolean(), (texts, charLevel) => {
        const fit = (tokenizer: Tokenizer, input: string[]) => {
          try {
            return tokenizer.fitOnTexts(input);
          } catch (error) {
            return (error as TokenizeError).code;
          }
        };
        const folding = fit(new Tokenizer({ charLevel }), texts);
        const reference = fit(
          new Tokenizer({ charLevel, lower: false }),
          texts.map((text) => text.toLowerCase()),
        );
        if (typeof folding === 'string' || typeof reference === 'string') {
          expect(folding).toEqual(reference);
          return;
        }
        expect([...folding.wordIndex]).toEqual([...reference.wordIndex]);
        expect([...folding.wordDocs]).toEqual([...reference.wordDocs]);
        expect(folding.textsToSequences(texts)).toEqual(
          reference.textsToSequences(texts.map((t) => t.toLowerCase())),
        );
      }),
      { numRuns: 300 },
    );
  });
});
