// Windows → LSTM forecaster → forecasts in the data's units.
//
// Each time step is one row: [value (z-scored with the training part's statistics), known flag,
// calendar covariates of that day]. A window is `inputSteps` past rows (timeseriesWindows of
// @rnnkit/datasets, labels the next `outputSteps` values) followed by `outputSteps` rows for the
// days to predict, whose calendar is known but whose value is hidden (0, known flag 0). So the
// forecaster template's LSTM reads the target days' weekday and holidays last, and its
// single-shot head predicts their values: outputSteps 1 is the next-day model, 14 the two-week
// one. The template's own 'autoregressive' head and predictAutoregressive cannot do this (they feed
// the whole predicted row back, covariates included), so the rollout below feeds the next-day
// model's prediction back into the value column and takes the covariates from the calendar.
import {
  Dataset,
  denormalize,
  type NormalizationStats,
  normalizationStats,
  normalize,
  timeseriesWindows,
} from '@rnnkit/datasets';
import { toTensors } from '@rnnkit/datasets/tensor';
import { type ForecasterOptions, forecaster, type History, train, type Verbosity } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { CALENDAR_FEATURES, calendarFeatures, type HolidayTable, holidayTable } from './calendar.js';
import type { DailySeries } from './data.js';

/** Columns of a row: the value, whether it is known, then the calendar. */
export const FEATURES = ['value', 'known', ...CALENDAR_FEATURES] as const;

/** What turns a series into the model's inputs and its outputs back into values (saved with the model). */
export interface ForecastSetup {
  /** Past days each forecast reads. */
  readonly inputSteps: number;
  /** Days predicted at once (1: the next day). */
  readonly outputSteps: number;
  /** Mean and std of the training part's values (z-score). */
  readonly stats: NormalizationStats;
}

/** A forecaster and its setup: `model` maps `[batch, inputSteps + outputSteps, FEATURES]` → `[batch, outputSteps, 1]`. */
export interface Forecaster extends ForecastSetup {
  /** Owned by the holder (`model.dispose()`). */
  readonly model: tfl.LayersModel;
}

/** The model's inputs for a whole series: known rows for its days, and calendar rows for any day. */
export class SeriesRows {
  private readonly table: HolidayTable;
  private readonly scaled: Float32Array;

  constructor(
    readonly series: DailySeries,
    readonly stats: NormalizationStats,
  ) {
    const lastDay = series.firstDay + series.values.length - 1;
    this.table = holidayTable(series.firstDay, lastDay);
    this.scaled = normalize(series.values, stats);
  }

  /** Row of day index `i` (0 = the series' first day): `known` says whether its value is shown. */
  row(i: number, known: boolean): number[] {
    return [
      known ? this.scaled[i]! : 0,
      known ? 1 : 0,
      ...calendarFeatures(this.series.firstDay + i, this.table),
    ];
  }

  /** Known rows of the days `[start, end)`. */
  rows(start: number, end: number): number[][] {
    return Array.from({ length: end - start }, (_, k) => this.row(start + k, true));
  }
}

/** Training statistics: z-score of the values of `[0, trainEnd)` (pandas' ddof 1, as the TF tutorial). */
export function fitStats(series: DailySeries, trainEnd: number): NormalizationStats {
  return normalizationStats(series.values.slice(0, trainEnd), { columns: ['value'] });
}

/** One training or evaluation example: `xs` `[inputSteps + outputSteps, FEATURES]`, `ys` `[outputSteps, 1]` z-scored. */
export interface WindowExample {
  readonly xs: Float32Array;
  readonly xsShape: number[];
  readonly ys: Float32Array;
  readonly ysShape: number[];
  /** Day index of the first predicted day. */
  readonly labelStart: number;
}

/**
 * Every window whose predicted days all lie in `[start, end)`; its past days may reach back
 * before `start` (they are history at forecast time). Stride `stride` between forecast origins.
 */
