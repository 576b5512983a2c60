import { checkInput } from './validate.js';

/**
 * Serialization that matches Python's `json.dumps` with its defaults for strings, integers, lists and dicts
 * (`ensure_ascii=True`, separators `', '` and `': '`), so JSON we write is byte-identical
 * to what Keras writes.
 */

/** A value `pythonJsonDumps` can write; Maps keep their insertion order as Python dicts do. */
export type PythonJsonValue =
  | string
  | number
  | boolean
  | null
  | readonly PythonJsonValue[]
  | ReadonlyMap<string | number, PythonJsonValue>
  | { readonly [key: string]: PythonJsonValue };

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  34: '\\"',
  92: '\\\\',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  8: '\\b',
  12: '\\f',
};

/** Python's `py_encode_basestring_ascii`: everything outside printable ASCII becomes `\uXXXX` per UTF-16 unit. */
export function pythonJsonString(value: string): string {
  let out = '"';
  let runStart = 0;
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0x20 && unit < 0x7f && unit !== 0x22 && unit !== 0x5c) continue;
    out += value.slice(runStart, i);
    out += SHORT_ESCAPES[unit] ?? `\\u${unit.toString(16).padStart(4, '0')}`;
    runStart = i + 1;
  }
  return `${out + value.slice(runStart)}"`;
}

function pythonInteger(value: number): string {
  // Tokenizer JSON holds only counts and ids; Python's float repr differs from JavaScript's
  // (`1e-05` vs `0.00001`), so non-integers are refused rather than written differently.
  if (!Number.isSafeInteger(value)) {
    checkInput.invalid(
      'pythonJsonDumps',
      'value',
      value,
      'must be a safe integer (Python writes floats differently)',
    );
  }
  return String(value);
}

/**
 * `json.dumps(value)` as Python 3 writes it.
 * @throws TokenizeError `TOKENIZE_INVALID_INPUT` for a number that is not a safe integer.
 */
export function pythonJsonDumps(value: PythonJsonValue): string {
  if (value === null) return 'null';
  if (typeof value === 'string') return pythonJsonString(value);
  if (typeof value === 'number') return pythonInteger(value);
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (Array.isArray(value)) return `[${value.map(pythonJsonDumps).join(', ')}]`;
  const entries: Iterable<readonly [string | number, PythonJsonValue]> =
    value instanceof Map
      ? value.entries()
      : Object.entries(value as { readonly [key: string]: PythonJsonValue });
  const parts: string[] = [];
  for (const [key, item] of entries) {
    parts.push(`${pythonJsonString(String(key))}: ${pythonJsonDumps(item)}`);
  }
  return `{${parts.join(', ')}}`;
}
