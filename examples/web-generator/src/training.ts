// Training a small character model on any text, for a number of seconds: the same pipeline as
// the char-lm example (CharVocabulary with <unk> → shifted chunks → languageModel GRU → train()),
// sized so a few seconds in a browser tab already lower the loss. Runs in the page's worker and,
// for comparison, in Node (src/node-bench.ts).
import { Dataset, shiftedChunks } from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import { languageModel, train } from '@rnnkit/rnn-models';
import { CharVocabulary } from '@rnnkit/tokenize';
import type * as tfl from '@tensorflow/tfjs-layers';
import type { ModelSettings } from './model-files.js';

export interface TrainSettings {
  /** GRU units. */
  readonly units: number;
  readonly embeddingDim: number;
  /** Characters per training chunk. */
  readonly sequenceLength: number;
  /** Chunks per batch. */
  readonly batchSize: number;
  /** Adam's learning rate (constant: a run of seconds has no time to anneal). */
  readonly learningRate: number;
  /** Wall-clock budget; training stops after the step that crosses it. */
  readonly seconds: number;
  readonly seed: number;
}

export const DEFAULT_TRAIN_SETTINGS: TrainSettings = Object.freeze({
  units: 128,
  embeddingDim: 32,
  sequenceLength: 64,
  batchSize: 32,
  learningRate: 0.01,
  seconds: 20,
  seed: 42,
});

export interface TrainProgress {
  readonly step: number;
  /** This batch's mean loss, nats per character. */
  readonly loss: number;
  readonly seconds: number;
  /** Characters (input positions) trained on so far. */
  readonly characters: number;
}

export interface TrainedModel {
  /** The caller owns it. */
  readonly model: tfl.LayersModel;
  readonly vocabulary: CharVocabulary;
  readonly settings: ModelSettings;
  readonly steps: number;
  readonly seconds: number;
  readonly characters: number;
  readonly losses: readonly number[];
  readonly stoppedBy: 'time' | 'user';
}

/** The least text that makes two chunks. */
export function minimumCharacters(settings: TrainSettings): number {
  return 2 * (settings.sequenceLength + 1);
}

/**
 * Trains a fresh GRU language model on `text` until `settings.seconds` pass or `signal` fires;
 * either way the weights trained so far are kept and returned.
 * @throws Error when the text is shorter than {@link minimumCharacters}.
 */
export async function trainOnText(
  text: string,
  settings: TrainSettings,
  options: { readonly signal?: AbortSignal; readonly onProgress?: (progress: TrainProgress) => void } = {},
): Promise<TrainedModel> {
  const characters = Array.from(text);
  if (characters.length < minimumCharacters(settings)) {
    throw new Error(
      `The text has ${characters.length} characters; training needs at least ${minimumCharacters(settings)} ` +
        `(two chunks of ${settings.sequenceLength + 1}). Paste or drop a longer text.`,
    );
  }
  const vocabulary = CharVocabulary.fromText(text, { specialTokens: { oov: '<unk>' } });
  const ids = Int32Array.from(vocabulary.encode(text));
  const modelSettings: ModelSettings = {
    vocabularySize: vocabulary.vocabularySize,
    cell: 'gru',
    units: [settings.units],
    embeddingDim: settings.embeddingDim,
    dropout: 0,
  };
  const model = languageModel({
    vocabularySize: vocabulary.vocabularySize,
    embeddingDim: settings.embeddingDim,
    cell: 'gru',
    units: settings.units,
    seed: settings.seed,
  });
  const { sequenceLength, batchSize, seed } = settings;
  const batches = toTensors(
    Dataset.from(() => shiftedChunks(ids, { sequenceLength }))
      .shuffle(10_000, seed)
      .batch(batchSize),
    { xsDtype: 'int32', ysDtype: 'int32' },
  );
  const controller = new AbortController();
  let stoppedBy: 'time' | 'user' = 'time';
  const onAbort = () => {
    stoppedBy = 'user';
    controller.abort();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort);
  const losses: number[] = [];
  let trained = 0;
  const started = performance.now();
  try {
    await train(model, batches, {
      epochs: 1_000_000, // the clock or the user stops it
      optimizer: 'adam',
      learningRate: settings.learningRate,
      loss: 'sparseCategoricalCrossentropy',
      globalClipNorm: 5,
      seed,
      verbose: 0,
      signal: controller.signal,
      callbacks: {
        onBatchEnd: (step, logs) => {
          const seconds = (performance.now() - started) / 1000;
          trained += (logs['size'] ?? batchSize) * sequenceLength;
          losses.push(logs['loss']!);
          options.onProgress?.({ step: step + 1, loss: logs['loss']!, seconds, characters: trained });
          if (seconds >= settings.seconds) controller.abort();
        },
      },
    });
  } catch (error) {
    model.dispose();
    throw error;
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
  }
  return {
    model,
    vocabulary,
    settings: modelSettings,
    steps: losses.length,
    seconds: (performance.now() - started) / 1000,
    characters: trained,
    losses,
    stoppedBy,
  };
}