export function windowExamples(
  rows: SeriesRows,
  setup: Pick<ForecastSetup, 'inputSteps' | 'outputSteps'>,
  range: { start: number; end: number },
  stride = 1,
): WindowExample[] {
  const { inputSteps, outputSteps } = setup;
  const from = range.start - inputSteps;
  if (from < 0)
    throw new RangeError(
      `windowExamples: ${inputSteps} days of history are needed before day ${range.start}.`,
    );
  const width = FEATURES.length;
  const examples: WindowExample[] = [];
  for (const window of timeseriesWindows(rows.rows(from, range.end), {
    inputSteps,
    outputSteps,
    shift: outputSteps,
    stride,
    columns: [...FEATURES],
    targetColumns: ['value'],
  })) {
    const labelStart = from + window.labelStart;
    const xs = new Float32Array((inputSteps + outputSteps) * width);
    xs.set(window.xs);
    for (let h = 0; h < outputSteps; h++) xs.set(rows.row(labelStart + h, false), (inputSteps + h) * width);
    examples.push({
      xs,
      xsShape: [inputSteps + outputSteps, width],
      ys: window.ys,
      ysShape: window.ysShape,
      labelStart,
    });
  }
  return examples;
}

/**
 * The window that forecasts past the end of the series: its last `inputSteps` days, then the
 * calendar rows of the `outputSteps` days after it (no labels: they are the future).
 */
export function futureExample(
  rows: SeriesRows,
  setup: Pick<ForecastSetup, 'inputSteps' | 'outputSteps'>,
): WindowExample {
  const { inputSteps, outputSteps } = setup;
  const end = rows.series.values.length;
  const xs = Float32Array.from(
    [
      ...rows.rows(end - inputSteps, end),
      ...Array.from({ length: outputSteps }, (_, h) => rows.row(end + h, false)),
    ].flat(),
  );
  return {
    xs,
    xsShape: [inputSteps + outputSteps, FEATURES.length],
    ys: new Float32Array(0),
    ysShape: [0, 1],
    labelStart: end,
  };
}

/** Tensor batches of examples: `{ xs: [b, steps, features], ys: [b, outputSteps, 1] }`, reshuffled each epoch when seeded. */
function batches(examples: readonly WindowExample[], batchSize: number, seed: number | null) {
  let dataset = Dataset.from(examples.map(({ xs, xsShape, ys, ysShape }) => ({ xs, xsShape, ys, ysShape })));
  if (seed !== null) dataset = dataset.shuffle(examples.length, seed);
  return toTensors(dataset.batch(batchSize));
}

export interface TrainOptions {
  readonly inputSteps: number;
  readonly outputSteps: number;
  readonly units: number;
  /** Dense layers between the LSTM and the output (none: []). */
  readonly hiddenUnits: readonly number[];
  /** Dropout on the LSTM's inputs. */
  readonly dropout: number;
  readonly loss: 'meanSquaredError' | 'meanAbsoluteError';
  readonly epochs: number;
  readonly batchSize: number;
  readonly learningRate: number;
  /** Epochs without a better validation loss before stopping (best weights restored). */
  readonly patience: number;
  readonly seed: number;
  readonly verbose: Verbosity;
}

export interface TrainedForecaster extends Forecaster {
  readonly history: History;
  readonly seconds: number;
  readonly trainWindows: number;
  readonly validationWindows: number;
}

