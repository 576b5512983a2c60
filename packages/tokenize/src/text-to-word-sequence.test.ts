import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenizeError } from './errors.js';
import {
  createWordSplitter,
  KERAS_DEFAULT_FILTERS,
  type TextToWordSequenceOptions,
  textToWordSequence,
} from './text-to-word-sequence.js';

/** Keras, literally: translate each filter character (code point) to `split`, split, drop empties. */
function referenceSplit(text: string, filters: string, split: string): string[] {
  const filterSet = new Set(Array.from(filters));
  const translated = Array.from(text, (char) => (filterSet.has(char) ? split : char)).join('');
  return translated.split(split).filter((word) => word.length > 0);
}

// Each row: text, options, keras_preprocessing 1.1.0 text_to_word_sequence(text, **options) under python3.
const KERAS_CASES: ReadonlyArray<readonly [string, TextToWordSequenceOptions, readonly string[]]> = [
  ["Hello, World! It's here.", {}, ['hello', 'world', "it's", 'here']],
  [
    "The quick brown fox -- jumped over the lazy dog's back.",
    {},
    ['the', 'quick', 'brown', 'fox', 'jumped', 'over', 'the', 'lazy', "dog's", 'back'],
  ],
  [
    '  multiple   spaces\tand\ttabs\nand\nnewlines  ',
    {},
    ['multiple', 'spaces', 'and', 'tabs', 'and', 'newlines'],
  ],
  [
    'e-mail: john.doe@example.com (work) [home] {x} <y> ~z~ `q` ^_^ |p| 50% $5 #1 &',
    {},
    ['e', 'mail', 'john', 'doe', 'example', 'com', 'work', 'home', 'x', 'y', 'z', 'q', 'p', '50', '5', '1'],
  ],
  [
    "Don't STOP me now, I'm having SUCH a good time!",
    { lower: false },
    ["Don't", 'STOP', 'me', 'now', "I'm", 'having', 'SUCH', 'a', 'good', 'time'],
  ],
  [
    'ÉCOLE Straße İstanbul ΣΟΦΟΣ',
    {},
    ['école', 'straße', 'i\u0307stanbul', '\u03c3\u03bf\u03c6\u03bf\u03c2'],
  ],
  [
    'Café déjà vu — naïve “quotes” ¿qué? ¡sí!',
    {},
    ['café', 'déjà', 'vu', '—', 'naïve', '“quotes”', '¿qué', '¡sí'],
  ],
  ['emoji 😀 test🙂ok', {}, ['emoji', '😀', 'test🙂ok']],
  ['a--b---c', { filters: '', split: '--' }, ['a', 'b', '-c']],
  ['one, two; three', { filters: ',;', split: ', ' }, ['one', ' two', ' three']],
  ['x|y||z', { split: '||' }, ['x', 'y', 'z']],
  ['smile😀here🙂there', { filters: '😀🙂' }, ['smile', 'here', 'there']],
  ['smile😀here🙂there', { filters: '😀', split: '🙂' }, ['smile', 'here', 'there']],
  ['a\\b]c^d-e', { filters: '\\]^-' }, ['a', 'b', 'c', 'd', 'e']],
  ['keep.all,punct!', { filters: '' }, ['keep.all,punct!']],
  ['', {}, []],
  ['!!!', {}, []],
  // Only ' ' splits: no-break space, ideographic space and line separator do not.
  ['a\u00a0b\u3000c\u2028d', {}, ['a\u00a0b\u3000c\u2028d']],
  ['Hello.World', { split: '.' }, ['hello', 'world']],
  // \r, \v and \f are not in the default filters.
  ['a\rb\vc\fd', {}, ['a\rb\vc\fd']],
];

