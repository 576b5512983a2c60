import { MetricsError } from './errors.js';
import { editDistance, toElements } from './levenshtein.js';
import type { Token } from './ngrams.js';

/** A sentence for {@link wordErrorRate}: a string split on whitespace, or tokens already split. */
export type WordSequence = string | readonly Token[];

/** Edits and reference length summed over a corpus: the numerator and denominator of an error rate. */
export interface ErrorCounts {
  /** Σ Levenshtein distance (substitutions + deletions + insertions). */
  readonly edits: number;
  /** Σ reference length (words, characters or tokens). */
  readonly referenceLength: number;
  /** Pairs counted. */
  readonly pairs: number;
}

const WHITESPACE = /\s+/;

/** Splits a sentence into words on whitespace (like `str.split()`); arrays are already words. */
export function splitWords(sentence: WordSequence, name: string): readonly Token[] {
  if (typeof sentence === 'string') {
    const trimmed = sentence.trim();
    return trimmed === '' ? [] : trimmed.split(WHITESPACE);
  }
  if (!Array.isArray(sentence)) {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      `${name} must be a string or an array of words; received ${sentence === null ? 'null' : typeof sentence}.`,
    );
  }
  return sentence;
}

/** Throws unless both are arrays of the same, non-zero length. */
export function checkPairs(references: unknown, hypotheses: unknown, metric: string): void {
  if (!Array.isArray(references) || !Array.isArray(hypotheses)) {
    throw new MetricsError(
      'METRICS_INVALID_INPUT',
      `${metric} takes an array of references and an array of hypotheses (one entry per sentence).`,
    );
  }
  if (references.length !== hypotheses.length) {
    throw new MetricsError(
      'METRICS_LENGTH_MISMATCH',
      `${metric} needs one hypothesis per reference; received ${references.length} references and ${hypotheses.length} hypotheses.`,
    );
  }
  if (references.length === 0) {
    throw new MetricsError('METRICS_EMPTY_INPUT', `${metric} needs at least one reference/hypothesis pair.`);
  }
}

/** The unit an error rate counts in. */
export type ErrorRateUnit = 'word' | 'character' | 'token';

/** Splits one sentence into the units of `unit`. */
export function unitsOf(sentence: unknown, unit: ErrorRateUnit, name: string): ArrayLike<Token> {
  switch (unit) {
    case 'word':
      return splitWords(sentence as WordSequence, name);
    case 'character':
      if (typeof sentence !== 'string') {
        throw new MetricsError(
          'METRICS_INVALID_INPUT',
          `${name} must be a string for a character error rate; received ${typeof sentence}. Use tokenErrorRate for token arrays.`,
        );
      }
      return toElements(sentence, name);
    case 'token':
      if (typeof sentence === 'string') {
        throw new MetricsError(
          'METRICS_INVALID_INPUT',
          `${name} must be an array of tokens for a token error rate, not a string; split it first (or use characterErrorRate).`,
        );
      }
      return toElements(sentence as ArrayLike<Token>, name);
    default: {
      const never: never = unit;
      throw new MetricsError('METRICS_INVALID_OPTION', `Unknown error-rate unit ${String(never)}.`);
    }
  }
}

/** Adds the edits and reference lengths of every pair; shared by the functions and the accumulator. */
export function countErrors(
  references: readonly unknown[],
  hypotheses: readonly unknown[],
  unit: ErrorRateUnit,
  onPair?: (edits: number, referenceLength: number, index: number) => void,
): ErrorCounts {
  let edits = 0;
  let referenceLength = 0;
  for (let i = 0; i < references.length; i++) {
    const reference = unitsOf(references[i], unit, `references[${i}]`);
    const hypothesis = unitsOf(hypotheses[i], unit, `hypotheses[${i}]`);
    const distance = editDistance(reference, hypothesis);
    edits += distance;
    referenceLength += reference.length;
    onPair?.(distance, reference.length, i);
  }
  return { edits, referenceLength, pairs: references.length };
}

/** `edits / referenceLength`, or a typed error when the references are empty. */
export function rateOf(counts: ErrorCounts, metric: string): number {
  if (counts.referenceLength === 0) {
    throw new MetricsError(
      'METRICS_EMPTY_INPUT',
      `${metric} divides by the total reference length, which is 0 (every reference is empty); the rate is undefined.`,
    );
  }
  return counts.edits / counts.referenceLength;
}

function corpusRate(references: unknown, hypotheses: unknown, unit: ErrorRateUnit, metric: string): number {
  checkPairs(references, hypotheses, metric);
  return rateOf(countErrors(references as unknown[], hypotheses as unknown[], unit), metric);
}

function sentenceRates(
  references: unknown,
  hypotheses: unknown,
  unit: ErrorRateUnit,
  metric: string,
): number[] {
  checkPairs(references, hypotheses, metric);
  const rates: number[] = [];
  countErrors(references as unknown[], hypotheses as unknown[], unit, (edits, length, i) => {
    if (length === 0) {
      throw new MetricsError(
        'METRICS_EMPTY_INPUT',
        `${metric}: references[${i}] is empty, so its rate (edits / 0) is undefined; drop the pair or use the corpus-level rate.`,
      );
    }
    rates.push(edits / length);
  });
  return rates;
}

