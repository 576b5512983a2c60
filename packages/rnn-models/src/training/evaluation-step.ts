import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import {
  type BatchRules,
  badValueCounts,
  checkBatchShapes,
  invalidInputError,
  needsUnitAxis,
} from './batch-checks.js';
import { type Batch, batchSize, checkBatch } from './data-source.js';
import { weightedMean } from './losses.js';
import { checkMetricNames } from './metrics.js';
import type { TrainStepResult } from './train-options.js';
import type { TrainSetup } from './train-setup.js';

/** Values one batch contributes to the pass means, and its weight. */
export interface BatchValues {
  readonly values: Record<string, number>;
  /** The batch's weight in the means: its mask's sum, else its rows. */
  readonly weight: number;
  /** Rows (samples) in the batch. */
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

/** What a step without gradients needs: the forward pass, the loss and the metrics. */
export type EvaluationSetup<B extends Batch> = Pick<TrainSetup<B>, 'step' | 'computeLoss' | 'metrics'>;

/**
 * One batch through the model without gradients (default or custom step): loss, metrics and
 * step logs read back as plain numbers. `train()`'s validation passes and `evaluate()` both run
 * it, so their numbers agree; `StepRunner` adds the training step.
 */
export class EvaluationStep<B extends Batch> {
  /** Names of the custom step's extra logs, fixed by its first result. */
  private stepLogNames: string[] | null = null;

  constructor(
    protected readonly model: LayersModel,
    private readonly setup: EvaluationSetup<B>,
    protected readonly rules: BatchRules | null,
  ) {}

  /** Checks a batch's form and shapes before it is used. */
  check(batch: B, where: string): void {
    checkBatch(batch, where, this.setup.step === undefined);
    if (this.rules !== null) checkBatchShapes(batch, this.rules, where);
  }

  /**
   * The batch with `ys` given the output's trailing unit axis when it lacks it (`[batch]` for a
   * `[batch, 1]` output), as Keras does; the default step only. Call inside a tidy: the
   * reshaped view is freed with it, the caller's batch is not changed.
   */
  protected withTargets(batch: B): B {
    if (this.rules === null || !needsUnitAxis(batch.ys.shape, this.rules.output)) return batch;
    return { ...batch, ys: tf.expandDims(batch.ys, -1) };
  }

  /**
   * One step in inference mode (`training: false`): loss, metrics and step logs, no gradients.
   * Ownership: the batch stays the caller's; every tensor made here is freed, on errors too.
   */
  async evaluate(batch: B, at: StepAt): Promise<BatchValues> {
    const checks = this.rules === null ? null : badValueCounts(batch, this.rules);
    let summary: tf.Tensor1D;
    let names: string[];
    try {
      ({ summary, names } = tf.tidy(() => {
        const shaped = this.withTargets(batch);
        const output = this.forward(shaped, false, at);
        const { scalars, names: logNames } = this.summaryScalars(shaped, output.loss, output);
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
  protected invalidInput(
    batch: B,
    values: Float32Array,
    offset: number,
    where: string,
  ): RnnModelsError | null {
    if (this.rules === null || values.length <= offset) return null;
    const counts = values.subarray(offset);
    if (counts.every((count) => count === 0)) return null;
    return invalidInputError(batch, this.rules, counts, where);
  }

  /**
   * When a step failed, the bad-value error if the batch holds bad values (the likely cause: an
   * id out of range fails inside tfjs' Gather), else the original error.
   */
  protected inputErrorOr(error: unknown, batch: B, checks: tf.Tensor1D | null, where: string): unknown {
    if (this.rules === null || checks === null || checks.isDisposed) return error;
    const invalid = invalidInputError(batch, this.rules, checks.dataSync(), where);
    if (invalid === null) return error;
    return new RnnModelsError('RNN_MODELS_INVALID_INPUT', invalid.message, { cause: error });
  }

  /**
   * `[loss, weight, ...metrics, ...step logs]` as float32 scalars, with their log names (the
   * weight is not logged). Runs inside the step's tidy.
   */
  protected summaryScalars(
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
    if (this.setup.metrics.length > 0) {
      if (output.yPred === undefined) {
        throw new RnnModelsError(
          'RNN_MODELS_INVALID_OPTION',
          'metrics are set but the custom step returned no yPred: return { loss, yPred } or pass metrics: [].',
        );
      }
      for (const metric of this.setup.metrics) {
        scalars.push(weightedMean(metric.fn(batch.ys, output.yPred), mask, `metric ${metric.name}`));
        names.push(metric.name);
      }
    }
    const logs = output.logs ?? {};
    const logNames = Object.keys(logs);
    if (this.stepLogNames === null) {
      checkMetricNames([...this.setup.metrics.map((m) => m.name), ...logNames]);
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

  protected batchValues(batch: B, names: readonly string[], values: Float32Array): BatchValues {
    // values: [loss, weight, ...metrics, ...logs]; names: ['loss', ...metrics, ...logs]
    const out: Record<string, number> = {};
    names.forEach((name, i) => {
      out[name] = values[i === 0 ? 0 : i + 1]!;
    });
    return { values: out, weight: values[1]!, size: batchSize(batch) };
  }

  /** The default step or the custom one, validated. Runs inside variableGrads or a tidy. */
  protected forward(batch: B, training: boolean, at: StepAt): TrainStepResult {
    const o = this.setup;
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
}

/** Reads a step's summary scalars back in one read, and disposes them. */
export async function readSummary(summary: tf.Tensor1D): Promise<Float32Array> {
  try {
    return (await summary.data()) as Float32Array;
  } finally {
    summary.dispose();
  }
}
