import * as tf from '@tensorflow/tfjs-core';
import { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import {
  type Batch,
  checkBatch,
  checkDataSource,
  type DataSource,
  disposeBatch,
  knownSize,
  openPass,
} from './data-source.js';
import { DropoutSeeds } from './dropout-seeds.js';
import { EarlyStoppingMonitor, type WeightStore } from './early-stopping.js';
import { clipGradients, globalNorm } from './gradient-clipping.js';
import { type History, HistoryRecorder, WeightedMeans } from './history.js';
import { weightedMean } from './losses.js';
import { checkMetricNames } from './metrics.js';
import { getLearningRate, setLearningRate } from './optimizers.js';
import { ProgressReporter } from './progress.js';
import { resolveTrainOptions, type TrainOptions, type TrainStepResult } from './train-options.js';
import { buildTrainSetup, type TrainSetup } from './train-setup.js';

/**
 * Trains a tfjs-layers model with rnnkit's own loop (`tf.variableGrads` +
 * `optimizer.applyGradients`): what `model.fit` does, plus gradient clipping, learning-rate
 * schedules, loss masks, early stopping, a custom step, reproducible dropout, a NaN guard and
 * Keras-style progress. The model may be compiled (its optimizer, loss and metrics become the
 * defaults) or not.
 *
 * Each step runs in one `tf.tidy`: forward pass and loss inside `tf.variableGrads`, metrics, the
 * global gradient norm and clipping; then one read of all scalars. When the loss or the gradient
 * norm is NaN or infinite, training stops with an error *before* the update, so the weights are
 * those of the last good step.
 *
 * Tensor ownership: the model's weights are updated in place. Batches are disposed after use
 * unless `disposeBatches` says otherwise (by default, all but arrays' batches). A named optimizer
 * is created and disposed here; an optimizer you pass (or the compiled one) stays yours, with
 * its slots, and keeps the last learning rate set. Stateful layers keep their states.
 *
 * @param model a built `LayersModel` (e.g. `tfl.sequential` with an input shape).
 * @param data training batches `{ xs, ys, mask? }`: a dataset with `iterator()`, an array, an
 *   (async) iterable, or a function returning a fresh iterable per epoch.
 * @returns the History of the completed epochs (plain numbers), also when stopped early or aborted.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for invalid options or data (a batch that
 *   is not `{ xs, ys }` tensors, an epoch without batches); `RNN_MODELS_SHAPE_MISMATCH` when a
 *   mask does not fit the loss values; `RNN_MODELS_NON_FINITE_LOSS` when a loss or gradient norm
 *   is NaN/Infinity (weights unchanged by that step). Errors from the model or data propagate.
 * @example
 * const model = tfl.sequential({ layers: [
 *   tfl.layers.embedding({ inputDim: 50, outputDim: 16, inputLength: 20 }),
 *   lstm({ units: 32 }),
 *   tfl.layers.dense({ units: 50, activation: 'softmax' }),
 * ] });
 * const history = await train(model, batches, {
 *   epochs: 10, optimizer: 'adam', loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'],
 *   globalClipNorm: 1, learningRateSchedule: { kind: 'cosineDecay', decaySteps: 1000 },
 *   validationData: validation, earlyStopping: { patience: 2, restoreBestWeights: true },
 * });
 * history.history['val_loss']; // one number per epoch
 */
export async function train<B extends Batch = Batch>(
  model: LayersModel,
  data: DataSource<B>,
  options: TrainOptions<B> = {},
): Promise<History> {
  if (!(model instanceof LayersModel)) {
    validate.invalid(
      'train',
      'model',
      model,
      'must be a tfjs-layers LayersModel (tfl.sequential, tfl.model)',
    );
  }
  checkDataSource(data, 'data');
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  if (variables.length === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `The model ${model.name} has no trainable weights: build it first (give its first layer an inputShape or ` +
        'batchInputShape) and check that its layers are trainable.',
    );
  }
  const o = buildTrainSetup(model, resolveTrainOptions(model, options));
  const loop = new TrainingLoop(model, data, o, variables);
  try {
    return await loop.run();
  } finally {
    loop.cleanUp();
  }
}

/** Values one batch contributes to the epoch means, and its weight. */
interface BatchValues {
  readonly values: Record<string, number>;
  readonly weight: number;
  readonly size: number;
}

const YIELD_EVERY_MS = 20;

class TrainingLoop<B extends Batch> {
  private readonly history = new HistoryRecorder();
  private readonly seeds: DropoutSeeds | null;
  private readonly early: EarlyStoppingMonitor | null;
  private readonly stateful: boolean;
  private progress: ProgressReporter | null = null;
  private step: number;
  private lastYield = performance.now();
  private currentRate: number | undefined;
  /** Names of the custom step's extra logs, fixed by its first result. */
  private stepLogNames: string[] | null = null;

