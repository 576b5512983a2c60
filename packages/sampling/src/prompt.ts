import { describeValue } from '@rnnkit/core';
import type { TokenDecoder } from './types.js';
import { check, checkIdList, fail } from './validate.js';

// The text side of generate and beam search: the decoder, the prompt it encodes, and the stop
// tokens (and, for generate, stop strings) that end a row.

/** The decoder option: `null` or an object with `decode()` (and optionally `encode()`). */
export function resolveDecoder(where: string, value: unknown): TokenDecoder | null {
  if (value === null) return null;
  if (typeof value !== 'object' || typeof (value as TokenDecoder).decode !== 'function') {
    check.invalid(
      where,
      'decoder',
      value,
      'must be an object with decode(ids) (and encode(text) for string prompts), or null',
      'Pass a @rnnkit/tokenize CharVocabulary or Tokenizer.',
    );
  }
  return value as TokenDecoder;
}

/** `decoder.decode(ids)`, checked to be a string (`SAMPLING_INVALID_INPUT` otherwise). */
export function decodeText(where: string, decoder: TokenDecoder, ids: readonly number[]): string {
  const text = decoder.decode(ids) as unknown;
  if (typeof text !== 'string') {
    fail(
      'SAMPLING_INVALID_INPUT',
      `${where}: decoder.decode(ids) returned ${describeValue(text)}; expected the text of the ids, a string. ` +
        'Pass a decoder whose decode returns a string (any @rnnkit/tokenize vocabulary or tokenizer does).',
    );
  }
  return text;
}

/** The prompt as token ids: a string is encoded with `decoder.encode`, ids are checked. */
export function resolvePrompt(
  where: string,
  prompt: unknown,
  decoder: TokenDecoder | null,
  vocabularySize: number,
): number[] {
  let ids: unknown = prompt;
  if (typeof prompt === 'string') {
    if (decoder?.encode === undefined) {
      check.invalid(
        where,
        'prompt',
        prompt,
        'is a string but no decoder with encode() was given',
        'Pass decoder (e.g. a CharVocabulary), or the prompt as token ids.',
      );
    }
    ids = decoder.encode(prompt);
  }
  const promptIds = checkIdList(where, 'prompt', ids, vocabularySize);
  if (promptIds.length === 0) {
    check.invalid(
      where,
      'prompt',
      prompt,
      'must hold at least one token (the model needs an input to predict from)',
      'Pass some text, or a start/BOS token id.',
    );
  }
  return promptIds;
}

/** The `stop` option split into token ids and strings. */
export interface ResolvedStop {
  readonly ids: ReadonlySet<number>;
  readonly strings: readonly string[];
}

/**
 * The `stop` option: token ids in the vocabulary and, when `strings` is allowed, non-empty
 * strings matched against the decoded text (they need a decoder).
 */
export function resolveStop(
  where: string,
  stop: unknown,
  decoder: TokenDecoder | null,
  vocabularySize: number,
  strings: boolean,
): ResolvedStop {
  if (!Array.isArray(stop)) {
    check.invalid(
      where,
      'stop',
      stop,
      strings ? 'must be an array of token ids and strings' : 'must be an array of token ids',
      strings ? "Pass e.g. [0, '\\n\\n']." : 'Pass e.g. [eosId].',
    );
  }
  const ids = new Set<number>();
  const texts: string[] = [];
  for (const item of stop) {
    if (typeof item !== 'string') {
      ids.add(checkIdList(where, 'stop', [item], vocabularySize)[0]!);
    } else if (!strings) {
      check.invalid(
        where,
        'stop',
        stop,
        `holds the string ${describeValue(item)}; ${where} stops on token ids only`,
        'Pass the id of the stop token (e.g. vocab.encode(text)[0]), or use generate for stop strings.',
      );
    } else if (item === '' || decoder === null) {
      check.invalid(
        where,
        'stop',
        stop,
        `holds the string ${describeValue(item)}; stop strings must be non-empty and need a decoder`,
        'Pass decoder to match text, or stop on token ids.',
      );
    } else texts.push(item);
  }
  return { ids, strings: texts };
}
