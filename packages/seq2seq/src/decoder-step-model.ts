import { gruSequence, lstmSequence } from '@rnnkit/rnn-models';
import type { StepModel } from '@rnnkit/sampling';
import * as tf from '@tensorflow/tfjs-core';
import { attend } from './attention.js';
import type { EncoderDecoder } from './encoder-decoder.js';
import { Seq2SeqError } from './errors.js';
import { type IdRows, toIdTensor } from './id-tensor.js';

/**
 * The state of a {@link DecoderStepModel}: everything per row, so `gatherState` reorders it all.
 * Tensors owned by whoever holds the state (free with `disposeState`).
 */
// A type alias (not an interface) so tf.tidy accepts it as a TensorContainer.
export type DecoderStepState = {
  /** Encoder outputs `[rows, Ts, units]` float32. */
  readonly encoderOutputs: tf.Tensor3D;
  /** Source ids `[rows, Ts]` int32 (0 = padding, masked out of attention). */
  readonly sourceIds: tf.Tensor2D;
  /** Decoder states, layer by layer: `[h]` per GRU layer, `[h, c]` per LSTM layer, each `[rows, units]`. */
  readonly states: tf.Tensor2D[];
};

/** A `StepModel` over one batch of sources (see {@link EncoderDecoder.stepModel}). */
export interface DecoderStepModel extends StepModel<DecoderStepState> {
  /** Number of sources the encoder ran on. */
  readonly sourceCount: number;
  /**
   * One step that also returns the attention weights `[rows, Ts]` of the new token (new tensor,
   * caller owns; all zeros without attention).
   */
  stepWithAttention(
    ids: Int32Array,
    state: DecoderStepState,
  ): { logits: tf.Tensor2D; state: DecoderStepState; attention: tf.Tensor2D };
  /** Frees the encoder outputs and source ids it holds (states handed out stay the caller's). */
  dispose(): void;
}

