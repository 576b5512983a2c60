// Held-out scores from predicted tags: token accuracy over real tokens (padding never reaches
// here), split by words seen / unseen in training, and scikit-learn-exact reports.
import { brownToUniversal } from '@rnnkit/datasets';
import {
  type ClassificationReport,
  type ConfusionMatrix,
  classificationReport,
  confusionMatrix,
} from '@rnnkit/metrics';
import type { Sentence } from './data.js';
import type { Featurizer } from './features.js';

export interface TagScores {
  readonly accuracy: number;
  readonly tokens: number;
  /** Words whose lowercase form occurred in the training sentences. */
  readonly knownAccuracy: number;
  readonly knownTokens: number;
  /** Words never seen in training (any case). */
  readonly unseenAccuracy: number;
  readonly unseenTokens: number;
}

/** True where the word (lowercased) never occurred in the training sentences. */
export function unseenFlags(featurizer: Featurizer, sentences: readonly Sentence[]): boolean[][] {
  const index = featurizer.words.wordIndex;
  return sentences.map((s) => s.words.map((word) => !index.has(word.toLowerCase())));
}

/** Accuracy overall, on known and on unseen words. `predicted[s][i]` against `gold[s][i]`. */
export function tagScores(
  gold: readonly (readonly string[])[],
  predicted: readonly (readonly string[])[],
  unseen: readonly (readonly boolean[])[],
): TagScores {
  const right = [0, 0];
  const total = [0, 0];
  gold.forEach((tags, s) => {
    tags.forEach((tag, i) => {
      const k = unseen[s]![i]! ? 1 : 0;
      total[k]!++;
      if (predicted[s]![i] === tag) right[k]!++;
    });
  });
  const tokens = total[0]! + total[1]!;
  return {
    accuracy: (right[0]! + right[1]!) / tokens,
    tokens,
    knownAccuracy: right[0]! / total[0]!,
    knownTokens: total[0]!,
    unseenAccuracy: total[1]! === 0 ? Number.NaN : right[1]! / total[1]!,
    unseenTokens: total[1]!,
  };
}

/** The classification report (4 digits) and confusion matrix over the tags of the gold data. */
export function tagReport(
  gold: readonly (readonly string[])[],
  predicted: readonly (readonly string[])[],
): { report: ClassificationReport; confusion: ConfusionMatrix } {
  const truth = gold.flat();
  const guess = predicted.flat();
  const labels = [...new Set(truth)].sort();
  return {
    // zeroDivision 0: a tag never predicted has precision 0, without scikit-learn's warning text.
    report: classificationReport(truth, guess, { labels, digits: 4, zeroDivision: 0 }),
    confusion: confusionMatrix(truth, guess, { labels }),
  };
}

/** Brown tags → universal tags, word by word (how a full-tag prediction scores on the universal tagset). */
export function toUniversal(tags: readonly (readonly string[])[]): string[][] {
  return tags.map((sentence) => sentence.map(brownToUniversal));
}
