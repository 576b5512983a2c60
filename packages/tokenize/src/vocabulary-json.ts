import { describeValue } from '@rnnkit/core';
import { CharVocabulary } from './char-vocabulary.js';
import { TokenizeError } from './errors.js';
import { parseJson } from './ordered-json.js';
import { Tokenizer } from './tokenizer.js';
import type { Vocabulary } from './types.js';

/**
 * Loads any vocabulary this package serializes — a Keras-format {@link Tokenizer} or a
 * {@link CharVocabulary} — choosing by its `class_name`. Checkpoints store `toJSON()`
 * output and restore it with this.
 *
 * @throws TokenizeError `TOKENIZE_MALFORMED_JSON` for invalid JSON or an unknown `class_name`.
 */
export function vocabularyFromJSON(json: string | object): Tokenizer | CharVocabulary {
  const parsed = typeof json === 'string' ? parseJson(json, 'Vocabulary JSON') : json;
  const className = (parsed as { class_name?: unknown } | null)?.class_name;
  switch (className) {
    case 'Tokenizer':
      return Tokenizer.fromJSON(parsed as object);
    case 'CharVocabulary':
      return CharVocabulary.fromJSON(parsed as object);
    default:
      throw new TokenizeError(
        'TOKENIZE_MALFORMED_JSON',
        `Unknown vocabulary class_name ${describeValue(className)}; expected 'Tokenizer' or 'CharVocabulary'. ` +
          'Pass JSON written by Tokenizer#toJSON(), Keras tokenizer.to_json() or CharVocabulary#toJSON().',
      );
  }
}

/** Whether `value` has the shape of a {@link Vocabulary} (for checking user-supplied objects). */
export function isVocabulary(value: unknown): value is Vocabulary {
  const candidate = value as Partial<Record<keyof Vocabulary, unknown>> | null;
  return (
    typeof candidate === 'object' &&
    candidate !== null &&
    typeof candidate.encode === 'function' &&
    typeof candidate.decode === 'function' &&
    typeof candidate.idToToken === 'function' &&
    typeof candidate.tokenToId === 'function' &&
    typeof candidate.toJSON === 'function' &&
    (candidate.level === 'char' || candidate.level === 'word')
  );
}
