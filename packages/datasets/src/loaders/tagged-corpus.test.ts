import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectErrorCode } from '@rnnkit/test-utils';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from '../errors.js';
import { brownToUniversal, UNIVERSAL_TAGS } from './brown-universal.js';
import {
  DEFAULT_TAGGED_SENTENCES_OPTIONS,
  parseTaggedSentences,
  readTaggedSentences,
  resolveTaggedSentencesOptions,
} from './tagged-corpus.js';

const FIXTURE = fileURLToPath(new URL('../../test/fixtures/loaders/brown-tagged.txt', import.meta.url));
const text = readFileSync(FIXTURE, 'utf8');
const pairs = (sentence: readonly { word: string; tag: string }[]) =>
  sentence.map(({ word, tag }) => `${word}/${tag}`);

describe('parseTaggedSentences', () => {
  it('pins the documented defaults', () => {
    expect(resolveTaggedSentencesOptions()).toEqual(DEFAULT_TAGGED_SENTENCES_OPTIONS);
    expect(DEFAULT_TAGGED_SENTENCES_OPTIONS).toEqual({ tagset: 'brown', lowercase: false });
  });

  it('reads one sentence per line, splitting at the last "/" and uppercasing tags as NLTK', () => {
    const sentences = parseTaggedSentences(text);
    expect(sentences).toHaveLength(4);
    expect(sentences[0]!.slice(0, 3)).toEqual([
      { word: 'The', tag: 'AT' },
      { word: 'Fulton', tag: 'NP-TL' },
      { word: 'County', tag: 'NN-TL' },
    ]);
    expect(pairs(sentences[1]!)).toEqual([
      "It's/PPS+BEZ",
      '1/2/CD',
      'of/IN',
      'his/PP$',
      'voters/NNS',
      ',/,',
      'not/*',
      'mine/PP$$',
      ';/.',
      'Mayor-nominate/NN-TL',
      'Allen/NP-TL-HL',
      'Jr./NP',
      './.',
    ]);
    expect(pairs(sentences[2]!)).toEqual(['Price/NN-HL', 'Hike/NN-HL', 'Looms/VBZ-HL']);
  });

  it("maps to the universal tagset as NLTK's brown.tagged_sents(tagset='universal')", () => {
    const sentences = parseTaggedSentences(text, { tagset: 'universal', lowercase: true });
    // NLTK 3.8: brown.tagged_sents(tagset='universal')[0], lowercased words.
    expect(pairs(sentences[0]!)).toEqual([
      'the/DET',
      'fulton/NOUN',
      'county/NOUN',
      'grand/ADJ',
      'jury/NOUN',
      'said/VERB',
      'friday/NOUN',
      'an/DET',
      'investigation/NOUN',
      'of/ADP',
      "atlanta's/NOUN",
      'recent/ADJ',
      'primary/NOUN',
      'election/NOUN',
      'produced/VERB',
      '``/.',
      'no/DET',
      'evidence/NOUN',
      "''/.",
      'that/ADP',
      'any/DET',
      'irregularities/NOUN',
      'took/VERB',
      'place/NOUN',
      './.',
    ]);
    expect(pairs(sentences[1]!)).toEqual([
      "it's/PRT",
      '1/2/NUM',
      'of/ADP',
      'his/DET',
      'voters/NOUN',
      ',/.',
      'not/ADV',
      'mine/PRON',
      ';/.',
      'mayor-nominate/NOUN',
      'allen/NOUN',
      'jr./NOUN',
      './.',
    ]);
    expect(pairs(sentences[3]!)).toEqual([
      'there/PRT',
      "wasn't/VERB",
      'a/DET',
      'coup/X',
      "d'etat/X",
      'here/ADV',
      './.',
    ]);
  });

  it('names the line of a token that is not word/TAG, and reports empty input and bad options', () => {
    const noSlash = expectErrorCode(
      () => parseTaggedSentences('a/at b/nn\n\nword\n'),
      DatasetsError,
      'DATASETS_PARSE_ERROR',
    );
    expect(noSlash.message).toMatch(/\bLine 3\b/);
    expectErrorCode(() => parseTaggedSentences('a/at b/\n'), DatasetsError, 'DATASETS_PARSE_ERROR');
    expectErrorCode(() => parseTaggedSentences('/nn\n'), DatasetsError, 'DATASETS_PARSE_ERROR');
    expectErrorCode(() => parseTaggedSentences(' \n\t\n'), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(
      () => parseTaggedSentences('a/at', { tagset: 'ptb' as 'brown' }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });

  it('round-trips words containing "/" and keeps one token per whitespace-separated item', () => {
    const word = fc.stringMatching(/^[A-Za-z0-9/'.-]{1,6}$/);
    const tag = fc.stringMatching(/^[a-z$*+-]{1,5}$/);
    fc.assert(
      fc.property(fc.array(fc.tuple(word, tag), { minLength: 1, maxLength: 8 }), (tokens) => {
        const line = tokens.map(([w, t]) => `${w}/${t}`).join(' ');
        const [sentence] = parseTaggedSentences(`\t${line}\n`);
        expect(sentence).toEqual(tokens.map(([w, t]) => ({ word: w, tag: t.toUpperCase() })));
      }),
    );
  });
});

describe('brownToUniversal', () => {
  it('maps base tags, modifiers, contractions, foreign words and unknown tags', () => {
    const cases: Record<string, string> = {
      AT: 'DET',
      'nn-tl': 'NOUN',
      NNS$: 'NOUN',
      'NNS$-TL': 'NOUN',
      NP$: 'NOUN',
      '*': 'ADV',
      '*-HL': 'ADV',
      '---HL': '.',
      '(-HL': '.',
      'NN-TL-HL': 'NOUN',
      'BEZ*': 'VERB',
      PP$: 'DET',
      PP$$: 'PRON',
      WP$: 'DET',
      PPSS: 'PRON',
      'PPS+BEZ': 'PRT',
      'EX+BEZ': 'PRT',
      'VB+PPO': 'VERB',
      'AP+AP-NC': 'ADJ',
      AP: 'ADJ',
      AP$: 'PRT',
      ABL: 'PRT',
      ABN: 'PRT',
      ABX: 'DET',
      CS: 'ADP',
      OD: 'ADJ',
      EX: 'PRT',
      UH: 'PRT',
      TO: 'PRT',
      RP: 'PRT',
      MD: 'VERB',
      'FW-NN': 'X',
      'FW-IN+AT-TL': 'X',
      NIL: 'X',
      ZZZ: 'X',
      CONSTRUCTOR: 'X',
    };
    for (const [brown, universal] of Object.entries(cases))
      expect([brown, brownToUniversal(brown)]).toEqual([brown, universal]);
  });

  it('always returns one of the 12 universal tags', () => {
    fc.assert(
      fc.property(fc.string(), (tag) => {
        expect(UNIVERSAL_TAGS).toContain(brownToUniversal(tag));
      }),
    );
  });
});

describe('readTaggedSentences', () => {
  it('reads a file and maps a missing file to DATASETS_IO_ERROR', async () => {
    const sentences = await readTaggedSentences(FIXTURE, { tagset: 'universal' });
    expect(pairs(sentences[2]!)).toEqual(['Price/NOUN', 'Hike/NOUN', 'Looms/VERB']);
    await expect(readTaggedSentences(`${FIXTURE}.missing`)).rejects.toMatchObject({
      code: 'DATASETS_IO_ERROR',
    });
  });
});