/** Builds the forecaster template for `setup` and trains it on the training part, validating on the validation part. */
export async function trainForecaster(
  rows: SeriesRows,
  parts: { train: { start: number; end: number }; validation: { start: number; end: number } },
  options: TrainOptions,
): Promise<TrainedForecaster> {
  const setup = { inputSteps: options.inputSteps, outputSteps: options.outputSteps, stats: rows.stats };
  const trainExamples = windowExamples(rows, setup, { start: setup.inputSteps, end: parts.train.end });
  const validationExamples = windowExamples(rows, setup, parts.validation);
  const template: ForecasterOptions = {
    features: FEATURES.length,
    inputSteps: setup.inputSteps + setup.outputSteps,
    head: 'multiStep',
    outputSteps: setup.outputSteps,
    outputFeatures: 1,
    cell: 'lstm',
    units: options.units,
    hiddenUnits: [...options.hiddenUnits],
    dropout: options.dropout,
    seed: options.seed,
  };
  const model = forecaster(template);
  const started = performance.now();
  try {
    const stepsPerEpoch = Math.ceil(trainExamples.length / options.batchSize);
    const history = await train(model, batches(trainExamples, options.batchSize, options.seed), {
      epochs: options.epochs,
      optimizer: 'adam',
      learningRate: options.learningRate,
      learningRateSchedule: { kind: 'cosineDecay', decaySteps: stepsPerEpoch * options.epochs, alpha: 0.05 },
      loss: options.loss,
      validationData: batches(validationExamples, 256, null),
      earlyStopping: { monitor: 'val_loss', patience: options.patience, restoreBestWeights: true },
      seed: options.seed,
      verbose: options.verbose,
    });
    return {
      ...setup,
      model,
      history,
      seconds: (performance.now() - started) / 1000,
      trainWindows: trainExamples.length,
      validationWindows: validationExamples.length,
    };
  } catch (error) {
    model.dispose();
    throw error;
  }
}

/** Model outputs for the examples, in the data's units: `[examples][outputSteps]`. */
export async function predictExamples(
  forecaster: Forecaster,
  examples: readonly WindowExample[],
  batchSize = 512,
): Promise<number[][]> {
  const out: number[][] = [];
  const steps = forecaster.inputSteps + forecaster.outputSteps;
  for (let start = 0; start < examples.length; start += batchSize) {
    const chunk = examples.slice(start, start + batchSize);
    const scaled = await predictScaled(
      forecaster.model,
      chunk.map((e) => e.xs),
      steps,
    );
    for (let k = 0; k < chunk.length; k++) {
      const row = scaled.subarray(k * forecaster.outputSteps, (k + 1) * forecaster.outputSteps);
      out.push(Array.from(denormalize(row, forecaster.stats)));
    }
  }
  return out;
}

/** `model.predict` on windows given as flat rows; the z-scored outputs, flat. */
async function predictScaled(
  model: tfl.LayersModel,
  windows: readonly Float32Array[],
  steps: number,
): Promise<Float32Array> {
  const width = FEATURES.length;
  const flat = new Float32Array(windows.length * steps * width);
  for (const [k, xs] of windows.entries()) flat.set(xs, k * steps * width);
  const output = tf.tidy(() => model.predict(tf.tensor3d(flat, [windows.length, steps, width])) as tf.Tensor);
  const values = (await output.data()) as Float32Array;
  output.dispose();
  return values;
}

/**
 * Autoregressive rollout of a next-day forecaster (`outputSteps` 1): from each origin's window,
 * predict a day, write the prediction into that day's value column (known flag 1, as the model
 * treats an observed day), append the next day's calendar row, and predict again — `steps` days.
 * All origins roll forward together, one `predict` per day.
 * @returns `[examples][steps]` in the data's units.
 */
export async function rollout(
  nextDay: Forecaster,
  rows: SeriesRows,
  examples: readonly WindowExample[],
  steps: number,
): Promise<number[][]> {
  if (nextDay.outputSteps !== 1)
    throw new RangeError('rollout: the model must predict one day (outputSteps 1).');
  const width = FEATURES.length;
  const windowSteps = nextDay.inputSteps + 1;
  const windows = examples.map((e) => e.xs.slice());
  const out = examples.map(() => [] as number[]);
  for (let step = 0; step < steps; step++) {
    const scaled = await predictScaled(nextDay.model, windows, windowSteps);
    const predicted = denormalize(scaled, nextDay.stats);
    windows.forEach((xs, k) => {
      out[k]!.push(predicted[k]!);
      if (step === steps - 1) return;
      // The predicted day becomes the last past day; the day after it is the new target.
      xs.copyWithin(0, width);
      xs[(windowSteps - 2) * width] = scaled[k]!;
      xs[(windowSteps - 2) * width + 1] = 1;
      xs.set(rows.row(examples[k]!.labelStart + step + 1, false), (windowSteps - 1) * width);
    });
  }
  return out;
}
