// Saving and loading a model with its vocabulary, in examples/char-lm's format:
// saveModel's extras hold `{ vocabulary: CharVocabulary JSON, model: ModelSettings }`, so a
// char-lm model loads here (--pretrained) and this example's models load there (--generate-only).
import { loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { CharVocabulary } from '@rnnkit/tokenize';
import { UsageError } from './cli-options.js';
import { buildModel, type ModelSettings } from './model.js';
import type { CharModel } from './transfer.js';

/** Saves `model` (borrowed) with its vocabulary and settings, plus any `extras` (plain JSON). */
export async function saveCharModel(
  dir: string,
  model: CharModel,
  extras: Record<string, unknown> = {},
): Promise<void> {
  await saveModel(model.model, dir, {
    extras: { ...extras, vocabulary: model.vocabulary.toJSON(), model: { ...model.settings } },
  });
}

/**
 * Loads a model saved by {@link saveCharModel} or examples/char-lm; the caller owns `model`.
 * A stateful one (char-lm's `--stateful`) comes back as a stateless twin with the same weights,
 * since it is trained and scored here with other batch sizes.
 * @throws UsageError when the directory's extras lack the vocabulary and settings.
 */
export async function loadCharModel(dir: string): Promise<CharModel> {
  const checkpoint = await loadModel(dir);
  const extras = checkpoint.extras as { vocabulary?: unknown; model?: ModelSettings } | null;
  if (typeof extras?.vocabulary !== 'string' || typeof extras.model !== 'object' || extras.model === null) {
    checkpoint.model.dispose();
    throw new UsageError(
      `${dir} is not a char-lm model (its extras lack the vocabulary and model settings); ` +
        'pass a directory saved by examples/char-lm or this example.',
    );
  }
  const settings = extras.model;
  const vocabulary = CharVocabulary.fromJSON(extras.vocabulary);
  const stateful = checkpoint.model.layers.some(
    (layer) => (layer as { stateful?: boolean }).stateful === true,
  );
  if (!stateful) return { model: checkpoint.model, vocabulary, settings };
  const twin = buildModel(settings, { seed: 0 });
  twin.setWeights(checkpoint.model.getWeights());
  checkpoint.model.dispose();
  return { model: twin, vocabulary, settings };
}
