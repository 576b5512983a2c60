import { editDistance, toElements } from './levenshtein.js';
import type { Token } from './ngrams.js';
import { check, fail, pairedArrays } from './validate.js';

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
    fail('METRICS_INVALID_INPUT', 'wordErrorRate', name, sentence, 'must be a string or an array of words');
  }
  return sentence;
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
        fail(
          'METRICS_INVALID_INPUT',
          'characterErrorRate',
          name,
          sentence,
          'must be a string',
          'Use tokenErrorRate for token arrays.',
        );
      }
      return toElements(sentence, name);
    case 'token':
      if (typeof sentence === 'string') {
        fail(
          'METRICS_INVALID_INPUT',
          'tokenErrorRate',
          name,
          sentence,
          'must be an array of tokens, not a string',
          'Split it first, or use characterErrorRate.',
        );
      }
      return toElements(sentence as ArrayLike<Token>, name);
    default: {
      const never: never = unit;
      return check.invalid('ErrorRateAccumulator', 'unit', never, 'must be a known unit');
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
    const distance = editDistance(
      reference,
      hypothesis,
      unit === 'character' ? 'characterErrorRate' : unit === 'word' ? 'wordErrorRate' : 'tokenErrorRate',
    );
    edits += distance;
    referenceLength += reference.length;
    onPair?.(distance, reference.length, i);
  }
  return { edits, referenceLength, pairs: references.length };
}

/** `edits / referenceLength`, or a typed error when the references are empty. */
export function rateOf(counts: ErrorCounts, metric: string): number {
  if (counts.referenceLength === 0) {
    fail(
      'METRICS_EMPTY_INPUT',
      metric,
      'the total reference length',
      0,
      'must be > 0 (the rate divides by it)',
      'Give at least one non-empty reference.',
    );
  }
  return counts.edits / counts.referenceLength;
}

function corpusRate(references: unknown, hypotheses: unknown, unit: ErrorRateUnit, metric: string): number {
  pairedArrays(metric, references, hypotheses);
  return rateOf(countErrors(references as unknown[], hypotheses as unknown[], unit), metric);
}

function sentenceRates(
  references: unknown,
  hypotheses: unknown,
  unit: ErrorRateUnit,
  metric: string,
): number[] {
  pairedArrays(metric, references, hypotheses);
  const rates: number[] = [];
  countErrors(references as unknown[], hypotheses as unknown[], unit, (edits, length, i) => {
    if (length === 0) {
      fail(
        'METRICS_EMPTY_INPUT',
        metric,
        `references[${i}]`,
        (references as unknown[])[i],
        'must not be empty (its rate divides by its length)',
        'Drop the pair or use the corpus-level rate.',
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
  pairedArrays('sequenceExactMatch', references, hypotheses);
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
 * Validates {@link TokenAccuracyOptions} and fills in the defaults (internal).
 * @throws {MetricsError} `METRICS_INVALID_OPTION` for an unknown option or a padId that is not a
 * token or null.
 */
export function resolveTokenAccuracyOptions(
  options: TokenAccuracyOptions = {},
  fn = 'tokenAccuracy',
): {
  readonly padId: Token | null;
} {
  const given = check.options(fn, options, ['padId']);
  const padId = given.padId === undefined ? DEFAULT_TOKEN_ACCURACY_OPTIONS.padId : given.padId;
  if (padId !== null && typeof padId !== 'string' && (typeof padId !== 'number' || Number.isNaN(padId))) {
    check.invalid(fn, 'padId', padId, 'must be a token (number or string) or null');
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
  fn = 'tokenAccuracy',
): TokenAccuracyCounts {
  pairedArrays(fn, references, predictions, ['references', 'predictions']);
  let correct = 0;
  let counted = 0;
  for (let row = 0; row < references.length; row++) {
    const reference = toElements(references[row] as ArrayLike<Token>, `references[${row}]`);
    const prediction = toElements(predictions[row] as ArrayLike<Token>, `predictions[${row}]`);
    if (reference.length !== prediction.length) {
      fail(
        'METRICS_LENGTH_MISMATCH',
        fn,
        `predictions[${row}].length`,
        prediction.length,
        `must equal references[${row}].length (${reference.length})`,
        'Pad both to the same length.',
      );
    }
    for (let t = 0; t < reference.length; t++) {
      const predicted = prediction[t];
      if (typeof predicted === 'number' && Number.isNaN(predicted)) {
        fail(
          'METRICS_NON_FINITE',
          fn,
          `predictions[${row}][${t}]`,
          predicted,
          'must be a token id',
          'Take the argmax of the logits first.',
        );
      }
      const expected = reference[t];
      if (typeof expected === 'number' && Number.isNaN(expected)) {
        fail(
          'METRICS_NON_FINITE',
          fn,
          `references[${row}][${t}]`,
          expected,
          'must be a token id',
          'Check the labels for NaN.',
        );
      }
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
    fail(
      'METRICS_EMPTY_INPUT',
      'tokenAccuracy',
      'references',
      references,
      `must hold a position that is not padding (padId ${String(padId)})`,
    );
  }
  return correct / counted;
}
