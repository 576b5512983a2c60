// Builds each config's model the way shared/bench/tfjs_stock.mjs does (Embedding → LSTM/GRU,
// Bidirectional concat when configured → head; seq2seq as a functional encoder-decoder),
// with the recurrent layers taken from a RecurrentFactory: stock tfjs-layers or rnnkit's.
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import * as rnnkit from '../src/index.js';
import type { BenchConfig, HeadSpec } from './config.js';

export type GruArgs = tfl.GRULayerArgs & {
  /** Keras `reset_after`: reset gate applied after the recurrent matmul (PyTorch's GRU). */
  resetAfter?: boolean;
};

/** Makes recurrent layers; mirrors `tf.layers.lstm` / `tf.layers.gru`. */
export interface RecurrentFactory {
  lstm(args: tfl.LSTMLayerArgs): tfl.RNN;
  gru(args: GruArgs): tfl.RNN;
}

export type Cell = keyof RecurrentFactory;

export const STOCK_LAYERS: RecurrentFactory = {
  lstm: (args) => tfl.layers.lstm(args),
  gru: ({ resetAfter, ...args }) => {
    if (resetAfter) throw new Error('tfjs-layers GRU has no resetAfter: it only computes reset_after=false');
    return tfl.layers.gru(args);
  },
};

/** rnnkit's fused layers (Keras defaults: sigmoid gates; GRU reset-after unless told otherwise). */
export const RNNKIT_LAYERS: RecurrentFactory = { lstm: rnnkit.lstm, gru: rnnkit.gru };

/** A built, compiled model and one seeded random batch for it. */
export interface BenchCase {
  readonly model: tfl.LayersModel;
  readonly xs: tf.Tensor | tf.Tensor[];
  readonly ys: tf.Tensor;
}

export interface BuildOptions {
  readonly layers: RecurrentFactory;
  /** GRU reset_after (rnnkit: true, the Keras and PyTorch default; stock tfjs: false, its only mode). */
  readonly resetAfter: boolean;
  readonly seed: number;
}

/**
 * Embedding → RNN → head (or the seq2seq encoder-decoder), compiled with Adam(1e-3) and the
 * config's loss, plus random token ids as inputs and targets. Layers, loss and optimizer are
 * the same for every factory, so only the recurrent layers differ between implementations.
 */
export function buildCase(config: BenchConfig, options: BuildOptions): BenchCase {
  let seed = options.seed + 1;
  const ids = (shape: number[], vocabulary: number) =>
    tf.tidy(() => tf.cast(tf.randomUniform(shape, 0, vocabulary, 'int32', seed++), 'float32'));
  const recurrent = (extra: Partial<tfl.LSTMLayerArgs>): tfl.RNN => {
    // 'glorotUniform' as in tfjs_stock.mjs: the initializer does not change the speed, and an
    // orthogonal 1024×3072 one takes seconds to build in JS.
    const args = { units: config.units, recurrentInitializer: 'glorotUniform' as const, ...extra };
    return config.cell === 'lstm'
      ? options.layers.lstm(args)
      : options.layers.gru({ ...args, resetAfter: options.resetAfter });
  };
  const { batch } = config;
  let model: tfl.LayersModel;
  let xs: tf.Tensor | tf.Tensor[];
  let ys: tf.Tensor;
  if (config.kind === 'seq2seq') {
    const srcLength = need(config, 'src_len');
    const tgtLength = need(config, 'tgt_len');
    const srcVocabulary = need(config, 'src_vocab_size');
    const tgtVocabulary = need(config, 'tgt_vocab_size');
    const source = tfl.input({ shape: [srcLength], name: 'src' });
    const target = tfl.input({ shape: [tgtLength], name: 'tgt_in' });
    const sourceEmbedded = tfl.layers
      .embedding({ inputDim: srcVocabulary, outputDim: config.embed_dim })
      .apply(source) as tfl.SymbolicTensor;
    const encoded = recurrent({ returnState: true }).apply(sourceEmbedded) as tfl.SymbolicTensor[];
    const targetEmbedded = tfl.layers
      .embedding({ inputDim: tgtVocabulary, outputDim: config.embed_dim })
      .apply(target) as tfl.SymbolicTensor;
    let z = recurrent({ returnSequences: true }).apply(targetEmbedded, {
      initialState: encoded.slice(1), // GRU: [h]; LSTM: [h, c]
    }) as tfl.SymbolicTensor;
    for (const layer of headLayers(config.head)) z = layer.apply(z) as tfl.SymbolicTensor;
    model = tfl.model({ inputs: [source, target], outputs: z });
    xs = [ids([batch, srcLength], srcVocabulary), ids([batch, tgtLength], tgtVocabulary)];
    ys = ids([batch, tgtLength, 1], tgtVocabulary);
  } else {
    const length = need(config, 'seq_len');
    const perStep = config.kind === 'per_step';
    const sequential = tfl.sequential();
    sequential.add(
      tfl.layers.embedding({
        inputDim: need(config, 'vocab_size'),
        outputDim: config.embed_dim,
        inputLength: length,
      }),
    );
    const rnn = recurrent({ returnSequences: perStep });
    if (config.bidirectional) {
      if ((config.merge_mode ?? 'concat') !== 'concat') throw new Error('only merge_mode concat is built');
      sequential.add(tfl.layers.bidirectional({ layer: rnn, mergeMode: 'concat' }));
    } else {
      sequential.add(rnn);
    }
    for (const layer of headLayers(config.head)) sequential.add(layer);
    model = sequential;
    xs = ids([batch, length], need(config, 'vocab_size'));
    if (config.loss === 'binary_crossentropy') ys = ids([batch, 1], 2);
    else ys = ids(perStep ? [batch, length, 1] : [batch, 1], config.num_classes);
  }
  // By name: tfjs-layers' trainOnBatch (stock) uses its own loss, rnnkit's train() maps the
  // name to rnnkit's (getLoss).
  model.compile({ optimizer: tf.train.adam(1e-3), loss: lossName(config) });
  return { model, xs, ys };
}

type DenseActivation = NonNullable<Parameters<typeof tfl.layers.dense>[0]['activation']>;

function headLayers(head: readonly HeadSpec[]) {
  return head.map((spec) => {
    if (spec.type === 'batchnorm') return tfl.layers.batchNormalization();
    if (spec.units === undefined) throw new Error('a dense head layer needs units');
    return tfl.layers.dense({
      units: spec.units,
      activation: (spec.activation ?? 'linear') as DenseActivation,
    });
  });
}

function lossName(config: BenchConfig): rnnkit.LossName {
  return config.loss === 'binary_crossentropy' ? 'binaryCrossentropy' : 'sparseCategoricalCrossentropy';
}

type SizeField = 'vocab_size' | 'src_vocab_size' | 'tgt_vocab_size' | 'seq_len' | 'src_len' | 'tgt_len';

function need(config: BenchConfig, field: SizeField): number {
  const value = config[field];
  if (value === undefined) throw new Error(`${config.name}: ${config.kind} config needs ${field}`);
  return value;
}
