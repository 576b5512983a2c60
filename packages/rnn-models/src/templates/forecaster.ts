import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { RnnModelsError, validate } from '../errors.js';
import {
  checkTemplateSizes,
  denseLayer,
  firstLayerInput,
  hiddenDenseLayers,
  layerName,
  recurrentLayers,
  SeedSequence,
} from './build-layers.js';
import {
  checkTemplateOptions,
  DEFAULT_SHARED_OPTIONS,
  type HeadOptions,
  optionalLength,
  type RecurrentStackOptions,
  type ResolvedHeadOptions,
  type ResolvedRecurrentStackOptions,
  resolveHeadOptions,
  resolveRecurrentStackOptions,
  type SeedOptions,
  templateSeed,
} from './shared-options.js';

/**
 * Output head of a {@link forecaster}:
 * - `'multiStep'`: single shot — the last recurrent state → Dense(outputSteps · outputFeatures) → Reshape
 *   `[outputSteps, outputFeatures]` (the TF time-series tutorial's multi-step RNN);
 * - `'autoregressive'`: a single-step predictor (`[batch, 1, features]`) whose predictions
 *   {@link predictAutoregressive} feeds back as inputs, one step at a time.
 */
export type ForecasterHead = 'multiStep' | 'autoregressive';

/** The heads, for validation and docs. */
export const FORECASTER_HEADS: readonly ForecasterHead[] = Object.freeze(['multiStep', 'autoregressive']);

/** Options of {@link forecaster}. */
export interface ForecasterOptions extends RecurrentStackOptions, HeadOptions, SeedOptions {
  /** Features per time step of the input windows. Required. */
  readonly features: number;
  /**
   * Steps per input window; `null` accepts any length.
   * @default null
   */
  readonly inputSteps?: number | null;
  /**
   * `'multiStep'` (predicts `outputSteps` steps at once) or `'autoregressive'` (predicts one step; see
   * {@link predictAutoregressive}).
   * @default 'multiStep'
   */
  readonly head?: ForecasterHead;
  /**
   * Steps predicted at once by the `'multiStep'` head. The `'autoregressive'` head predicts one step;
   * another value throws there.
   * @default 1
   */
  readonly outputSteps?: number;
  /**
   * Features per predicted step; `null`: the same as `features`. The `'autoregressive'` head feeds its
   * predictions back as inputs, so there it must equal `features`.
   * @default null (= features)
   */
  readonly outputFeatures?: number | null;
}

/** {@link ForecasterOptions} with every default filled in. */
export interface ResolvedForecasterOptions extends ResolvedRecurrentStackOptions, ResolvedHeadOptions {
  readonly features: number;
  readonly inputSteps: number | null;
  readonly head: ForecasterHead;
  readonly outputSteps: number;
  readonly outputFeatures: number;
  readonly seed: number | null;
}

/** Defaults of {@link forecaster} (every option but the required `features`; `outputFeatures: null` means `features`). */
export const DEFAULT_FORECASTER_OPTIONS: Readonly<
  Omit<ResolvedForecasterOptions, 'features' | 'outputFeatures'> & { outputFeatures: null }
> = Object.freeze({
  cell: 'lstm',
  units: Object.freeze([32]),
  activation: DEFAULT_SHARED_OPTIONS.activation,
  dropout: DEFAULT_SHARED_OPTIONS.dropout,
  recurrentDropout: DEFAULT_SHARED_OPTIONS.recurrentDropout,
  resetAfter: DEFAULT_SHARED_OPTIONS.resetAfter,
  hiddenUnits: DEFAULT_SHARED_OPTIONS.hiddenUnits,
  hiddenActivation: DEFAULT_SHARED_OPTIONS.hiddenActivation,
  batchNorm: DEFAULT_SHARED_OPTIONS.batchNorm,
  layerDropout: DEFAULT_SHARED_OPTIONS.layerDropout,
  seed: DEFAULT_SHARED_OPTIONS.seed,
  inputSteps: null,
  head: 'multiStep',
  outputSteps: 1,
  outputFeatures: null,
});

const WHERE = 'forecaster';

