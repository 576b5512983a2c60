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
  skipWhitespace();
  if (json[position] !== '{') fail("'{'");
  position++;
  skipWhitespace();
  if (json[position] === '}') {
    position++;
  } else {
    for (;;) {
      skipWhitespace();
      const key = readString();
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
 * `JSON.parse` that reports failure as a {@link TokenizeError}.
 * @throws TokenizeError `TOKENIZE_MALFORMED_JSON`
 */
export function parseJson(json: string, what: string): unknown {
  try {
    return JSON.parse(json);
  } catch (cause) {
    throw new TokenizeError(
      'TOKENIZE_MALFORMED_JSON',
      `${what} is not valid JSON (${(cause as Error).message}). Pass the string exactly as it was written.`,
      { cause },
    );
  }
}
