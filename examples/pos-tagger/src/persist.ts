// The model and everything needed to feed it, in one atomic checkpoint: rnn-models' saveModel
// writes the weights and, in extras.json, the three vocabularies as Keras tokenizer JSON, the
// word shapes and the tag lists (class id k + 1 is tags[k]).
import { type JsonValue, loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { Tokenizer } from '@rnnkit/tokenize';
import { FEATURES, SHAPES } from './features.js';
import type { Tagger, Tagset } from './tagger.js';

interface TaggerExtras {
  readonly task: 'pos-tagger';
  readonly words: string;
  readonly suffix2: string;
  readonly suffix3: string;
  readonly shapes: readonly string[];
  readonly tagsets: readonly Tagset[];
}

/** Saves `tagger` into `dir` (replacing an earlier checkpoint there; a crash leaves the old or the new). */
export async function saveTagger(tagger: Tagger, dir: string): Promise<void> {
  const extras: TaggerExtras = {
    task: 'pos-tagger',
    words: tagger.featurizer.words.toJSON(),
    suffix2: tagger.featurizer.suffix2.toJSON(),
    suffix3: tagger.featurizer.suffix3.toJSON(),
    shapes: SHAPES,
    tagsets: tagger.tagsets,
  };
  await saveModel(tagger.model, dir, { extras: extras as unknown as JsonValue });
}

/** Loads what {@link saveTagger} wrote. The caller owns (and disposes) `model`. */
export async function loadTagger(dir: string): Promise<Tagger> {
  const checkpoint = await loadModel(dir);
  const extras = checkpoint.extras as Partial<TaggerExtras> | undefined;
  const fail = (why: string) => {
    checkpoint.model.dispose();
    throw new Error(`${dir} is not a pos-tagger checkpoint of this version: ${why}.`);
  };
  if (extras?.task !== 'pos-tagger' || !Array.isArray(extras.tagsets))
    return fail('extras.json lacks the task or tag lists');
  // Shape ids are positions in SHAPES: a list that changed would feed the model wrong ids.
  if (JSON.stringify(extras.shapes) !== JSON.stringify(SHAPES))
    return fail('its word shapes differ from this code');
  const model = checkpoint.model;
  if (model.inputs.length !== FEATURES.length || model.outputs.length !== extras.tagsets.length)
    return fail(`the model has ${model.inputs.length} inputs and ${model.outputs.length} outputs`);
  return {
    model,
    featurizer: {
      words: Tokenizer.fromJSON(extras.words!),
      suffix2: Tokenizer.fromJSON(extras.suffix2!),
      suffix3: Tokenizer.fromJSON(extras.suffix3!),
    },
    tagsets: extras.tagsets,
  };
}