/**
 * Validates {@link ForecasterOptions} and fills in the defaults of {@link DEFAULT_FORECASTER_OPTIONS}.
 *
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a missing `features`, a value of the wrong type
 *   or range, `resetAfter` with a non-GRU cell, or an `'autoregressive'` head with `outputSteps ≠ 1` or
 *   `outputFeatures ≠ features`.
 * @example
 * resolveForecasterOptions({ features: 19 }).outputFeatures; // 19
 */
export function resolveForecasterOptions(options: ForecasterOptions): ResolvedForecasterOptions {
  const defaults = DEFAULT_FORECASTER_OPTIONS;
  checkTemplateOptions(WHERE, options, defaults, ['features']);
  const features = validate.integer(WHERE, 'features', options.features, { min: 1 });
  const head = validate.oneOf(WHERE, 'head', options.head ?? defaults.head, FORECASTER_HEADS);
  const outputSteps = validate.integer(WHERE, 'outputSteps', options.outputSteps ?? defaults.outputSteps, {
    min: 1,
  });
  const outputFeatures =
    optionalLength(
      WHERE,
      'outputFeatures',
      options.outputFeatures === undefined ? defaults.outputFeatures : options.outputFeatures,
    ) ?? features;
  if (head === 'autoregressive' && outputSteps !== 1) {
    validate.invalid(
      WHERE,
      'outputSteps',
      outputSteps,
      "must be 1 with head: 'autoregressive' (it predicts one step at a time)",
      "Remove outputSteps and pass the number of steps to predictAutoregressive(model, window, steps), or use head: 'multiStep'.",
    );
  }
  if (head === 'autoregressive' && outputFeatures !== features) {
    validate.invalid(
      WHERE,
      'outputFeatures',
      outputFeatures,
      `must equal features (${features}) with head: 'autoregressive' (predictions are fed back as inputs)`,
      "Remove outputFeatures, or use head: 'multiStep'.",
    );
  }
  return {
    ...resolveRecurrentStackOptions(WHERE, options, defaults),
    ...resolveHeadOptions(WHERE, options, defaults),
    features,
    inputSteps: optionalLength(
      WHERE,
      'inputSteps',
      options.inputSteps === undefined ? defaults.inputSteps : options.inputSteps,
    ),
    head,
    outputSteps,
    outputFeatures,
    seed: templateSeed(WHERE, options.seed),
  };
}

/**
 * A recurrent forecaster over numeric windows: rnnkit recurrent layer(s) (the last returns its final
 * output) → optional hidden Dense layers → Dense(outputSteps · outputFeatures, linear) → Reshape
 * `[outputSteps, outputFeatures]`.
 *
 * Input: `[batch, inputSteps, features]`, `float32`. Output: `[batch, outputSteps, outputFeatures]`
 * (`'autoregressive'`: `[batch, 1, features]`). Not compiled; use e.g. `loss: 'meanSquaredError'`.
 *
 * @returns a new, uncompiled `tf.Sequential`; the caller owns it (`model.dispose()`).
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` (see {@link resolveForecasterOptions}).
 * @example
 * // TF time-series tutorial: 24 h in, 24 h × 19 features out, single shot
 * const multi = forecaster({ features: 19, inputSteps: 24, outputSteps: 24, units: 32 });
 * // one step at a time, fed back
 * const ar = forecaster({ features: 19, inputSteps: 24, head: 'autoregressive' });
 * const next24 = predictAutoregressive(ar, window, 24); // [batch, 24, 19]; dispose it
 */
export function forecaster(options: ForecasterOptions): tfl.Sequential {
  const resolved = resolveForecasterOptions(options);
  checkTemplateSizes(WHERE, {
    inputs: resolved.features,
    stack: resolved,
    bidirectional: false,
    hiddenUnits: resolved.hiddenUnits,
    outputUnits: resolved.outputSteps * resolved.outputFeatures,
  });
  const seeds = new SeedSequence(resolved.seed);
  return tfl.sequential({
    layers: [
      ...recurrentLayers(resolved, resolved, seeds, {
        returnSequences: false,
        bidirectional: false,
        stateful: false,
        input: firstLayerInput([resolved.inputSteps, resolved.features], null),
      }),
      ...hiddenDenseLayers(resolved, seeds),
      denseLayer(resolved.outputSteps * resolved.outputFeatures, 'linear', seeds),
      tfl.layers.reshape({
        targetShape: [resolved.outputSteps, resolved.outputFeatures],
        name: layerName('reshape'),
      }),
    ],
  });
}