describe('textToWordSequence', () => {
  it.each(KERAS_CASES)('%j with %j matches Keras', (text, options, expected) => {
    expect(textToWordSequence(text, options)).toEqual(expected);
  });

  it('has the Keras default filters', () => {
    expect(KERAS_DEFAULT_FILTERS).toBe('!"#$%&()*+,-./:;<=>?@[\\]^_`{|}~\t\n');
    expect(KERAS_DEFAULT_FILTERS).not.toContain("'");
    expect(textToWordSequence('a b', { filters: KERAS_DEFAULT_FILTERS, lower: true, split: ' ' })).toEqual([
      'a',
      'b',
    ]);
  });

  it('runs the TSDoc example', () => {
    expect(textToWordSequence("Hello, World! It's here.")).toEqual(['hello', 'world', "it's", 'here']);
  });

  it('rejects a non-string text with TOKENIZE_INVALID_INPUT', () => {
    for (const value of [undefined, null, 42, ['a b']]) {
      expectErrorCode(
        () => textToWordSequence(value as unknown as string),
        TokenizeError,
        'TOKENIZE_INVALID_INPUT',
      );
    }
  });

  it('rejects bad options with TOKENIZE_INVALID_OPTION', () => {
    const bad = [
      { split: '' },
      { split: 5 },
      { filters: 5 },
      { filters: null },
      { lower: 'yes' },
      { lower: 1 },
    ] as unknown as TextToWordSequenceOptions[];
    for (const options of bad) {
      expectErrorCode(() => textToWordSequence('a b', options), TokenizeError, 'TOKENIZE_INVALID_OPTION');
    }
  });
});

describe('createWordSplitter', () => {
  it('splits with the single-unit fast path', () => {
    const split = createWordSplitter(',.', ' ');
    expect(split('a,b. c  d,,')).toEqual(['a', 'b', 'c', 'd']);
    expect(split('')).toEqual([]);
    expect(split(',,, ')).toEqual([]);
    // Astral characters in the text are not delimiters and stay whole.
    expect(split('😀,𝄞 x')).toEqual(['😀', '𝄞', 'x']);
  });

  it('splits with the general path for astral filters or a multi-character split', () => {
    expect(createWordSplitter('😀,', ' ')('a😀b,c 🙂d')).toEqual(['a', 'b', 'c', '🙂d']);
    expect(createWordSplitter(',', '::')('a,b::c:d')).toEqual(['a', 'b', 'c:d']);
    expect(createWordSplitter('', '🙂')('a🙂b😀c')).toEqual(['a', 'b😀c']);
  });

  it('does not split an astral character that shares a surrogate with a filter', () => {
    // 😀 is D83D DE00, 👍 is D83D DC4D.
    expect(createWordSplitter('👍', ' ')('a😀b👍c')).toEqual(['a😀b', 'c']);
  });

  it('does not expand $ patterns in split', () => {
    expect(createWordSplitter(',', "$&$'")("a,b$&$'c")).toEqual(['a', 'b', 'c']);
  });

  it('can be reused', () => {
    const split = createWordSplitter(KERAS_DEFAULT_FILTERS, ' ');
    expect(split('one, two')).toEqual(['one', 'two']);
    expect(split('three.four')).toEqual(['three', 'four']);
  });

  const unit = fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...Array.from(' ,.!-]\\^\tabé😀🙂𝄞')) },
    { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  );
  const text = fc.string({ unit, maxLength: 40 });
  const filters = fc.string({ unit, maxLength: 8 });

  it("agrees with the literal Keras algorithm for split ' ' (fast path unless astral filters)", () => {
    fc.assert(
      fc.property(text, filters, (t, f) => {
        expect(createWordSplitter(f, ' ')(t)).toEqual(referenceSplit(t, f, ' '));
      }),
      { numRuns: 500 },
    );
  });

  it('agrees with the literal Keras algorithm with BMP-only filters (fast path)', () => {
    const bmpUnit = fc.constantFrom(...Array.from(' ,.!-]\\^\tabé\uffff\ue000'));
    fc.assert(
      fc.property(fc.string({ unit, maxLength: 40 }), fc.string({ unit: bmpUnit, maxLength: 8 }), (t, f) => {
        expect(createWordSplitter(f, ' ')(t)).toEqual(referenceSplit(t, f, ' '));
      }),
      { numRuns: 300 },
    );
  });

  it('agrees with the literal Keras algorithm for any split (both paths)', () => {
    const split = fc.string({ unit, minLength: 1, maxLength: 3 });
    fc.assert(
      fc.property(text, filters, split, (t, f, s) => {
        expect(createWordSplitter(f, s)(t)).toEqual(referenceSplit(t, f, s));
      }),
      { numRuns: 500 },
    );
  });

  it('returns only non-empty substrings of the text', () => {
    fc.assert(
      fc.property(text, filters, (t, f) => {
        const words = createWordSplitter(f, ' ')(t);
        for (const word of words) expect(word.length).toBeGreaterThan(0);
        for (const word of words) expect(t).toContain(word);
      }),
    );
  });
});
