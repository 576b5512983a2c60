import { closestName } from '@rnnkit/core';
import { metrics as tflMetrics } from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import { getLoss, LOSS_NAMES, type LossFunction, type LossName } from './losses.js';

/**
 * Metric names: `'accuracy'`/`'acc'` (binary, categorical or sparse categorical, picked from the
 * loss and the output size as tfjs-layers' `compile` does), the explicit accuracies,
 * tfjs-layers' `precision`/`recall` (whole-batch scalars, so not maskable), or any loss name.
 */
export type MetricName =
  | 'accuracy'
  | 'acc'
  | 'binaryAccuracy'
  | 'categoricalAccuracy'
  | 'sparseCategoricalAccuracy'
  | 'precision'
  | 'recall'
  | LossName;

/** A metric as a function: per-sample/per-step values or a scalar; see {@link LossFunction}. */
export type MetricFunction = LossFunction;

/** A metric as given in options: a name, a named function, or `{ name, fn }`. */
export type MetricSpec = MetricName | MetricFunction | { readonly name: string; readonly fn: MetricFunction };

/** A metric ready to compute, under the key it has in logs. */
export interface ResolvedMetric {
  readonly name: string;
  readonly fn: MetricFunction;
}

const FIXED: Readonly<Record<string, MetricFunction>> = {
  binaryAccuracy: tflMetrics.binaryAccuracy,
  categoricalAccuracy: tflMetrics.categoricalAccuracy,
  sparseCategoricalAccuracy: tflMetrics.sparseCategoricalAccuracy,
  precision: tflMetrics.precision,
  recall: tflMetrics.recall,
};

/** What `'accuracy'` needs to know to pick its kind, as in tfjs-layers' `compile`. */
export interface AccuracyContext {
  /** The loss function in use, compared by identity with the named losses. */
  readonly loss: LossFunction | undefined;
  /** Size of the model output's last axis (1 means a single sigmoid unit: binary accuracy). */
  readonly outputUnits: number | null | undefined;
  /** The function whose option this is, for messages. @default 'train' */
  readonly where?: string;
}

/**
 * Resolves metric specs to named functions; names must be unique and not `loss`, `val_…` or
 * the other keys train puts in logs.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for unknown names, functions without a name,
 *   duplicate or reserved names.
 * @example
 * resolveMetrics(['accuracy'], { loss: getLoss('sparseCategoricalCrossentropy'), outputUnits: 50 });
 * // [{ name: 'accuracy', fn: tfl.metrics.sparseCategoricalAccuracy }]
 */
export function resolveMetrics(specs: readonly MetricSpec[], context: AccuracyContext): ResolvedMetric[] {
  if (!Array.isArray(specs)) {
    throw new RnnModelsError(
      'RNN_MODELS_INVALID_OPTION',
      `metrics must be an array of names, functions or { name, fn }, received ${String(specs)}.`,
    );
  }
  const resolved = specs.map((spec, index) => resolveOne(spec, index, context));
  checkMetricNames(resolved.map((metric) => metric.name));
  return resolved;
}

/** Keys train writes into batch logs itself; metrics may not use them. */
export const RESERVED_LOG_KEYS = ['loss', 'batch', 'size', 'learningRate'] as const;

/**
 * Checks log names for duplicates and reserved keys.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` naming the offending key.
 */
export function checkMetricNames(names: readonly string[]): void {
  const seen = new Set<string>();
  for (const name of names) {
    if ((RESERVED_LOG_KEYS as readonly string[]).includes(name) || name.startsWith('val_')) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `Metric name ${JSON.stringify(name)} is reserved (${RESERVED_LOG_KEYS.join(', ')} and val_… are keys ` +
          'train writes itself); give the metric another name with { name, fn }.',
      );
    }
    if (seen.has(name)) {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `Metric name ${JSON.stringify(name)} appears twice; metric names must be unique.`,
      );
    }
    seen.add(name);
  }
}

function resolveOne(spec: MetricSpec, index: number, context: AccuracyContext): ResolvedMetric {
  if (typeof spec === 'function') {
    if (spec.name === '') {
      throw new RnnModelsError(
        'RNN_MODELS_INVALID_OPTION',
        `metrics[${index}] is an anonymous function; its name is its key in logs. Pass { name: 'myMetric', fn }.`,
      );
    }
    return { name: spec.name, fn: spec };
  }
  if (typeof spec === 'string') return { name: spec, fn: metricByName(spec, index, context) };
  if (
    spec !== null &&
    typeof spec === 'object' &&
    typeof spec.name === 'string' &&
    typeof spec.fn === 'function'
  ) {
    if (spec.name === '') {
      throw new RnnModelsError('RNN_MODELS_INVALID_OPTION', `metrics[${index}].name must not be empty.`);
    }
    return { name: spec.name, fn: spec.fn };
  }
  throw new RnnModelsError(
    'RNN_MODELS_INVALID_OPTION',
    `metrics[${index}] must be a metric name, a named function or { name, fn }, received ${String(spec)}.`,
  );
}

function metricByName(name: string, index: number, context: AccuracyContext): MetricFunction {
  if (name === 'accuracy' || name === 'acc') {
    if (context.outputUnits === 1 || context.loss === getLoss('binaryCrossentropy')) {
      return tflMetrics.binaryAccuracy;
    }
    if (context.loss === getLoss('sparseCategoricalCrossentropy'))
      return tflMetrics.sparseCategoricalAccuracy;
    return tflMetrics.categoricalAccuracy;
  }
  const fixed = Object.hasOwn(FIXED, name) ? FIXED[name] : undefined;
  if (fixed !== undefined) return fixed;
  if ((LOSS_NAMES as readonly string[]).includes(name)) return getLoss(name as LossName);
  const known = ['accuracy', ...Object.keys(FIXED), ...LOSS_NAMES];
  const closest = closestName(name, known);
  return validate.invalid(
    context.where ?? 'train',
    `metrics[${index}]`,
    name,
    'is not a known metric',
    `${closest === null ? '' : `Did you mean '${closest}'? `}Use ${known.join(', ')} or a function.`,
  );
}
