// Training the character language model: train() with a progress bar, validation on the end of
// the training part, an atomic checkpoint and a short sample every N epochs, an optional time budget.
import { type History, type TrainCallbacks, train, type Verbosity } from '@rnnkit/rnn-models';
import { ModelCheckpoint } from '@rnnkit/rnn-models/node';
import type { CharVocabulary } from '@rnnkit/tokenize';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  buildModel,
  type ModelSettings,
  shuffledChunkBatches,
  streamBatches,
  validationBatches,
} from './model.js';
import { sampleText } from './sample.js';

export interface TrainCharLmOptions {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  readonly vocabulary: CharVocabulary;
  readonly model: Omit<ModelSettings, 'vocabularySize'>;
  readonly sequenceLength: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Cap on batches per epoch (`Infinity`: a whole pass over the training ids). */
  readonly stepsPerEpoch: number;
  readonly learningRate: number;
  /**
   * Cosine decay down to this fraction of `learningRate`: over the time budget when there is
   * one (so a slow machine still anneals before it stops), else over the planned steps.
   */
  readonly finalLearningRateFraction: number;
  /** Truncated BPTT over contiguous streams instead of shuffled chunks. */
  readonly stateful: boolean;
  /** Stop when `val_loss` has not improved for this many epochs (best weights restored); 0: never. */
  readonly patience: number;
  /**
   * Training time in seconds (`Infinity`: none). Training stops at the first epoch end past
   * `budget − half an epoch`; the learning rate decays with the time used.
   */
  readonly timeBudgetSeconds: number;
  /** Checkpoint directory (`epoch-NNNN/`, `best/`); `null`: none. */
  readonly checkpointDir: string | null;
  /** Checkpoint and print a sample every this many epochs. */
  readonly every: number;
  readonly sample: {
    readonly prompt: string;
    readonly maxNewTokens: number;
    readonly temperature: number;
  } | null;
  readonly seed: number;
  readonly verbose: Verbosity;
  /** Where samples and notes go (stdout in the CLI). */
  readonly print: (text: string) => void;
}

export interface TrainedCharLm {
  readonly model: tfl.LayersModel;
  readonly settings: ModelSettings;
  readonly history: History;
  readonly seconds: number;
  /** Characters passed through training (inputs of every training batch). */
  readonly characters: number;
}

/** Trains a char-level model on `train`; the caller disposes `model`. */
export async function trainCharLm(options: TrainCharLmOptions): Promise<TrainedCharLm> {
  const settings: ModelSettings = { ...options.model, vocabularySize: options.vocabulary.vocabularySize };
  const { batchSize, sequenceLength, stateful, seed } = options;
  const model = buildModel(settings, {
    seed,
    ...(stateful ? { stateful: { batchSize, sequenceLength } } : {}),
  });
  const batchOptions = { batchSize, sequenceLength, seed, stepsPerEpoch: options.stepsPerEpoch };
  const stepsPerEpoch = Math.min(
    options.stepsPerEpoch,
    stateful
      ? Math.floor((Math.floor((options.train.length - sequenceLength) / batchSize) - 1) / sequenceLength)
      : Math.floor((options.train.length - sequenceLength - 1) / (sequenceLength + 1) / batchSize),
  );
  const started = performance.now();
  const alpha = options.finalLearningRateFraction;
  // The rate a schedule function returns is absolute (built-in schedules scale learningRate).
  const cosine = (done: number) =>
    options.learningRate * (alpha + (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, done))));
  let characters = 0;
  const controller = new AbortController();
  const callbacks: TrainCallbacks[] = [
    {
      onBatchEnd: (_step, logs) => {
        characters += (logs['size'] ?? 0) * sequenceLength;
      },
      onEpochEnd: async (epoch) => {
        const elapsed = (performance.now() - started) / 1000;
        const perEpoch = elapsed / (epoch + 1);
        if (elapsed + perEpoch / 2 > options.timeBudgetSeconds && epoch + 1 < options.epochs) {
          options.print(
            `Time budget of ${options.timeBudgetSeconds} s: stopping after epoch ${epoch + 1} (${elapsed.toFixed(0)} s)\n`,
          );
          controller.abort();
        }
        if (options.sample !== null && (epoch + 1) % options.every === 0) {
          options.print(`Sample after epoch ${epoch + 1}: ${options.sample.prompt}`);
          await sampleText(model, options.vocabulary, {
            ...options.sample,
            topK: null,
            topP: 1,
            seed,
            onText: options.print,
          });
          options.print('\n');
        }
      },
    },
  ];
  if (options.checkpointDir !== null) {
    const checkpoint = new ModelCheckpoint({
      dir: options.checkpointDir,
      every: options.every,
      keepLast: 2,
      monitor: 'val_loss',
      includeOptimizer: false, // the example does not resume; the weights and vocabulary are what it reloads
      extras: ({ epoch, logs }) => ({
        epoch,
        logs,
        vocabulary: options.vocabulary.toJSON(),
        model: { ...settings },
      }),
    });
    checkpoint.setModel(model);
    callbacks.push(checkpoint);
  }
  try {
    const history = await train(
      model,
      stateful
        ? streamBatches(options.train, batchOptions)
        : shuffledChunkBatches(options.train, batchOptions),
      {
        epochs: options.epochs,
        optimizer: 'adam',
        learningRate: options.learningRate,
        learningRateSchedule: Number.isFinite(options.timeBudgetSeconds)
          ? () => cosine((performance.now() - started) / 1000 / options.timeBudgetSeconds)
          : { kind: 'cosineDecay', decaySteps: Math.max(1, options.epochs * stepsPerEpoch), alpha },
        loss: 'sparseCategoricalCrossentropy',
        metrics: ['accuracy'],
        validationData: validationBatches(options.validation, { batchSize, sequenceLength, stateful }),
        globalClipNorm: 5,
        ...(options.patience > 0
          ? { earlyStopping: { patience: options.patience, restoreBestWeights: true } }
          : {}),
        callbacks,
        signal: controller.signal,
        seed,
        verbose: options.verbose,
      },
    );
    return { model, settings, history, seconds: (performance.now() - started) / 1000, characters };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
