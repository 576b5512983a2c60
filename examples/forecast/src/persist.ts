// A forecaster and everything needed to feed it, in one atomic checkpoint: rnn-models' saveModel
// writes the weights and, in extras.json, the normalization statistics of the training part, the
// window sizes and the feature columns (so a model trained with other covariates is refused).
import type { NormalizationStats } from '@rnnkit/datasets';
import { type JsonValue, loadModel, saveModel } from '@rnnkit/rnn-models/node';
import { FEATURES, type Forecaster } from './forecaster.js';

interface ForecasterExtras {
  readonly task: 'forecast';
  readonly inputSteps: number;
  readonly outputSteps: number;
  readonly stats: NormalizationStats;
  readonly features: readonly string[];
  /** The data the model was trained on. */
  readonly source: string;
}

/** Saves `forecaster` into `dir` (replacing an earlier checkpoint there; a crash leaves the old or the new). */
export async function saveForecaster(forecaster: Forecaster, dir: string, source: string): Promise<void> {
  const extras: ForecasterExtras = {
    task: 'forecast',
    inputSteps: forecaster.inputSteps,
    outputSteps: forecaster.outputSteps,
    stats: forecaster.stats,
    features: FEATURES,
    source,
  };
  await saveModel(forecaster.model, dir, { extras: extras as unknown as JsonValue });
}

/** Loads what {@link saveForecaster} wrote. The caller owns (and disposes) `model`. */
export async function loadForecaster(dir: string): Promise<Forecaster & { source: string }> {
  const checkpoint = await loadModel(dir);
  const extras = checkpoint.extras as Partial<ForecasterExtras> | undefined;
  const fail = (why: string) => {
    checkpoint.model.dispose();
    return new Error(`${dir} is not a forecast checkpoint of this example: ${why}.`);
  };
  if (
    extras?.task !== 'forecast' ||
    typeof extras.inputSteps !== 'number' ||
    typeof extras.outputSteps !== 'number'
  ) {
    throw fail('its extras.json lacks the window sizes');
  }
  if (!Array.isArray(extras.stats?.mean) || !Array.isArray(extras.stats?.std)) {
    throw fail('its extras.json lacks the normalization statistics');
  }
  if (JSON.stringify(extras.features) !== JSON.stringify(FEATURES)) {
    throw fail(
      `it was trained on the features ${JSON.stringify(extras.features)}, not ${JSON.stringify(FEATURES)}`,
    );
  }
  // The input must be the window the extras describe: fail here, not on predict.
  const [, steps, width] = checkpoint.model.inputs[0]!.shape;
  if (steps !== extras.inputSteps + extras.outputSteps || width !== FEATURES.length) {
    throw fail(
      `the model reads [${steps}, ${width}] but extras.json says ${extras.inputSteps} + ${extras.outputSteps} steps`,
    );
  }
  return {
    model: checkpoint.model,
    inputSteps: extras.inputSteps,
    outputSteps: extras.outputSteps,
    stats: extras.stats,
    source: extras.source ?? 'unknown',
  };
}
