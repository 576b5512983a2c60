import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenizeError } from './errors.js';
import { type PythonJsonValue, pythonJsonDumps, pythonJsonString } from './python-json.js';

// Every expected string below is python3's json.dumps(value) for the Python equivalent.
const STRING_CASES: ReadonlyArray<readonly [string, string]> = [
  ['plain', '"plain"'],
  ['', '""'],
  ['say "hi"', String.raw`"say \"hi\""`],
  ['back\\slash', String.raw`"back\\slash"`],
  ['tab\there\nnew\rret\bbs\fff', String.raw`"tab\there\nnew\rret\bbs\fff"`],
  ['\x00\x01\x1f\x7f\x80', String.raw`"\u0000\u0001\u001f\u007f\u0080"`],
  ["it's / <b>&</b>", `"it's / <b>&</b>"`],
  ['café naïve ñ ß', String.raw`"caf\u00e9 na\u00efve \u00f1 \u00df"`],
  ['€ — “” 日本語 \ufeff \uffff', String.raw`"\u20ac \u2014 \u201c\u201d \u65e5\u672c\u8a9e \ufeff \uffff"`],
  ['😀', String.raw`"\ud83d\ude00"`],
  ['a𝄞b', String.raw`"a\ud834\udd1eb"`],
  ['\u{10ffff}', String.raw`"\udbff\udfff"`],
  // A lone surrogate, as json.dumps('\ud800') writes it.
  ['\ud800', String.raw`"\ud800"`],
];

describe('pythonJsonString', () => {
  it.each(STRING_CASES)('writes %j like json.dumps', (value, expected) => {
    expect(pythonJsonString(value)).toBe(expected);
    expect(pythonJsonDumps(value)).toBe(expected);
  });

  it('escapes with lowercase hex', () => {
    expect(pythonJsonString('\u00ff\uabcd')).toBe(String.raw`"\u00ff\uabcd"`);
  });
});

describe('pythonJsonDumps', () => {
  it('writes integers, null and booleans', () => {
    expect(pythonJsonDumps(1851)).toBe('1851');
    expect(pythonJsonDumps(-7)).toBe('-7');
    expect(pythonJsonDumps(0)).toBe('0');
    expect(pythonJsonDumps(-0)).toBe('0');
    expect(pythonJsonDumps(Number.MAX_SAFE_INTEGER)).toBe('9007199254740991');
    expect(pythonJsonDumps(Number.MIN_SAFE_INTEGER)).toBe('-9007199254740991');
    expect(pythonJsonDumps(null)).toBe('null');
    expect(pythonJsonDumps(true)).toBe('true');
    expect(pythonJsonDumps(false)).toBe('false');
  });

  it("writes lists with ', '", () => {
    expect(pythonJsonDumps([])).toBe('[]');
    expect(pythonJsonDumps([1, 'two', null, true, [false]])).toBe('[1, "two", null, true, [false]]');
  });

  it("writes dicts with ', ' and ': '", () => {
    expect(pythonJsonDumps({})).toBe('{}');
    expect(pythonJsonDumps(new Map())).toBe('{}');
    expect(pythonJsonDumps({ b: [1, { c: null }], a: 'é' })).toBe(
      String.raw`{"b": [1, {"c": null}], "a": "\u00e9"}`,
    );
  });

  it('keeps Map insertion order, integer-like keys included', () => {
    // python3: json.dumps({"word_counts": {"the": 3, "1851": 1, "a": 2}})
    const wordCounts = new Map<string, PythonJsonValue>([
      ['the', 3],
      ['1851', 1],
      ['a', 2],
    ]);
    expect(pythonJsonDumps({ word_counts: wordCounts })).toBe(
      '{"word_counts": {"the": 3, "1851": 1, "a": 2}}',
    );
    // A plain object cannot keep that order: JavaScript lists integer-like keys first.
    expect(pythonJsonDumps({ the: 3, '1851': 1, a: 2 })).toBe('{"1851": 1, "the": 3, "a": 2}');
  });

  it('writes numeric Map keys as strings, as Python does for int keys', () => {
    // python3: json.dumps({3: 'the', 1: 'a', 2: 'b'})
    const indexWord = new Map<number, PythonJsonValue>([
      [3, 'the'],
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(pythonJsonDumps(indexWord)).toBe('{"3": "the", "1": "a", "2": "b"}');
    expect(pythonJsonDumps(new Map([[-1, 0]]))).toBe('{"-1": 0}');
  });

  it('escapes keys like values', () => {
    expect(pythonJsonDumps(new Map([['"é😀\n', 1]]))).toBe(String.raw`{"\"\u00e9\ud83d\ude00\n": 1}`);
  });

  it('refuses non-integers, whose Python repr differs', () => {
    for (const value of [
      1.5,
      1e-5,
      0.1,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      Number.NEGATIVE_INFINITY,
      2 ** 53,
    ]) {
      expectErrorCode(() => pythonJsonDumps(value), TokenizeError, 'TOKENIZE_INVALID_INPUT');
      expectErrorCode(() => pythonJsonDumps([1, value]), TokenizeError, 'TOKENIZE_INVALID_INPUT');
      expectErrorCode(
        () => pythonJsonDumps(new Map([['k', value]])),
        TokenizeError,
        'TOKENIZE_INVALID_INPUT',
      );
    }
  });

  it('matches JSON.stringify on printable ASCII strings', () => {
    const printable = fc.string({ unit: 'grapheme-ascii' });
    fc.assert(
      fc.property(printable, (value) => {
        expect(pythonJsonString(value)).toBe(JSON.stringify(value));
      }),
    );
  });

  it('writes ASCII only, and JSON.parse reads back the same value', () => {
    const value: fc.Arbitrary<PythonJsonValue> = fc.letrec<{ value: PythonJsonValue }>((tie) => ({
      value: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.string({ unit: 'binary', maxLength: 12 }),
        fc.maxSafeInteger().map((n) => (n === 0 ? 0 : n)),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('value'), { maxLength: 4 }),
        fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 4 }),
      ),
    })).value;
    fc.assert(
      fc.property(value, (v) => {
        const json = pythonJsonDumps(v);
        expect(json).toMatch(/^[\x20-\x7e]*$/);
        expect(JSON.parse(json)).toEqual(v);
      }),
    );
  });
});