  constructor(
    private readonly model: LayersModel,
    private readonly data: DataSource<B>,
    private readonly o: TrainSetup<B>,
    private readonly variables: tf.Variable[],
  ) {
    this.step = o.initialStep;
    this.seeds = o.seed === undefined ? null : new DropoutSeeds(model, o.seed);
    this.early =
      o.earlyStopping === undefined ? null : new EarlyStoppingMonitor(o.earlyStopping, weightStore(model));
    this.stateful = (model as { stateful?: boolean }).stateful === true;
  }

  async run(): Promise<History> {
    const o = this.o;
    this.progress = await ProgressReporter.create({
      verbose: o.verbose,
      output: o.output,
      clock: o.clock,
      logIntervalMs: o.logIntervalMs,
      epochs: o.epochs,
    });
    for (const callback of o.callbacks) await callback.onTrainBegin?.();
    let batchesPerEpoch = knownSize(this.data);
    let lastLogs: Record<string, number> | undefined;
    for (let epoch = o.initialEpoch; epoch < o.epochs && !this.aborted; epoch++) {
      if (this.stateful && o.resetStatesEachEpoch) this.model.resetStates();
      for (const callback of o.callbacks) await callback.onEpochBegin?.(epoch);
      this.progress.epochBegin(epoch, batchesPerEpoch);
      const means = await this.trainEpoch(epoch);
      if (means === null) break;
      batchesPerEpoch = means.batches;
      const logs = means.logs;
      if (o.validationData !== undefined) {
        if (this.stateful && o.resetStatesEachEpoch) this.model.resetStates();
        const validation = await this.evaluate(o.validationData, epoch);
        if (validation === null) break;
        Object.assign(logs, validation);
      }
      this.history.record(epoch, logs);
      lastLogs = logs;
      this.progress.epochEnd(means.batches, logs);
      for (const callback of o.callbacks) await callback.onEpochEnd?.(epoch, { ...logs });
      if (this.early?.onEpochEnd(epoch, logs)) break;
    }
    this.progress.close();
    this.early?.finish();
    for (const callback of o.callbacks)
      await callback.onTrainEnd?.(lastLogs === undefined ? undefined : { ...lastLogs });
    return this.history.toHistory();
  }

  /** Releases what the loop holds, whether it finished or threw. */
  cleanUp(): void {
    this.progress?.close();
    this.seeds?.restore();
    this.early?.dispose();
    if (this.o.ownsOptimizer) this.o.optimizer.dispose();
  }

  private get aborted(): boolean {
    return this.o.signal?.aborted === true;
  }

