import type * as tf from '@tensorflow/tfjs-core';
import type { LayersModel } from '@tensorflow/tfjs-layers';
import { getLoss, LOSS_NAMES, type LossFunction, type LossName } from './losses.js';
import type { ResolvedMetric } from './metrics.js';

/**
 * What `train` takes from a compiled model as defaults: its loss, optimizer and metrics.
 */

/**
 * The compiled model's single loss: `model.loss` (a Sequential keeps its `lossFunctions` on an
 * inner model, but copies `loss`).
 */
export function compiledLossFunction(model: LayersModel): LossFunction | undefined {
  const loss = (model as { loss?: unknown }).loss;
  if (typeof loss === 'function') return loss as LossFunction;
  if (typeof loss === 'string' && (LOSS_NAMES as readonly string[]).includes(loss))
    return getLoss(loss as LossName);
  return undefined;
}

/** The compiled model's optimizer, if any. */
export function compiledOptimizer(model: LayersModel): tf.Optimizer | undefined {
  return (model as { optimizer?: tf.Optimizer }).optimizer ?? undefined;
}

/** The compiled model's metrics under the names tfjs-layers gives them in `fit` logs. */
export function compiledMetrics(model: LayersModel): ResolvedMetric[] {
  const names = model.metricsNames ?? [];
  const tensors = model.metricsTensors ?? [];
  return tensors.map(([fn], index) => ({
    name: names[index + 1] ?? `metric_${index}`,
    fn: fn as LossFunction,
  }));
}
