// The model and everything needed to feed it, in one atomic checkpoint: rnn-models' saveModel
// writes the weights and, in extras.json, the Keras tokenizer JSON (which Keras'
// tokenizer_from_json also reads), maxLength and the class names.
import { type JsonValue, loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { Tokenizer } from '@rnnkit/tokenize';
import type { TextClassifier } from './classifier.js';

interface ClassifierExtras {
  readonly task: 'text-classifier';
  readonly tokenizer: string;
  readonly maxLength: number;
  readonly classNames: readonly [string, string];
}

/** Saves `classifier` into `dir` (replacing an earlier checkpoint there; a crash leaves the old or the new). */
export async function saveClassifier(classifier: TextClassifier, dir: string): Promise<void> {
  const extras: ClassifierExtras = {
    task: 'text-classifier',
    tokenizer: classifier.tokenizer.toJSON(),
    maxLength: classifier.maxLength,
    classNames: classifier.classNames,
  };
  await saveModel(classifier.model, dir, { extras: extras as unknown as JsonValue });
}

/** Loads what {@link saveClassifier} wrote. The caller owns (and disposes) `model`. */
export async function loadClassifier(dir: string): Promise<TextClassifier> {
  const checkpoint = await loadModel(dir);
  const extras = checkpoint.extras as Partial<ClassifierExtras> | undefined;
  if (
    extras?.task !== 'text-classifier' ||
    typeof extras.tokenizer !== 'string' ||
    typeof extras.maxLength !== 'number'
  ) {
    checkpoint.model.dispose();
    throw new Error(
      `${dir} is not a text-classifier checkpoint (its extras.json lacks the tokenizer or maxLength).`,
    );
  }
  const tokenizer = Tokenizer.fromJSON(extras.tokenizer);
  const classNames = extras.classNames ?? ['0', '1'];
  // The Embedding must fit the tokenizer's ids and the input its padding: fail here, not on predict.
  const [, inputLength] = checkpoint.model.inputs[0]!.shape;
  if (inputLength !== extras.maxLength) {
    checkpoint.model.dispose();
    throw new Error(
      `${dir}: the model reads ${inputLength} tokens but extras.json says maxLength ${extras.maxLength}.`,
    );
  }
  return {
    model: checkpoint.model,
    tokenizer,
    maxLength: extras.maxLength,
    classNames: [classNames[0]!, classNames[1]!],
  };
}
