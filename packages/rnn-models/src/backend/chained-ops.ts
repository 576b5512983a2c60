import * as tf from '@tensorflow/tfjs-core';
import { FORWARDING_CHAINED_OPS, SPECIAL_CHAINED_OPS } from './chained-ops.generated.js';

/**
 * Installs tfjs' chained tensor methods (`t.flatten()`, `t.add(b)`, `t.argMax(-1)`, …) on
 * tfjs-core's `Tensor`, as the `@tensorflow/tfjs` union package does. tfjs-core alone
 * lacks them, and tfjs-layers calls some (its default orthogonal initializer, used by
 * every stock LSTM/GRU, throws `flatten is not a function` without them). Idempotent;
 * methods that are already there (the union package loaded too) are left alone.
 *
 * @returns how many methods were installed by this call.
 */
export function registerChainedOps(): number {
  const prototype = tf.Tensor.prototype as unknown as Record<string, unknown>;
  let installed = 0;
  for (const [method, path] of FORWARDING_CHAINED_OPS) {
    if (method in prototype) continue;
    const op = resolveOp(path);
    prototype[method] = function (this: tf.Tensor, ...args: unknown[]) {
      this.throwIfDisposed();
      return op(this, ...args);
    };
    installed++;
  }
  for (const [method, implementation] of Object.entries(SPECIAL_CHAINED_OPS)) {
    if (method in prototype) continue;
    prototype[method] = implementation;
    installed++;
  }
  return installed;
}

function resolveOp(path: string): (...args: unknown[]) => unknown {
  let scope: unknown = tf;
  for (const part of path.split('.')) scope = (scope as Record<string, unknown>)[part];
  return scope as (...args: unknown[]) => unknown;
}