/**
 * Anything that predicts from a tensor, as `tfl.LayersModel` does: here a single-step forecaster
 * mapping `[batch, inputSteps, features]` to `[batch, 1, features]` (or `[batch, features]`).
 */
export interface StepForecaster {
  predict(x: tf.Tensor): tf.Tensor | tf.Tensor[];
}

/**
 * Forecasts `steps` steps with a single-step model by feeding each prediction back: the window
 * slides by one step (drop the oldest, append the prediction) and the model predicts again —
 * the TF time-series tutorial's autoregressive scheme, re-reading the whole window each step
 * (the window length stays what the model was built for).
 *
 * Tensor ownership: the caller keeps owning `window` (it is not disposed or changed); the caller
 * owns the returned tensor. Intermediate windows and predictions are freed as it goes.
 *
 * @param model a single-step predictor, e.g. `forecaster({ head: 'autoregressive', … })`; its output
 *   must be `[batch, 1, features]` or `[batch, features]`.
 * @param window the last known steps, `[batch, inputSteps, features]`, `float32`.
 * @param steps how many steps to forecast, a positive integer.
 * @returns the forecast, `[batch, steps, features]`, `float32`.
 * @throws RnnModelsError `RNN_MODELS_INVALID_OPTION` for a bad `steps`; `RNN_MODELS_SHAPE_MISMATCH` when
 *   `window` is not rank 3 or the model's output does not have one step of `features` per row.
 * @example
 * const model = forecaster({ features: 3, inputSteps: 12, head: 'autoregressive' });
 * const forecast = predictAutoregressive(model, window, 6); // [batch, 6, 3]
 * forecast.dispose();
 */
export function predictAutoregressive(model: StepForecaster, window: tf.Tensor, steps: number): tf.Tensor3D {
  validate.integer('predictAutoregressive', 'steps', steps, { min: 1 });
  if (window.rank !== 3) {
    throw new RnnModelsError(
      'RNN_MODELS_SHAPE_MISMATCH',
      `predictAutoregressive: window must be [batch, inputSteps, features], received shape [${window.shape.join(', ')}]. ` +
        'Add a batch dimension with tf.expandDims(window, 0) for a single series.',
    );
  }
  const [batch, , features] = window.shape as [number, number, number];
  const predictions: tf.Tensor3D[] = [];
  let current: tf.Tensor3D = window as tf.Tensor3D;
  try {
    for (let step = 0; step < steps; step++) {
      const prediction = tf.tidy(() => {
        const raw = model.predict(current);
        const output = Array.isArray(raw) ? raw[0]! : raw;
        const fits =
          output.shape[0] === batch &&
          ((output.rank === 3 && output.shape[1] === 1 && output.shape[2] === features) ||
            (output.rank === 2 && output.shape[1] === features));
        if (!fits) {
          throw new RnnModelsError(
            'RNN_MODELS_SHAPE_MISMATCH',
            `predictAutoregressive: the model must predict one step of the window's features, [${batch}, 1, ${features}], ` +
              `but returned shape [${output.shape.join(', ')}]. Build it with forecaster({ head: 'autoregressive', features: ${features} }).`,
          );
        }
        return tf.reshape(output, [batch, 1, features]) as tf.Tensor3D;
      });
      predictions.push(prediction);
      if (step < steps - 1) {
        const next = tf.tidy(() =>
          tf.concat([tf.slice(current, [0, 1, 0], [-1, -1, -1]), prediction], 1),
        ) as tf.Tensor3D;
        if (current !== window) current.dispose();
        current = next;
      }
    }
    return predictions.length === 1 ? predictions.pop()! : (tf.concat(predictions, 1) as tf.Tensor3D);
  } finally {
    if (current !== window) current.dispose();
    tf.dispose(predictions);
  }
}
