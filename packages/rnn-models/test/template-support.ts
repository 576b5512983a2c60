/**
 * The scaffold the template tests (src/templates/*.test.ts) share: the cpu backend, disposal of the
 * models a test builds, token ids, and the checks every template gets (options rejected with
 * RNN_MODELS_INVALID_OPTION, a save/load round trip, no leaks). Test-only: outside src, so it is
 * neither built into dist nor published.
 */
import { expectErrorCode, expectNoLeaks, expectTensorsClose } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, expect, it } from 'vitest';
import { RnnModelsError } from '../src/errors.js';
import { EXACT, useCpuBackend } from './support.js';

export { CLOSE } from './support.js';

/**
 * The documented defaults of the recurrent-stack and head options every template shares
 * (templates/shared-options.ts), written out by hand: each template's defaults test pins them.
 */
export const STACK_DEFAULTS = {
  activation: 'tanh',
  dropout: 0,
  recurrentDropout: 0,
  resetAfter: true,
  hiddenUnits: [],
  hiddenActivation: 'relu',
  batchNorm: false,
  layerDropout: 0,
} as const;

/**
 * The scaffold every template test file shares: the cpu backend before the tests, and a list of
 * the models a test builds, disposed after each test. Call once at the top of a test file.
 */
export function useBuiltModels(): tfl.LayersModel[] {
  const built: tfl.LayersModel[] = [];
  useCpuBackend();
  afterEach(() => {
    for (const model of built.splice(0)) model.dispose();
  });
  return built;
}

/** Saves `model` to memory and loads it back with stock tfjs-layers (Keras JSON round trip). */
export async function saveAndLoad(model: tfl.LayersModel): Promise<tfl.LayersModel> {
  let saved: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      saved = artifacts;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
    }),
  );
  return tfl.loadLayersModel(tf.io.fromMemory(saved!));
}

/** `model.predict(x)` (with `batchSize` when given) as one tensor. The caller disposes it. */
export function predict(model: tfl.LayersModel, x: tf.Tensor, batchSize?: number): tf.Tensor {
  return model.predict(x, batchSize === undefined ? {} : { batchSize }) as tf.Tensor;
}

/** The class names of `model`'s layers, in order. */
export function classNames(model: tfl.LayersModel): string[] {
  return model.layers.map((layer) => layer.getClassName());
}

/**
 * Deterministic token ids, `[batch, time]`, `int32`, in 1 … vocabularySize − 1: the id at row b,
 * step t is `(b · rowStep + t · timeStep) mod (vocabularySize − 1) + 1`. The caller disposes it.
 */
export function tokenIds(
  vocabularySize: number,
  [rowStep, timeStep]: readonly [number, number],
  shape: readonly [batch: number, time: number],
): tf.Tensor2D {
  const [batch, time] = shape;
  const rows = Array.from({ length: batch }, (_, b) =>
    Array.from({ length: time }, (_, t) => ((b * rowStep + t * timeStep) % (vocabularySize - 1)) + 1),
  );
  return tf.tensor2d(rows, [batch, time], 'int32');
}

/** tfjs' name of the sparse categorical cross-entropy loss. */
export const SPARSE_CE = 'sparseCategoricalCrossentropy';

/** How {@link expectLossFalls} fits. */
export interface LossFallsOptions {
  /** tfjs loss name. */
  readonly loss: string;
  /** Adam's learning rate. */
  readonly learningRate: number;
  readonly epochs: number;
  /** @default tfjs' default (true) */
  readonly shuffle?: boolean;
  /** The last epoch's loss must be below this fraction of the first's. @default 1 */
  readonly below?: number;
}

/**
 * Compiles `model` with Adam and `loss`, fits it silently on all of `x` as one batch, and expects
 * the last epoch's loss below `below` × the first epoch's.
 */
