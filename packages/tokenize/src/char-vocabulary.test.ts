import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CharVocabulary } from './char-vocabulary.js';
import { TokenizeError } from './errors.js';
import type { Vocabulary } from './types.js';
import { vocabularyFromJSON } from './vocabulary-json.js';

const codePoint = (char: string) => char.codePointAt(0)!;

/** Any string of whole code points, and strings that also mix in lone surrogate halves. */
const anyText = fc.oneof(
  fc.string({ unit: 'binary', minLength: 1 }),
  fc.string({ unit: 'grapheme', minLength: 1 }),
  fc.string({
    unit: fc.oneof(
      fc.constantFrom('a', 'Z', ' ', '\n', 'é', '😀', '\ue000', '\uffff', '\u{10000}'),
      fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
    ),
    minLength: 1,
  }),
);

describe('CharVocabulary.fromText', () => {
  it("builds Python's sorted(set(text)) with 0-based ids", () => {
    const vocab = CharVocabulary.fromText('hello');
    expect(vocab.chars).toEqual(['e', 'h', 'l', 'o']);
    expect(vocab.tokens).toEqual(['e', 'h', 'l', 'o']);
    expect(vocab.vocabularySize).toBe(4);
    expect(vocab.level).toBe('char');
    expect(vocab.lower).toBe(false);
    expect(vocab.specialIds).toEqual({});
    expect(vocab.specialTokens).toEqual({});
    expect(vocab.encode('hole')).toEqual([1, 3, 2, 0]);
    expect(vocab.decode([1, 0])).toBe('he');
  });

  it('matches sorted(set(text)) on a Shakespeare line (python3 output)', () => {
    const text = 'First Citizen:\nBefore we proceed any further, hear me speak.';
    // python3 -c 'print(sorted(set(text)))'
    const expected = [
      '\n',
      ' ',
      ',',
      '.',
      ':',
      'B',
      'C',
      'F',
      'a',
      'c',
      'd',
      'e',
      'f',
      'h',
      'i',
      'k',
      'm',
      'n',
      'o',
      'p',
      'r',
      's',
      't',
      'u',
      'w',
      'y',
      'z',
    ];
    const vocab = CharVocabulary.fromText(text);
    expect(vocab.chars).toEqual(expected);
    expect(vocab.encode('First')).toEqual([7, 14, 20, 21, 22]);
  });

  it('sorts by code point like Python, not by UTF-16 unit like Array#sort', () => {
    // U+E000, U+FB01, U+FF01 and U+FFEF are above the surrogate range: by UTF-16 unit they
    // sort after the astral 𝄞 (D834 DD1E) and 😀 (D83D DE00); by code point they come first.
    const text = 'héllo 😀 ！\ue000𝄞ﬁ\uffef';
    // python3: sorted(set(text))
    const expected = [' ', 'h', 'l', 'o', 'é', '\ue000', 'ﬁ', '！', '\uffef', '𝄞', '😀'];
    expect(CharVocabulary.fromText(text).chars).toEqual(expected);
    expect([...new Set(text)].sort()).not.toEqual(expected);
  });

  it('puts U+10000 after U+FFFF and U+D7FF before U+E000', () => {
    // python3: sorted(set('\uffff\U00010000\ud7ff\ue000'))
    expect(CharVocabulary.fromText('\uffff\u{10000}\ud7ff\ue000').chars).toEqual([
      '\ud7ff',
      '\ue000',
      '\uffff',
      '\u{10000}',
    ]);
  });

  it('treats an astral character (emoji) as one character with one id', () => {
    const vocab = CharVocabulary.fromText('😀a😀');
    expect(vocab.chars).toEqual(['a', '😀']);
    expect(vocab.vocabularySize).toBe(2);
    expect(vocab.encode('😀a😀')).toEqual([1, 0, 1]);
    expect(vocab.decode([1, 0, 1])).toBe('😀a😀');
    expect(vocab.tokenToId('😀')).toBe(1);
    expect(vocab.tokenToId('\ud83d')).toBeUndefined();
  });

  it('builds one vocabulary over an iterable of texts', () => {
    expect(CharVocabulary.fromText(['ba', 'cb', '']).chars).toEqual(['a', 'b', 'c']);
    expect(CharVocabulary.fromText(new Set(['zy', 'x'])).chars).toEqual(['x', 'y', 'z']);
    function* texts() {
      yield 'dc';
      yield 'ab';
    }
    expect(CharVocabulary.fromText(texts()).chars).toEqual(['a', 'b', 'c', 'd']);
  });

  it('rejects empty text with TOKENIZE_EMPTY_CORPUS', () => {
    expectErrorCode(() => CharVocabulary.fromText(''), TokenizeError, 'TOKENIZE_EMPTY_CORPUS');
    expectErrorCode(() => CharVocabulary.fromText([]), TokenizeError, 'TOKENIZE_EMPTY_CORPUS');
    expectErrorCode(() => CharVocabulary.fromText(['', '']), TokenizeError, 'TOKENIZE_EMPTY_CORPUS');
  });

  it('rejects non-strings with TOKENIZE_INVALID_INPUT', () => {
    expectErrorCode(
      () => CharVocabulary.fromText(42 as unknown as string),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
    expectErrorCode(
      () => CharVocabulary.fromText(null as unknown as string),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
    expectErrorCode(
      () => CharVocabulary.fromText(['ok', 3] as unknown as string[]),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
  });
});

describe('new CharVocabulary(chars)', () => {
  it('keeps the given order and copies the array', () => {
    const chars = ['z', 'a', '😀'];
    const vocab = new CharVocabulary(chars);
    chars.push('b');
    expect(vocab.chars).toEqual(['z', 'a', '😀']);
    expect(Object.isFrozen(vocab.chars)).toBe(true);
    expect(Object.isFrozen(vocab.tokens)).toBe(true);
    expect(vocab.encode('a😀z')).toEqual([1, 2, 0]);
  });

  it('is a Vocabulary', () => {
    const vocab: Vocabulary = new CharVocabulary(['a', 'b']);
    expect(vocab.vocabularySize).toBe(2);
    expect(vocab.idToToken(1)).toBe('b');
  });

  it('rejects an empty list with TOKENIZE_EMPTY_CORPUS', () => {
    expectErrorCode(() => new CharVocabulary([]), TokenizeError, 'TOKENIZE_EMPTY_CORPUS');
  });

  it('rejects repeated or non-single-character entries with TOKENIZE_INVALID_INPUT', () => {
    expectErrorCode(() => new CharVocabulary(['a', 'b', 'a']), TokenizeError, 'TOKENIZE_INVALID_INPUT');
    expectErrorCode(() => new CharVocabulary(['ab']), TokenizeError, 'TOKENIZE_INVALID_INPUT');
    expectErrorCode(() => new CharVocabulary(['']), TokenizeError, 'TOKENIZE_INVALID_INPUT');
    // e + COMBINING ACUTE ACCENT is two code points.
    expectErrorCode(() => new CharVocabulary(['e\u0301']), TokenizeError, 'TOKENIZE_INVALID_INPUT');
    expectErrorCode(
      () => new CharVocabulary([1 as unknown as string]),
      TokenizeError,
      'TOKENIZE_INVALID_INPUT',
    );
  });

  it('rejects a non-boolean lower with TOKENIZE_INVALID_OPTION', () => {
    expectErrorCode(
      () => new CharVocabulary(['a'], { lower: 'yes' as unknown as boolean }),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
  });
});

describe('special tokens', () => {
  const all = { eos: '</s>', bos: '<s>', oov: '<unk>', pad: '<pad>' };

  it('reserves pad, oov, bos, eos first in that order, whatever the key order', () => {
    const vocab = CharVocabulary.fromText('ba', { specialTokens: all });
    expect(vocab.tokens).toEqual(['<pad>', '<unk>', '<s>', '</s>', 'a', 'b']);
    expect(vocab.chars).toEqual(['a', 'b']);
    expect(vocab.specialIds).toEqual({ pad: 0, oov: 1, bos: 2, eos: 3 });
    expect(vocab.vocabularySize).toBe(6);
    expect(vocab.encode('ab')).toEqual([4, 5]);
    expect(vocab.tokenToId('<unk>')).toBe(1);
    expect(vocab.tokenToId('a')).toBe(4);
    expect(vocab.tokenToId('ab')).toBeUndefined();
    expect(vocab.idToToken(3)).toBe('</s>');
  });

  it('reserves only the tokens given, closing up the gaps', () => {
    const vocab = CharVocabulary.fromText('ab', { specialTokens: { eos: '<eos>', oov: '<unk>' } });
    expect(vocab.tokens).toEqual(['<unk>', '<eos>', 'a', 'b']);
    expect(vocab.specialIds).toEqual({ oov: 0, eos: 1 });
    expect(vocab.specialTokens).toEqual({ oov: '<unk>', eos: '<eos>' });
  });

  it('rejects unknown names, empty or non-string tokens with TOKENIZE_INVALID_OPTION', () => {
    const bad = [{ unk: '<unk>' }, { pad: '' }, { oov: 5 }, { bos: null }] as unknown as Array<
      Record<string, string>
    >;
    for (const specialTokens of bad) {
      expectErrorCode(
        () => CharVocabulary.fromText('ab', { specialTokens }),
        TokenizeError,
        'TOKENIZE_INVALID_OPTION',
      );
    }
    expectErrorCode(
      () => CharVocabulary.fromText('ab', { specialTokens: '<pad>' as unknown as object }),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
  });

  it('rejects collisions with TOKENIZE_INVALID_OPTION', () => {
    // Two special tokens with the same string.
    expectErrorCode(
      () => CharVocabulary.fromText('ab', { specialTokens: { pad: '<x>', eos: '<x>' } }),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
    // A special token that is also a character of the text.
    expectErrorCode(
      () => CharVocabulary.fromText('a_b', { specialTokens: { pad: '_' } }),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
    expectErrorCode(
      () => new CharVocabulary(['a', '😀'], { specialTokens: { oov: '😀' } }),
      TokenizeError,
      'TOKENIZE_INVALID_OPTION',
    );
  });
});

describe('encode', () => {
  it('throws TOKENIZE_UNKNOWN_TOKEN for an unknown character without an OOV token', () => {
    const vocab = CharVocabulary.fromText('abc');
    expectErrorCode(() => vocab.encode('abd'), TokenizeError, 'TOKENIZE_UNKNOWN_TOKEN');
    expectErrorCode(() => vocab.encode('a😀'), TokenizeError, 'TOKENIZE_UNKNOWN_TOKEN');
    expectErrorCode(() => vocab.encode('A'), TokenizeError, 'TOKENIZE_UNKNOWN_TOKEN');
  });

  it('maps unknown characters to the OOV id when one is reserved', () => {
    const vocab = CharVocabulary.fromText('abc', { specialTokens: { pad: '<pad>', oov: '<unk>' } });
    expect(vocab.encode('a😀dc')).toEqual([2, 1, 1, 4]);
  });

  it('adds BOS and EOS on request', () => {
    const vocab = CharVocabulary.fromText('ab', { specialTokens: { bos: '<s>', eos: '</s>' } });
    expect(vocab.encode('ba')).toEqual([3, 2]);
    expect(vocab.encode('ba', { addBos: true })).toEqual([0, 3, 2]);
    expect(vocab.encode('ba', { addEos: true })).toEqual([3, 2, 1]);
    expect(vocab.encode('ba', { addBos: true, addEos: true })).toEqual([0, 3, 2, 1]);
    expect(vocab.encode('', { addBos: true, addEos: true })).toEqual([0, 1]);
    expect(vocab.encode('')).toEqual([]);
  });

  it('rejects addBos/addEos without the token with TOKENIZE_INVALID_OPTION', () => {
    const vocab = CharVocabulary.fromText('ab', { specialTokens: { oov: '<unk>' } });
    expectErrorCode(() => vocab.encode('a', { addBos: true }), TokenizeError, 'TOKENIZE_INVALID_OPTION');
    expectErrorCode(() => vocab.encode('a', { addEos: true }), TokenizeError, 'TOKENIZE_INVALID_OPTION');
  });

  it('rejects a non-string with TOKENIZE_INVALID_INPUT', () => {
    const vocab = CharVocabulary.fromText('ab');
    expectErrorCode(() => vocab.encode(['a'] as unknown as string), TokenizeError, 'TOKENIZE_INVALID_INPUT');
  });
});

describe('lower', () => {
  it('lowercases when building and when encoding', () => {
    const vocab = CharVocabulary.fromText('Hello', { lower: true });
    expect(vocab.lower).toBe(true);
    expect(vocab.chars).toEqual(['e', 'h', 'l', 'o']);
    expect(vocab.encode('HeLLO')).toEqual([1, 0, 2, 2, 3]);
    expect(vocab.decode(vocab.encode('HeLLO'))).toBe('hello');
  });

  it('keeps case by default', () => {
    const vocab = CharVocabulary.fromText('Hello');
    expect(vocab.chars).toEqual(['H', 'e', 'l', 'o']);
    expectErrorCode(() => vocab.encode('hello'), TokenizeError, 'TOKENIZE_UNKNOWN_TOKEN');
  });

  it('lowercases non-ASCII text too', () => {
    const vocab = CharVocabulary.fromText('ÉCOLE Σ', { lower: true });
    expect(vocab.chars).toEqual([' ', 'c', 'e', 'l', 'o', 'é', 'σ']);
  });
});

describe('decode', () => {
  const vocab = CharVocabulary.fromText('ab', {
    specialTokens: { pad: '<pad>', oov: '<unk>', bos: '<s>', eos: '</s>' },
  });
  // ids: <pad> 0, <unk> 1, <s> 2, </s> 3, a 4, b 5

  it('always skips padding', () => {
    expect(vocab.decode([0, 4, 0, 0, 5, 0])).toBe('ab');
    expect(vocab.decode([0, 0])).toBe('');
    expect(vocab.decode([])).toBe('');
  });

  it('writes other special tokens as their strings unless skipSpecialTokens', () => {
    expect(vocab.decode([2, 4, 1, 5, 3, 0])).toBe('<s>a<unk>b</s>');
    expect(vocab.decode([2, 4, 1, 5, 3, 0], { skipSpecialTokens: true })).toBe('ab');
  });

  it('takes any iterable of ids', () => {
    expect(vocab.decode(new Int32Array([4, 5, 4]))).toBe('aba');
    function* ids() {
      yield 5;
      yield 4;
    }
    expect(vocab.decode(ids())).toBe('ba');
  });

  it('without a pad token decodes id 0 as the first character', () => {
    expect(CharVocabulary.fromText('ab').decode([0, 1, 0])).toBe('aba');
  });

  it('throws TOKENIZE_ID_OUT_OF_RANGE for ids outside 0 … vocabularySize-1', () => {
    for (const id of [-1, 6, 100, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      expectErrorCode(() => vocab.decode([4, id]), TokenizeError, 'TOKENIZE_ID_OUT_OF_RANGE');
      expectErrorCode(() => vocab.idToToken(id), TokenizeError, 'TOKENIZE_ID_OUT_OF_RANGE');
    }
    // The range is checked before padding is skipped.
    expectErrorCode(() => vocab.decode([0, 6]), TokenizeError, 'TOKENIZE_ID_OUT_OF_RANGE');
  });
});

describe('toJSON / fromJSON', () => {
  it('writes the documented layout', () => {
    const vocab = CharVocabulary.fromText('hello', { specialTokens: { oov: '<unk>', pad: '<pad>' } });
    expect(vocab.toJSON()).toBe(
      '{"class_name":"CharVocabulary","config":{"chars":["e","h","l","o"],' +
        '"special_tokens":{"pad":"<pad>","oov":"<unk>"},"lower":false}}',
    );
  });

  it('round-trips chars, special tokens and lower, from a string or a parsed object', () => {
    const vocab = CharVocabulary.fromText('Ünïcode 😀 ！\ue000', {
      specialTokens: { pad: '<pad>', oov: '<unk>', bos: '<s>', eos: '</s>' },
      lower: true,
    });
    for (const loaded of [
      CharVocabulary.fromJSON(vocab.toJSON()),
      CharVocabulary.fromJSON(JSON.parse(vocab.toJSON()) as object),
    ]) {
      expect(loaded.tokens).toEqual(vocab.tokens);
      expect(loaded.chars).toEqual(vocab.chars);
      expect(loaded.specialIds).toEqual(vocab.specialIds);
      expect(loaded.specialTokens).toEqual(vocab.specialTokens);
      expect(loaded.lower).toBe(true);
      expect(loaded.encode('ÜNÏ 😀?', { addBos: true, addEos: true })).toEqual(
        vocab.encode('ÜNÏ 😀?', { addBos: true, addEos: true }),
      );
      expect(loaded.toJSON()).toBe(vocab.toJSON());
    }
  });

  it('reads JSON without optional fields', () => {
    const loaded = CharVocabulary.fromJSON(
      '{"class_name": "CharVocabulary", "config": {"chars": ["b", "a"]}}',
    );
    expect(loaded.chars).toEqual(['b', 'a']);
    expect(loaded.specialIds).toEqual({});
    expect(loaded.lower).toBe(false);
  });

  it('rejects malformed JSON with TOKENIZE_MALFORMED_JSON', () => {
    const bad = [
      '',
      'not json',
      '{"class_name": "CharVocabulary", "config": {"chars": ["a"]}',
      'null',
      '[]',
      '"CharVocabulary"',
      '{}',
      '{"class_name": "Tokenizer", "config": {"chars": ["a"]}}',
      '{"class_name": "CharVocabulary"}',
      '{"class_name": "CharVocabulary", "config": {"chars": "ab"}}',
      '{"class_name": "CharVocabulary", "config": {"chars": []}}',
      '{"class_name": "CharVocabulary", "config": {"chars": ["a", "a"]}}',
      '{"class_name": "CharVocabulary", "config": {"chars": ["ab"]}}',
      '{"class_name": "CharVocabulary", "config": {"chars": [1]}}',
      '{"class_name": "CharVocabulary", "config": {"chars": ["a"], "lower": "yes"}}',
      '{"class_name": "CharVocabulary", "config": {"chars": ["a"], "special_tokens": {"unk": "?"}}}',
      '{"class_name": "CharVocabulary", "config": {"chars": ["a"], "special_tokens": {"pad": "a"}}}',
      '{"class_name": "CharVocabulary", "config": {"chars": ["a"], "special_tokens": "<pad>"}}',
    ];
    for (const json of bad)
      expectErrorCode(() => CharVocabulary.fromJSON(json), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
    expectErrorCode(
      () => CharVocabulary.fromJSON(null as unknown as object),
      TokenizeError,
      'TOKENIZE_MALFORMED_JSON',
    );
    expectErrorCode(
      () => CharVocabulary.fromJSON({ chars: ['a'] }),
      TokenizeError,
      'TOKENIZE_MALFORMED_JSON',
    );
  });

  it.each([
    ['chars', '{"class_name": "CharVocabulary", "config": {"chars": ["a"], "chars": ["b", "c"]}}'],
    [
      'special_tokens',
      '{"class_name": "CharVocabulary", "config": {"chars": ["a"], "special_tokens": {"pad": "<p>", "pad": "<q>"}}}',
    ],
    ['class_name', '{"class_name": "Tokenizer", "class_name": "CharVocabulary", "config": {"chars": ["a"]}}'],
  ])('issue 13 #10: a repeated %s key is TOKENIZE_MALFORMED_JSON', (_key, json) => {
    expectErrorCode(() => CharVocabulary.fromJSON(json), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
    expectErrorCode(() => vocabularyFromJSON(json), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a number', 7],
    ['an array', ['a']],
    ["'null'", 'null'],
    ["'[]'", '[]'],
    ['a huge string', 'x'.repeat(5_000_000)],
  ])(
    'issue 13 #13: CharVocabulary.fromJSON and vocabularyFromJSON of %s are TOKENIZE_MALFORMED_JSON',
    (_case, json) => {
      expectErrorCode(() => CharVocabulary.fromJSON(json as never), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
      expectErrorCode(() => vocabularyFromJSON(json as never), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
    },
  );

  it('issue 13 #13: a vocabulary of every Unicode code point builds (the alphabet cannot grow beyond it)', () => {
    const chars: string[] = [];
    for (let code = 0; code < 0x110000; code += 1)
      if (code < 0xd800 || code > 0xdfff) chars.push(String.fromCodePoint(code));
    const vocab = CharVocabulary.fromText(chars.join(''));
    expect(vocab.vocabularySize).toBe(0x110000 - 0x800);
    expectErrorCode(
      () => CharVocabulary.fromJSON({ class_name: 'CharVocabulary', config: { chars: [...chars, 'a'] } }),
      TokenizeError,
      'TOKENIZE_MALFORMED_JSON',
    );
  });

  it('keeps the underlying error as cause', () => {
    const error = expectErrorCode(
      () => CharVocabulary.fromJSON('{"class_name": "CharVocabulary", "config": {"chars": ["a", "a"]}}'),
      TokenizeError,
      'TOKENIZE_MALFORMED_JSON',
    );
    expect(error.cause).toBeInstanceOf(TokenizeError);
    expect((error.cause as TokenizeError).code).toBe('TOKENIZE_INVALID_INPUT');
  });
});

describe('properties', () => {
  it('decode(encode(s)) === s for any non-empty string', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const vocab = CharVocabulary.fromText(text);
        expect(vocab.decode(vocab.encode(text))).toBe(text);
      }),
    );
  });

  it('gives one integer id in 0 … vocabularySize-1 per code point', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const vocab = CharVocabulary.fromText(text);
        const ids = vocab.encode(text);
        expect(ids.length).toBe([...text].length);
        for (const id of ids) {
          expect(Number.isInteger(id)).toBe(true);
          expect(id).toBeGreaterThanOrEqual(0);
          expect(id).toBeLessThan(vocab.vocabularySize);
        }
      }),
    );
  });

  it('lists the distinct code points of the text, strictly increasing', () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const { chars } = CharVocabulary.fromText(text);
        expect(new Set(chars)).toEqual(new Set(text));
        for (const char of chars) expect([...char]).toHaveLength(1);
        for (let i = 1; i < chars.length; i++) {
          expect(codePoint(chars[i - 1]!)).toBeLessThan(codePoint(chars[i]!));
        }
      }),
    );
  });

  it('encodes identically after a JSON round trip, with any special tokens and lower', () => {
    fc.assert(
      fc.property(
        anyText,
        fc.subarray(['pad', 'oov', 'bos', 'eos'] as const),
        fc.boolean(),
        (text, names, lower) => {
          const specialTokens = Object.fromEntries(names.map((name) => [name, `<${name}>`]));
          const vocab = CharVocabulary.fromText(text, { specialTokens, lower });
          const loaded = CharVocabulary.fromJSON(vocab.toJSON());
          expect(loaded.tokens).toEqual(vocab.tokens);
          expect(loaded.specialIds).toEqual(vocab.specialIds);
          expect(loaded.encode(text)).toEqual(vocab.encode(text));
          expect(loaded.toJSON()).toBe(vocab.toJSON());
        },
      ),
    );
  });

  it('skipSpecialTokens undoes addBos/addEos', () => {
    fc.assert(
      fc.property(anyText, fc.boolean(), fc.boolean(), (text, addBos, addEos) => {
        const vocab = CharVocabulary.fromText(text, {
          specialTokens: { pad: '<pad>', oov: '<unk>', bos: '<s>', eos: '</s>' },
        });
        const ids = vocab.encode(text, { addBos, addEos });
        expect(ids.length).toBe([...text].length + Number(addBos) + Number(addEos));
        expect(vocab.decode(ids, { skipSpecialTokens: true })).toBe(text);
      }),
    );
  });
});

describe('CharVocabulary specialTokens null', () => {
  it('refuses null instead of treating it as no special tokens', () => {
    let thrown: unknown;
    try {
      new CharVocabulary(['a'], { specialTokens: null as never });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(TokenizeError);
    expect((thrown as TokenizeError).code).toBe('TOKENIZE_INVALID_OPTION');
  });
});
