import { RnnkitError } from '@rnnkit/core';
import * as tf from '@tensorflow/tfjs-core';
import { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import {
  type BatchRules,
  badValueCounts,
  batchRules,
  checkBatchShapes,
  invalidInputError,
} from './batch-checks.js';
import {
  type Batch,
  type BatchPass,
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
 *   batch's inputs, targets or mask do not fit the model and loss; `RNN_MODELS_INVALID_INPUT`
 *   for bad values (targets outside the loss's range, NaN/Infinity, Embedding ids outside
 *   [0, inputDim)), naming the batch, position and value; `RNN_MODELS_NON_FINITE_LOSS` when a
 *   loss or gradient norm is NaN/Infinity (weights unchanged by that step);
 *   `RNN_MODELS_DATA_SOURCE_FAILED` when the data source throws (the cause is kept);
 *   `RNN_MODELS_MODEL_BUSY` when another `train()` call is training the same model. Every
 *   failure leaves no tensors behind. Errors of a custom step or loss function propagate.
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
  // Sources whose batches a pass has handled (used, or disposed when left unread).
  const opened = new Set<unknown>();
  try {
    if (!(model instanceof LayersModel)) {
      validate.invalid(
        'train',
        'model',
        model,
        'must be a tfjs-layers LayersModel (tfl.sequential, tfl.model)',
      );
    }
    if (modelsInTraining.has(model)) {
      throw new RnnModelsError(
        'RNN_MODELS_MODEL_BUSY',
        `train: the model ${model.name} is already being trained by another train() call that has not finished. ` +
          'Two loops updating the same weights (and optimizer) at once interleave their steps: await the first ' +
          'call, or abort it (signal) and await it, before starting the next.',
      );
    }
    modelsInTraining.add(model);
    try {
      return await trainModel(model, data, options, opened);
    } finally {
      modelsInTraining.delete(model);
    }
  } finally {
    disposeUnopenedArrays(options, [data, (options as TrainOptions<B> | null)?.validationData], opened);
  }
}

/** Models a `train()` call is training now; a second call on one of them is `RNN_MODELS_MODEL_BUSY`. */
const modelsInTraining = new WeakSet<LayersModel>();

async function trainModel<B extends Batch>(
  model: LayersModel,
  data: DataSource<B>,
  options: TrainOptions<B>,
  opened: Set<unknown>,
): Promise<History> {
  checkDataSource(data, 'data');
  const variables = model.trainableWeights.map((weight) => weight.read() as tf.Variable);
  if (variables.length === 0) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `The model ${model.name} has no trainable weights: build it first (give its first layer an inputShape or ` +
        'batchInputShape) and check that its layers are trainable.',
    );
  }
  const resolved = resolveTrainOptions(model, options);
  const rules = batchRules(model, resolved.loss, resolved.step !== undefined);
  const o = buildTrainSetup(model, resolved);
  const loop = new TrainingLoop(model, data, o, variables, rules, opened);
  try {
    return await loop.run();
  } finally {
    loop.cleanUp();
  }
}

/**
 * With `disposeBatches: true`, train owns the batches of array sources too: those of an array
 * no pass read (options rejected, `epochs: 0`, a failure before validation) are disposed here.
 */
function disposeUnopenedArrays(options: unknown, sources: readonly unknown[], opened: Set<unknown>): void {
  if (options === null || typeof options !== 'object') return;
  if ((options as { disposeBatches?: unknown }).disposeBatches !== true) return;
  for (const source of new Set(sources)) {
    if (!Array.isArray(source) || opened.has(source)) continue;
    for (const batch of source) if (batch !== null && typeof batch === 'object') disposeBatch(batch as Batch);
  }
}

/**
 * Disposes the tensors tfjs saved for the backward pass when the forward pass inside
 * `tf.variableGrads` threw: tfjs keeps them on its active tape (outside every tidy) and frees
 * them only after a completed backward pass, so without this each failed step leaks them.
 */