export async function expectLossFalls(
  model: tfl.LayersModel,
  [x, y]: readonly [tf.Tensor, tf.Tensor],
  options: LossFallsOptions,
): Promise<void> {
  const { loss, learningRate, epochs, shuffle, below = 1 } = options;
  model.compile({ optimizer: tf.train.adam(learningRate), loss });
  const history = await model.fit(x, y, {
    epochs,
    batchSize: x.shape[0],
    verbose: 0,
    ...(shuffle === undefined ? {} : { shuffle }),
  });
  const losses = history.history.loss as number[];
  expect(losses.at(-1)!).toBeLessThan(losses[0]! * below);
}

/** The model a template builds and the options it takes. */
export interface TemplateScaffold<O, M extends tfl.LayersModel> {
  /** Models to dispose after the current test. */
  readonly built: tfl.LayersModel[];
  /** The template on the file's defaults overridden by `options`; disposed after the test. */
  make(options?: Partial<O>): M;
  /**
   * `it.each(cases)('rejects %s with RNN_MODELS_INVALID_OPTION')`: the file's defaults (`base`)
   * patched by each case are rejected by `resolve` with RnnModelsError RNN_MODELS_INVALID_OPTION,
   * and the template throws RnnModelsError.
   */
  itRejectsEach(
    cases: readonly (readonly [string, Record<string, unknown>])[],
    base: Partial<O>,
    resolve: (options: O) => unknown,
  ): void;
  /**
   * `it('saves and loads through tf.io.fromMemory with identical predictions')`: `make(options)`
   * and its stock save/load round trip predict exactly the same on `input()`; with `sameLayers`
   * the two also have the same layer classes.
   */
  itRoundTrips(options: Partial<O>, input: () => tf.Tensor, check?: { readonly sameLayers?: boolean }): void;
  /**
   * `it('leaks no tensors: build + dispose[, predict]')`: building the template with `options`
   * and disposing it leaves no tensor behind; with `predicting`, neither does predicting
   * `input()` with `make(predicting.options)`.
   */
  itLeaksNoTensors(
    options: O,
    predicting?: { readonly options: Partial<O>; readonly input: () => tf.Tensor },
  ): void;
}

/**
 * {@link useBuiltModels} for the template `build`, with `defaults` under every `make`. Call once at
 * the top of a test file.
 */
export function useTemplate<O, M extends tfl.LayersModel>(
  build: (options: O) => M,
  defaults: NoInfer<O>,
): TemplateScaffold<O, M> {
  const built = useBuiltModels();
  const make = (options: Partial<O> = {}): M => {
    const model = build({ ...defaults, ...options });
    built.push(model);
    return model;
  };
  return {
    built,
    make,
    itRejectsEach(cases, base, resolve) {
      it.each(cases)('rejects %s with RNN_MODELS_INVALID_OPTION', (_, patch) => {
        const options = { ...base, ...patch } as unknown as O;
        expectErrorCode(() => resolve(options), RnnModelsError, 'RNN_MODELS_INVALID_OPTION');
        expect(() => build(options)).toThrow(RnnModelsError);
      });
    },
    itRoundTrips(options, input, check = {}) {
      it('saves and loads through tf.io.fromMemory with identical predictions', async () => {
        const model = make(options);
        const loaded = await saveAndLoad(model);
        built.push(loaded);
        if (check.sameLayers) expect(classNames(loaded)).toEqual(classNames(model));
        tf.tidy(() => {
          const x = input();
          expectTensorsClose(predict(loaded, x), predict(model, x), EXACT);
        });
      });
    },
    itLeaksNoTensors(options, predicting) {
      it(`leaks no tensors: build + dispose${predicting ? ', predict' : ''}`, async () => {
        await expectNoLeaks(() => build(options).dispose());
        if (!predicting) return;
        const model = make(predicting.options);
        const x = predicting.input();
        await expectNoLeaks(() => tf.dispose(model.predict(x)));
        x.dispose();
      });
    },
  };
}
