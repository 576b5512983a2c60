import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterEach, beforeAll } from 'vitest';
import { initBackend } from '../backend/backend.js';

/** Tolerance of float comparisons between equal computations on different paths. */
export const CLOSE = { rtol: 1e-4, atol: 1e-5 };

/**
 * The scaffold every template test file shares: the cpu backend before the tests, and a list of
 * the models a test builds, disposed after each test. Call once at the top of a test file.
 */
export function useBuiltModels(): tfl.LayersModel[] {
  const built: tfl.LayersModel[] = [];
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
  });
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
