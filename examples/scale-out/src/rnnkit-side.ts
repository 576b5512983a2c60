// The rnnkit half: the char-level language model, its brief training before the export, the
// held-out score both sides compute on the same windows, and generation.
import { SeededRandom } from '@rnnkit/core';
import { Dataset, shiftedChunks } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import {
  evaluate,
  type History,
  languageModel,
  toStepModel,
  train,
  type Verbosity,
} from '@rnnkit/rnn-models';
import { stream } from '@rnnkit/sampling';
import type { CharVocabulary } from '@rnnkit/tokenize';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface ModelSettings {
  readonly vocabularySize: number;
  readonly cell: 'lstm' | 'gru';
  readonly units: number;
  readonly embeddingDim: number;
}

/**
 * Embedding → GRU/LSTM → Dense(vocab) softmax at every step (`mode: 'shifted'`): a template
 * model, so exportTorch records it as `languageModel` with these options and rnnkit_torch.build
 * makes its twin. The caller owns the model.
 */
export function buildModel(settings: ModelSettings, seed: number): tfl.Sequential {
  return languageModel({ ...settings, mode: 'shifted', seed });
}

export interface BriefTrainingOptions {
  readonly sequenceLength: number;
  readonly batchSize: number;
  readonly steps: number;
  readonly learningRate: number;
  readonly seed: number;
  readonly verbose: Verbosity;
}

/**
 * Trains `steps` batches of shuffled shifted chunks (the TF text-generation tutorial's layout),
 * validating on `validation` at the end: the "trained briefly with rnnkit" starting point.
 */
export async function trainBriefly(
  model: tfl.LayersModel,
  ids: { readonly train: Int32Array; readonly validation: Int32Array },
  options: BriefTrainingOptions,
): Promise<History> {
  const { sequenceLength, batchSize, seed } = options;
  const offset = new SeededRandom(seed).nextInt(sequenceLength + 1);
  const batches = toTensors(
    Dataset.from(() => shiftedChunks(ids.train.subarray(offset), { sequenceLength }))
      .shuffle(20_000, seed)
      .batch(batchSize, { dropRemainder: true })
      .take(options.steps),
    { xsDtype: 'int32', ysDtype: 'int32' },
  );
  const validation = toTensors(
    Dataset.from(() => shiftedChunks(ids.validation, { sequenceLength }))
      .take(256)
      .batch(batchSize),
    { xsDtype: 'int32', ysDtype: 'int32' },
  );
  return train(model, batches, {
    epochs: 1,
    optimizer: 'adam',
    learningRate: options.learningRate,
    loss: 'sparseCategoricalCrossentropy',
    metrics: ['accuracy'],
    validationData: validation,
    globalClipNorm: 5,
    seed,
    verbose: options.verbose,
  });
}

export interface HeldOutScore {
  /** Mean cross-entropy per character, in nats (PyTorch's `F.cross_entropy`). */
  readonly loss: number;
  readonly bitsPerChar: number;
  readonly windows: number;
  readonly characters: number;
}

/**
 * The held-out windows both sides score: the first `windows` non-overlapping chunks of
 * `sequenceLength + 1` ids (`shiftedChunks`; train_ddp.py cuts the same ones), inputs `[0:-1]`,
 * targets `[1:]`. Plain arrays: the caller makes tensors.
 */
export function heldOutWindows(ids: Int32Array, sequenceLength: number, windows: number) {
  const chunks = [...shiftedChunks(ids, { sequenceLength })].slice(0, windows);
  return {
    xs: chunks.map((c) => Array.from(c.xs)),
    ys: chunks.map((c) => Array.from(c.ys)),
  };
}

/** rnnkit's mean held-out cross-entropy over the windows (the model is borrowed). */
export async function scoreHeldOut(
  model: tfl.LayersModel,
  ids: Int32Array,
  sequenceLength: number,
  windows: number,
): Promise<HeldOutScore> {
  const data = heldOutWindows(ids, sequenceLength, windows);
  const xs = tf.tensor2d(data.xs, undefined, 'int32');
  const ys = tf.tensor2d(data.ys, undefined, 'int32');
  try {
    const result = await evaluate(
      model,
      { xs, ys },
      { loss: 'sparseCategoricalCrossentropy', batchSize: 50 },
    );
    return {
      loss: result.loss,
      bitsPerChar: result.loss / Math.LN2,
      windows: data.xs.length,
      characters: data.xs.length * sequenceLength,
    };
  } finally {
    tf.dispose([xs, ys]);
  }
}

export interface GenerateOptions {
  readonly prompt: string;
  readonly maxNewTokens: number;
  readonly temperature: number;
  readonly seed: number;
  readonly onText?: (text: string) => void;
}

/** Samples characters after `prompt` through toStepModel, streamed; the model is borrowed. */
export async function generateText(
  model: tfl.LayersModel,
  vocabulary: CharVocabulary,
  options: GenerateOptions,
): Promise<string> {
  let text = '';
  for await (const token of stream(toStepModel(model), {
    prompt: options.prompt,
    decoder: vocabulary,
    maxNewTokens: options.maxNewTokens,
    temperature: options.temperature,
    seed: options.seed,
    bannedIds: vocabulary.specialIds.oov === undefined ? [] : [vocabulary.specialIds.oov],
  })) {
    text += token.text;
    options.onText?.(token.text);
  }
  return text;
}
