/**
 * The scaffold the node checkpoint tests (src/node/*.test.ts) share: the cpu backend and one
 * temporary folder a test file, and the small embedding → LSTM → GRU → dense model they save.
 * Test-only: outside src, so it is neither built into dist nor published.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { afterAll, beforeAll } from 'vitest';
import { initBackend } from '../src/backend/backend.js';
import { gru, lstm } from '../src/layers/recurrent-layers.js';

/** A test file's temporary folder; `path` and `fresh()` may be called only inside its tests. */
export interface TempRoot {
  /** The folder, made before the file's tests and removed (with everything in it) after them. */
  readonly path: string;
  /** A path in the folder that does not exist yet: `<path>/<prefix><n>`, n = 1, 2, … */
  fresh(): string;
}

/**
 * Registers the file's `beforeAll` (cpu backend, then `mkdtemp(<tmp>/rnnkit-<name>-)`) and
 * `afterAll` (remove the folder). Call once at the top of a test file; hooks the file registers
 * later run after these before the tests, and before the removal after them.
 */
export function useTempRoot(name: string, prefix = 'd'): TempRoot {
  let root: string | undefined;
  let count = 0;
  beforeAll(async () => {
    await initBackend({ backend: 'cpu' });
    root = await mkdtemp(join(tmpdir(), `rnnkit-${name}-`));
  });
  afterAll(async () => {
    if (root !== undefined) await rm(root, { recursive: true, force: true });
  });
  return {
    get path(): string {
      if (root === undefined) throw new Error('useTempRoot: the folder exists only while the tests run');
      return root;
    },
    fresh(): string {
      count += 1;
      return join(this.path, `${prefix}${count}`);
    },
  };
}

/** The vocabulary size and sequence length of `tinyModel()` and `tinyIds()` by default. */
export const [TINY_VOCAB, TINY_TIME] = [7, 5];

export interface TinyModelOptions {
  /** Embedding input size and dense output size. @default TINY_VOCAB */
  readonly vocab?: number;
  /** Embedding `inputLength`. @default TINY_TIME */
  readonly time?: number;
  /** Units of the LSTM (the GRU has 3). @default 4 */
  readonly lstmUnits?: number;
  /** A softmax on the dense output (else linear). @default true */
  readonly softmax?: boolean;
}

/** embedding(3) → lstm(returnSequences) → gru(3) → dense(vocab), not compiled. The caller disposes it. */
export function tinyModel(options: TinyModelOptions = {}): tfl.Sequential {
  const { vocab = TINY_VOCAB, time = TINY_TIME, lstmUnits = 4, softmax = true } = options;
  return tfl.sequential({
    layers: [
      tfl.layers.embedding({ inputDim: vocab, outputDim: 3, inputLength: time }),
      lstm({ units: lstmUnits, returnSequences: true }),
      gru({ units: 3 }),
      tfl.layers.dense({ units: vocab, ...(softmax ? { activation: 'softmax' as const } : {}) }),
    ],
  });
}

/** Two fixed rows of TINY_TIME token ids: `[2, 5]`, `int32`. The caller disposes it. */
export function tinyIds(): tf.Tensor2D {
  return tf.tensor2d(
    [
      [1, 2, 3, 4, 5],
      [6, 0, 2, 1, 3],
    ],
    [2, TINY_TIME],
    'int32',
  );
}

/** `model`'s prediction on `tinyIds()`, as plain numbers (no tensor left behind). */
export function predictValues(model: tfl.LayersModel): number[] {
  return tf.tidy(() => Array.from((model.predict(tinyIds()) as tf.Tensor).dataSync()));
}
