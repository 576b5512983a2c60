// A binary text classifier on rnnkit, the sentiment notebook's recipe: a Keras Tokenizer fitted
// on the training texts → ids padded to maxLength (a percentile of the training lengths) →
// Embedding → Bidirectional LSTM → Dense → sigmoid, trained by train() with early stopping on a
// validation slice → probabilities for the held-out texts → scikit-learn-exact metrics.
// main.ts runs it (start, quality); the smoke test runs it on a slice.
import { SeededRandom } from '@rnnkit/core';
import { type LabelledSentence, lengthPercentiles, padSequences, splitDataset } from '@rnnkit/datasets';
import {
  accuracyScore,
  type ClassificationReport,
  type ConfusionMatrix,
  classificationReport,
  confusionMatrix,
  f1Score,
} from '@rnnkit/metrics';
import { evaluate, type History, sequenceClassifier, train, type Verbosity } from '@rnnkit/rnn-models';
import { Tokenizer } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

/** One text and its class: 0 the negative class (ham, negative), 1 the positive (spam, positive). */
export type Example = LabelledSentence;

export interface ClassifierSplit {
  readonly train: Example[];
  readonly validation: Example[];
  readonly test: Example[];
}

/**
 * The held-out protocol: a stratified seeded 80/20 split into training and test parts, then a
 * stratified validation slice out of the training part (for early stopping only). The test part
 * does not depend on `validationFraction`, and nothing is tuned on it.
 */
export function splitExamples(
  examples: readonly Example[],
  options: { readonly testFraction: number; readonly validationFraction: number; readonly seed: number },
): ClassifierSplit {
  const byLabel = { stratify: (example: Example) => example.label };
  const [rest, test] = splitDataset(examples, [1 - options.testFraction, options.testFraction], {
    seed: options.seed,
    ...byLabel,
  }) as [Example[], Example[]];
  const [train, validation] = splitDataset(
    rest,
    [1 - options.validationFraction, options.validationFraction],
    {
      seed: options.seed + 1,
      ...byLabel,
    },
  ) as [Example[], Example[]];
  return { train, validation, test };
}

export interface ClassifierOptions {
  /** Vocabulary size: the `numWords − 1` most frequent training words keep an id, others are `<OOV>`. */
  readonly numWords: number;
  /** Pad or cut every text to this many tokens; `null` takes `lengthPercentile` of the training lengths. */
  readonly maxLength: number | null;
  /** Percentile (0–100) of the training texts' token counts used as `maxLength` when that is `null`. */
  readonly lengthPercentile: number;
  readonly embeddingDim: number;
  /** LSTM units per direction. */
  readonly units: number;
  /** Units of the Dense layer between the LSTM and the sigmoid (0 for none). */
  readonly denseUnits: number;
  /** Dropout on the LSTM's inputs (seeded masks). */
  readonly dropout: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Epochs without a better validation loss before training stops (the best weights are kept). */
  readonly patience: number;
  readonly seed: number;
  readonly verbose: Verbosity;
}

/** What classifying new text needs: the model and how texts become its input. */
export interface TextClassifier {
  /** Outputs `[batch, 1]` P(positive class); owned by the holder (`model.dispose()`). */
  readonly model: tfl.LayersModel;
  readonly tokenizer: Tokenizer;
  readonly maxLength: number;
  /** Display names of class 0 and class 1, e.g. `['ham', 'spam']`. */
  readonly classNames: readonly [string, string];
}

export interface TrainedClassifier extends TextClassifier {
  readonly history: History;
  /** Epochs run (early stopping may end before `epochs`). */
  readonly epochsRun: number;
}

// Padding at the end with masking: the LSTM skips the padded steps in both directions.
// Cutting at the end keeps the start of a text (a mail's subject and first lines).
const PADDING = { padding: 'post', truncating: 'post' } as const;

/** Token ids of `texts`, padded/cut to `maxLength`: `int32 [texts.length, maxLength]`, owned by the caller. */
export function encodeTexts(
  classifier: Pick<TextClassifier, 'tokenizer' | 'maxLength'>,
  texts: readonly string[],
): tf.Tensor2D {
  const ids = padSequences(classifier.tokenizer.textsToSequences([...texts]), {
    maxLength: classifier.maxLength,
    ...PADDING,
  });
  return tf.tensor2d(ids.data as Int32Array, ids.shape as [number, number], 'int32');
}

/** `{ xs: int32 [b, maxLength], ys: float32 [b] }` batches, reshuffled every epoch when seeded; train() disposes them. */
function batches(
  ids: tf.Tensor2D,
  labels: readonly number[],
  batchSize: number,
  seed: number | null,
): () => Iterable<{ xs: tf.Tensor; ys: tf.Tensor }> {
  const random = seed === null ? null : new SeededRandom(seed);
  return function* epoch() {
    const order = Array.from(labels, (_, i) => i);
    random?.shuffleInPlace(order);
    for (let start = 0; start < order.length; start += batchSize) {
      const rows = order.slice(start, start + batchSize);
      yield tf.tidy(() => ({
        xs: tf.gather(ids, tf.tensor1d(rows, 'int32')),
        // [batch] labels: train() and evaluate() add the unit axis of the [batch, 1] output.
        ys: tf.tensor1d(
          rows.map((row) => labels[row]!),
          'float32',
        ),
      }));
    }
  };
}