/** Runs the encoder once on `sourceIds` and returns the decoder StepModel (see {@link EncoderDecoder.stepModel}). */
export function decoderStepModel(
  translator: EncoderDecoder,
  sourceIds: tf.Tensor2D | IdRows | ArrayLike<number>,
): DecoderStepModel {
  const where = 'EncoderDecoder.stepModel';
  const { config, graph } = translator;
  const stateCount = config.cell === 'lstm' ? 2 : 1;
  const { source, encoded } = tf.tidy(() => {
    const ids = toIdTensor(where, 'sourceIds', sourceIds, config.sourceVocabularySize);
    const outputs = graph.encoder.predict(ids) as tf.Tensor[];
    // A tensor the caller passed in stays theirs: keep a copy.
    return { source: ids === sourceIds ? tf.clone(ids) : ids, encoded: outputs };
  });
  const [encoderOutputs, ...finalStates] = encoded as [tf.Tensor3D, ...tf.Tensor2D[]];
  const sourceCount = source.shape[0];
  let disposed = false;

  const checkLive = (what: string) => {
    if (disposed) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `DecoderStepModel.${what}: the step model was disposed; make a new one with translator.stepModel(sourceIds).`,
      );
    }
  };

  const gather = (state: DecoderStepState, rows: tf.Tensor1D): DecoderStepState => ({
    encoderOutputs: tf.gather(state.encoderOutputs, rows),
    sourceIds: tf.gather(state.sourceIds, rows),
    states: state.states.map((s) => tf.gather(s, rows)),
  });

  const runStep = (ids: Int32Array, state: DecoderStepState) => {
    checkLive('step');
    const rows = state.sourceIds.shape[0];
    if (!(ids instanceof Int32Array) || ids.length !== rows) {
      throw new Seq2SeqError(
        'SEQ2SEQ_INVALID_INPUT',
        `DecoderStepModel.step: ids must be an Int32Array of ${rows} ids (one per state row), got ${ids?.length ?? ids}.`,
      );
    }
    for (const id of ids) {
      if (id < 0 || id >= config.targetVocabularySize) {
        throw new Seq2SeqError(
          'SEQ2SEQ_INVALID_INPUT',
          `DecoderStepModel.step: id ${id} is outside the target vocabulary 0 … ${config.targetVocabularySize - 1}.`,
        );
      }
    }
    return tf.tidy(() => {
      const idTensor = tf.tensor1d(ids, 'int32');
      const [embeddings] = graph.targetEmbedding.getWeights() as [tf.Tensor2D];
      let x = tf.expandDims(tf.gather(embeddings, idTensor), 1) as tf.Tensor3D;
      // Id 0 is padding, as the Embedding's maskZero: the state is carried over, as in training.
      const mask = tf.reshape(tf.cast(tf.notEqual(idTensor, 0), 'float32'), [rows, 1]) as tf.Tensor2D;
      const next: tf.Tensor2D[] = [];
      graph.decoderLayers.forEach((layer, i) => {
        const [kernel, recurrentKernel, bias] = layer.getWeights() as [tf.Tensor2D, tf.Tensor2D, tf.Tensor];
        const states = state.states.slice(i * stateCount, (i + 1) * stateCount);
        if (config.cell === 'lstm') {
          const run = lstmSequence(
            x,
            states[0]!,
            states[1]!,
            { kernel, recurrentKernel, bias: bias as tf.Tensor1D },
            { mask },
          );
          x = run.outputs;
          next.push(run.h, run.c);
        } else {
          const run = gruSequence(
            x,
            states[0]!,
            { kernel, recurrentKernel, bias },
            { resetAfter: true, mask },
          );
          x = run.outputs;
          next.push(run.h);
        }
      });
      let features = x;
      let attention: tf.Tensor2D;
      if (graph.attention !== null) {
        const result = attend(
          graph.attention.score,
          x,
          state.encoderOutputs,
          state.sourceIds,
          graph.attention.attentionWeights(),
        );
        features = result.hidden;
        attention = tf.reshape(result.weights, [rows, -1]) as tf.Tensor2D;
      } else {
        attention = tf.zeros([rows, state.sourceIds.shape[1]]);
      }
      const [headKernel, headBias] = graph.head.getWeights() as [tf.Tensor2D, tf.Tensor1D];
      const logits = tf.add(
        tf.matMul(tf.reshape(features, [rows, config.units]), headKernel),
        headBias,
      ) as tf.Tensor2D;
      return {
        logits,
        attention,
        state: {
          encoderOutputs: tf.clone(state.encoderOutputs),
          sourceIds: tf.clone(state.sourceIds),
          states: next,
        },
      };
    });
  };

  return {
    vocabularySize: config.targetVocabularySize,
    sourceCount,
    initialState(batchSize: number): DecoderStepState {
      checkLive('initialState');
      if (!Number.isInteger(batchSize) || batchSize < 1 || (sourceCount !== 1 && batchSize !== sourceCount)) {
        throw new Seq2SeqError(
          'SEQ2SEQ_INVALID_INPUT',
          `DecoderStepModel.initialState: batchSize must be ${sourceCount === 1 ? 'a positive integer' : sourceCount} ` +
            `(the step model holds ${sourceCount} source${sourceCount === 1 ? '' : 's'}), got ${batchSize}.`,
        );
      }
      return tf.tidy(() =>
        gather(
          { encoderOutputs, sourceIds: source, states: finalStates },
          tf.tensor1d(
            sourceCount === 1
              ? new Int32Array(batchSize)
              : Int32Array.from({ length: batchSize }, (_, i) => i),
            'int32',
          ),
        ),
      );
    },
    step(ids: Int32Array, state: DecoderStepState) {
      const { logits, state: next, attention } = runStep(ids, state);
      attention.dispose();
      return { logits, state: next };
    },
    stepWithAttention: runStep,
    gatherState(state: DecoderStepState, rows: Int32Array): DecoderStepState {
      checkLive('gatherState');
      return tf.tidy(() => gather(state, tf.tensor1d(rows, 'int32')));
    },
    disposeState(state: DecoderStepState): void {
      tf.dispose([state.encoderOutputs, state.sourceIds, ...state.states]);
    },
    dispose(): void {
      if (disposed) return;
      disposed = true;
      tf.dispose([encoderOutputs, source, ...finalStates]);
    },
  };
}
