import { gru, lstm, orthogonal } from '@rnnkit/rnn-models';
import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';
import { AttentionLayer } from './attention.js';
import { DecoderGRU, DecoderLSTM } from './decoder-recurrent.js';
import type { EncoderDecoderConfig } from './encoder-decoder-options.js';
import { Seq2SeqError } from './errors.js';

type SymbolicTensor = tfl.SymbolicTensor;
type Layer = tfl.layers.Layer;

/** The largest weight tensor built: 2^31 bytes of float32, as rnn-models' templates. */
const MAX_TENSOR_ELEMENTS = 2 ** 29;

function checkSize(what: string, shape: readonly number[], fix: string): void {
  const elements = shape.reduce((product, dim) => product * dim, 1);
  if (elements <= MAX_TENSOR_ELEMENTS) return;
  throw new Seq2SeqError(
    'SEQ2SEQ_TOO_LARGE',
    `encoderDecoder: the ${what} would be [${shape.join(', ')}] = ${elements.toExponential(3)} float32 values, ` +
      `more than one tensor holds (2^31 bytes = ${MAX_TENSOR_ELEMENTS.toLocaleString('en-US')} values). ${fix}`,
  );
}

/**
 * Checks every weight the configuration asks for before anything is built (typed error, nothing
 * allocated).
 * @throws Seq2SeqError `SEQ2SEQ_TOO_LARGE`.
 */
export function checkEncoderDecoderSizes(config: EncoderDecoderConfig): void {
  const { embeddingDim, units } = config;
  const gates = config.cell === 'lstm' ? 4 : 3;
  const vocabularyFix = 'Use a smaller vocabulary (keep the most frequent tokens) or embeddingDim.';
  checkSize(
    'source Embedding [sourceVocabularySize, embeddingDim]',
    [config.sourceVocabularySize, embeddingDim],
    vocabularyFix,
  );
  checkSize(
    'target Embedding [targetVocabularySize, embeddingDim]',
    [config.targetVocabularySize, embeddingDim],
    vocabularyFix,
  );
  const unitsFix = `Use fewer units (${units} asked for) or a smaller embeddingDim (${embeddingDim}).`;
  checkSize(
    `recurrent kernel [inputs, ${gates} gates × units]`,
    [Math.max(embeddingDim, units), gates * units],
    unitsFix,
  );
  checkSize(`recurrent kernel [units, ${gates} gates × units]`, [units, gates * units], unitsFix);
  checkSize('attention W_c [2·units, units]', [2 * units, units], unitsFix);
  checkSize(
    'output Dense kernel [units, targetVocabularySize]',
    [units, config.targetVocabularySize],
    'Use a smaller target vocabulary or fewer units.',
  );
}

/** Hands out `seed, seed + 1, …` in construction order, or `undefined` when unseeded. */
class Seeds {
  private offset = 0;
  constructor(private readonly seed: number | null) {}
  next(): number | undefined {
    return this.seed === null ? undefined : this.seed + this.offset++;
  }
}

/** The parts of a built encoder–decoder that inference needs (all share the model's weights). */
export interface EncoderDecoderGraph {
  /** `sourceIds → [encoder outputs, …final states]`: per layer `[h]` (GRU) or `[h, c]` (LSTM). */
  readonly encoder: tfl.LayersModel;
  /** `[sourceIds, decoderInputIds] → [encoder outputs, decoder RNN outputs]` (attention inspection). */
  readonly inspection: tfl.LayersModel;
  readonly targetEmbedding: Layer;
  /** The decoder's recurrent layers, bottom first (plain fused layers, never bidirectional). */
  readonly decoderLayers: readonly Layer[];
  readonly attention: AttentionLayer | null;
  readonly head: Layer;
}

function recurrentLayer(config: EncoderDecoderConfig, seeds: Seeds, name: string, decoder: boolean): Layer {
  const kernelSeed = seeds.next();
  const recurrentSeed = seeds.next();
  const dropoutSeed = seeds.next();
  const args = {
    units: config.units,
    returnSequences: true,
    returnState: !decoder,
    dropout: config.dropout,
    name,
    ...(kernelSeed === undefined
      ? {}
      : {
          kernelInitializer: tfl.initializers.glorotUniform({ seed: kernelSeed }),
          recurrentInitializer: orthogonal({ seed: recurrentSeed }),
          seed: dropoutSeed,
        }),
  };
  if (decoder) {
    return (config.cell === 'lstm'
      ? new DecoderLSTM(args)
      : new DecoderGRU({ ...args, resetAfter: true })) as unknown as Layer;
  }
  return (config.cell === 'lstm' ? lstm(args) : gru({ ...args, resetAfter: true })) as unknown as Layer;
}