  /** One pass over the training data; `null` when aborted part-way. */
  private async trainEpoch(epoch: number): Promise<{ logs: Record<string, number>; batches: number } | null> {
    const means = new WeightedMeans();
    const pass = await openPass(this.data, 'data', this.unreadHandler(this.data));
    let batchIndex = 0;
    try {
      for (;;) {
        if (this.aborted) return null;
        const next = await pass.next();
        if (next.done) break;
        const batch = next.value;
        let result: BatchValues;
        let rate: number | undefined;
        try {
          checkBatch(batch, `Batch ${batchIndex} of epoch ${epoch}`, this.o.step === undefined);
          rate = this.applyLearningRate(epoch);
          this.seeds?.apply(this.step);
          result = await this.trainStep(batch, epoch, batchIndex);
        } finally {
          if (this.disposes(this.data)) disposeBatch(batch);
        }
        means.add(result.values, result.weight);
        const step = this.step;
        this.step += 1;
        batchIndex += 1;
        this.progress!.batchEnd(batchIndex, means.means());
        for (const callback of this.o.callbacks) {
          await callback.onBatchEnd?.(step, {
            ...result.values,
            batch: batchIndex - 1,
            size: result.size,
            ...(rate !== undefined ? { learningRate: rate } : {}),
          });
        }
        await this.maybeYield();
      }
    } finally {
      await pass.close();
    }
    if (batchIndex === 0) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `data yielded no batches in epoch ${epoch}. A generator or iterator can be read only once: for several ` +
          'epochs pass a function that creates it (() => generate()) or a dataset.',
      );
    }
    return { logs: means.means(), batches: batchIndex };
  }

  /** Sets this step's learning rate on the optimizer; returns it (undefined when not managed). */
  private applyLearningRate(epoch: number): number | undefined {
    if (this.o.learningRate === null) return getLearningRate(this.o.optimizer);
    const rate = this.o.learningRate(this.step, epoch);
    if (rate !== this.currentRate || getLearningRate(this.o.optimizer) !== rate) {
      setLearningRate(this.o.optimizer, rate);
      this.currentRate = rate;
    }
    return rate;
  }

  private async trainStep(batch: B, epoch: number, batchIndex: number): Promise<BatchValues> {
    const kept: tf.Tensor[] = [];
    let summary: tf.Tensor1D;
    let gradients: tf.NamedTensorMap;
    let names: string[];
    try {
      ({ summary, gradients, names } = tf.tidy(() => {
        let output: TrainStepResult | undefined;
        const { value, grads } = tf.variableGrads(() => {
          output = this.forward(batch, true, epoch);
          if (output.yPred !== undefined) kept.push(tf.keep(output.yPred));
          for (const scalar of Object.values(output.logs ?? {})) kept.push(tf.keep(scalar));
          return output.loss;
        }, this.variables);
        const gradientNames = Object.keys(grads);
        const list = gradientNames.map((name) => grads[name]!);
        const norm = globalNorm(list);
        const clipped = clipGradients(list, this.o.clipping, norm);
        const { scalars, names: logNames } = this.summaryScalars(batch, value, output!);
        return {
          summary: tf.stack([norm, ...scalars]) as tf.Tensor1D,
          gradients: Object.fromEntries(gradientNames.map((name, i) => [name, clipped[i]!])),
          names: logNames,
        };
      }));
    } finally {
      tf.dispose(kept);
    }
    let values: Float32Array;
    try {
      values = (await summary.data()) as Float32Array;
    } finally {
      summary.dispose();
    }
    const [norm = Number.NaN, loss = Number.NaN] = values;
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
      tf.dispose(gradients);
      throw this.nonFinite(epoch, batchIndex, loss, norm);
    }
    this.o.optimizer.applyGradients(gradients);
    tf.dispose(gradients);
    return this.batchValues(batch, names, values.subarray(1));
  }

  /**
   * `[loss, weight, ...metrics, ...step logs]` as float32 scalars, with their log names (the
   * weight is not logged). Runs inside the step's tidy.
   */
  private summaryScalars(
    batch: B,
    loss: tf.Scalar,
    output: TrainStepResult,
  ): { scalars: tf.Scalar[]; names: string[] } {
    const scalars: tf.Scalar[] = [tf.cast(loss, 'float32')];
    const names = ['loss'];
    const mask = batch.mask;
    scalars.push(
      mask === undefined ? tf.scalar(batchSize(batch)) : (tf.sum(tf.cast(mask, 'float32')) as tf.Scalar),
    );
    if (this.o.metrics.length > 0) {
      if (output.yPred === undefined) {
        throw new RnnModelsError(
          'RNN_MODELS_INVALID_OPTION',
          'metrics are set but the custom step returned no yPred: return { loss, yPred } or pass metrics: [].',
        );
      }
      for (const metric of this.o.metrics) {
        scalars.push(weightedMean(metric.fn(batch.ys, output.yPred), mask, `metric ${metric.name}`));
        names.push(metric.name);
      }
    }
    const logs = output.logs ?? {};
    const logNames = Object.keys(logs);
    if (this.stepLogNames === null) {
      checkMetricNames([...this.o.metrics.map((m) => m.name), ...logNames]);
      this.stepLogNames = logNames;
    }
    for (const name of this.stepLogNames) {
      const value = logs[name];
      if (!(value instanceof tf.Tensor) || value.rank !== 0) {
        throw new RnnModelsError(
          'RNN_MODELS_INVALID_OPTION',
          `The custom step's logs.${name} must be a scalar tensor in every step (the first step returned it).`,
        );
      }
      scalars.push(tf.cast(value, 'float32'));
      names.push(name);
    }
    return { scalars, names };
  }

  private batchValues(batch: B, names: readonly string[], values: Float32Array): BatchValues {
    // values: [loss, weight, ...metrics, ...logs]; names: ['loss', ...metrics, ...logs]
    const out: Record<string, number> = {};
    names.forEach((name, i) => {
      out[name] = values[i === 0 ? 0 : i + 1]!;
    });
    return { values: out, weight: values[1]!, size: batchSize(batch) };
  }

  /** The default step or the custom one, validated. Runs inside variableGrads or a tidy. */
  private forward(batch: B, training: boolean, epoch: number): TrainStepResult {
    const o = this.o;
    if (o.step !== undefined) {
      const result = o.step({
        model: this.model,
        batch,
        training,
        epoch,
        step: training ? this.step : Math.max(this.step - 1, 0),
        computeLoss: o.computeLoss,
      });
      if (
        result === null ||
        typeof result !== 'object' ||
        typeof (result as { then?: unknown }).then === 'function'
      ) {
        throw new RnnModelsError(
          'RNN_MODELS_INVALID_OPTION',
          'The custom step must synchronously return { loss, yPred?, logs? } (it runs inside tf.variableGrads; no async).',
        );
      }
      if (!(result.loss instanceof tf.Tensor) || result.loss.rank !== 0) {
        throw new RnnModelsError(
          'RNN_MODELS_INVALID_OPTION',
          `The custom step must return { loss } as a scalar tensor, received ${
            result.loss instanceof tf.Tensor ? `shape [${result.loss.shape.join(', ')}]` : String(result.loss)
          }. Reduce it with tf.mean or context.computeLoss.`,
        );
      }
      return result;
    }
    const xs = batch.xs as tf.Tensor | tf.Tensor[];
    const yPred = this.model.apply(xs, { training });
    if (!(yPred instanceof tf.Tensor)) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        'The model returned several outputs; the default step handles one. Pass a custom step.',
      );
    }
    return { loss: o.computeLoss!(batch.ys, yPred, batch.mask), yPred };
  }

  /** Validation means under `val_` keys; `null` when aborted part-way. */
  private async evaluate(source: DataSource<B>, epoch: number): Promise<Record<string, number> | null> {
    const means = new WeightedMeans();
    const pass = await openPass(source, 'validationData', this.unreadHandler(source));
    let count = 0;
    try {
      for (;;) {
        if (this.aborted) return null;
        const next = await pass.next();
        if (next.done) break;
        const batch = next.value;
        let result: BatchValues;
        try {
          checkBatch(batch, `validationData batch ${count} after epoch ${epoch}`, this.o.step === undefined);
          const { summary, names } = tf.tidy(() => {
            const output = this.forward(batch, false, epoch);
            const { scalars, names: logNames } = this.summaryScalars(batch, output.loss, output);
            return { summary: tf.stack(scalars) as tf.Tensor1D, names: logNames };
          });
          let values: Float32Array;
          try {
            values = (await summary.data()) as Float32Array;
          } finally {
            summary.dispose();
          }
          result = this.batchValues(batch, names, values);
        } finally {
          if (this.disposes(source)) disposeBatch(batch);
        }
        means.add(result.values, result.weight);
        count += 1;
        await this.maybeYield();
      }
    } finally {
      await pass.close();
    }
    if (count === 0) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `validationData yielded no batches after epoch ${epoch}. A generator can be read only once: pass a function ` +
          'that creates it, or a dataset.',
      );
    }
    return means.means('val_');
  }

  /** Disposes the batches a pass ended early (abort, error) leaves unread, when train owns them. */
  private unreadHandler(source: DataSource<B>): ((batch: B) => void) | undefined {
    return this.disposes(source) ? (batch) => disposeBatch(batch) : undefined;
  }

  private disposes(source: DataSource<B>): boolean {
    return this.o.disposeBatches === 'auto' ? !Array.isArray(source) : this.o.disposeBatches;
  }

  private nonFinite(epoch: number, batchIndex: number, loss: number, norm: number): RnnModelsError {
    const what = Number.isFinite(loss)
      ? `the gradient norm is ${norm} (loss ${loss})`
      : `the loss is ${loss}`;
    const rate = getLearningRate(this.o.optimizer);
    return new RnnModelsError(
      'RNN_MODELS_NON_FINITE_LOSS',
      `Training stopped in epoch ${epoch}, batch ${batchIndex} (global step ${this.step}): ${what}. The update was ` +
        'not applied, so the weights are those of the previous step. Lower the learning rate' +
        `${rate === undefined ? '' : ` (now ${rate})`}, clip gradients (globalClipNorm: 1 or clipNorm: 1), ` +
        'and check the data for NaN/Infinity and the loss for log(0).',
    );
  }

  /** Lets timers and I/O (an abort, a progress redraw) run every ~20 ms of training. */
  private async maybeYield(): Promise<void> {
    const now = performance.now();
    if (now - this.lastYield < YIELD_EVERY_MS) return;
    this.lastYield = now;
    await new Promise<void>((resolve) => {
      if (typeof setImmediate === 'function') setImmediate(resolve);
      else setTimeout(resolve, 0);
    });
  }
}

function batchSize(batch: Batch): number {
  if (batch.ys instanceof tf.Tensor && batch.ys.rank > 0) return batch.ys.shape[0]!;
  const first = Array.isArray(batch.xs) ? batch.xs[0] : batch.xs;
  return (first as tf.Tensor | undefined)?.shape[0] ?? 1;
}

function weightStore(model: LayersModel): WeightStore {
  return {
    snapshot: () => model.getWeights().map((weight) => tf.clone(weight)),
    restore: (weights) => model.setWeights(weights as tf.Tensor[]),
  };
}
