// Training: train() of @rnnkit/rnn-models with a Keras-style progress bar, Adam with cosine decay,
// validation on the end of the training part each epoch, early stopping with the best weights restored.
import { type History, train, type Verbosity } from '@rnnkit/rnn-models';
import type * as tfl from '@tensorflow/tfjs-layers';
import { recalibrateBatchNorm } from './batch-norm.js';
import { evaluationBatches, trainingBatches, windowCount } from './windows.js';

export interface TrainPoetryOptions {
  readonly train: Int32Array;
  readonly validation: Int32Array;
  /** Characters per window: the model's input length. */
  readonly sequenceLength: number;
  readonly batchSize: number;
  readonly epochs: number;
  /** Cap on batches per epoch (`Infinity`: every window of the training part). */
  readonly stepsPerEpoch: number;
  readonly shuffleBuffer: number;
  readonly learningRate: number;
  /** Cosine decay over the planned steps down to this fraction of `learningRate`. */
  readonly finalLearningRateFraction: number;
  /**
   * Stop when `val_loss` has not improved for this many epochs (best weights restored); 0: never.
   * The per-epoch `val_loss` uses BatchNormalization's lagging moving averages (see batch-norm.ts).
   */
  readonly patience: number;
  /** Training windows BatchNormalization's statistics are recomputed on after training. */
  readonly recalibrationWindows: number;
  readonly seed: number;
  readonly verbose: Verbosity;
}

export interface TrainedPoetry {
  readonly history: History;
  /** Seconds spent recomputing BatchNormalization's statistics (included in `seconds`). */
  readonly recalibrationSeconds: number;
  readonly seconds: number;
  /** Windows (examples) passed through training. */
  readonly windows: number;
  /** Batches per epoch actually run. */
  readonly stepsPerEpoch: number;
}

/**
 * Trains `model` (built by buildPoetryModel) in place, then recomputes its BatchNormalization
 * statistics from the final weights; the caller keeps owning it. With early stopping the model
 * ends with the weights of its best validation epoch.
 */
export async function trainPoetry(
  model: tfl.LayersModel,
  options: TrainPoetryOptions,
): Promise<TrainedPoetry> {
  const { batchSize, seed, sequenceLength } = options;
  const stepsPerEpoch = Math.min(
    options.stepsPerEpoch,
    // One pass: every window, minus the few at the wrap-around seam, in whole batches.
    Math.floor((windowCount(options.train, sequenceLength) - sequenceLength) / batchSize),
  );
  let windows = 0;
  const started = performance.now();
  const history = await train(
    model,
    trainingBatches(options.train, {
      sequenceLength,
      batchSize,
      shuffleBuffer: options.shuffleBuffer,
      seed,
      stepsPerEpoch,
    }),
    {
      epochs: options.epochs,
      optimizer: 'adam',
      learningRate: options.learningRate,
      learningRateSchedule: {
        kind: 'cosineDecay',
        decaySteps: Math.max(1, options.epochs * stepsPerEpoch),
        alpha: options.finalLearningRateFraction,
      },
      loss: 'sparseCategoricalCrossentropy',
      metrics: ['accuracy'],
      validationData: evaluationBatches(options.validation, { sequenceLength, batchSize: 1024 }),
      ...(options.patience > 0
        ? { earlyStopping: { patience: options.patience, restoreBestWeights: true } }
        : {}),
      callbacks: [
        {
          onBatchEnd: (_step, logs) => {
            windows += logs['size'] ?? 0;
          },
        },
      ],
      seed,
      verbose: options.verbose,
    },
  );
  const recalibrationStarted = performance.now();
  recalibrateBatchNorm(model, options.train, { sequenceLength, windows: options.recalibrationWindows });
  const now = performance.now();
  return {
    history,
    seconds: (now - started) / 1000,
    recalibrationSeconds: (now - recalibrationStarted) / 1000,
    windows,
    stepsPerEpoch,
  };
}
