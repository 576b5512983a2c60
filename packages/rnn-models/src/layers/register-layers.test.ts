import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { registerLayerClasses } from './register-layers.js';

describe('registerLayerClasses', () => {
  it("registers every serializable class of rnnkit's layers, idempotently", () => {
    registerLayerClasses();
    registerLayerClasses();
    const names = Object.keys(
      (tf.serialization.SerializationMap.getMap() as unknown as { classNameMap: Record<string, unknown> })
        .classNameMap,
    );
    for (const name of ['SimpleRNN', 'LSTM', 'PeepholeLSTM', 'GRU']) {
      expect(names).toContain(`Rnnkit${name}`);
      expect(names).toContain(`Rnnkit${name}Cell`);
    }
    expect(names).toContain('RnnkitOrthogonal');
  });
});
