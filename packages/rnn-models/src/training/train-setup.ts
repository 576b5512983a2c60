import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { compiledMetrics } from './compiled-model.js';
import type { Batch } from './data-source.js';
import { buildLearningRateSchedule, type LearningRateFunction } from './learning-rate-schedules.js';
import { type LossFunction, weightedMean } from './losses.js';
import { type ResolvedMetric, resolveMetrics } from './metrics.js';
import { createOptimizer } from './optimizers.js';
import type { ResolvedTrainOptions } from './train-options.js';

/** A loss reduced to a scalar with the batch mask. */
export type ComputeLoss = (yTrue: tf.Tensor, yPred: tf.Tensor, mask?: tf.Tensor) => tf.Scalar;

/** What `train`'s loop runs with: the resolved options plus the parts built from them. */
export interface TrainSetup<B extends Batch>
  extends Omit<ResolvedTrainOptions<B>, 'optimizer' | 'loss' | 'metrics' | 'learningRateSchedule'> {
  readonly optimizer: tf.Optimizer;
  /** Whether train created the optimizer (and disposes it). */
  readonly ownsOptimizer: boolean;
  /** Rate per step, or `null` to leave the optimizer's rate alone. */
  readonly learningRate: LearningRateFunction | null;
  /** The loss reduced to a scalar, or undefined (custom step without loss). */
  readonly computeLoss: ComputeLoss | undefined;
  readonly metrics: readonly ResolvedMetric[];
}

/** The loss averaged over the batch, weighted by its mask. */
export function buildComputeLoss(loss: LossFunction | undefined): ComputeLoss | undefined {
  if (loss === undefined) return undefined;
  return (yTrue, yPred, mask) => weightedMean(loss(yTrue, yPred), mask, 'the loss');
}

/**
 * The `metrics` option resolved against the loss and output width, or the compiled model's.
 * `where` names the function in messages.
 */
export function buildMetrics<B extends Batch>(
  model: LayersModel,
  resolved: Pick<ResolvedTrainOptions<B>, 'metrics' | 'step' | 'loss'>,
  where = 'train',
): ResolvedMetric[] {
  if (resolved.metrics === undefined) return resolved.step === undefined ? compiledMetrics(model) : [];
  const outputShape = model.outputs[0]?.shape;
  return resolveMetrics(resolved.metrics, {
    loss: resolved.loss,
    outputUnits: outputShape?.[outputShape.length - 1],
    where,
  });
}

/** The learning rate per step; `null` for an optimizer without a numeric rate (left alone). */
export function buildSchedule<B extends Batch>(
  resolved: ResolvedTrainOptions<B>,
): LearningRateFunction | null {
  const base = resolved.baseLearningRate;
  return base === undefined
    ? null
    : buildLearningRateSchedule('train({ learningRateSchedule })', resolved.learningRateSchedule, base);
}

/** The optimizer: a named one is created here (and owned by train); yours is used as is. */
export function buildOptimizer<B extends Batch>(
  resolved: ResolvedTrainOptions<B>,
): { optimizer: tf.Optimizer; ownsOptimizer: boolean } {
  return typeof resolved.optimizer === 'string'
    ? { optimizer: createOptimizer(resolved.optimizer, resolved.baseLearningRate), ownsOptimizer: true }
    : { optimizer: resolved.optimizer, ownsOptimizer: false };
}

/**
 * Builds what train runs with from its resolved options. The optimizer comes last, so an error
 * in the schedule or metrics leaves nothing to dispose.
 */
export function buildTrainSetup<B extends Batch>(
  model: LayersModel,
  resolved: ResolvedTrainOptions<B>,
): TrainSetup<B> {
  const computeLoss = buildComputeLoss(resolved.loss);
  const metrics = buildMetrics(model, resolved);
  const learningRate = buildSchedule(resolved);
  return { ...resolved, computeLoss, metrics, learningRate, ...buildOptimizer(resolved) };
}
