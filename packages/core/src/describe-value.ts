const MAX_SHOWN = 60;

function clip(text: string): string {
  return text.length > MAX_SHOWN ? `${text.slice(0, MAX_SHOWN - 1)}…` : text;
}

function isTensorLike(value: object): value is { dtype: string; shape: readonly number[] } {
  const candidate = value as { dtype?: unknown; shape?: unknown };
  return typeof candidate.dtype === 'string' && Array.isArray(candidate.shape);
}

/**
 * How error messages print a value they received: short, unambiguous and never
 * `[object Object]` — strings quoted, numbers as written (`NaN`, `-Infinity`), short arrays and
 * plain objects as JSON, long ones by size, typed arrays, tensors and class instances by kind.
 *
 * @example
 * describeValue('macro'); // '"macro"'
 * describeValue({ averge: 'macro' }); // '{"averge":"macro"}'
 * describeValue(new Float32Array(3)); // 'a Float32Array of length 3'
 */
export function describeValue(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'undefined';
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'boolean':
      return String(value);
    case 'string':
      return clip(JSON.stringify(value));
    case 'symbol':
      return value.toString();
    case 'function':
      return value.name ? `the function ${value.name}` : 'a function';
  }
  if (value === null) return 'null';
  const object = value as object;
  if (ArrayBuffer.isView(object)) {
    const length = (object as { length?: number }).length ?? object.byteLength;
    return `a ${object.constructor.name} of length ${length}`;
  }
  if (isTensorLike(object)) return `a ${object.dtype} tensor of shape [${object.shape.join(', ')}]`;
  if (Array.isArray(object)) {
    const shown = safeJson(object);
    return shown !== null && shown.length <= MAX_SHOWN ? shown : `an array of length ${object.length}`;
  }
  const prototype = Object.getPrototypeOf(object);
  if (prototype !== null && prototype !== Object.prototype) {
    const kind = (object.constructor as { name?: string } | undefined)?.name || 'object';
    return kind === 'Error' || object instanceof Error
      ? `a ${kind} (${clip((object as Error).message)})`
      : `a ${kind}`;
  }
  const shown = safeJson(object);
  return shown === null ? 'an object' : clip(shown);
}

function safeJson(value: unknown): string | null {
  try {
    return JSON.stringify(value, (_key, entry) => (typeof entry === 'bigint' ? `${entry}n` : entry)) ?? null;
  } catch {
    return null;
  }
}
