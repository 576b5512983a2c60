import { expectErrorCode } from '@rnnkit/test-utils';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { RnnModelsError } from '../errors.js';
import { initBackend } from './backend.js';

// A separate file (its own worker): here the wasm binaries cannot be found.
describe('initBackend without a loadable wasm binary', () => {
  it('throws a typed error when fallback is off', async () => {
    await expectErrorCode(
      initBackend({ wasmPaths: '/nonexistent/', fallbackToCpu: false }),
      RnnModelsError,
      'RNN_MODELS_BACKEND_UNAVAILABLE',
    );
  });

  it('falls back to cpu and says so through onWarning', async () => {
    const warnings: string[] = [];
    const backend = await initBackend({
      wasmPaths: '/nonexistent/',
      onWarning: (message) => warnings.push(message),
    });
    expect(backend).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/wasm/);
  });
});