/**
 * Corpus word error rate: total word edits (substitutions + deletions + insertions) over total
 * reference words, as jiwer computes it — not the mean of the sentence rates. Strings are split
 * on whitespace; pass token arrays to control tokenisation. Can exceed 1 (many insertions).
 *
 * @param references - the correct transcripts.
 * @param hypotheses - the system outputs, one per reference.
 * @throws {MetricsError} `METRICS_LENGTH_MISMATCH` for different counts, `METRICS_EMPTY_INPUT` for no
 * pairs or only empty references, `METRICS_INVALID_INPUT` for a sentence that is neither.
 * @example wordErrorRate(['the cat sat on the mat'], ['the cat sat on mat']) // 1 / 6
 */
export function wordErrorRate(
  references: readonly WordSequence[],
  hypotheses: readonly WordSequence[],
): number {
  return corpusRate(references, hypotheses, 'word', 'wordErrorRate');
}

/**
 * Word error rate of each pair on its own.
 * @throws {MetricsError} as {@link wordErrorRate}, and `METRICS_EMPTY_INPUT` naming a pair whose
 * reference is empty.
 * @example wordErrorRates(['a b', 'c d e f'], ['a', 'c d e f']) // [0.5, 0]
 */
export function wordErrorRates(
  references: readonly WordSequence[],
  hypotheses: readonly WordSequence[],
): number[] {
  return sentenceRates(references, hypotheses, 'word', 'wordErrorRates');
}

/**
 * Corpus character error rate: total character edits over total reference characters, counting
 * Unicode code points (spaces are characters too).
 * @throws {MetricsError} as {@link wordErrorRate}; `METRICS_INVALID_INPUT` for a non-string.
 * @example characterErrorRate(['kitten'], ['sitting']) // 0.5
 */
export function characterErrorRate(references: readonly string[], hypotheses: readonly string[]): number {
  return corpusRate(references, hypotheses, 'character', 'characterErrorRate');
}

/**
 * Character error rate of each pair on its own.
 * @throws {MetricsError} as {@link characterErrorRate} and {@link wordErrorRates}.
 * @example characterErrorRates(['abcd', 'ab'], ['abce', 'ab']) // [0.25, 0]
 */
export function characterErrorRates(references: readonly string[], hypotheses: readonly string[]): number[] {
  return sentenceRates(references, hypotheses, 'character', 'characterErrorRates');
}

/**
 * Corpus error rate over arbitrary tokens (phonemes, subwords, ids): total edits over total reference
 * tokens. Each sentence is an array (or typed array) of tokens compared with `===`.
 * @throws {MetricsError} as {@link wordErrorRate}; `METRICS_INVALID_INPUT` for a string sentence.
 * @example tokenErrorRate([['k', 'ae', 't']], [['k', 'ah', 't']]) // 1 / 3
 */
export function tokenErrorRate(
  references: readonly ArrayLike<Token>[],
  hypotheses: readonly ArrayLike<Token>[],
): number {
  return corpusRate(references, hypotheses, 'token', 'tokenErrorRate');
}

/**
 * Token error rate of each pair on its own.
 * @throws {MetricsError} as {@link tokenErrorRate} and {@link wordErrorRates}.
 * @example tokenErrorRates([[1, 2], [3]], [[1, 2], [4]]) // [0, 1]
 */
export function tokenErrorRates(
  references: readonly ArrayLike<Token>[],
  hypotheses: readonly ArrayLike<Token>[],
): number[] {
  return sentenceRates(references, hypotheses, 'token', 'tokenErrorRates');
}

/**
 * Phoneme error rate (PER): {@link tokenErrorRate} over phoneme sequences, e.g. ARPAbet symbols.
 * @throws {MetricsError} as {@link tokenErrorRate}.
 * @example phonemeErrorRate([['HH', 'AH0', 'L', 'OW1']], [['HH', 'EH0', 'L', 'OW1']]) // 0.25
 */
export const phonemeErrorRate: (
  references: readonly ArrayLike<Token>[],
  hypotheses: readonly ArrayLike<Token>[],
) => number = tokenErrorRate;

function sameSequence(a: ArrayLike<Token>, b: ArrayLike<Token>): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Fraction of pairs whose hypothesis equals its reference exactly (same length, same tokens; strings
 * compared as strings).
 * @throws {MetricsError} `METRICS_LENGTH_MISMATCH`, `METRICS_EMPTY_INPUT` for no pairs,
 * `METRICS_INVALID_INPUT` for an entry that is not a sequence.
 * @example sequenceExactMatch([[1, 2], [3]], [[1, 2], [4]]) // 0.5
 */
