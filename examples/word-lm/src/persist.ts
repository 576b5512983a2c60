// The model and everything needed to use it, in one atomic checkpoint: rnn-models' saveModel
// writes the weights and, in extras.json, the vocabulary (Keras tokenizer JSON) and the settings
// the network was built from.
import { type JsonValue, loadModel, saveModel } from '@rnnkit/rnn-models/node';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from './cli-options.js';
import { WordVocabulary } from './corpus.js';
import type { ModelSettings } from './model.js';

export interface WordLm {
  readonly model: tfl.LayersModel;
  readonly vocabulary: WordVocabulary;
  readonly settings: ModelSettings;
}

interface WordLmExtras {
  readonly task: 'word-lm';
  readonly vocabulary: string;
  readonly model: ModelSettings;
}

/** Saves into `dir` (replacing an earlier checkpoint there; a crash leaves the old or the new). */
export async function saveWordLm(lm: WordLm, dir: string): Promise<void> {
  const extras: WordLmExtras = { task: 'word-lm', vocabulary: lm.vocabulary.toJSON(), model: lm.settings };
  await saveModel(lm.model, dir, { extras: extras as unknown as JsonValue });
}

/** Loads what {@link saveWordLm} wrote. The caller owns (and disposes) `model`. */
export async function loadWordLm(dir: string): Promise<WordLm> {
  const checkpoint = await loadModel(dir);
  const extras = checkpoint.extras as Partial<WordLmExtras> | null;
  if (
    extras?.task !== 'word-lm' ||
    typeof extras.vocabulary !== 'string' ||
    typeof extras.model !== 'object'
  ) {
    checkpoint.model.dispose();
    throw new UsageError(
      `${dir} is not a word-lm model (its extras.json lacks the vocabulary and model settings).`,
    );
  }
  const vocabulary = WordVocabulary.fromJSON(extras.vocabulary);
  if (vocabulary.vocabularySize !== extras.model.vocabularySize) {
    checkpoint.model.dispose();
    throw new UsageError(
      `${dir}: the vocabulary has ${vocabulary.vocabularySize} ids but the model ${extras.model.vocabularySize}.`,
    );
  }
  return { model: checkpoint.model, vocabulary, settings: extras.model };
}
