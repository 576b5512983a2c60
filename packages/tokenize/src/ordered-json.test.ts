import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { TokenizeError } from './errors.js';
import { findDuplicateKey, parseJson, parseOrderedFlatObject } from './ordered-json.js';
import { pythonJsonDumps } from './python-json.js';

const parse = (json: string) => parseOrderedFlatObject(json, 'word_index');

describe('parseOrderedFlatObject', () => {
  it('keeps document order, integer-like keys included', () => {
    // A frequency-sorted Keras word_counts: JSON.parse would move "1851" and "2" first.
    const json = '{"the": 14, "1851": 3, "whale": 2, "2": 1}';
    expect(parse(json)).toEqual([
      ['the', 14],
      ['1851', 3],
      ['whale', 2],
      ['2', 1],
    ]);
    expect(Object.keys(JSON.parse(json) as object)).toEqual(['2', '1851', 'the', 'whale']);
  });

  it('reads an empty object', () => {
    expect(parse('{}')).toEqual([]);
    expect(parse(' { \n } ')).toEqual([]);
  });

  it('reads every scalar type', () => {
    expect(
      parse('{"s": "x", "i": -12, "f": 1.5, "e": 2e3, "E": 1.25E-2, "t": true, "n": null, "no": false}'),
    ).toEqual([
      ['s', 'x'],
      ['i', -12],
      ['f', 1.5],
      ['e', 2000],
      ['E', 0.0125],
      ['t', true],
      ['n', null],
      ['no', false],
    ]);
  });

  it('decodes escapes in keys and values as JSON does', () => {
    const json = String.raw`{"say \"hi\"": "back\\slash", "caf\u00e9": "\ud83d\ude00", "tab\t\n\/": "\u0000", "\\": "\""}`;
    expect(parse(json)).toEqual([
      ['say "hi"', 'back\\slash'],
      ['café', '😀'],
      ['tab\t\n/', '\u0000'],
      ['\\', '"'],
    ]);
  });

  it('reads raw non-ASCII text', () => {
    expect(parse('{"école": 1, "😀": 2, "日本": "語"}')).toEqual([
      ['école', 1],
      ['😀', 2],
      ['日本', '語'],
    ]);
  });

  it('accepts JSON whitespace anywhere between tokens', () => {
    expect(parse('\r\n\t {\n\t"a"\r\n:\t1 ,\n "b" :"c"\n}\n\t ')).toEqual([
      ['a', 1],
      ['b', 'c'],
    ]);
    expect(parse('{"a":1,"b":2}')).toEqual([
      ['a', 1],
      ['b', 2],
    ]);
  });

  it('reads what Keras writes: json.dumps separators', () => {
    expect(parse('{"<OOV>": 1, "the": 2, "a": 3}')).toEqual([
      ['<OOV>', 1],
      ['the', 2],
      ['a', 3],
    ]);
  });

  it('rejects malformed input with TOKENIZE_MALFORMED_JSON', () => {
    const bad = [
      '',
      '   ',
      '"a": 1}',
      '{"a": 1',
      '{"a": 1,',
      '{"a": 1,}',
      '{"a" 1}',
      '{"a": }',
      '{a: 1}',
      "{'a': 1}",
      '{"a": 1} x',
      '{"a": 1}}',
      '{"a": 1}{"b": 2}',
      '{"a": 1 "b": 2}',
      '{"a": "\\x"}',
      String.raw`{"a": "\u12"}`,
      '{"a\\q": 1}',
      '{"a": "unterminated}',
      '{"a": "ends with backslash\\',
      '{"a": "raw\nnewline"}',
      '{"a": {"b": 1}}',
      '{"a": [1, 2]}',
      '{"a": undefined}',
      '{"a": NaN}',
      '{"a": -}',
      '{"a": .5}',
      '{"a": True}',
      '[["a", 1]]',
      'null',
    ];
    for (const json of bad) expectErrorCode(() => parse(json), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
  });

  it('rejects trailing garbage after a valid scalar', () => {
    expectErrorCode(() => parse('{"a": truex}'), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
    expectErrorCode(() => parse('{"a": 1.}'), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
    expectErrorCode(() => parse('{"a": 1e}'), TokenizeError, 'TOKENIZE_MALFORMED_JSON');
  });

  it('round-trips any ordered [string, integer] entries written by pythonJsonDumps', () => {
    const key = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 8 }),
      fc.nat({ max: 100_000 }).map(String),
      fc.string({
        unit: fc.constantFrom('"', '\\', '/', '\n', '\u0000', '\u007f', 'é', '😀', 'a', ' '),
        maxLength: 6,
      }),
    );
    const entries = fc.uniqueArray(
      fc.tuple(
        key,
        fc.maxSafeInteger().map((n) => (n === 0 ? 0 : n)),
      ),
      {
        selector: ([k]) => k,
        maxLength: 12,
      },
    );
    fc.assert(
      fc.property(entries, (list) => {
        expect(parse(pythonJsonDumps(new Map(list)))).toEqual(list);
      }),
    );
  });

  it('round-trips string values too, including lone surrogates', () => {
    const text = fc.string({
      unit: fc.oneof(
        fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
        fc.integer({ min: 0xd800, max: 0xdfff }).map((unit) => String.fromCharCode(unit)),
      ),
      maxLength: 8,
    });
    const entries = fc.uniqueArray(fc.tuple(text, text), { selector: ([k]) => k, maxLength: 8 });
    fc.assert(
      fc.property(entries, (list) => {
        expect(parse(pythonJsonDumps(new Map(list)))).toEqual(list);
      }),
    );
  });
});

