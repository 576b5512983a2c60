// One training recipe for the three runs (pretraining, fine-tuning, from scratch): train() with a
// progress bar, a fixed number of batches in four epochs (validation after each), Adam with
// cosine decay over exactly those batches, gradient clipping.
import { type History, type TrainCallbacks, train, type Verbosity } from '@rnnkit/rnn-models';
import type * as tfl from '@tensorflow/tfjs-layers';
import { chunkBatches, validationBatches } from './model.js';

export interface TrainStepsOptions {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  /** Batches in all: four epochs of `steps / 4`. */
  readonly steps: number;
  readonly batchSize: number;
  readonly sequenceLength: number;
  /** Adam's peak rate, decayed by a cosine to `finalLearningRateFraction` of it over `steps`. */
  readonly learningRate: number;
  readonly finalLearningRateFraction: number;
  /** Seeds the batches' order and chunk offsets: the same seed, the same batches. */
  readonly seed: number;
  readonly verbose: Verbosity;
  /** Awaited after each quarter of the steps (1…4), with the model as trained so far (borrowed). */
  readonly onQuarter?: (quarter: number, model: tfl.LayersModel) => Promise<void>;
}

export interface Trained {
  readonly history: History;
  readonly seconds: number;
  /** Characters passed through training (inputs of every training batch). */
  readonly characters: number;
}

export const QUARTERS = 4;

/** Trains `model` in place (the caller keeps owning it) for exactly `steps` batches. */
export async function trainSteps(model: tfl.LayersModel, options: TrainStepsOptions): Promise<Trained> {
  const { batchSize, sequenceLength, seed, steps } = options;
  const stepsPerEpoch = steps / QUARTERS;
  const started = performance.now();
  let characters = 0;
  const callbacks: TrainCallbacks[] = [
    {
      onBatchEnd: (_step, logs) => {
        characters += (logs['size'] ?? 0) * sequenceLength;
      },
      onEpochEnd: async (epoch) => {
        await options.onQuarter?.(epoch + 1, model);
      },
    },
  ];
  const history = await train(
    model,
    chunkBatches(options.train, { batchSize, sequenceLength, seed, stepsPerEpoch }),
    {
      epochs: QUARTERS,
      optimizer: 'adam',
      learningRate: options.learningRate,
      learningRateSchedule: {
        kind: 'cosineDecay',
        decaySteps: steps,
        alpha: options.finalLearningRateFraction,
      },
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
      validationData: validationBatches(options.validation, { batchSize, sequenceLength }),
      globalClipNorm: 5,
      callbacks,
      seed,
      verbose: options.verbose,
    },
  );
  return { history, seconds: (performance.now() - started) / 1000, characters };
}