function embedding(vocabularySize: number, config: EncoderDecoderConfig, seeds: Seeds, name: string): Layer {
  const seed = seeds.next();
  return tfl.layers.embedding({
    inputDim: vocabularySize,
    outputDim: config.embeddingDim,
    maskZero: true,
    name,
    ...(seed === undefined ? {} : { embeddingsInitializer: tfl.initializers.randomUniform({ seed }) }),
  });
}

let modelCount = 0;

/**
 * Builds the encoder–decoder graph of the README's "Architecture": Embedding → recurrent stack
 * (optionally bidirectional, summed) for the source; Embedding → recurrent stack started from the
 * encoder's final states for the target; attention; Dense logits.
 */
export function buildEncoderDecoder(config: EncoderDecoderConfig): tfl.LayersModel {
  checkEncoderDecoderSizes(config);
  const id = modelCount++;
  const n = (name: string) => (id === 0 ? `seq2seq_${name}` : `seq2seq_${id}_${name}`);
  const seeds = new Seeds(config.seed);
  const stateCount = config.cell === 'lstm' ? 2 : 1;

  const sourceIds = tfl.input({ shape: [null], dtype: 'int32', name: n('source_ids') });
  const decoderInputIds = tfl.input({ shape: [null], dtype: 'int32', name: n('decoder_input_ids') });

  // Encoder: every layer returns its sequence and final state(s).
  let x = embedding(config.sourceVocabularySize, config, seeds, n('source_embedding')).apply(
    sourceIds,
  ) as SymbolicTensor;
  const encoderStates: SymbolicTensor[][] = [];
  for (let i = 0; i < config.layers; i++) {
    const layer = recurrentLayer(config, seeds, n(`encoder_${config.cell}_${i}`), false);
    if (config.bidirectionalEncoder) {
      const bidirectional = tfl.layers.bidirectional({
        layer: layer as unknown as tfl.RNN,
        mergeMode: 'sum',
        name: n(`encoder_bidirectional_${i}`),
      });
      const [output, ...states] = bidirectional.apply(x) as SymbolicTensor[];
      const forward = states.slice(0, stateCount);
      const backward = states.slice(stateCount);
      x = output!;
      encoderStates.push(
        forward.map(
          (state, k) =>
            tfl.layers
              .add({ name: n(`encoder_state_sum_${i}_${k}`) })
              .apply([state, backward[k]!]) as SymbolicTensor,
        ),
      );
    } else {
      const [output, ...states] = layer.apply(x) as SymbolicTensor[];
      x = output!;
      encoderStates.push(states);
    }
  }
  const encoderOutputs = x;

  // Decoder: layer i starts from encoder layer i's final state(s).
  let y = embedding(config.targetVocabularySize, config, seeds, n('target_embedding')).apply(
    decoderInputIds,
  ) as SymbolicTensor;
  for (let i = 0; i < config.layers; i++) {
    const layer = recurrentLayer(config, seeds, n(`decoder_${config.cell}_${i}`), true);
    // States as extra inputs, not `initialState`: tfjs-layers replays `initialState` kwargs on
    // concrete arrays in functional models and refuses them (standardizeArgs).
    y = layer.apply([y, ...encoderStates[i]!]) as SymbolicTensor;
  }
  const decoderOutputs = y;

  let features = decoderOutputs;
  if (config.attention !== 'none') {
    const attention = new AttentionLayer({
      units: config.units,
      score: config.attention,
      seed: seeds.next() ?? null,
      name: n('attention'),
    });
    features = attention.apply([decoderOutputs, encoderOutputs, sourceIds]) as SymbolicTensor;
  }
  const headSeed = seeds.next();
  const head = tfl.layers.dense({
    units: config.targetVocabularySize,
    name: n('logits'),
    ...(headSeed === undefined
      ? {}
      : { kernelInitializer: tfl.initializers.glorotUniform({ seed: headSeed }) }),
  });
  const logits = head.apply(features) as SymbolicTensor;

  const model = tfl.model({
    inputs: [sourceIds, decoderInputIds],
    outputs: logits,
    name: n('encoder_decoder'),
  });
  if (config.bidirectionalEncoder && config.seed !== null) reseedBackwardLayers(model, seeds);
  return model;
}

