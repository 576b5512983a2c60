import { fileURLToPath } from 'node:url';
import { readSentencePairs } from '@rnnkit/datasets';
import { expectErrorCode } from '@rnnkit/test-utils';
import { CharVocabulary, standardize, Tokenizer, vocabularyFromJSON } from '@rnnkit/tokenize';
import { describe, expect, it } from 'vitest';
import { Seq2SeqError } from '../errors.js';
import { decodeTargets, encodeSources } from './pair-codec.js';
import { DEFAULT_PREPARE_PAIRS_OPTIONS, preparePairs } from './prepare-pairs.js';
import { TRANSLATION_STANDARDIZE } from './standardize-text.js';

const TATOEBA_CRLF = fileURLToPath(new URL('../../test/fixtures/fra-sample-crlf.txt', import.meta.url));

describe('preparePairs', () => {
  it('pins the documented defaults', () => {
    expect(DEFAULT_PREPARE_PAIRS_OPTIONS).toEqual({
      level: 'word',
      standardize: true,
      maxLength: null,
      longPairs: 'drop',
      maxVocabularySize: null,
      bucketing: null,
    });
  });

  it('applies the translation notebook standardisation (Unicode letters kept)', () => {
    expect(standardize('Va-t’en, Élise !', TRANSLATION_STANDARDIZE)).toBe('va t en , elise !');
    expect(standardize("I'm 17.", TRANSLATION_STANDARDIZE)).toBe('i m .');
    expect(standardize('Où est mon œuf\u202f?', TRANSLATION_STANDARDIZE)).toBe('ou est mon œuf ?');
  });

  it('reads a Tatoeba file with CRLF endings and the attribution column untouched', async () => {
    const pairs = await readSentencePairs(TATOEBA_CRLF);
    expect(pairs).toHaveLength(10);
    expect(pairs[0]).toEqual({
      source: 'Go.',
      target: 'Va\u202f!',
      attribution: 'CC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)',
    });
    expect(pairs.every((pair) => !/[\r\n]/.test(pair.source + pair.target + (pair.attribution ?? '')))).toBe(
      true,
    );
    const prepared = preparePairs(pairs);
    expect(prepared.sourceTexts).toEqual([
      'go .',
      'go .',
      'hi .',
      'who ?',
      'wow !',
      'i m ok .',
      'be calm .',
      'i m .',
      'she s naive .',
      'where s my egg ?',
    ]);
    expect(prepared.targetTexts).toEqual([
      'va !',
      'marche .',
      'salut !',
      'qui ?',
      'ca alors !',
      'je vais bien .',
      'sois calme !',
      'j ai ans .',
      'elle est naive .',
      'ou est mon œuf ?',
    ]);
    expect(decodeTargets(prepared.targetIds.rows(), prepared)).toEqual(prepared.targetTexts);
  });

  it('builds word vocabularies and teacher-forcing ids by hand-computed Keras ids', () => {
    const prepared = preparePairs([
      { source: 'Go.', target: 'Va !' },
      { source: 'Hi.', target: 'Salut !' },
    ]);
    expect(prepared.sourceVocabulary).toBeInstanceOf(Tokenizer);
    // source counts: '.' 2, go 1, hi 1 → OOV 1, '.' 2, go 3, hi 4
    expect(prepared.sourceSequences).toEqual([
      [3, 2],
      [4, 2],
    ]);
    expect(prepared.sourceIds.rows()).toEqual([
      [3, 2],
      [4, 2],
    ]);
    // target counts in first-seen order: [start] 2, va 1, ! 2, [end] 2, salut 1 → [start] 2, ! 3, [end] 4, va 5, salut 6
    expect([prepared.bos, prepared.eos, prepared.padId, prepared.oovId]).toEqual([2, 4, 0, 1]);
    expect(prepared.targetSequences).toEqual([
      [5, 3],
      [6, 3],
    ]);
    expect(prepared.targetIds.rows()).toEqual([
      [2, 5, 3, 4],
      [2, 6, 3, 4],
    ]);
    expect(prepared.decoderInputIds.rows()).toEqual([
      [2, 5, 3],
      [2, 6, 3],
    ]);
    expect(prepared.decoderTargetIds.rows()).toEqual([
      [5, 3, 4],
      [6, 3, 4],
    ]);
    expect(prepared.sourceVocabulary.vocabularySize).toBe(5);
    expect(prepared.targetVocabulary.vocabularySize).toBe(7);
    expect(prepared.dropped).toEqual({ empty: 0, tooLong: 0 });
    expect(prepared.batches).toBeNull();
  });

  it('builds char vocabularies with pad 0, OOV 1, BOS 2, EOS 3 and post padding', () => {
    const prepared = preparePairs(
      [
        { source: 'ab', target: 'ba' },
        { source: 'a', target: 'c' },
      ],
      { level: 'char', standardize: false },
    );
    expect(prepared.sourceVocabulary).toBeInstanceOf(CharVocabulary);
    expect(prepared.sourceIds.rows()).toEqual([
      [2, 3],
      [2, 0],
    ]);
    expect([prepared.bos, prepared.eos]).toEqual([2, 3]);
    expect(prepared.targetIds.rows()).toEqual([
      [2, 5, 4, 3],
      [2, 6, 3, 0],
    ]);
    expect(prepared.decoderInputIds.rows()).toEqual([
      [2, 5, 4],
      [2, 6, 0],
    ]);
    expect(prepared.decoderTargetIds.rows()).toEqual([
      [5, 4, 3],
      [6, 3, 0],
    ]);
  });

  it('takes a level per side (grapheme-to-phoneme: letters in, phonemes out)', () => {
    const prepared = preparePairs(
      [
        { source: 'hello', target: 'HH AH L OW' },
        { source: 'low', target: 'L OW' },
      ],
      { level: { source: 'char', target: 'word' }, standardize: false },
    );
    expect(prepared.sourceVocabulary.level).toBe('char');
    expect(prepared.targetVocabulary.level).toBe('word');
    expect(prepared.sourceSequences[1]).toHaveLength(3);
    expect(prepared.targetSequences[0]).toHaveLength(4);
    expect(decodeTargets(prepared.targetIds.rows(), prepared)).toEqual(['HH AH L OW', 'L OW']);
  });

  it('drops empty and long pairs, or truncates long ones', () => {
    const pairs = [
      { source: 'one two three', target: 'un deux trois' },
      { source: '42', target: 'quarante-deux' },
      { source: 'one', target: 'un' },
    ];
    const dropped = preparePairs(pairs, { maxLength: 2 });
    expect(dropped.pairIndices).toEqual([2]);
    expect(dropped.dropped).toEqual({ empty: 1, tooLong: 1 });
    const truncated = preparePairs(pairs, { maxLength: 2, longPairs: 'truncate' });
    expect(truncated.pairIndices).toEqual([0, 2]);
    expect(truncated.sourceTexts).toEqual(['one two', 'one']);
    expect(truncated.targetTexts).toEqual(['un deux', 'un']);
    expect(truncated.targetIds.shape).toEqual([2, 4]);
    expect(truncated.targetIds.row(0).at(-1)).toBe(truncated.eos);
  });

  it('caps each vocabulary at maxVocabularySize, rarer tokens becoming OOV', () => {
    const prepared = preparePairs(
      [
        { source: 'a a a b b c', target: 'x' },
        { source: 'a b d', target: 'y x' },
      ],
      { maxVocabularySize: 5 },
    );
    expect(prepared.sourceVocabulary.vocabularySize).toBe(5); // pad, OOV, a, b, c
    expect(prepared.sourceSequences).toEqual([
      [2, 2, 2, 3, 3, 4],
      [2, 3, 1],
    ]);
    expect(prepared.targetVocabulary.vocabularySize).toBe(5);
    expect(decodeTargets(prepared.targetIds.rows(), prepared)).toEqual(['x', '[UNK] x']);
  });

  it('buckets pairs by source length, each batch padded to its own longest', () => {
    const prepared = preparePairs(
      [
        { source: 'a', target: 'x' },
        { source: 'a b c', target: 'x y' },
        { source: 'b', target: 'y y y' },
        { source: 'c b a', target: 'z' },
      ],
      { bucketing: { boundaries: [2], batchSizes: [2, 2] } },
    );
    const batches = prepared.batches!;
    expect(batches.map((batch) => [batch.bucket, batch.rows])).toEqual([
      [0, [0, 2]],
      [1, [1, 3]],
    ]);
    for (const batch of batches) {
      expect(batch.sourceIds.rows()).toEqual(batch.rows.map((row) => prepared.sourceSequences[row]));
      expect(decodeTargets(batch.targetIds.rows(), prepared)).toEqual(
        batch.rows.map((row) => prepared.targetTexts[row]),
      );
      expect(batch.decoderInputIds.shape).toEqual(batch.decoderTargetIds.shape);
    }
    expect(batches[0]!.targetIds.shape).toEqual([2, 5]);
    expect(batches[1]!.targetIds.shape).toEqual([2, 4]);
  });

  it('keeps vocabularies that survive their JSON (what a checkpoint stores)', () => {
    const prepared = preparePairs([{ source: 'Go now.', target: 'Va maintenant !' }]);
    const reloaded = {
      ...prepared,
      sourceVocabulary: vocabularyFromJSON(prepared.sourceVocabulary.toJSON()),
      targetVocabulary: vocabularyFromJSON(prepared.targetVocabulary.toJSON()),
    };
    expect(encodeSources(['Go now.'], reloaded).sequences).toEqual(prepared.sourceSequences);
    expect(decodeTargets(prepared.targetIds.rows(), reloaded)).toEqual(prepared.targetTexts);
  });

  it('fails with typed errors on bad options and inputs', () => {
    const pairs = [{ source: 'a', target: 'b' }];
    const invalidOption = (options: object) =>
      expectErrorCode(() => preparePairs(pairs, options), Seq2SeqError, 'SEQ2SEQ_INVALID_OPTION');
    const misspelt = invalidOption({ maxLenght: 3 });
    expect(misspelt.message).toMatch(/maxLength/);
    invalidOption({ maxlen: 3 });
    invalidOption({ level: 'words' });
    invalidOption({ level: { source: 'char' } });
    invalidOption({ level: { source: 'char', target: 'word', other: 'x' } });
    invalidOption({ standardize: { lowercse: true } });
    invalidOption({ standardize: 'yes' });
    invalidOption({ maxLength: 0 });
    invalidOption({ longPairs: 'cut' });
    invalidOption({ maxVocabularySize: 4 });
    invalidOption({ bucketing: { boundaries: [3], batchSizes: [1] } });
    invalidOption({ bucketing: { boundaries: [3], batchSizes: [1, 1], padValue: 2 } });
    invalidOption({ bucketing: [3] });
    const invalidInput = (input: unknown, options?: object) =>
      expectErrorCode(
        () => preparePairs(input as { source: string; target: string }[], options),
        Seq2SeqError,
        'SEQ2SEQ_INVALID_INPUT',
      );
    invalidInput([]);
    invalidInput('a\tb');
    invalidInput([{ source: 'a' }]);
    invalidInput([{ source: '42', target: '17' }]);
    invalidInput([{ source: 'a', target: 'b [end]' }], { standardize: false });
  });
});