describe('parseJson', () => {
  it('parses valid JSON', () => {
    expect(parseJson('{"a": [1, "b"]}', 'config')).toEqual({ a: [1, 'b'] });
    expect(parseJson('null', 'config')).toBeNull();
  });

  it('throws TOKENIZE_MALFORMED_JSON with the SyntaxError as cause', () => {
    for (const json of ['', '{', '{"a": 1,}', "{'a': 1}", 'undefined']) {
      const error = expectErrorCode(
        () => parseJson(json, 'config'),
        TokenizeError,
        'TOKENIZE_MALFORMED_JSON',
      );
      expect(error.cause).toBeInstanceOf(SyntaxError);
    }
  });
});

describe('parseOrderedFlatObject edge cases found in review', () => {
  it('reports a number with a leading zero as malformed JSON', () => {
    expect(() => parseOrderedFlatObject('{"a": 01}', 'x')).toThrow(TokenizeError);
  });

  it('reads numbers of any length', () => {
    expect(parseOrderedFlatObject('{"a": 1.0000000000000000000000000000001}', 'x')).toEqual([['a', 1]]);
  });
});

describe('duplicate keys', () => {
  it('issue 13 #10: parseOrderedFlatObject refuses a repeated key, naming it', () => {
    const error = expectErrorCode(
      () => parseOrderedFlatObject('{"a": 1, "b": 2, "a": 3}', 'word_index'),
      TokenizeError,
      'TOKENIZE_MALFORMED_JSON',
    );
    expect(error.message).toContain('"a"');
    expectErrorCode(
      () => parseOrderedFlatObject('{"a": 1, "\\u0061": 3}', 'word_index'),
      TokenizeError,
      'TOKENIZE_MALFORMED_JSON',
    );
  });

  it('findDuplicateKey finds repeats at any depth, decoded, and ignores strings that are not keys', () => {
    expect(findDuplicateKey('{"a": {"b": 1, "b": 2}}')).toEqual({ key: 'b', offset: 15 });
    expect(findDuplicateKey('{"a": 1, "\\u0061": 2}')?.key).toBe('a');
    expect(findDuplicateKey('[{"a": 1}, {"a": 2}]')).toBeUndefined();
    expect(findDuplicateKey('{"a": ["a", "a"], "b": "a", "c": {"a": "}"}}')).toBeUndefined();
    expect(findDuplicateKey('{"x": "\\"", "x": 1}')?.key).toBe('x');
  });
});
