import { expectErrorCode } from '@rnnkit/test-utils';
import { standardize } from '@rnnkit/tokenize';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Seq2SeqError } from '../errors.js';
import { DEFAULT_ENCODE_SOURCES_OPTIONS, decodeTargets, encodeSources } from './pair-codec.js';
import { preparePairs } from './prepare-pairs.js';
import { TRANSLATION_STANDARDIZE } from './standardize-text.js';

/** Sentences over letters (accented, cased), punctuation, digits and odd whitespace. */
const sentence = fc.string({
  unit: fc.constantFrom(
    'a',
    'b',
    'C',
    'é',
    'Ç',
    'œ',
    ' ',
    ' ',
    '\u202f',
    '\t',
    '.',
    '!',
    '?',
    ',',
    "'",
    '1',
    '-',
  ),
  minLength: 1,
  maxLength: 24,
});
const pairs = fc.array(fc.record({ source: sentence, target: sentence }), { minLength: 1, maxLength: 12 });
const level = fc.constantFrom('word' as const, 'char' as const);
const hasTokens = (list: { source: string; target: string }[]) =>
  list.some(({ source, target }) => /[abcéçœ]/i.test(source) && /[abcéçœ]/i.test(target));

describe('encodeSources / decodeTargets', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_ENCODE_SOURCES_OPTIONS).toEqual({ sequenceLength: null });
  });

  it('ids round-trip to the standardised text, both sides, word and char level', () => {
    fc.assert(
      fc.property(pairs, level, (list, tokenLevel) => {
        fc.pre(hasTokens(list));
        const prepared = preparePairs(list, { level: tokenLevel });
        prepared.pairIndices.forEach((index, row) => {
          const expectedSource = standardize(list[index]!.source, TRANSLATION_STANDARDIZE);
          expect(prepared.sourceTexts[row]).toBe(expectedSource);
          expect(prepared.sourceVocabulary.decode(prepared.sourceSequences[row]!)).toBe(expectedSource);
        });
        expect(decodeTargets(prepared.targetIds.rows(), prepared)).toEqual(prepared.targetTexts);
        expect(decodeTargets(prepared.decoderTargetIds.rows(), prepared)).toEqual(prepared.targetTexts);
        // inference encodes the raw sources exactly as training did
        const sources = prepared.pairIndices.map((index) => list[index]!.source);
        expect(encodeSources(sources, prepared).sequences).toEqual(prepared.sourceSequences);
      }),
      { numRuns: 150 },
    );
  });

  it('padding never loses ids within maxLength', () => {
    fc.assert(
      fc.property(pairs, level, fc.integer({ min: 1, max: 8 }), (list, tokenLevel, maxLength) => {
        fc.pre(hasTokens(list));
        const prepared = preparePairs(list, { level: tokenLevel, maxLength, longPairs: 'truncate' });
        const { bos, eos } = prepared;
        prepared.sourceSequences.forEach((sequence, row) => {
          expect(sequence.length).toBeLessThanOrEqual(maxLength);
          const padded = [...prepared.sourceIds.row(row)];
          expect(padded.slice(0, sequence.length)).toEqual(sequence);
          expect(padded.slice(sequence.length).every((id) => id === 0)).toBe(true);
        });
        prepared.targetSequences.forEach((sequence, row) => {
          expect(sequence.length).toBeLessThanOrEqual(maxLength);
          const marked = [bos, ...sequence, eos];
          const check = (matrix: typeof prepared.targetIds, expected: number[]) => {
            const padded = [...matrix.row(row)];
            expect(padded.slice(0, expected.length)).toEqual(expected);
            expect(padded.slice(expected.length).every((id) => id === 0)).toBe(true);
          };
          check(prepared.targetIds, marked);
          check(prepared.decoderInputIds, marked.slice(0, -1));
          check(prepared.decoderTargetIds, marked.slice(1));
        });
        expect(prepared.targetIds.shape[1]).toBeLessThanOrEqual(maxLength + 2);
      }),
      { numRuns: 150 },
    );
  });

  it('encodes unseen words as OOV, pads to the longest or to sequenceLength', () => {
    const prepared = preparePairs([
      { source: 'Go now.', target: 'Va !' },
      { source: 'Go.', target: 'Va.' },
    ]);
    const go = prepared.sourceVocabulary.tokenToId('go')!;
    const now = prepared.sourceVocabulary.tokenToId('now')!;
    const dot = prepared.sourceVocabulary.tokenToId('.')!;
    const encoded = encodeSources(['GO, now!', 'Go.', '42'], prepared);
    expect(encoded.texts).toEqual(['go , now !', 'go .', '']);
    expect(encoded.ids.rows()).toEqual([
      [go, 1, now, 1],
      [go, dot, 0, 0],
      [0, 0, 0, 0],
    ]);
    expect(encoded.lengths).toEqual([4, 2, 0]);
    const fixed = encodeSources(['Go now.'], prepared, { sequenceLength: 2 });
    expect(fixed.ids.rows()).toEqual([[go, now]]);
    expect(fixed.sequences).toEqual([[go, now]]);
  });

  it('decodes up to EOS, skipping BOS and padding', () => {
    const prepared = preparePairs([{ source: 'Go.', target: 'Va !' }]);
    const va = prepared.targetVocabulary.tokenToId('va')!;
    const bang = prepared.targetVocabulary.tokenToId('!')!;
    const { bos, eos } = prepared;
    expect(
      decodeTargets([[bos, va, bang, eos, va], [va, 1], new Int32Array([bang, 0, bang]), []], prepared),
    ).toEqual(['va !', 'va [UNK]', '! !', '']);
  });

  it('fails with typed errors', () => {
    const prepared = preparePairs([{ source: 'Go.', target: 'Va !' }]);
    expectErrorCode(
      () => encodeSources(['a'], prepared, { maxLength: 3 } as object),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    expectErrorCode(
      () => encodeSources(['a'], prepared, { sequenceLength: 0 }),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_OPTION',
    );
    expectErrorCode(
      () => encodeSources('a' as unknown as string[], prepared),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    expectErrorCode(() => encodeSources(['a'], {} as typeof prepared), Seq2SeqError, 'SEQ2SEQ_INVALID_INPUT');
    expectErrorCode(() => decodeTargets([[99]], prepared), Seq2SeqError, 'SEQ2SEQ_INVALID_INPUT');
    expectErrorCode(
      () => decodeTargets([5] as unknown as number[][], prepared),
      Seq2SeqError,
      'SEQ2SEQ_INVALID_INPUT',
    );
    expectErrorCode(
      () => decodeTargets([[1]], { ...prepared, eos: 1000 }),
      Seq2SeqError,
      'SEQ2SEQ_VOCABULARY_MISMATCH',
    );
    expectErrorCode(
      () => decodeTargets([[1]], { ...prepared, eos: prepared.bos }),
      Seq2SeqError,
      'SEQ2SEQ_VOCABULARY_MISMATCH',
    );
  });
});