export function sequenceExactMatch(
  references: readonly (string | ArrayLike<Token>)[],
  hypotheses: readonly (string | ArrayLike<Token>)[],
): number {
  checkPairs(references, hypotheses, 'sequenceExactMatch');
  let exact = 0;
  for (let i = 0; i < references.length; i++) {
    const reference = references[i]!;
    const hypothesis = hypotheses[i]!;
    if (typeof reference === 'string' || typeof hypothesis === 'string') {
      if (reference === hypothesis) exact++;
      continue;
    }
    if (sameSequence(toElements(reference, `references[${i}]`), toElements(hypothesis, `hypotheses[${i}]`)))
      exact++;
  }
  return exact / references.length;
}

/** Options of {@link tokenAccuracy}. */
export interface TokenAccuracyOptions {
  /**
   * Reference token that marks padding; those positions are not counted, whatever was predicted
   * there. `null` counts every position.
   * @default 0 (Keras' `mask_zero` / `pad_sequences` convention)
   */
  readonly padId?: Token | null;
}

/** Defaults of {@link TokenAccuracyOptions}. */
export const DEFAULT_TOKEN_ACCURACY_OPTIONS = Object.freeze({ padId: 0 as Token | null });

/**
 * Validates {@link TokenAccuracyOptions} and fills in the defaults.
 * @throws {MetricsError} `METRICS_INVALID_OPTION` for an unknown option or a padId that is not a
 * token or null.
 */
export function resolveTokenAccuracyOptions(options: TokenAccuracyOptions = {}): {
  readonly padId: Token | null;
} {
  for (const key of Object.keys(options)) {
    if (key !== 'padId') {
      throw new MetricsError(
        'METRICS_INVALID_OPTION',
        `Unknown tokenAccuracy option '${key}'; the only option is padId.`,
      );
    }
  }
  const padId = options.padId === undefined ? DEFAULT_TOKEN_ACCURACY_OPTIONS.padId : options.padId;
  if (padId !== null && typeof padId !== 'string' && (typeof padId !== 'number' || Number.isNaN(padId))) {
    throw new MetricsError(
      'METRICS_INVALID_OPTION',
      `tokenAccuracy option padId must be a token (number or string) or null; received ${String(padId)}.`,
    );
  }
  return { padId };
}

/** Correct and counted positions of {@link tokenAccuracy}. */
export interface TokenAccuracyCounts {
  readonly correct: number;
  readonly counted: number;
}

/** Adds the correct and counted (non-padding) positions of a batch; shared with the accumulator. */
export function countTokenAccuracy(
  references: readonly ArrayLike<Token>[],
  predictions: readonly ArrayLike<Token>[],
  padId: Token | null,
): TokenAccuracyCounts {
  checkPairs(references, predictions, 'tokenAccuracy');
  let correct = 0;
  let counted = 0;
  for (let row = 0; row < references.length; row++) {
    const reference = toElements(references[row] as ArrayLike<Token>, `references[${row}]`);
    const prediction = toElements(predictions[row] as ArrayLike<Token>, `predictions[${row}]`);
    if (reference.length !== prediction.length) {
      throw new MetricsError(
        'METRICS_LENGTH_MISMATCH',
        `tokenAccuracy compares position by position, but references[${row}] has ${reference.length} tokens and predictions[${row}] ${prediction.length}; pad both to the same length.`,
      );
    }
    for (let t = 0; t < reference.length; t++) {
      const predicted = prediction[t];
      if (typeof predicted === 'number' && Number.isNaN(predicted)) {
        throw new MetricsError(
          'METRICS_NON_FINITE',
          `predictions[${row}][${t}] is NaN; predictions must be token ids (take the argmax of the logits first).`,
        );
      }
      const expected = reference[t];
      if (expected === padId) continue;
      counted++;
      if (predicted === expected) correct++;
    }
  }
  return { correct, counted };
}

/**
 * Accuracy over token positions, skipping positions whose *reference* token is padding — masking on
 * the label, not on the prediction (masking on the prediction would drop exactly the positions where
 * the model wrongly predicts padding, and overstate accuracy).
 *
 * @param references - the correct token ids, one row per sequence.
 * @param predictions - predicted token ids, rows of the same lengths.
 * @throws {MetricsError} `METRICS_LENGTH_MISMATCH` for different row counts or row lengths,
 * `METRICS_EMPTY_INPUT` when no position is left to count, `METRICS_NON_FINITE` for a NaN
 * prediction, `METRICS_INVALID_OPTION` for bad options.
 * @example tokenAccuracy([[5, 6, 7, 0, 0]], [[5, 6, 1, 0, 3]]) // 2 / 3 (padding positions skipped)
 */
export function tokenAccuracy(
  references: readonly ArrayLike<Token>[],
  predictions: readonly ArrayLike<Token>[],
  options: TokenAccuracyOptions = {},
): number {
  const { padId } = resolveTokenAccuracyOptions(options);
  const { correct, counted } = countTokenAccuracy(references, predictions, padId);
  if (counted === 0) {
    throw new MetricsError(
      'METRICS_EMPTY_INPUT',
      `tokenAccuracy has no position to count: every reference token is the padding id ${String(padId)}.`,
    );
  }
  return correct / counted;
}
