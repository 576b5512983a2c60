// The model and what it needs to be used again, in one atomic checkpoint (saveModel of
// @rnnkit/rnn-models/node): the weights, and in extras the vocabulary and the model settings.
import { type JsonValue, loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { CharVocabulary } from '@rnnkit/tokenize';
import type * as tfl from '@tensorflow/tfjs-layers';
import { UsageError } from './cli-options.js';
import type { PoetryModelSettings } from './model.js';

interface PoetryExtras {
  readonly task: 'char-poetry';
  readonly vocabulary: string;
  readonly model: PoetryModelSettings;
}

export interface PoetryCheckpoint {
  /** Owned by the caller. */
  readonly model: tfl.LayersModel;
  readonly vocabulary: CharVocabulary;
  readonly settings: PoetryModelSettings;
}

/** Saves into `dir` (replacing an earlier checkpoint there; a crash leaves the old or the new). */
export async function savePoetryModel(
  model: tfl.LayersModel,
  vocabulary: CharVocabulary,
  settings: PoetryModelSettings,
  dir: string,
): Promise<void> {
  const extras: PoetryExtras = { task: 'char-poetry', vocabulary: vocabulary.toJSON(), model: settings };
  await saveModel(model, dir, { extras: extras as unknown as JsonValue });
}

/**
 * Loads what {@link savePoetryModel} wrote; the caller disposes `model`.
 * @throws UsageError when `dir` holds another kind of checkpoint.
 */
export async function loadPoetryModel(dir: string): Promise<PoetryCheckpoint> {
  const checkpoint = await loadModel(dir);
  const extras = checkpoint.extras as Partial<PoetryExtras> | null;
  if (extras?.task !== 'char-poetry' || typeof extras.vocabulary !== 'string' || extras.model === undefined) {
    checkpoint.model.dispose();
    throw new UsageError(`${dir} is not a char-poetry model (its extras lack the vocabulary and settings).`);
  }
  return {
    model: checkpoint.model,
    vocabulary: CharVocabulary.fromJSON(extras.vocabulary),
    settings: extras.model,
  };
}