/**
 * tfjs' `Bidirectional` builds its backward layer from the forward layer's config, seeded
 * initializers included, so a seeded model would start with identical directions: redraw the
 * backward kernels with their own seeds (as rnn-models' templates do).
 */
function reseedBackwardLayers(model: tfl.LayersModel, seeds: Seeds): void {
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'Bidirectional') continue;
    const backward = (layer as unknown as { backwardLayer: Layer }).backwardLayer;
    tf.tidy(() => {
      for (const weight of backward.weights) {
        const name = weight.originalName;
        const seed = seeds.next();
        if (name.endsWith('/recurrent_kernel')) weight.write(orthogonal({ seed }).apply(weight.shape));
        else if (name.endsWith('/kernel'))
          weight.write(tfl.initializers.glorotUniform({ seed }).apply(weight.shape));
      }
    });
  }
}

/** The one layer of `model` named `<prefix>_<suffix>` (names from {@link buildEncoderDecoder}). */
function layerNamed(model: tfl.LayersModel, suffix: string): Layer {
  const found = model.layers.filter((layer) => layer.name.endsWith(`_${suffix}`));
  if (found.length !== 1) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `EncoderDecoder: the model has ${found.length} layers named '…_${suffix}', expected exactly one; ` +
        'pass a model built by encoderDecoder (or loaded from one) with the configuration it was built with.',
    );
  }
  return found[0]!;
}

function outputsOf(layer: Layer): SymbolicTensor[] {
  const output = layer.output;
  return Array.isArray(output) ? output : [output];
}

/**
 * Finds the encoder, decoder, attention and head of a model built by {@link buildEncoderDecoder}
 * (or deserialised from one) and builds the encoder and inspection models sharing its weights.
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` when a layer the configuration implies is missing.
 */
export function locateEncoderDecoderGraph(
  model: tfl.LayersModel,
  config: EncoderDecoderConfig,
): EncoderDecoderGraph {
  const stateCount = config.cell === 'lstm' ? 2 : 1;
  if (model.inputs.length !== 2) {
    throw new Seq2SeqError(
      'SEQ2SEQ_INVALID_INPUT',
      `EncoderDecoder: the model has ${model.inputs.length} inputs, expected 2 (source ids, decoder input ids).`,
    );
  }
  const [sourceIds, decoderInputIds] = model.inputs as [SymbolicTensor, SymbolicTensor];
  const encoderStates: SymbolicTensor[] = [];
  let encoderOutputs: SymbolicTensor | undefined;
  for (let i = 0; i < config.layers; i++) {
    if (config.bidirectionalEncoder) {
      encoderOutputs = outputsOf(layerNamed(model, `encoder_bidirectional_${i}`))[0];
      for (let k = 0; k < stateCount; k++) {
        encoderStates.push(outputsOf(layerNamed(model, `encoder_state_sum_${i}_${k}`))[0]!);
      }
    } else {
      const [output, ...states] = outputsOf(layerNamed(model, `encoder_${config.cell}_${i}`));
      encoderOutputs = output;
      encoderStates.push(...states);
    }
  }
  const decoderLayers = Array.from({ length: config.layers }, (_, i) =>
    layerNamed(model, `decoder_${config.cell}_${i}`),
  );
  const decoderOutputs = outputsOf(decoderLayers.at(-1)!)[0]!;
  const attention =
    config.attention === 'none' ? null : (layerNamed(model, 'attention') as unknown as AttentionLayer);
  return {
    encoder: tfl.model({ inputs: sourceIds, outputs: [encoderOutputs!, ...encoderStates] }),
    inspection: tfl.model({
      inputs: [sourceIds, decoderInputIds],
      outputs: [encoderOutputs!, decoderOutputs],
    }),
    targetEmbedding: layerNamed(model, 'target_embedding'),
    decoderLayers,
    attention,
    head: layerNamed(model, 'logits'),
  };
}
