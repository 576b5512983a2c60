import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import { type BatchRules, badValueCounts, checkBatchShapes, invalidInputError } from './batch-checks.js';
import { type Batch, batchSize, checkBatch } from './data-source.js';
import { clipGradients, globalNorm } from './gradient-clipping.js';
import { discardGradientTape } from './gradient-tape.js';
import { weightedMean } from './losses.js';
import { checkMetricNames } from './metrics.js';
import { getLearningRate } from './optimizers.js';
import type { TrainStepResult } from './train-options.js';
import type { TrainSetup } from './train-setup.js';

/** Values one batch contributes to the epoch means, and its weight. */
export interface BatchValues {
  readonly values: Record<string, number>;
  readonly weight: number;
  readonly size: number;
}

/** Where a step runs, for the custom step's context and for error messages. */
export interface StepAt {
  readonly epoch: number;
  /** The loop's global step counter when the step runs. */
  readonly step: number;
  /** The batch as errors name it ("Batch 3 of epoch 1"). */
  readonly where: string;
}

/** A training step's place, with the batch's index in its epoch. */
export interface TrainStepAt extends StepAt {
  readonly batchIndex: number;
}

/**
 * One step on one batch: the forward pass (default or custom step), loss, metrics and step logs;
 * for training also the gradients, their norm, clipping and the update.
 */
export class StepRunner<B extends Batch> {
  /** Names of the custom step's extra logs, fixed by its first result. */
  private stepLogNames: string[] | null = null;

  constructor(
    private readonly model: LayersModel,
    private readonly o: TrainSetup<B>,
    private readonly variables: tf.Variable[],
    private readonly rules: BatchRules | null,
  ) {}

  /** Checks a batch's form and shapes before it is used. */
  check(batch: B, where: string): void {
    checkBatch(batch, where, this.o.step === undefined);
    if (this.rules !== null) checkBatchShapes(batch, this.rules, where);
  }

  async train(batch: B, at: TrainStepAt): Promise<BatchValues> {
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
            output = this.forward(batch, true, at);
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
      throw this.inputErrorOr(error, batch, checks, at.where);
    } finally {
      tf.dispose(kept);
      checks?.dispose();
    }
    const values = await readSummary(summary);
    const invalid = this.invalidInput(batch, values, names.length + 2, at.where);
    if (invalid !== null) {
      tf.dispose(gradients);
      throw invalid;
    }
    const [norm = Number.NaN, loss = Number.NaN] = values;
    if (!Number.isFinite(loss) || !Number.isFinite(norm)) {
      tf.dispose(gradients);
      throw this.nonFinite(at, loss, norm);
    }
    this.o.optimizer.applyGradients(gradients);
    tf.dispose(gradients);
    return this.batchValues(batch, names, values.subarray(1));
  }

  /** A validation step: loss, metrics and step logs, no gradients. */
  async validate(batch: B, at: StepAt): Promise<BatchValues> {
    const checks = this.rules === null ? null : badValueCounts(batch, this.rules);
    let summary: tf.Tensor1D;
    let names: string[];
    try {
      ({ summary, names } = tf.tidy(() => {
        const output = this.forward(batch, false, at);
        const { scalars, names: logNames } = this.summaryScalars(batch, output.loss, output);
        const stacked = tf.stack(scalars) as tf.Tensor1D;
        return {
          summary: checks === null ? stacked : (tf.concat([stacked, checks]) as tf.Tensor1D),
          names: logNames,
        };
      }));
    } catch (error) {
      throw this.inputErrorOr(error, batch, checks, at.where);
    } finally {
      checks?.dispose();
    }
    const values = await readSummary(summary);
    const invalid = this.invalidInput(batch, values, names.length + 1, at.where);
    if (invalid !== null) throw invalid;
    return this.batchValues(batch, names, values);
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
  private forward(batch: B, training: boolean, at: StepAt): TrainStepResult {
    const o = this.o;
    if (o.step !== undefined) {
      const result = o.step({
        model: this.model,
        batch,
        training,
        epoch: at.epoch,
        step: training ? at.step : Math.max(at.step - 1, 0),
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

  private nonFinite(at: TrainStepAt, loss: number, norm: number): RnnModelsError {
    const what = Number.isFinite(loss)
      ? `the gradient norm is ${norm} (loss ${loss})`
      : `the loss is ${loss}`;
    const rate = getLearningRate(this.o.optimizer);
    return new RnnModelsError(
      'RNN_MODELS_NON_FINITE_LOSS',
      `Training stopped in epoch ${at.epoch}, batch ${at.batchIndex} (global step ${at.step}): ${what}. The update was ` +
        'not applied, so the weights are those of the previous step. Lower the learning rate' +
        `${rate === undefined ? '' : ` (now ${rate})`}, clip gradients (globalClipNorm: 1 or clipNorm: 1), ` +
        'and check the data for NaN/Infinity and the loss for log(0).',
    );
  }
}

/** Reads a step's summary scalars back in one read, and disposes them. */
async function readSummary(summary: tf.Tensor1D): Promise<Float32Array> {
  try {
    return (await summary.data()) as Float32Array;
  } finally {
    summary.dispose();
  }
}