/** Fits the tokenizer on the training texts, builds the model and trains it. The caller disposes `model`. */
export async function trainClassifier(
  split: Pick<ClassifierSplit, 'train' | 'validation'>,
  classNames: readonly [string, string],
  options: ClassifierOptions,
): Promise<TrainedClassifier> {
  const texts = split.train.map((example) => example.sentence);
  const tokenizer = new Tokenizer({ numWords: options.numWords, oovToken: '<OOV>' }).fitOnTexts(texts);
  const sequences = tokenizer.textsToSequences(texts);
  const maxLength =
    options.maxLength ?? Math.max(1, Math.ceil(lengthPercentiles(sequences, options.lengthPercentile)));
  const classifier = { tokenizer, maxLength, classNames };
  const model = sequenceClassifier({
    vocabularySize: tokenizer.vocabularySize,
    embeddingDim: options.embeddingDim,
    units: options.units,
    bidirectional: true,
    maskZero: true,
    hiddenUnits: options.denseUnits > 0 ? [options.denseUnits] : [],
    dropout: options.dropout,
    sequenceLength: maxLength,
    seed: options.seed,
  });
  const trainIds = encodeTexts(classifier, texts);
  const validationIds = encodeTexts(
    classifier,
    split.validation.map((example) => example.sentence),
  );
  try {
    const history = await train(
      model,
      batches(
        trainIds,
        split.train.map((example) => example.label),
        options.batchSize,
        options.seed,
      ),
      {
        epochs: options.epochs,
        optimizer: 'adam',
        learningRate: options.learningRate,
        loss: 'binaryCrossentropy',
        metrics: ['accuracy'],
        validationData: batches(
          validationIds,
          split.validation.map((example) => example.label),
          options.batchSize,
          null,
        ),
        earlyStopping: { monitor: 'val_loss', patience: options.patience, restoreBestWeights: true },
        seed: options.seed,
        verbose: options.verbose,
      },
    );
    return { ...classifier, model, history, epochsRun: history.epoch.length };
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    trainIds.dispose();
    validationIds.dispose();
  }
}

/** P(class 1) for each text, predicted in batches (every tensor freed). */
export async function predictProbabilities(
  classifier: TextClassifier,
  texts: readonly string[],
  batchSize = 256,
): Promise<Float32Array> {
  const out = new Float32Array(texts.length);
  for (let start = 0; start < texts.length; start += batchSize) {
    const probabilities = tf.tidy(() => {
      const ids = encodeTexts(classifier, texts.slice(start, start + batchSize));
      return classifier.model.predict(ids) as tf.Tensor;
    });
    out.set(await probabilities.data(), start);
    probabilities.dispose();
  }
  return out;
}

export interface HeldOutScores {
  /** Mean binary cross-entropy (nats) from rnn-models' `evaluate`. */
  readonly loss: number;
  readonly accuracy: number;
  /** F1 of class 1 (spam, positive). */
  readonly f1: number;
  readonly report: ClassificationReport;
  readonly confusion: ConfusionMatrix;
  readonly examples: number;
}

/** Scores the classifier on held-out examples, threshold 0.5. */
export async function evaluateClassifier(
  classifier: TextClassifier,
  examples: readonly Example[],
  batchSize = 256,
): Promise<{ scores: HeldOutScores; probabilities: Float32Array }> {
  const texts = examples.map((example) => example.sentence);
  const probabilities = await predictProbabilities(classifier, texts, batchSize);
  const [negative, positive] = classifier.classNames;
  const truth = examples.map((example) => (example.label === 1 ? positive : negative));
  const predicted = Array.from(probabilities, (p) => (p >= 0.5 ? positive : negative));
  const ids = encodeTexts(classifier, texts);
  const ys = tf.tensor1d(
    examples.map((example) => example.label),
    'float32',
  );
  const { loss } = await evaluate(
    classifier.model,
    { xs: ids, ys },
    { batchSize, loss: 'binaryCrossentropy' },
  );
  ids.dispose();
  ys.dispose();
  return {
    probabilities,
    scores: {
      loss,
      accuracy: accuracyScore(truth, predicted),
      f1: f1Score(truth, predicted, { posLabel: positive }),
      report: classificationReport(truth, predicted, { labels: [negative, positive], digits: 4 }),
      confusion: confusionMatrix(truth, predicted, { labels: [negative, positive] }),
      examples: examples.length,
    },
  };
}
