import { readFileSync } from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
// The package root, as users import it: it brings the Tensor augmentation with it.
import { initBackend } from '../index.js';
import { FORWARDING_CHAINED_OPS, SPECIAL_CHAINED_OPS } from './chained-ops.generated.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', onWarning: () => {} });
});

describe('chained tensor method types', () => {
  it('type-check and run on a Tensor3D after initBackend (t.mul(t).add(1).sum())', () => {
    const t: tf.Tensor3D = tf.tensor3d([1, 2, 3, 4], [1, 2, 2]);
    const before = tf.memory().numTensors;
    // Compiles only with the augmentation (tsc -p runs over tests): mul, add and sum are methods.
    const total = tf.tidy(() => t.mul(t).add(1).sum<tf.Scalar>());
    const argMax: tf.Tensor2D = tf.tidy(() => t.argMax<tf.Tensor2D>(-1));
    const flat: tf.Tensor1D = t.flatten();
    expect(total.dataSync()[0]).toBe(1 + 4 + 9 + 16 + 4);
    expect(Array.from(argMax.dataSync())).toEqual([1, 1]);
    expect(flat.shape).toEqual([4]);
    // @ts-expect-error a method tfjs does not chain is still a type error
    expect(t.notAChainedOp).toBeUndefined();
    tf.dispose([total, argMax, flat]);
    expect(tf.memory().numTensors).toBe(before);
    t.dispose();
  });

  it('declares exactly the methods registerChainedOps installs', () => {
    const text = readFileSync(new URL('./chained-ops-types.generated.ts', import.meta.url), 'utf8');
    const declared = [...text.matchAll(/^ {4}(\w+)[<(]/gm)].map((match) => match[1]!).sort();
    const installed = [
      ...FORWARDING_CHAINED_OPS.map(([method]) => method),
      ...Object.keys(SPECIAL_CHAINED_OPS),
    ].sort();
    expect(declared).toEqual(installed);
  });
});
