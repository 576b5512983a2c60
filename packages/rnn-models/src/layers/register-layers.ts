import * as tf from '@tensorflow/tfjs-core';
import { Orthogonal } from './orthogonal-initializer.js';
import { GRUCell, LSTMCell, PeepholeLSTMCell, SimpleRNNCell } from './recurrent-cells.js';
import { GRU, LSTM, PeepholeLSTM, SimpleRNN } from './recurrent-layers.js';

/**
 * Registers rnnkit's serializable classes with tfjs, so saved models that use them load
 * (`tfl.loadLayersModel`, `loadModel`). The layer modules register themselves when evaluated; this
 * call, made by `initBackend`, keeps that true in bundles: a bundler that takes the modules for
 * side-effect free (Vite with a workspace-linked rnn-models does) drops their top-level
 * registration when the app imports no layer by name. Registering twice is harmless.
 */
export function registerLayerClasses(): void {
  for (const serializable of [
    SimpleRNNCell,
    LSTMCell,
    PeepholeLSTMCell,
    GRUCell,
    SimpleRNN,
    LSTM,
    PeepholeLSTM,
    GRU,
    Orthogonal,
  ]) {
    tf.serialization.registerClass(serializable);
  }
}