function discardGradientTape(): void {
  const state = (
    tf.engine() as unknown as {
      state: { gradientDepth: number; activeTape: { saved?: tf.Tensor[] }[] | null };
    }
  ).state;
  if (state.gradientDepth !== 0 || state.activeTape == null) return;
  for (const node of state.activeTape) for (const tensor of node.saved ?? []) tensor.dispose();
  state.activeTape = null;
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
    private readonly rules: BatchRules | null,
    private readonly opened: Set<unknown>,
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
    const pass = await this.open(this.data, 'data', `epoch ${epoch}`);
    let batchIndex = 0;
    try {
      for (;;) {
        if (this.aborted) return null;
        const where = `Batch ${batchIndex} of epoch ${epoch}`;
        const next = await this.read(pass, 'data', where);
        if (next.done) break;
        const batch = next.value;
        let result: BatchValues;
        let rate: number | undefined;
        try {
          checkBatch(batch, where, this.o.step === undefined);
          if (this.rules !== null) checkBatchShapes(batch, this.rules, where);
          rate = this.applyLearningRate(epoch);
          this.seeds?.apply(this.step);
          result = await this.trainStep(batch, epoch, batchIndex, where);
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

  private async trainStep(batch: B, epoch: number, batchIndex: number, where: string): Promise<BatchValues> {
    const kept: tf.Tensor[] = [];
    // Counts of bad values, computed before the forward pass (which may fail on them: tfjs'
    // cpu Gather throws on an out-of-range id) and read back with the loss.
    const checks = this.rules === null ? null : badValueCounts(batch, this.rules);
    let summary: tf.Tensor1D;
    let gradients: tf.NamedTensorMap;
    let names: string[];
    try {
      ({ summary, gradients, names } = tf.tidy(() => {
        let output: TrainStepResult | undefined;
        let value: tf.Scalar;
        let grads: tf.NamedTensorMap;
        try {
          ({ value, grads } = tf.variableGrads(() => {
            output = this.forward(batch, true, epoch);
            if (output.yPred !== undefined) kept.push(tf.keep(output.yPred));
            for (const scalar of Object.values(output.logs ?? {})) kept.push(tf.keep(scalar));
            return output.loss;
          }, this.variables));
        } catch (error) {
          discardGradientTape();
          throw error;
        }
        const gradientNames = Object.keys(grads);
        const list = gradientNames.map((name) => grads[name]!);
        const norm = globalNorm(list);
        const clipped = clipGradients(list, this.o.clipping, norm);
        const { scalars, names: logNames } = this.summaryScalars(batch, value, output!);
        const stacked = tf.stack([norm, ...scalars]) as tf.Tensor1D;
        return {
          summary: checks === null ? stacked : (tf.concat([stacked, checks]) as tf.Tensor1D),
          gradients: Object.fromEntries(gradientNames.map((name, i) => [name, clipped[i]!])),
          names: logNames,
        };
      }));
    } catch (error) {
      throw this.inputErrorOr(error, batch, checks, where);
    } finally {
      tf.dispose(kept);
      checks?.dispose();
    }
    let values: Float32Array;
    try {
      values = (await summary.data()) as Float32Array;
    } finally {
      summary.dispose();
    }
    const invalid = this.invalidInput(batch, values, names.length + 2, where);
    if (invalid !== null) {
      tf.dispose(gradients);
      throw invalid;
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

  /** The `RNN_MODELS_INVALID_INPUT` error when the counts after `offset` in `values` show bad values. */
  private invalidInput(batch: B, values: Float32Array, offset: number, where: string): RnnModelsError | null {
    if (this.rules === null || values.length <= offset) return null;
    const counts = values.subarray(offset);
    if (counts.every((count) => count === 0)) return null;
    return invalidInputError(batch, this.rules, counts, where);
  }

  /**
   * When a step failed, the bad-value error if the batch holds bad values (the likely cause: an
   * id out of range fails inside tfjs' Gather), else the original error.
   */
  private inputErrorOr(error: unknown, batch: B, checks: tf.Tensor1D | null, where: string): unknown {
    if (this.rules === null || checks === null || checks.isDisposed) return error;
    const invalid = invalidInputError(batch, this.rules, checks.dataSync(), where);
    if (invalid === null) return error;
    return new RnnModelsError('RNN_MODELS_INVALID_INPUT', invalid.message, { cause: error });
  }

  /** Starts a pass over `source`; a source that throws is `RNN_MODELS_DATA_SOURCE_FAILED`. */
  private async open(source: DataSource<B>, what: string, when: string): Promise<BatchPass<B>> {
    this.opened.add(source);
    try {
      return await openPass(source, what, this.unreadHandler(source));
    } catch (error) {
      throw dataSourceFailed(error, `${what} threw when train started its pass for ${when}`);
    }
  }

  /** The next batch of a pass; a source that throws is `RNN_MODELS_DATA_SOURCE_FAILED`. */
  private async read(pass: BatchPass<B>, what: string, where: string): Promise<IteratorResult<B>> {
    try {
      return await pass.next();
    } catch (error) {
      throw dataSourceFailed(
        error,
        `${what} threw while train read ${where.charAt(0).toLowerCase()}${where.slice(1)}`,
      );
    }
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
    const pass = await this.open(source, 'validationData', `validation after epoch ${epoch}`);
    let count = 0;
    try {
      for (;;) {
        if (this.aborted) return null;
        const where = `validationData batch ${count} after epoch ${epoch}`;
        const next = await this.read(pass, 'validationData', where);
        if (next.done) break;
        const batch = next.value;
        let result: BatchValues;
        try {
          checkBatch(batch, where, this.o.step === undefined);
          if (this.rules !== null) checkBatchShapes(batch, this.rules, where);
          const checks = this.rules === null ? null : badValueCounts(batch, this.rules);
          let summary: tf.Tensor1D;
          let names: string[];
          try {
            ({ summary, names } = tf.tidy(() => {
              const output = this.forward(batch, false, epoch);
              const { scalars, names: logNames } = this.summaryScalars(batch, output.loss, output);
              const stacked = tf.stack(scalars) as tf.Tensor1D;
              return {
                summary: checks === null ? stacked : (tf.concat([stacked, checks]) as tf.Tensor1D),
                names: logNames,
              };
            }));
          } catch (error) {
            throw this.inputErrorOr(error, batch, checks, where);
          } finally {
            checks?.dispose();
          }
          let values: Float32Array;
          try {
            values = (await summary.data()) as Float32Array;
          } finally {
            summary.dispose();
          }
          const invalid = this.invalidInput(batch, values, names.length + 1, where);
          if (invalid !== null) throw invalid;
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

/** A data source's own error as `RNN_MODELS_DATA_SOURCE_FAILED` (rnnkit errors pass through). */
function dataSourceFailed(error: unknown, what: string): unknown {
  if (error instanceof RnnkitError) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new RnnModelsError(
    'RNN_MODELS_DATA_SOURCE_FAILED',
    `${what}: ${message}. Training stopped; the batches of that epoch read so far were applied. Fix the data ` +
      'source (the original error is the cause) and resume with initialEpoch / initialStep.',
    { cause: error },
  );
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
