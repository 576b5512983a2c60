import { TokenizeError } from './errors.js';

/**
 * Parses a flat JSON object (`{"key": scalar, …}`) into its entries in document order.
 *
 * `JSON.parse` cannot be used for Keras' dictionaries: JavaScript objects list
 * integer-like keys (`"1851"`) first, which would silently reorder a frequency-sorted
 * `word_index`. Keys and scalar values are still decoded by `JSON.parse`, so escapes
 * follow the JSON spec exactly.
 *
 * @throws TokenizeError `TOKENIZE_MALFORMED_JSON` naming `what` and the offset of the problem.
 */
export function parseOrderedFlatObject(json: string, what: string): Array<[string, unknown]> {
  let position = 0;
  const fail = (expected: string): never => {
    const found =
      position < json.length ? JSON.stringify(json.slice(position, position + 20)) : 'end of text';
    throw new TokenizeError(
      'TOKENIZE_MALFORMED_JSON',
      `${what} is not a flat JSON object: expected ${expected} at offset ${position}, found ${found}. ` +
        'Pass the string produced by Keras tokenizer.to_json() or Tokenizer#toJSON() unchanged.',
    );
  };
  const skipWhitespace = () => {
    while (position < json.length && ' \t\n\r'.includes(json[position]!)) position++;
  };
  const readString = (): string => {
    if (json[position] !== '"') fail('a string');
    let end = position + 1;
    while (end < json.length && json[end] !== '"') end += json[end] === '\\' ? 2 : 1;
    if (end >= json.length) fail('a closing quote');
    const literal = json.slice(position, end + 1);
    try {
      const value = JSON.parse(literal) as string;
      position = end + 1;
      return value;
    } catch {
      return fail('a valid JSON string literal');
    }
  };
  const scalar = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?|true|false|null/y;
  const readScalar = (): unknown => {
    if (json[position] === '"') return readString();
    scalar.lastIndex = position;
    const match = scalar.exec(json);
    if (!match) return fail('a string, number, boolean or null');
    position += match[0].length;
    return JSON.parse(match[0]);
  };

  const entries: Array<[string, unknown]> = [];
  const keys = new Set<string>();
  skipWhitespace();
  if (json[position] !== '{') fail("'{'");
  position++;
  skipWhitespace();
  if (json[position] === '}') {
    position++;
  } else {
    for (;;) {
      skipWhitespace();
      const keyAt = position;
      const key = readString();
      if (keys.has(key)) throw duplicateKey(what, key, keyAt);
      keys.add(key);
      skipWhitespace();
      if (json[position] !== ':') fail("':'");
      position++;
      skipWhitespace();
      entries.push([key, readScalar()]);
      skipWhitespace();
      if (json[position] === ',') {
        position++;
        continue;
      }
      if (json[position] === '}') {
        position++;
        break;
      }
      fail("',' or '}'");
    }
  }
  skipWhitespace();
  if (position !== json.length) fail('the end of the text');
  return entries;
}

/**
 * `JSON.parse` that reports failure as a {@link TokenizeError} and refuses an object that
 * repeats a key: `JSON.parse` keeps the last value silently, so a hand-edited or corrupted file
 * would load as something it does not say.
 * @throws TokenizeError `TOKENIZE_MALFORMED_JSON` for invalid JSON or a repeated key (named, with its offset).
 */
export function parseJson(json: string, what: string): unknown {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw new TokenizeError(
      'TOKENIZE_MALFORMED_JSON',
      `${what} is not valid JSON (${(cause as Error).message}). Pass the string exactly as it was written.`,
      { cause },
    );
  }
  const duplicate = findDuplicateKey(json);
  if (duplicate) throw duplicateKey(what, duplicate.key, duplicate.offset);
  return parsed;
}

/**
 * The first key that an object of `json` (valid JSON) repeats, at any depth, with the offset of
 * its second occurrence. A reviver cannot see duplicates (`JSON.parse` has merged them before),
 * so this scans the text once: a stack of key sets, one per open object (`null` for arrays).
 * Keys are compared decoded, so `"a"` and `"\u0061"` are the same key.
 */
export function findDuplicateKey(json: string): { key: string; offset: number } | undefined {
  const open: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < json.length; i++) {
    const char = json.charCodeAt(i);
    if (char === 0x22 /* " */) {
      const start = i;
      let escaped = false;
      for (i++; i < json.length; i++) {
        const unit = json.charCodeAt(i);
        if (unit === 0x5c /* \ */) {
          escaped = true;
          i++;
        } else if (unit === 0x22) break;
      }
      const keys = open[open.length - 1];
      if (expectKey && keys) {
        const literal = json.slice(start + 1, i);
        const key = escaped ? (JSON.parse(`"${literal}"`) as string) : literal;
        if (keys.has(key)) return { key, offset: start };
        keys.add(key);
        expectKey = false;
      }
    } else if (char === 0x7b /* { */) {
      open.push(new Set());
      expectKey = true;
    } else if (char === 0x5b /* [ */) {
      open.push(null);
      expectKey = false;
    } else if (char === 0x7d /* } */ || char === 0x5d /* ] */) {
      open.pop();
      expectKey = false;
    } else if (char === 0x2c /* , */) {
      expectKey = open[open.length - 1] !== null && open.length > 0;
    }
  }
  return undefined;
}

function duplicateKey(what: string, key: string, offset: number): TokenizeError {
  return new TokenizeError(
    'TOKENIZE_MALFORMED_JSON',
    `${what} repeats the key ${JSON.stringify(key)} (again at offset ${offset}); JSON.parse would keep ` +
      'only the last value without a word. Remove the duplicate so that each key appears once ' +
      '(Keras tokenizer.to_json() and Tokenizer#toJSON() never write one).',
  );
}
