import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPairs, splitBySource } from './pairs.js';
import { SAMPLE_NAMES, samplePairs } from './sample-grammar.js';

// A synthetic fra.txt as manythings.org ships it: english<TAB>french<TAB>attribution, CRLF line
// endings, UTF-8 without a byte-order mark, accents and narrow no-break spaces in the French,
// several French lines per English sentence, sorted by length.
const NAMES = [
  ...SAMPLE_NAMES,
  ['John', 'Jean', 0],
  ['Alice', 'Alice', 1],
  ['Paul', 'Paul', 0],
  ['Emma', 'Emma', 1],
  ['Louis', 'Louis', 0],
  ['Chloe', 'Chloé', 1],
  ['Hugo', 'Hugo', 0],
  ['Zoe', 'Zoé', 1],
] as const;
const PAIRS = samplePairs(NAMES);
const attribution = (i: number) =>
  `CC-BY 2.0 (France) Attribution: tatoeba.org #${1000 + i} (CK) & #${500_000 + i} (Sénégal)`;
const fileText = (lineEnding: string) =>
  PAIRS.map(({ english, french }, i) => `${english}\t${french}\t${attribution(i)}${lineEnding}`).join('');

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'rnnkit-fra-'));
  await writeFile(join(dir, 'fra.txt'), fileText('\r\n'));
  await writeFile(join(dir, 'fra-unix.txt'), fileText('\n'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('loading a fra.txt-format file untouched', () => {
  it('reads every line, fields as written, attribution aside, no \\r left', async () => {
    expect(PAIRS.length).toBeGreaterThan(2500);
    const { pairs, kept, groups } = await loadPairs(join(dir, 'fra.txt'), {
      maxPairs: Number.POSITIVE_INFINITY,
      maxLength: 20,
    });
    expect(pairs).toEqual(
      PAIRS.map(({ english, french }, i) => ({
        source: english,
        target: french,
        attribution: attribution(i),
      })),
    );
    expect(pairs.some((pair) => /[éèêçâîô]/.test(pair.target))).toBe(true);
    expect(pairs.some((pair) => pair.target.includes('\u202f'))).toBe(true);
    expect(kept).toBe(PAIRS.length);
    // One group per English sentence, holding every French line of it, in file order.
    const english = [...new Set(PAIRS.map((pair) => pair.english))];
    expect(groups.map((group) => group.source)).toEqual(english);
    const tired = groups.find((group) => group.source === "You're tired.")!;
    expect(tired.key).toBe('you re tired .');
    expect(tired.targets).toEqual(['Tu es fatigué.', 'Tu es fatiguée.', 'Vous êtes fatigué.']);
    // Unix line endings give the same pairs.
    const unix = await loadPairs(join(dir, 'fra-unix.txt'), {
      maxPairs: Number.POSITIVE_INFINITY,
      maxLength: 20,
    });
    expect(unix.pairs).toEqual(pairs);
  });

  it('keeps the first maxPairs lines and drops pairs longer than maxLength words, as the notebook', async () => {
    const first = await loadPairs(join(dir, 'fra.txt'), { maxPairs: 100, maxLength: 20 });
    expect(first.pairs).toHaveLength(100);
    const short = await loadPairs(join(dir, 'fra.txt'), { maxPairs: Number.POSITIVE_INFINITY, maxLength: 4 });
    expect(short.kept).toBeLessThan(PAIRS.length);
    expect(short.groups.every((group) => group.key.split(' ').length <= 4)).toBe(true);
  });

  it('splits by source sentence, seeded: no held-out source in training, every reference kept', async () => {
    const { groups, kept } = await loadPairs(join(dir, 'fra.txt'), {
      maxPairs: Number.POSITIVE_INFINITY,
      maxLength: 20,
    });
    const split = splitBySource(groups, { heldOutFraction: 0.1, seed: 7 });
    expect(split.heldOutGroups.length).toBe(Math.round(0.1 * groups.length));
    expect(split.train.length + split.heldOut.length).toBe(kept);
    const trainKeys = new Set(split.trainGroups.map((group) => group.key));
    expect(split.heldOutGroups.some((group) => trainKeys.has(group.key))).toBe(false);
    const trainSources = new Set(split.train.map((pair) => pair.source));
    expect(split.heldOut.some((pair) => trainSources.has(pair.source))).toBe(false);
    // Held-out pairs of one source carry all its targets (evaluateTranslator gathers them as references).
    const heldOutTargets = split.heldOut.filter((pair) => pair.source === split.heldOutGroups[0]!.source);
    expect(heldOutTargets.map((pair) => pair.target)).toEqual(split.heldOutGroups[0]!.targets);
    expect(splitBySource(groups, { heldOutFraction: 0.1, seed: 7 })).toEqual(split);
    expect(splitBySource(groups, { heldOutFraction: 0.1, seed: 8 }).heldOut).not.toEqual(split.heldOut);
  });
});
