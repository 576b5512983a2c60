// Training the word GRU: train() with a progress bar, validation on the end of the training part
// (early stopping restores the best epoch), Adam with a cosine decay over the time budget.
import { type History, type TrainCallbacks, train, type Verbosity } from '@rnnkit/rnn-models';
import type * as tfl from '@tensorflow/tfjs-layers';
import {
  buildModel,
  lmLoss,
  lmMetrics,
  type ModelSettings,
  scoringBatches,
  trainingBatches,
} from './model.js';

export interface TrainWordLmOptions {
  /** The whole id stream; training windows have their targets in `[sequenceLength, validationStart)`. */
  readonly ids: Int32Array;
  readonly validationStart: number;
  /** End of the validation part (the held-out start). */
  readonly validationEnd: number;
  readonly model: ModelSettings;
  readonly batchSize: number;
  readonly epochs: number;
  /** Cap on batches per epoch (`Infinity`: every training window once). */
  readonly stepsPerEpoch: number;
  readonly learningRate: number;
  /** Cosine decay down to this fraction of `learningRate`, over the time budget (or the planned steps without one). */
  readonly finalLearningRateFraction: number;
  /** Stop when `val_loss` has not improved for this many epochs (best weights restored); 0: never. */
  readonly patience: number;
  /** Training time in seconds (`Infinity`: none): stops at the first epoch end past `budget − half an epoch`. */
  readonly timeBudgetSeconds: number;
  readonly seed: number;
  readonly verbose: Verbosity;
  readonly print: (text: string) => void;
}

export interface TrainedWordLm {
  readonly model: tfl.LayersModel;
  readonly history: History;
  readonly seconds: number;
  /** Training windows (= predicted words) passed through training. */
  readonly windows: number;
}

/** Trains the GRU on the training windows; the caller disposes `model`. */
export async function trainWordLm(options: TrainWordLmOptions): Promise<TrainedWordLm> {
  const { ids, model: settings, batchSize, seed } = options;
  const { sequenceLength } = settings;
  const model = buildModel(settings, seed);
  const trainIds = ids.subarray(0, options.validationStart);
  const windowsPerEpoch = trainIds.length - sequenceLength;
  const stepsPerEpoch = Math.min(options.stepsPerEpoch, Math.floor(windowsPerEpoch / batchSize));
  const started = performance.now();
  const alpha = options.finalLearningRateFraction;
  // A schedule function returns the absolute rate (the built-in schedules scale learningRate).
  const cosine = (done: number) =>
    options.learningRate * (alpha + (1 - alpha) * 0.5 * (1 + Math.cos(Math.PI * Math.min(1, done))));
  let windows = 0;
  const controller = new AbortController();
  const callbacks: TrainCallbacks[] = [
    {
      onBatchEnd: (_step, logs) => {
        windows += logs['size'] ?? 0;
      },
      onEpochEnd: (epoch) => {
        const elapsed = (performance.now() - started) / 1000;
        const perEpoch = elapsed / (epoch + 1);
        if (elapsed + perEpoch / 2 > options.timeBudgetSeconds && epoch + 1 < options.epochs) {
          options.print(
            `Time budget of ${options.timeBudgetSeconds} s: stopping after epoch ${epoch + 1} (${elapsed.toFixed(0)} s)\n`,
          );
          controller.abort();
        }
      },
    },
  ];
  try {
    const history = await train(
      model,
      trainingBatches(trainIds, { sequenceLength, batchSize, seed, stepsPerEpoch: options.stepsPerEpoch }),
      {
        epochs: options.epochs,
        optimizer: 'adam',
        learningRate: options.learningRate,
        learningRateSchedule: Number.isFinite(options.timeBudgetSeconds)
          ? () => cosine((performance.now() - started) / 1000 / options.timeBudgetSeconds)
          : { kind: 'cosineDecay', decaySteps: Math.max(1, options.epochs * stepsPerEpoch), alpha },
        loss: lmLoss(),
        metrics: lmMetrics(),
        validationData: scoringBatches(ids, options.validationStart, options.validationEnd, {
          sequenceLength,
          batchSize: 512,
        }),
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
    return { model, history, seconds: (performance.now() - started) / 1000, windows };
  } catch (error) {
    model.dispose();
    throw error;
  }
}
