// Loading a Tatoeba/ManyThings pairs file (fra.txt: english<TAB>french<TAB>attribution, Windows
// or Unix line endings) and splitting it by source sentence: Tatoeba lists each translation of
// an English sentence on its own line, so the lines are grouped by the (standardised) English
// sentence, and whole groups go to training or to the held-out set — no held-out source is ever
// seen in training, and held-out BLEU scores a translation against every reference.
import { SeededRandom } from '@rnnkit/core';
import { readSentencePairs, type SentencePair } from '@rnnkit/datasets';
import { preparePairs, type TextPair } from '@rnnkit/seq2seq';

/** The translations of one source sentence. */
export interface SourceGroup {
  /** The source as standardised by `preparePairs` (the notebook's preprocessing): the group key. */
  readonly key: string;
  /** The source as first written in the file (what the translator is asked to translate). */
  readonly source: string;
  /** Every target of that source, as written (several on Tatoeba). */
  readonly targets: readonly string[];
}

export interface LoadedPairs {
  /** Every pair read, as `readSentencePairs` returns it (attribution kept aside). */
  readonly pairs: readonly SentencePair[];
  /** Pairs kept after the notebook's filter (empty after standardisation, or longer than `maxLength` words). */
  readonly kept: number;
  /** Groups by standardised source, in file order. */
  readonly groups: readonly SourceGroup[];
}

/**
 * Reads a pairs file (the first `maxPairs` lines, like the notebooks' `num_samples`; `Infinity`
 * for all), drops the pairs the translation notebook drops (a side longer than `maxLength` words,
 * or left empty) and groups the rest by standardised source sentence.
 */
export async function loadPairs(
  path: string,
  options: { readonly maxPairs: number; readonly maxLength: number },
): Promise<LoadedPairs> {
  const pairs = await readSentencePairs(path, { maxPairs: options.maxPairs });
  return { pairs, ...groupPairs(pairs, options.maxLength) };
}

/** {@link loadPairs} after the read: filter as the notebook, group by standardised source. */
export function groupPairs(
  pairs: readonly TextPair[],
  maxLength: number,
): { readonly kept: number; readonly groups: SourceGroup[] } {
  // preparePairs standardises both sides exactly as training will and applies the same filter;
  // only its texts and pair indices are used here (the vocabularies are built later, from training pairs only).
  const prepared = preparePairs(pairs, { maxLength });
  const byKey = new Map<string, { source: string; targets: string[] }>();
  prepared.pairIndices.forEach((pairIndex, row) => {
    const key = prepared.sourceTexts[row]!;
    const pair = pairs[pairIndex]!;
    const group = byKey.get(key);
    if (group === undefined) byKey.set(key, { source: pair.source, targets: [pair.target] });
    else group.targets.push(pair.target);
  });
  return {
    kept: prepared.pairIndices.length,
    groups: [...byKey].map(([key, { source, targets }]) => ({ key, source, targets })),
  };
}

export interface PairSplit {
  /** Training pairs: every target of every training source. */
  readonly train: TextPair[];
  /** Held-out pairs, each source written as its group's first spelling, so evaluation gathers all its references. */
  readonly heldOut: TextPair[];
  readonly trainGroups: readonly SourceGroup[];
  readonly heldOutGroups: readonly SourceGroup[];
}

/**
 * Shuffles the source groups with `seed` and holds out `heldOutFraction` of them (at least one,
 * at most all but one), every translation of a source going to the same side.
 */
export function splitBySource(
  groups: readonly SourceGroup[],
  options: { readonly heldOutFraction: number; readonly seed: number },
): PairSplit {
  if (groups.length < 2) {
    throw new RangeError(`splitBySource: need at least 2 distinct source sentences, got ${groups.length}`);
  }
  const order = new SeededRandom(options.seed).shuffleInPlace(groups.map((_, i) => i));
  const heldOutCount = Math.min(
    groups.length - 1,
    Math.max(1, Math.round(options.heldOutFraction * groups.length)),
  );
  // File order inside each side, so the split reads like the file.
  const heldOutIndices = new Set(order.slice(0, heldOutCount));
  const trainGroups = groups.filter((_, i) => !heldOutIndices.has(i));
  const heldOutGroups = groups.filter((_, i) => heldOutIndices.has(i));
  const flatten = (list: readonly SourceGroup[]) =>
    list.flatMap((group) => group.targets.map((target) => ({ source: group.source, target })));
  return { train: flatten(trainGroups), heldOut: flatten(heldOutGroups), trainGroups, heldOutGroups };
}
