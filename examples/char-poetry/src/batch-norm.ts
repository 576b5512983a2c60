// BatchNormalization statistics recomputed from the final weights ("precise BN", Wu & Johnson 2021).
// The LSTM's outputs vary very little from window to window (std ~0.003 early on) while Adam moves
// their mean by more than that every few dozen steps, so Keras' moving averages (momentum 0.99)
// lag many standard deviations behind: the model that scores 35% on its training batches scored
// 10–20% in inference mode. Measuring each BatchNormalization's input once on training windows
// after training gives inference the statistics of the weights it actually runs with.
import { layerOutputs } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';

export interface RecalibrateOptions {
  readonly sequenceLength: number;
  /** Training windows to measure on, spread evenly over `ids`. */
  readonly windows: number;
}

/**
 * Sets every BatchNormalization layer's moving mean and variance to the mean and (biased, as
 * Keras') variance of its input over `windows` windows of `ids`, layer by layer, each measured
 * with the ones before it already set. Changes the model's non-trainable weights in place; the
 * caller keeps owning the model. Returns the number of layers set.
 */
export function recalibrateBatchNorm(
  model: tfl.LayersModel,
  ids: Int32Array,
  options: RecalibrateOptions,
): number {
  const { sequenceLength } = options;
  const available = ids.length - sequenceLength;
  const n = Math.min(options.windows, available);
  const stride = available / n;
  const starts = Int32Array.from({ length: n }, (_, k) => Math.floor(k * stride));
  const xs = tf.tensor2d(
    Int32Array.from(
      { length: n * sequenceLength },
      (_, k) => ids[starts[Math.floor(k / sequenceLength)]! + (k % sequenceLength)]!,
    ),
    [n, sequenceLength],
    'int32',
  );
  let set = 0;
  try {
    model.layers.forEach((layer, index) => {
      if (layer.getClassName() !== 'BatchNormalization' || index === 0) return;
      const inbound = model.layers[index - 1]!.name;
      const outputs = layerOutputs(model, xs, [inbound], { batchSize: 4096 });
      // getWeights hands out the layer's own variables for gamma and beta: kept, not disposed.
      const [gamma, beta] = layer.getWeights();
      const { mean, variance } = tf.tidy(() => tf.moments(outputs[inbound] as tf.Tensor, 0));
      layer.setWeights([gamma!, beta!, mean, variance]);
      tf.dispose([...Object.values(outputs).flat(), mean, variance]);
      set += 1;
    });
  } finally {
    xs.dispose();
  }
  return set;
}
