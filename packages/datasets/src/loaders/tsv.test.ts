import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expectErrorCode } from '@rnnkit/test-utils';
import { describe, expect, it } from 'vitest';
import { DatasetsError } from '../errors.js';
import {
  DEFAULT_SENTENCE_PAIRS_OPTIONS,
  parseLabelledSentences,
  parseSentencePairs,
  readLabelledSentences,
  readSentencePairs,
  resolveSentencePairsOptions,
} from './tsv.js';

const fixture = (name: string) =>
  fileURLToPath(new URL(`../../test/fixtures/loaders/${name}`, import.meta.url));
const LABELLED = fixture('sentiment-labelled.txt');
const PAIRS = fixture('fra-pairs.txt');

const EXPECTED_LABELLED = [
  {
    sentence: 'So there is no way for me to plug it in here in the US unless I go by a converter.',
    label: 0,
  },
  { sentence: 'Good case, Excellent value.', label: 1 },
  { sentence: 'A very, very, very slow-moving, aimless movie.', label: 0 },
  { sentence: 'Works great!', label: 1 },
];

const EXPECTED_PAIRS = [
  {
    source: 'Go.',
    target: 'Va !',
    attribution: 'CC-BY 2.0 (France) Attribution: tatoeba.org #2877272 (CM) & #1158250 (Wittydev)',
  },
  { source: 'Hi.', target: 'Salut !' },
  {
    source: 'Run!',
    target: 'Cours\u202f!',
    attribution: 'CC-BY 2.0 (France) Attribution: tatoeba.org #906328 (papabear) & #906331 (sacredceltic)',
  },
  { source: 'Who?', target: 'Qui ?' },
];

/** `parse` throws `DATASETS_PARSE_ERROR` whose message names `Line <line>`. */
function expectParseErrorOnLine(parse: () => unknown, line: number): void {
  const error = expectErrorCode(parse, DatasetsError, 'DATASETS_PARSE_ERROR');
  expect(error.message).toMatch(new RegExp(`\\bLine ${line}\\b`));
}

describe('parseLabelledSentences', () => {
  it('reads sentence<TAB>label lines, skipping blank lines', () => {
    expect(parseLabelledSentences(readFileSync(LABELLED, 'utf8'))).toEqual(EXPECTED_LABELLED);
    expect(parseLabelledSentences('\ufeffa\tb\t1\r\n')).toEqual([{ sentence: 'a\tb', label: 1 }]);
  });

  it('names the line of a malformed row', () => {
    expectParseErrorOnLine(() => parseLabelledSentences('fine\t1\n\nno tab here\n'), 3);
    expectParseErrorOnLine(() => parseLabelledSentences('fine\t1\nbad\t2\n'), 2);
    expectErrorCode(() => parseLabelledSentences('ok\t1\n\t0\n'), DatasetsError, 'DATASETS_PARSE_ERROR');
    expectErrorCode(() => parseLabelledSentences('ok\tpositive\n'), DatasetsError, 'DATASETS_PARSE_ERROR');
  });

  it('reports empty input', () => {
    expectErrorCode(() => parseLabelledSentences(''), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(() => parseLabelledSentences('\n\n'), DatasetsError, 'DATASETS_EMPTY_INPUT');
  });
});

describe('parseSentencePairs', () => {
  it('pins the documented defaults', () => {
    expect(resolveSentencePairsOptions()).toEqual(DEFAULT_SENTENCE_PAIRS_OPTIONS);
    expect(DEFAULT_SENTENCE_PAIRS_OPTIONS).toEqual({ maxPairs: Number.POSITIVE_INFINITY });
  });

  it('reads pairs with and without attribution', () => {
    const pairs = parseSentencePairs(readFileSync(PAIRS, 'utf8'));
    expect(pairs).toEqual(EXPECTED_PAIRS);
    expect('attribution' in pairs[1]!).toBe(false);
  });

  it('stops after maxPairs, without reading the lines after them', () => {
    expect(parseSentencePairs(readFileSync(PAIRS, 'utf8'), { maxPairs: 2 })).toEqual(
      EXPECTED_PAIRS.slice(0, 2),
    );
    expect(parseSentencePairs('a\tb\nbroken line\n', { maxPairs: 1 })).toEqual([
      { source: 'a', target: 'b' },
    ]);
  });

  it('names the line of a malformed row and checks options', () => {
    expectParseErrorOnLine(() => parseSentencePairs('a\tb\n\nonly one field\n'), 3);
    expectParseErrorOnLine(() => parseSentencePairs('a\tb\tc\td\n'), 1);
    expectErrorCode(() => parseSentencePairs('a\t \n'), DatasetsError, 'DATASETS_PARSE_ERROR');
    expectErrorCode(() => parseSentencePairs(''), DatasetsError, 'DATASETS_EMPTY_INPUT');
    expectErrorCode(
      () => parseSentencePairs('a\tb', { maxPairs: 0 }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
    expectErrorCode(
      () => parseSentencePairs('a\tb', { maxPairs: 1.5 }),
      DatasetsError,
      'DATASETS_INVALID_OPTION',
    );
  });
});

describe('readLabelledSentences / readSentencePairs', () => {
  it('read files and map a missing file to DATASETS_IO_ERROR', async () => {
    await expect(readLabelledSentences(LABELLED)).resolves.toEqual(EXPECTED_LABELLED);
    await expect(readSentencePairs(PAIRS, { maxPairs: 1 })).resolves.toEqual(EXPECTED_PAIRS.slice(0, 1));
    await expect(readLabelledSentences(`${LABELLED}.missing`)).rejects.toMatchObject({
      code: 'DATASETS_IO_ERROR',
    });
    await expect(readSentencePairs(`${PAIRS}.missing`)).rejects.toMatchObject({ code: 'DATASETS_IO_ERROR' });
  });
});
