import * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';

/** Options of {@link loadModel}. */
export interface LoadModelOptions {
  /**
   * What the checkpoint must fit; a difference is `RNN_MODELS_CHECKPOINT_MISMATCH`.
   * @default undefined (nothing checked beyond the checkpoint's own consistency)
   */
  readonly expect?: CheckpointExpectation;
}

/** Checks a loaded checkpoint against what the caller's data needs. */
export interface CheckpointExpectation {
  /**
   * Rows of the model's (first) Embedding layer, i.e. the tokenizer's vocabulary size.
   * @default undefined (not checked)
   */
  readonly vocabularySize?: number;
  /**
   * Shape of the model's (first) input without the batch dimension, e.g. `[100]` for 100 token
   * ids; `null` matches any size, as does a `null` in the model's own shape.
   * @default undefined (not checked)
   */
  readonly inputShape?: readonly (number | null)[];
}

export function resolveLoadModelOptions(options: LoadModelOptions): CheckpointExpectation {
  const { expect } = validate.options('loadModel', options ?? null, ['expect']);
  const expectation = validate.options('loadModel({ expect })', expect, ['vocabularySize', 'inputShape']);
  const { vocabularySize, inputShape } = expectation;
  if (vocabularySize !== undefined)
    validate.integer('loadModel', 'expect.vocabularySize', vocabularySize, { min: 1 });
  if (
    inputShape !== undefined &&
    !(Array.isArray(inputShape) && inputShape.every((d) => d === null || (Number.isInteger(d) && d > 0)))
  ) {
    validate.invalid(
      'loadModel',
      'expect.inputShape',
      inputShape,
      'must be an array of positive integers or null (batch excluded)',
    );
  }
  return { vocabularySize, inputShape };
}

export function checkExpectation(
  model: tfl.LayersModel,
  expectation: CheckpointExpectation,
  modelPath: string,
): void {
  const { vocabularySize, inputShape } = expectation;
  if (vocabularySize !== undefined) {
    const embedding = findLayer(model, 'Embedding');
    if (embedding === undefined) {
      throw new RnnModelsError(
        'RNN_MODELS_CHECKPOINT_MISMATCH',
        `Checkpoint ${modelPath} has no Embedding layer, so it cannot take a vocabulary of ${vocabularySize}: ` +
          'load the checkpoint of a token model, or drop expect.vocabularySize.',
      );
    }
    const rows = (embedding.getConfig() as { inputDim?: number }).inputDim;
    if (rows !== vocabularySize) {
      throw new RnnModelsError(
        'RNN_MODELS_CHECKPOINT_MISMATCH',
        `Checkpoint ${modelPath}: its Embedding layer "${embedding.name}" has ${String(rows)} rows, but ` +
          `expect.vocabularySize is ${vocabularySize}. The model was trained with another vocabulary: use the ` +
          'tokenizer saved with it (its extras), or train a new model for this vocabulary.',
      );
    }
  }
  if (inputShape !== undefined) {
    const actual = model.inputs[0]?.shape.slice(1) ?? [];
    const fits =
      actual.length === inputShape.length &&
      actual.every((d, i) => d === null || inputShape[i] === null || d === inputShape[i]);
    if (!fits) {
      throw new RnnModelsError(
        'RNN_MODELS_CHECKPOINT_MISMATCH',
        `Checkpoint ${modelPath}: the model's input shape is [${actual.map(String).join(', ')}] (batch excluded), ` +
          `but expect.inputShape is [${inputShape.map(String).join(', ')}]. Pad or cut the data to the model's ` +
          'shape, or load the checkpoint made for this shape.',
      );
    }
  }
}

function findLayer(model: tfl.LayersModel, className: string): tfl.layers.Layer | undefined {
  for (const layer of model.layers) {
    if (layer.getClassName() === className) return layer;
    if (layer instanceof tfl.LayersModel) {
      const inner = findLayer(layer, className);
      if (inner !== undefined) return inner;
    }
  }
  return undefined;
}
