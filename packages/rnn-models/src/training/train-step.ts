import * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { RnnModelsError } from '../errors.js';
import { type BatchRules, badValueCounts } from './batch-checks.js';
import type { Batch } from './data-source.js';
import { type BatchValues, EvaluationStep, readSummary, type StepAt } from './evaluation-step.js';
import { applyGradients } from './fused-adam.js';
import { clipGradients, globalNorm } from './gradient-clipping.js';
import { discardGradientTape } from './gradient-tape.js';
import { getLearningRate } from './optimizers.js';
import type { TrainStepResult } from './train-options.js';
import type { TrainSetup } from './train-setup.js';

export type { BatchValues, StepAt } from './evaluation-step.js';

/** A training step's place, with the batch's index in its epoch. */
export interface TrainStepAt extends StepAt {
  readonly batchIndex: number;
}

/**
 * One training step on one batch: the forward pass (default or custom step), loss, metrics and
 * step logs as {@link EvaluationStep} computes them, plus the gradients, their norm, clipping and
 * the update.
 */
export class StepRunner<B extends Batch> extends EvaluationStep<B> {
  constructor(
    model: LayersModel,
    private readonly o: TrainSetup<B>,
    private readonly variables: tf.Variable[],
    rules: BatchRules | null,
  ) {
    super(model, o, rules);
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
        const shaped = this.withTargets(batch);
        let output: TrainStepResult | undefined;
        let value: tf.Scalar;
        let grads: tf.NamedTensorMap;
        try {
          ({ value, grads } = tf.variableGrads(() => {
            output = this.forward(shaped, true, at);
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
        const { scalars, names: logNames } = this.summaryScalars(shaped, value, output!);
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
    applyGradients(this.o.optimizer, gradients);
    tf.dispose(gradients);
    return this.batchValues(batch, names, values.subarray(1));
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
