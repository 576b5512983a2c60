import * as tf from '@tensorflow/tfjs-core';
import type * as tfl from '@tensorflow/tfjs-layers';
import { attend } from './attention.js';
import {
  buildEncoderDecoder,
  type EncoderDecoderGraph,
  locateEncoderDecoderGraph,
} from './build-encoder-decoder.js';
import { type DecoderStepModel, decoderStepModel } from './decoder-step-model.js';
import {
  type EncoderDecoderConfig,
  type EncoderDecoderOptions,
  resolveEncoderDecoderOptions,
} from './encoder-decoder-options.js';
import { Seq2SeqError } from './errors.js';
import { type IdRows, toIdTensor } from './id-tensor.js';

/**
 * A built encoder–decoder: the tfjs-layers training {@link EncoderDecoder.model} and what
 * inference needs (the encoder alone, the decoder's layers for one step at a time). Owns its
 * weights: `dispose()` frees them.
 */
export class EncoderDecoder {
  /**
   * Inputs `[sourceIds [batch, Ts] int32, decoderInputIds [batch, Tt] int32]` → logits
   * `[batch, Tt, targetVocabularySize]` float32. Train it with `train()` from rnn-models and
   * `teacherForcingBatch` batches; id 0 is padding in both inputs.
   */
  readonly model: tfl.LayersModel;
  /** The configuration it was built with (every option filled in). */
  readonly config: EncoderDecoderConfig;
  /** @internal the graph's parts, for the step model. */
  readonly graph: EncoderDecoderGraph;

  /**
   * Wraps a model built by {@link encoderDecoder} (or one loaded from its saved topology) with the
   * configuration it was built with. Most users call {@link encoderDecoder} instead.
   * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` when the model does not have the layers the
   *   configuration implies.
   */
  constructor(model: tfl.LayersModel, config: EncoderDecoderOptions) {
    this.config = resolveEncoderDecoderOptions(config);
    this.model = model;
    this.graph = locateEncoderDecoderGraph(model, this.config);
  }

  /**
   * The attention weights of every decoder step over the source, as the training model computes
   * them (teacher forcing on `decoderInputIds`): softmax over source positions, exactly 0 on
   * padded ones (source id 0), each row summing to 1.
   *
   * @param sourceIds `[batch, Ts]` ids (tensor, caller owns; or nested arrays).
   * @param decoderInputIds `[batch, Tt]` ids, BOS first (tensor, caller owns; or nested arrays).
   * @returns a new float32 tensor `[batch, Tt, Ts]`; the caller owns it.
   * @throws Seq2SeqError `SEQ2SEQ_INVALID_OPTION` when the model has no attention;
   *   `SEQ2SEQ_INVALID_INPUT` for ids of the wrong shape or outside the vocabulary.
   */
  attentionWeights(sourceIds: tf.Tensor2D | IdRows, decoderInputIds: tf.Tensor2D | IdRows): tf.Tensor3D {
    const where = 'EncoderDecoder.attentionWeights';
    const attention = this.graph.attention;
    if (attention === null) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_OPTION',
        `${where}: the model was built with attention: 'none', so it has no attention weights. ` +
          "Build it with attention: 'luong-dot', 'luong-general' or 'bahdanau'.",
      );
    }
    return tf.tidy(() => {
      const source = toIdTensor(where, 'sourceIds', sourceIds, this.config.sourceVocabularySize);
      const target = toIdTensor(where, 'decoderInputIds', decoderInputIds, this.config.targetVocabularySize);
      if (source.shape[0] !== target.shape[0]) {
        throw new Seq2SeqError(
          'SEQ2SEQ_INVALID_INPUT',
          `${where}: sourceIds has ${source.shape[0]} rows but decoderInputIds has ${target.shape[0]}; ` +
            'pass one decoder input row per source row.',
        );
      }
      const [encoderOutputs, decoderOutputs] = this.graph.inspection.predict([
        source,
        target,
      ]) as tf.Tensor3D[];
      return attend(attention.score, decoderOutputs!, encoderOutputs!, source, attention.attentionWeights())
        .weights;
    });
  }

  /**
   * A `StepModel` (as `@rnnkit/sampling` declares it) that decodes the given sources: the encoder
   * runs once here, then every `step` runs one decoder step (embedding, recurrent layers through
   * rnn-models' fused sequence ops on the model's own weights, attention, head) for all rows.
   * Its state carries the encoder outputs, the source ids (attention mask) and the decoder
   * states, so `gatherState` reorders all of them for beam search. `initialState(n)` needs `n` =
   * the number of sources, or any `n` for a single source (repeated).
   *
   * @param sourceIds `[batch, Ts]` (tensor, caller owns; or nested arrays) or one source row.
   * @returns a step model holding the encoder outputs; call its `dispose()` when done.
   * @throws Seq2SeqError `SEQ2SEQ_INVALID_INPUT` for ids of the wrong shape or outside the vocabulary.
   */
  stepModel(sourceIds: tf.Tensor2D | IdRows | ArrayLike<number>): DecoderStepModel {
    return decoderStepModel(this, sourceIds);
  }

  /** Frees the weights of the model (and of the encoder and inspection models sharing them). */
  dispose(): void {
    this.model.dispose();
  }
}

/**
 * Builds an encoder–decoder (see the README's "Architecture"): source ids → Embedding (id 0
 * masked) → `layers` rnnkit GRU/LSTM layers (optionally `Bidirectional`, merged by sum) →
 * encoder outputs and final states; target input ids → Embedding → `layers` recurrent layers,
 * layer i starting from encoder layer i's final state(s) → attention over the encoder outputs
 * (padded source positions get weight 0) → Dense logits.
 *
 * @returns a new {@link EncoderDecoder}; the caller owns it (`dispose()`).
 * @throws Seq2SeqError `SEQ2SEQ_INVALID_OPTION` for a missing, unknown (naming the closest) or
 *   out-of-range option; `SEQ2SEQ_TOO_LARGE` when a weight would exceed one tensor (nothing is
 *   built).
 * @example
 * const translator = encoderDecoder({ sourceVocabularySize: 5000, targetVocabularySize: 6000, units: 256 });
 * translator.model.predict([sourceIds, decoderInputIds]); // logits [batch, Tt, 6000]
 */
export function encoderDecoder(options: EncoderDecoderOptions): EncoderDecoder {
  const config = resolveEncoderDecoderOptions(options);
  return new EncoderDecoder(buildEncoderDecoder(config), config);
}
